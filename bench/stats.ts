// Summary statistics for benchmark samples: median, percentiles, and the spread across runs.

/** The middle of several runs, with the extremes. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

// The p-th percentile (0..100) of the samples, by nearest rank; NaN for no samples.
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

// The median of the samples (the mean of the two middle ones for an even count); NaN for no samples.
export function median(samples: readonly number[]): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

// The median, min and max of per-run figures.
export function spreadOf(values: readonly number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

// A spread as "median (min-max)" with the given formatter.
export function formatSpread(spread: Spread, format: (value: number) => string): string {
  return `${format(spread.median)} (${format(spread.min)}-${format(spread.max)})`;
}
