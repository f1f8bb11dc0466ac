// Scenario 4: exit-to-respawn. An app exits 200 ms after each start and is restarted at once; from its own record
// (see fixtures/exit-after.cjs) each restart gives, measured from the outside:
//   spawn:   its exit line -> the next process's start (performance.timeOrigin, set as Node's process begins);
//   running: its exit line -> the next script's first line (includes Node's boot).
// For arbor also the daemon-side figure: the 'exited' -> next 'started' entries of its pino log (ms resolution).
// And for both daemons, where perf is installed, the reaction seen from the kernel (syscall-trace.ts): the wait4
// that reaped the exited app -> the clone call that respawned it, in microseconds.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { waitFor } from './command.js';
import { flappingApp } from './apps.js';
import { median } from './stats.js';
import { respawnsFromTrace, startSyscallTrace } from './syscall-trace.js';
import type { Sandbox } from './sandbox.js';
import { createTool, startDaemon, type Tool, type ToolName } from './tools.js';

/** Per-run medians in ms. */
export interface RespawnResult {
  spawnMs: Record<ToolName, number[]>;
  runningMs: Record<ToolName, number[]>;
  /** arbor only, from its log: exit -> next start, and exit -> restart decision. */
  daemonMs: number[];
  decideMs: number[];
  /** Both daemons, from perf trace: the reap of the exited app -> the respawn's clone call, and that clone call. */
  reactionMs: Record<ToolName, number[]>;
  forkMs: Record<ToolName, number[]>;
  /** False when perf trace is not available here (the two figures above are then empty). */
  traced: boolean;
  /** Restarts measured per run. */
  restarts: number;
}

/** One restart seen in the app's record. */
export interface RecordedRestart {
  spawnMs: number;
  runningMs: number;
}

// Pairs each "exit <t>" line of an exit-after.cjs record with the "start <origin> <first line>" after it.
export function restartsFromRecord(text: string): RecordedRestart[] {
  const restarts: RecordedRestart[] = [];
  let exitAt: number | undefined;
  for (const line of text.split('\n')) {
    const [kind, first, second] = line.split(' ');
    if (kind === 'exit') exitAt = Number(first);
    if (kind === 'start' && exitAt !== undefined) {
      restarts.push({ spawnMs: Number(first) - exitAt, runningMs: Number(second) - exitAt });
      exitAt = undefined;
    }
  }
  return restarts;
}

/** One restart in arbor's daemon log, in ms. */
export interface LoggedRestart {
  /** 'exited' -> the next 'started' (after the spawn call returned). */
  totalMs: number;
  /** 'exited' -> 'restart decided' (the supervisor's decision; the rest is preparing and calling spawn). */
  decideMs: number;
}

// From arbor's daemon log (pino JSON lines): for the processes supervised by `supervisor`, each 'exited' to the next 'started'.
export function daemonRespawnsFromLog(text: string, supervisor: string): LoggedRestart[] {
  const restarts: LoggedRestart[] = [];
  let exitedAt: number | undefined;
  let decidedAt: number | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    let entry: { supervisor?: unknown; msg?: unknown; time?: unknown };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue;
    }
    if (entry.supervisor !== supervisor) continue;
    const time = typeof entry.time === 'number' ? entry.time : Date.parse(String(entry.time));
    if (entry.msg === 'exited') [exitedAt, decidedAt] = [time, undefined];
    if (entry.msg === 'restart decided' && exitedAt !== undefined) decidedAt = time;
    if (entry.msg === 'started' && exitedAt !== undefined) {
      restarts.push({ totalMs: time - exitedAt, decideMs: (decidedAt ?? time) - exitedAt });
      exitedAt = undefined;
    }
  }
  return restarts;
}

// `runs` runs, arbor and PM2 in turn (order alternating), each letting a fresh flapping app restart `restarts` times.
export async function benchRespawn(sandbox: Sandbox, options: { runs: number; restarts: number }): Promise<RespawnResult> {
  const tools: Tool[] = [createTool('arbor', sandbox, 'respawn'), createTool('pm2', sandbox, 'respawn')];
  const result: RespawnResult = {
    spawnMs: { arbor: [], pm2: [] },
    runningMs: { arbor: [], pm2: [] },
    daemonMs: [],
    decideMs: [],
    reactionMs: { arbor: [], pm2: [] },
    forkMs: { arbor: [], pm2: [] },
    traced: true,
    restarts: options.restarts,
  };
  try {
    const daemonPids = new Map<ToolName, number>();
    for (const tool of tools) daemonPids.set(tool.name, await startDaemon(tool));
    for (let run = 0; run < options.runs; run += 1) {
      for (const tool of run % 2 === 0 ? tools : [...tools].reverse()) {
        const name = `flap-${run}`;
        const record = path.join(sandbox.root, `${tool.name}-flap-${run}.record`);
        const trace = await startSyscallTrace(daemonPids.get(tool.name)!, path.join(sandbox.root, `${tool.name}-flap-${run}.trace`));
        if (trace === undefined) result.traced = false;
        await tool.cli(['start', tool.writeConfig(name, [flappingApp(name, record)])]);
        const wanted = options.restarts + 1;
        const text = await waitFor(
          `${wanted} starts of ${tool.name}'s ${name}`,
          () => {
            const content = fs.existsSync(record) ? fs.readFileSync(record, 'utf8') : '';
            return content.split('\n').filter((line) => line.startsWith('start ')).length >= wanted ? content : undefined;
          },
          30_000 + options.restarts * 2_000,
        );
        const traced = trace === undefined ? [] : respawnsFromTrace(await trace.stop()).slice(0, options.restarts);
        await tool.cli(['delete', name]);
        if (traced.length > 0) {
          result.reactionMs[tool.name].push(median(traced.map((respawn) => respawn.reactionMs)));
          result.forkMs[tool.name].push(median(traced.map((respawn) => respawn.forkMs)));
        }
        const restarts = restartsFromRecord(text).slice(0, options.restarts);
        result.spawnMs[tool.name].push(median(restarts.map((restart) => restart.spawnMs)));
        result.runningMs[tool.name].push(median(restarts.map((restart) => restart.runningMs)));
        if (tool.name === 'arbor') {
          const log = fs.readFileSync(path.join(tool.home, 'arbor.log'), 'utf8');
          const logged = daemonRespawnsFromLog(log, `root/${name}`).slice(0, options.restarts);
          result.daemonMs.push(median(logged.map((restart) => restart.totalMs)));
          result.decideMs.push(median(logged.map((restart) => restart.decideMs)));
        }
      }
    }
    return result;
  } finally {
    for (const tool of tools) await tool.kill();
  }
}
