// Restart decisions per second through the supervision engine, on simulated processes and a simulated clock:
// what the engine itself costs per decision, with no OS in the way.
import { start, supervisor, worker, type StrategyName } from '../src/index.js';
import { SimulatedClock, SimulatedDriver } from '../src/testing/index.js';
import { spreadOf, type Spread } from './stats.js';

/** How to run the engine benchmark. */
export interface EngineBenchOptions {
  /** Measured runs per strategy (one more runs first, as a warm-up, and is not counted). */
  runs: number;
  /** Crashes per run for one_for_one; the group strategies restart more children per decision and get fewer. */
  crashes: number;
  workers: number;
}

/** Decisions per second of one strategy across runs. */
export interface EngineResult {
  strategy: StrategyName;
  workers: number;
  decisionsPerRun: number;
  /** Child starts per decision (1 for one_for_one, all workers for one_for_all). */
  startsPerDecision: number;
  decisionsPerSecond: Spread;
}

const STRATEGIES: StrategyName[] = ['one_for_one', 'rest_for_one', 'one_for_all'];
/** Simulated time between crashes: with intensity 10 per (whole, inclusive) second the limit is never reached. */
const CRASH_SPACING_MS = 300;
/** The group strategies restart several children per decision; fewer crashes keep their runs about as long. */
const CRASH_SHARE: Record<StrategyName, number> = { one_for_one: 1, rest_for_one: 0.1, one_for_all: 0.05 };

// One run: a fresh tree, `crashes` crashes round-robin over the workers; returns decisions per second of wall time.
async function runOnce(strategy: StrategyName, workers: number, crashes: number): Promise<{ perSecond: number; starts: number }> {
  const clock = new SimulatedClock();
  const driver = new SimulatedDriver(clock);
  driver.recording = false;
  const ids = Array.from({ length: workers }, (_, index) => `w${index}`);
  let decisions = 0;
  let starts = 0;
  const tree = await start(
    supervisor({ id: 'root', strategy, intensity: 10, period: 1 }, ids.map((id) => worker({ id, command: 'sim' }))),
    {
      clock,
      driver,
      random: () => 0,
      onEvent: (event) => {
        if (event.type === 'child.restarting') decisions += 1;
        else if (event.type === 'child.started') starts += 1;
      },
    },
  );
  starts = 0;
  const began = performance.now();
  for (let crash = 0; crash < crashes; crash += 1) {
    driver.crash(ids[crash % workers]!);
    clock.advance(CRASH_SPACING_MS);
  }
  const seconds = (performance.now() - began) / 1000;
  if (decisions !== crashes || tree.status() !== 'online' || driver.running().length !== workers) {
    throw new Error(`${strategy}: ${crashes} crashes gave ${decisions} decisions, tree ${tree.status()}, ${driver.running().length}/${workers} running`);
  }
  await tree.stop();
  return { perSecond: decisions / seconds, starts: starts / decisions };
}

// Measures every strategy: a warm-up run, then `runs` runs each.
export async function benchEngine(options: EngineBenchOptions): Promise<EngineResult[]> {
  const results: EngineResult[] = [];
  for (const strategy of STRATEGIES) {
    const crashes = Math.max(options.workers, Math.round(options.crashes * CRASH_SHARE[strategy]));
    await runOnce(strategy, options.workers, crashes);
    const rates: number[] = [];
    let startsPerDecision = 0;
    for (let run = 0; run < options.runs; run += 1) {
      const measured = await runOnce(strategy, options.workers, crashes);
      rates.push(measured.perSecond);
      startsPerDecision = measured.starts;
    }
    results.push({ strategy, workers: options.workers, decisionsPerRun: crashes, startsPerDecision, decisionsPerSecond: spreadOf(rates) });
  }
  return results;
}
