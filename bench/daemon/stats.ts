// Summary statistics of per-run figures: the median with the extremes, and how they print.

/** The median of several runs with the extremes. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number;
}

// The median (the mean of the two middle values for an even count); NaN for no values.
export function median(values: readonly number[]): number {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

// The median, min and max of per-run figures (non-finite figures, from failed runs, are left out).
export function spreadOf(values: readonly number[]): Spread {
  const finite = values.filter((value) => Number.isFinite(value));
  if (finite.length === 0) return { median: NaN, min: NaN, max: NaN, runs: 0 };
  return { median: median(finite), min: Math.min(...finite), max: Math.max(...finite), runs: finite.length };
}

// "median (min-max)" with the given formatter; "n/a" when no run produced a figure.
export function formatSpread(spread: Spread, format: (value: number) => string): string {
  if (spread.runs === 0) return 'n/a';
  if (spread.runs === 1) return format(spread.median);
  return `${format(spread.median)} (${format(spread.min)}-${format(spread.max)})`;
}

// Pairwise differences a[i] - b[i] of two same-length series of per-run figures.
export function differences(a: readonly number[], b: readonly number[]): number[] {
  return a.map((value, index) => value - (b[index] ?? NaN));
}
