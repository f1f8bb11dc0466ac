// Formats the bench results: one compact table with the median, the spread across runs, and the aim or the ratio.
import type { EngineResult } from './engine.js';
import type { RealBenchResult } from './real-restarts.js';
import { formatSpread } from './stats.js';

/** The aims of the issue: 100,000 restart decisions per second, under 5 ms of arbor overhead per real restart. */
export const AIMS = { decisionsPerSecond: 100_000, overheadMs: 5 };

const rate = (value: number): string => `${Math.round(value).toLocaleString('en-US')}/s`;
const ms = (value: number): string => `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;

function row(cells: string[], widths: number[]): string {
  return cells.map((cell, index) => cell.padEnd(widths[index] ?? 0)).join('  ').trimEnd();
}

// The summary table of whatever was measured (either part may be missing when run with --only).
export function summaryTable(engine: EngineResult[] | null, real: RealBenchResult | null): string {
  const rows: string[][] = [['measurement', 'median (min-max over runs)', 'pooled', 'aim / vs arbor']];
  for (const result of engine ?? []) {
    const starts = result.startsPerDecision === 1 ? '1 start' : `${result.startsPerDecision} starts`;
    rows.push([
      `decisions/s ${result.strategy} (${result.workers} workers, ${starts} each)`,
      formatSpread(result.decisionsPerSecond, rate),
      '',
      result.strategy === 'one_for_one' ? `${rate(AIMS.decisionsPerSecond)} (${(result.decisionsPerSecond.median / AIMS.decisionsPerSecond).toFixed(2)}x)` : '',
    ]);
  }
  if (real) {
    const { overhead } = real;
    const verdict = (value: number): string => `< ${AIMS.overheadMs} ms ${value < AIMS.overheadMs ? 'met' : 'MISSED'}`;
    rows.push([`arbor exit -> next spawn call, median (${overhead.samples} restarts)`, formatSpread(overhead.overheadMedian.perRun, ms), ms(overhead.overheadMedian.pooled), verdict(overhead.overheadMedian.pooled)]);
    rows.push(['arbor exit -> next spawn call, p90', formatSpread(overhead.overheadP90.perRun, ms), ms(overhead.overheadP90.pooled), '']);
    rows.push(['spawn call itself (fork + exec), median', formatSpread(overhead.spawnMedian.perRun, ms), ms(overhead.spawnMedian.pooled), '']);
    const arbor = real.downtime.find((result) => result.name === 'arbor')?.median?.pooled ?? NaN;
    for (const result of real.downtime) {
      const label = `downtime per restart, ${result.name}`;
      if (result.median === null || result.p90 === null) {
        rows.push([label, result.skipped ?? 'not measured', '', '']);
        continue;
      }
      const ratio = result.name === 'arbor' ? '1.00x' : `${(result.median.pooled / arbor).toFixed(2)}x`;
      rows.push([`${label}, median (p90 ${ms(result.p90.pooled)})`, formatSpread(result.median.perRun, ms), ms(result.median.pooled), ratio]);
    }
  }
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((cells) => cells[column]!.length)));
  const lines = rows.map((cells) => row(cells, widths));
  lines.splice(1, 0, widths.map((width) => '-'.repeat(width)).join('  '));
  return lines.join('\n');
}
