// `tsx bench/daemon.ts [--quick] [--only=cli,memory,fifty,respawn,flood]`: arbor's daemon and CLI side by side with
// PM2 in the same run (A, B, A, B, order alternating), medians of several runs with min-max, one table with ratios
// (arbor / pm2) and the aims. Every home is a fresh temp dir; both daemons are killed after each scenario and
// nothing is left running (checked at the end through an environment marker every started process inherits).
// Needs the build (npm run build): it runs the bundled CLI and daemon, as users do. The respawn scenario also reads
// both daemons' wait4 and clone calls with `perf trace` (Debian's linux-perf) when it is installed; without it that row is n/a.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { findPython } from './daemon/apps.js';
import { benchCliLatency } from './daemon/cli-latency.js';
import { benchFiftyApps } from './daemon/fifty-apps.js';
import { benchIdleMemory } from './daemon/idle-memory.js';
import { benchLogFlood } from './daemon/log-flood.js';
import { processesWithEnv } from './daemon/proc.js';
import { formatTable, resultRows, type Results } from './daemon/report.js';
import { benchRespawn } from './daemon/respawn.js';
import { createSandbox, MARKER_VARIABLE } from './daemon/sandbox.js';
import { checkToolsInstalled, FIXTURES, PM2_CLI } from './daemon/tools.js';

const SCENARIOS = ['cli', 'memory', 'fifty', 'respawn', 'flood'] as const;
type Scenario = (typeof SCENARIOS)[number];

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
const only = flags.only === undefined ? [...SCENARIOS] : flags.only.split(',').map((name) => name.trim());
const unknown = only.filter((name) => !(SCENARIOS as readonly string[]).includes(name));
if (unknown.length > 0) {
  process.stderr.write(`--only takes a comma-separated list of ${SCENARIOS.join(', ')}; got ${unknown.join(', ')}\n`);
  process.exit(2);
}
const selected = new Set(only as Scenario[]);

const plan = flags.quick
  ? {
      cli: { rounds: 5, apps: 10 },
      memory: { runs: 3, settleMs: 5_000 },
      fifty: { runs: 1, settleMs: 5_000, cpuWindowMs: 10_000 },
      respawn: { runs: 3, restarts: 5 },
      flood: { runs: 1, floodMs: 3_000 },
    }
  : {
      cli: { rounds: 20, apps: 10 },
      memory: { runs: 5, settleMs: 10_000 },
      fifty: { runs: 3, settleMs: 10_000, cpuWindowMs: 20_000 },
      respawn: { runs: 5, restarts: 15 },
      flood: { runs: 3, floodMs: 5_000 },
    };

checkToolsInstalled();
const log = (line: string): void => void process.stdout.write(`${line}\n`);
const began = performance.now();
const elapsed = (): string => `${((performance.now() - began) / 1000).toFixed(0)} s`;
const pm2Version = (JSON.parse(fs.readFileSync(path.join(path.dirname(PM2_CLI), '..', 'package.json'), 'utf8')) as { version: string }).version;
const python = findPython();
log(
  `arbor daemon bench: node ${process.version}, ${os.platform()} ${os.arch()}, ${os.availableParallelism()} CPUs, ` +
    `load ${os.loadavg()[0]!.toFixed(2)}, pm2 ${pm2Version}, python ${python}${flags.quick ? ', --quick (fewer, shorter runs)' : ''}`,
);

const sandbox = createSandbox(FIXTURES);
let cleaned: Promise<string[]> | undefined;
const cleanup = (): Promise<string[]> => (cleaned ??= sandbox.cleanup());
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`\n${signal}: stopping every daemon and app started...`);
    void cleanup().finally(() => process.exit(130));
  });
}

const results: Results = {};
const failures: string[] = [];
async function scenario<K extends keyof Results>(key: K & Scenario, title: string, run: () => Promise<NonNullable<Results[K]>>): Promise<void> {
  if (!selected.has(key)) return;
  log(`[${elapsed()}] ${title}`);
  try {
    results[key] = await run();
  } catch (error) {
    failures.push(`${key}: ${(error as Error).message}`);
    log(`  failed: ${(error as Error).message}`);
  }
}

try {
  await scenario('cli', `1. CLI latency: ${plan.cli.rounds} rounds of node -e 0, ls, jlist, ping with ${plan.cli.apps} apps up`, () =>
    benchCliLatency(sandbox, plan.cli),
  );
  await scenario('memory', `2. idle RSS, 0 apps: ${plan.memory.runs} runs, read after ${plan.memory.settleMs / 1000} s`, () =>
    benchIdleMemory(sandbox, plan.memory),
  );
  await scenario(
    'fifty',
    `3/2/6. start 50 apps, then RSS after ${plan.fifty.settleMs / 1000} s and CPU over ${plan.fifty.cpuWindowMs / 1000} s: ${plan.fifty.runs} runs`,
    () => benchFiftyApps(sandbox, python, plan.fifty),
  );
  await scenario('respawn', `4. exit-to-respawn: ${plan.respawn.runs} runs of ${plan.respawn.restarts} restarts`, () =>
    benchRespawn(sandbox, plan.respawn),
  );
  await scenario('flood', `5. log flood: ${plan.flood.runs} runs of ${plan.flood.floodMs / 1000} s`, () => benchLogFlood(sandbox, plan.flood));
} finally {
  const problems = await cleanup();
  const left = processesWithEnv(`${MARKER_VARIABLE}=${sandbox.root}`);
  log(`\nsummary (${elapsed()}; medians of per-run figures, (min-max) across runs; ratio = arbor / pm2)\n`);
  log(formatTable(resultRows(results)));
  for (const failure of failures) log(`FAILED ${failure}`);
  for (const problem of problems) log(`problem: ${problem}`);
  log(left.length === 0 ? '\nprocesses left running: none' : `\nprocesses left running: ${left.map((entry) => entry.pid).join(', ')}`);
  if (failures.length > 0 || left.length > 0) process.exitCode = 1;
}
