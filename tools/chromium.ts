// How every test and benchmark launches Chromium: the system browser (never
// a downloaded one) with the flags this network needs. Without the
// background-networking flags Chromium keeps dialling Google's hosts, which a
// closed network refuses many times a second.
export const chromiumPath: string = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const chromiumArgs: string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
