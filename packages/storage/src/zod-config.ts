// Zod compiles fast validators with `new Function` unless told not to. A page
// with a Content-Security-Policy that forbids eval (the Chatkeep server sends
// one) would report a violation for that, even for zod's own probe, so the
// library runs zod without it. Imported first by every module that builds
// schemas: zod reads the setting when a schema is created. Listed under
// `sideEffects` in package.json so that bundlers keep the import.
import { z } from 'zod';

z.config({ jitless: true });
