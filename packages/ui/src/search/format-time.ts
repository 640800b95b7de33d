/** When a hit was written, as short as is still clear: the time today, else the date (with the year when not this one). */
export function formatHitTime(time: number, now = Date.now(), locale?: string): string {
  const at = new Date(time);
  const today = new Date(now);
  if (at.toDateString() === today.toDateString()) {
    return at.toLocaleTimeString(locale, { hour: 'numeric', minute: '2-digit' });
  }
  return at.toLocaleDateString(locale, {
    day: 'numeric',
    month: 'short',
    year: at.getFullYear() === today.getFullYear() ? undefined : 'numeric',
  });
}
