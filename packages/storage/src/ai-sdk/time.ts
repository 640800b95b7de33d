// Message and thread dates arrive as Date objects, ISO strings, epoch
// milliseconds, epoch seconds or numeric strings; this reads all of them.

/** Epoch numbers below this are taken as seconds: as milliseconds they would fall before 1973. */
const SECONDS_THRESHOLD = 1e11;

/** Milliseconds since epoch, or undefined when `value` is not a usable date. */
export function toEpochMs(value: unknown): number | undefined {
  let ms: number | undefined;
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === 'number') ms = value < SECONDS_THRESHOLD ? value * 1000 : value;
  else if (typeof value === 'string' && value.trim()) {
    const text = value.trim();
    if (/^\d+(\.\d+)?$/.test(text)) return toEpochMs(Number(text));
    ms = Date.parse(text);
  }
  if (ms === undefined || !Number.isFinite(ms) || ms <= 0) return undefined;
  return Math.round(ms);
}
