// Real processes: arbor's own crash-to-restart overhead (timed inside the driver boundary), and the downtime of a
// restart side by side with a bare spawn loop and PM2, rounds interleaved so machine load hits all three alike.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRealDriver } from '../src/index.js';
import { openPm2, type Pm2Session } from './pm2-session.js';
import { arborRun, bareLoop, downtimes, pm2Run } from './restarters.js';
import { median, percentile, spreadOf, type Spread } from './stats.js';
import { TimingDriver, type RestartTiming } from './timing-driver.js';

/** How to run the real-process benchmarks. */
export interface RealBenchOptions {
  runs: number;
  restartsPerRun: number;
  /** Leave PM2 out (it is also left out when the package is not installed). */
  skipPm2: boolean;
}

/** A figure per run (spread across runs) and over every sample pooled. */
export interface Figure {
  perRun: Spread;
  pooled: number;
}

/** arbor's overhead: from the OS exit observed to the replacement's spawn call, and the spawn call itself. */
export interface OverheadResult {
  samples: number;
  overheadMedian: Figure;
  overheadP90: Figure;
  spawnMedian: Figure;
}

/** One restarter's downtime per restart (the worker's exit to its replacement's first line). */
export interface DowntimeResult {
  name: 'bare spawn loop' | 'arbor' | 'pm2';
  /** Why it was not measured, or null. */
  skipped: string | null;
  samples: number;
  median: Figure | null;
  p90: Figure | null;
}

/** Everything the real-process rounds measured. */
export interface RealBenchResult {
  overhead: OverheadResult;
  downtime: DowntimeResult[];
}

// A statistic per run and over all runs pooled.
function figure(perRun: number[][], statistic: (samples: number[]) => number): Figure {
  return { perRun: spreadOf(perRun.map(statistic)), pooled: statistic(perRun.flat()) };
}

const p90 = (samples: number[]): number => percentile(samples, 90);

function downtimeResult(name: DowntimeResult['name'], perRun: number[][]): DowntimeResult {
  return { name, skipped: null, samples: perRun.flat().length, median: figure(perRun, median), p90: figure(perRun, p90) };
}

// Runs `runs` rounds of bare loop, arbor (instrumented) and PM2, each restarting the crashing worker `restartsPerRun` times.
export async function benchRealRestarts(options: RealBenchOptions): Promise<RealBenchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arbor-bench-'));
  const bare: number[][] = [];
  const arbor: number[][] = [];
  const pm2: number[][] = [];
  const timings: RestartTiming[][] = [];
  let session: Pm2Session | null = null;
  let pm2Skipped: string | null = options.skipPm2 ? 'skipped (--skip-pm2)' : null;
  try {
    if (!options.skipPm2) {
      session = await openPm2(path.join(dir, 'pm2-home'));
      if (!session) pm2Skipped = 'pm2 is not installed';
    }
    // A warm-up round for arbor (module loading, JIT), not counted.
    await arborRun(path.join(dir, 'warm-up.log'), 3, createRealDriver());
    for (let run = 0; run < options.runs; run += 1) {
      const file = (who: string): string => path.join(dir, `${who}-${run}.log`);
      await bareLoop(file('bare'), options.restartsPerRun);
      bare.push(downtimes(file('bare'), options.restartsPerRun));
      const driver = new TimingDriver(createRealDriver());
      await arborRun(file('arbor'), options.restartsPerRun, driver);
      arbor.push(downtimes(file('arbor'), options.restartsPerRun));
      timings.push(driver.timings.slice(0, options.restartsPerRun));
      if (session) {
        await pm2Run(session, file('pm2'), options.restartsPerRun, `arbor-bench-${run}`);
        pm2.push(downtimes(file('pm2'), options.restartsPerRun));
      }
    }
  } finally {
    await session?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const overheads = timings.map((run) => run.map((timing) => timing.overheadMs));
  const spawns = timings.map((run) => run.map((timing) => timing.spawnMs));
  return {
    overhead: {
      samples: overheads.flat().length,
      overheadMedian: figure(overheads, median),
      overheadP90: figure(overheads, p90),
      spawnMedian: figure(spawns, median),
    },
    downtime: [
      downtimeResult('bare spawn loop', bare),
      downtimeResult('arbor', arbor),
      pm2Skipped === null ? downtimeResult('pm2', pm2) : { name: 'pm2', skipped: pm2Skipped, samples: 0, median: null, p90: null },
    ],
  };
}
