// `npm run bench`: the supervision core's speed. Engine decisions per second on simulated processes, then real
// restarts: arbor's own overhead, and the downtime per restart beside a bare spawn loop and PM2, in the same run.
// Flags: --quick (fewer, shorter runs), --only=engine|real, --skip-pm2.
import * as os from 'node:os';
import { parseArgs } from 'node:util';

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    'skip-pm2': { type: 'boolean', default: false },
  },
});
if (flags.only !== undefined && flags.only !== 'engine' && flags.only !== 'real') {
  process.stderr.write(`--only must be "engine" or "real", got ${JSON.stringify(flags.only)}\n`);
  process.exit(2);
}
// Set before the engine is loaded, so nothing it imports runs in development mode.
process.env.NODE_ENV ??= 'production';

const { benchEngine } = await import('./engine.js');
const { benchRealRestarts } = await import('./real-restarts.js');
const { summaryTable } = await import('./report.js');
const { formatSpread } = await import('./stats.js');

const plan = flags.quick
  ? { engine: { runs: 3, crashes: 2_000, workers: 20 }, real: { runs: 2, restartsPerRun: 5 } }
  : { engine: { runs: 5, crashes: 10_000, workers: 20 }, real: { runs: 5, restartsPerRun: 20 } };

const began = performance.now();
const log = (line: string): void => void process.stdout.write(`${line}\n`);
log(`arbor bench: node ${process.version}, ${os.platform()} ${os.arch()}, ${os.availableParallelism()} CPUs, load ${os.loadavg()[0]!.toFixed(2)}, NODE_ENV=${process.env.NODE_ENV}${flags.quick ? ', --quick' : ''}`);

const engine =
  flags.only === 'real'
    ? null
    : await (async () => {
        log(`\nengine: restart decisions/s, SimulatedDriver + SimulatedClock, ${plan.engine.workers} workers, ${plan.engine.runs} runs per strategy after a warm-up`);
        const results = await benchEngine(plan.engine);
        for (const result of results) {
          log(`  ${result.strategy.padEnd(13)} ${formatSpread(result.decisionsPerSecond, (v) => `${Math.round(v)}/s`)}  (${result.decisionsPerRun} crashes per run)`);
        }
        return results;
      })();

const real =
  flags.only === 'engine'
    ? null
    : await (async () => {
        log(`\nreal restarts: a node worker that exits 1 at once, ${plan.real.runs} rounds of ${plan.real.restartsPerRun} restarts (bare loop, arbor, pm2 in turn)`);
        const result = await benchRealRestarts({ ...plan.real, skipPm2: flags['skip-pm2'] });
        log(`  arbor overhead (exit observed -> next spawn call): median ${result.overhead.overheadMedian.pooled.toFixed(3)} ms, p90 ${result.overhead.overheadP90.pooled.toFixed(3)} ms`);
        for (const downtime of result.downtime) {
          log(`  downtime ${downtime.name.padEnd(15)} ${downtime.median ? `median ${downtime.median.pooled.toFixed(1)} ms, p90 ${downtime.p90!.pooled.toFixed(1)} ms` : downtime.skipped}`);
        }
        return result;
      })();

log(`\nsummary (${((performance.now() - began) / 1000).toFixed(1)} s)`);
log(summaryTable(engine, real));
if (real) log("\ndowntime = the replacement's first line of JS - the crashed run's last exit; it includes fork, exec and node's own boot.");
