// A daemon's exit-to-respawn reaction seen from the kernel: `perf trace` (tracepoints, no ptrace stops) records the
// daemon's wait4 and clone calls with microsecond times. A wait4 that returns a pid is the moment the daemon learnt of
// an exit (libuv reaps on SIGCHLD); the next fork-style clone is its respawn call. The same reading works for any
// Node daemon, so arbor and PM2 are measured alike. Without perf the figure is simply missing.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { sleep } from './command.js';

/** A running trace of one process. */
export interface SyscallTrace {
  /** Stops perf and returns what it wrote. */
  stop(): Promise<string>;
}

/** One respawn: the reaped process, then the fork that replaced it. */
export interface TracedRespawn {
  /** wait4 returned the dead pid -> the clone call began. */
  reactionMs: number;
  /** How long the clone call itself took in the daemon. */
  forkMs: number;
}

let available: boolean | undefined;

// True when `perf trace` works here (installed, and tracepoints readable).
export function perfTraceAvailable(): boolean {
  available ??= spawnSync('perf', ['trace', '-e', 'wait4', '--', 'true'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
  return available;
}

// Starts tracing wait4 and clone in `pid` into `file`; undefined when perf trace is not available.
export async function startSyscallTrace(pid: number, file: string): Promise<SyscallTrace | undefined> {
  if (!perfTraceAvailable()) return undefined;
  const perf: ChildProcess = spawn('perf', ['trace', '-p', String(pid), '-e', 'wait4,clone,clone3', '-o', file], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => perf.once('exit', () => resolve()));
  // perf needs a moment to attach to the tracepoints; events before that are lost, not wrong.
  await sleep(500);
  return {
    async stop() {
      perf.kill('SIGINT');
      await Promise.race([exited, sleep(5_000).then(() => perf.kill('SIGKILL'))]);
      return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    },
  };
}

/** One parsed line of perf trace's output. */
interface TracedCall {
  atMs: number;
  durationMs: number;
  name: 'wait4' | 'clone';
  args: string;
  /** The pid returned, when the call returned one. */
  pid: number | undefined;
}

// `  393.600 ( 0.100 ms): node/100 wait4(...) = 202 (node)`; the command name may hold spaces (PM2's does).
const LINE = /^\s*([\d.]+) \(\s*([\d.]+) ms\): .*?\/\d+ (wait4|clone3?)\((.*)\) = (\d+)?/;

function parseLine(line: string): TracedCall | undefined {
  const match = LINE.exec(line);
  if (match === null) return undefined;
  const [, at, duration, name, args, pid] = match;
  return { atMs: Number(at), durationMs: Number(duration), name: name === 'wait4' ? 'wait4' : 'clone', args: args ?? '', pid: pid === undefined ? undefined : Number(pid) };
}

// Each reaped process that had lived at least minLifetimeMs (the flapping app, not a short-lived helper the daemon
// ran), paired with the next process fork (thread creations are skipped).
export function respawnsFromTrace(text: string, minLifetimeMs = 150): TracedRespawn[] {
  const calls = text.split('\n').map(parseLine).filter((call): call is TracedCall => call !== undefined);
  const forkedAt = new Map<number, number>();
  const respawns: TracedRespawn[] = [];
  let reapedAt: number | undefined;
  for (const call of calls) {
    if (call.name === 'clone') {
      if (call.args.includes('THREAD') || call.pid === undefined) continue;
      forkedAt.set(call.pid, call.atMs);
      if (reapedAt !== undefined) respawns.push({ reactionMs: call.atMs - reapedAt, forkMs: call.durationMs });
      reapedAt = undefined;
      continue;
    }
    if (call.pid === undefined || call.pid <= 0) continue;
    const born = forkedAt.get(call.pid);
    if (born !== undefined && call.atMs - born >= minLifetimeMs) reapedAt = call.atMs + call.durationMs;
  }
  return respawns;
}
