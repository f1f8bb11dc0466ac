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

/** How a figure prints: the value divided by scale, with this many decimals, then the unit. */
export interface Unit {
  scale: number;
  digits: number;
  suffix: string;
}

// A value in its unit, e.g. "460 ms".
export function formatValue(value: number, unit: Unit): string {
  return `${(value / unit.scale).toFixed(unit.digits)}${unit.suffix}`;
}

// "median (min-max) unit", e.g. "460 (381-577) ms"; "n/a" when no run produced a figure.
export function formatSpread(spread: Spread, unit: Unit): string {
  if (spread.runs === 0) return 'n/a';
  const number = (value: number): string => (value / unit.scale).toFixed(unit.digits);
  if (spread.runs === 1) return formatValue(spread.median, unit);
  return `${number(spread.median)} (${number(spread.min)}-${number(spread.max)})${unit.suffix}`;
}

// Pairwise differences a[i] - b[i] of two same-length series of per-run figures.
export function differences(a: readonly number[], b: readonly number[]): number[] {
  return a.map((value, index) => value - (b[index] ?? NaN));
}
