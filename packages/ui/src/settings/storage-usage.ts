// How much this site stores and whether the browser promised to keep it
// (persistent storage is not evicted when the disk runs low).

export interface StorageUsage {
  /** Bytes used by this site, when the browser tells. */
  usage?: number;
  /** Bytes this site may use, when the browser tells. */
  quota?: number;
  /** undefined when the browser cannot say. */
  persisted?: boolean;
}

type StorageManagerLike = Pick<StorageManager, 'estimate' | 'persisted'>;

export async function readStorageUsage(
  manager: Partial<StorageManagerLike> | undefined = globalThis.navigator?.storage,
): Promise<StorageUsage> {
  const result: StorageUsage = {};
  try {
    const estimate = await manager?.estimate?.();
    if (typeof estimate?.usage === 'number') result.usage = estimate.usage;
    if (typeof estimate?.quota === 'number') result.quota = estimate.quota;
  } catch {
    // Some browsers refuse estimates in private windows: the numbers stay unknown.
  }
  try {
    const persisted = await manager?.persisted?.();
    if (typeof persisted === 'boolean') result.persisted = persisted;
  } catch {
    // Unknown.
  }
  return result;
}

const UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB'];

/** 1536 -> "1.5 KB"; decimal units, as browsers and disks show sizes. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return 'unknown';
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  if (unit === 0) return `${Math.round(value)} ${value === 1 ? 'byte' : 'bytes'}`;
  return `${value >= 100 ? Math.round(value) : Number(value.toFixed(1))} ${UNITS[unit]}`;
}

export function describeUsage({ usage, quota }: StorageUsage): string {
  if (usage === undefined) return 'This browser does not report how much Chatkeep stores.';
  if (quota === undefined || quota <= 0) return `${formatBytes(usage)} used.`;
  const percent = (usage / quota) * 100;
  const shown = percent > 0 && percent < 1 ? '<1' : String(Math.round(percent));
  return `${formatBytes(usage)} used of ${formatBytes(quota)} available (${shown}%).`;
}
