// Summaries of measured samples: medians with min and max, percentiles.

export interface Summary {
  median: number;
  min: number;
  max: number;
  runs: number;
}

export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) throw new Error('no samples to summarise');
  const sorted = [...samples].sort((a, b) => a - b);
  // Nearest rank: p99 of 100 samples is the 99th smallest.
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export function summarize(samples: number[]): Summary {
  if (samples.length === 0 || samples.some((s) => !Number.isFinite(s))) {
    throw new Error(
      `cannot summarise samples ${JSON.stringify(samples)}: every run must give a finite number`,
    );
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return {
    median: sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2,
    min: Math.min(...samples),
    max: Math.max(...samples),
    runs: samples.length,
  };
}
