// What the machine did while a step ran (Linux /proc): CPU used by the
// bench's own Chromium against the whole machine's, I/O wait and disk
// writes. On a shared machine this tells a slow step that lost the CPU or
// the disk to others from one that did more work itself.
import { readdir, readFile } from 'node:fs/promises';

interface Sample {
  /** Machine jiffies: all, idle, iowait. */
  total: number;
  idle: number;
  iowait: number;
  /** The browser's processes: kind (renderer, utility...), jiffies used and bytes written so far. */
  browser: Map<number, { type: string; jiffies: number; written: number }>;
  /** Sectors written to the disks. */
  sectorsWritten: number;
  load1: number;
}

export interface LoadDuring {
  /** Seconds of CPU the bench's Chromium used, and every other process together. */
  browserCpuSeconds: number;
  /** The browser's CPU seconds by process kind: `browser` (main: it hosts IndexedDB), `renderer` (the page), ... */
  browserCpuByType: Record<string, number>;
  otherCpuSeconds: number;
  /** Share of all cores' time spent waiting on the disk. */
  iowaitShare: number;
  /** Written to the disks by every process, and by the bench's Chromium alone. */
  diskWrittenMB: number;
  browserWrittenMB: number;
  load1: number;
}

const HZ = 100;

async function text(path: string): Promise<string> {
  return readFile(path, 'utf8').catch(() => '');
}

/** utime+stime and parent of each process, from /proc/<pid>/stat. */
async function processes(): Promise<Map<number, { ppid: number; jiffies: number }>> {
  const out = new Map<number, { ppid: number; jiffies: number }>();
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await text(`/proc/${entry}/stat`);
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields.length < 13) continue;
    out.set(Number(entry), { ppid: Number(fields[1]), jiffies: Number(fields[11]) + Number(fields[12]) });
  }
  return out;
}

async function browserRoot(profileDir: string): Promise<number | undefined> {
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = (await text(`/proc/${entry}/cmdline`)).split('\0');
    if (cmdline.includes(`--user-data-dir=${profileDir}`) && !cmdline.some((a) => a.startsWith('--type=')))
      return Number(entry);
  }
  return undefined;
}

/**
 * `--type=` of a Chromium process (utility processes by their service), `browser` for the main one.
 * Child processes rewrite their command line with spaces between the arguments.
 */
async function processType(pid: number): Promise<string> {
  const args = (await text(`/proc/${pid}/cmdline`)).split(/[\0 ]/);
  const type = args.find((a) => a.startsWith('--type='))?.slice(7);
  if (!type) return 'browser';
  const service = args.find((a) => a.startsWith('--utility-sub-type='))?.slice(19);
  return service ? `${type}:${service}` : type;
}

async function sample(root: number | undefined): Promise<Sample> {
  const cpu = (await text('/proc/stat')).split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
  const disks = (await text('/proc/diskstats'))
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => /^(sd[a-z]+|vd[a-z]+|xvd[a-z]+|nvme\d+n\d+)$/.test(f[2] ?? ''));
  const browser: Sample['browser'] = new Map();
  if (root !== undefined) {
    const all = await processes();
    const tree = new Set([root]);
    // Children may appear after their parent in any order: repeat until nothing is added.
    for (let grew = true; grew; ) {
      grew = false;
      for (const [pid, p] of all) {
        if (!tree.has(pid) && tree.has(p.ppid)) {
          tree.add(pid);
          grew = true;
        }
      }
    }
    for (const pid of tree) {
      const io = /^write_bytes: (\d+)$/m.exec(await text(`/proc/${pid}/io`));
      browser.set(pid, {
        type: await processType(pid),
        jiffies: all.get(pid)?.jiffies ?? 0,
        written: Number(io?.[1] ?? 0),
      });
    }
  }
  return {
    total: cpu.slice(0, 8).reduce((a, b) => a + b, 0),
    idle: cpu[3] ?? 0,
    iowait: cpu[4] ?? 0,
    browser,
    sectorsWritten: disks.reduce((sum, f) => sum + Number(f[9] ?? 0), 0),
    load1: Number((await text('/proc/loadavg')).split(' ')[0] ?? 0),
  };
}

/** Runs `step` while sampling the machine; returns its result and the load during it. */
export async function withLoad<T>(profileDir: string, step: () => Promise<T>): Promise<[T, LoadDuring]> {
  const root = await browserRoot(profileDir);
  const before = await sample(root);
  const loads: number[] = [];
  const timer = setInterval(() => {
    void text('/proc/loadavg').then((l) => loads.push(Number(l.split(' ')[0])));
  }, 5000);
  try {
    const result = await step();
    const after = await sample(root);
    const total = after.total - before.total;
    const busy = total - (after.idle - before.idle) - (after.iowait - before.iowait);
    // Per process, so one that exits in between (a closed page's renderer) subtracts nothing.
    let browser = 0;
    let written = 0;
    const byType = new Map<string, number>();
    for (const [pid, now] of after.browser) {
      const then = before.browser.get(pid);
      const used = now.jiffies - (then?.jiffies ?? 0);
      browser += used;
      written += now.written - (then?.written ?? 0);
      byType.set(now.type, (byType.get(now.type) ?? 0) + used);
    }
    const round = (n: number) => Math.round(n * 100) / 100;
    loads.push(after.load1);
    return [
      result,
      {
        browserCpuSeconds: round(browser / HZ),
        browserCpuByType: Object.fromEntries([...byType].map(([type, j]) => [type, round(j / HZ)])),
        otherCpuSeconds: round((busy - browser) / HZ),
        iowaitShare: round(total > 0 ? (after.iowait - before.iowait) / total : 0),
        diskWrittenMB: round(((after.sectorsWritten - before.sectorsWritten) * 512) / 2 ** 20),
        browserWrittenMB: round(written / 2 ** 20),
        load1: round(loads.reduce((a, b) => a + b, 0) / loads.length),
      },
    ];
  } finally {
    clearInterval(timer);
  }
}
