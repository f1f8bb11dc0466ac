// Gives memory back once the daemon goes quiet: a deep collection a few seconds after the last activity, so a burst
// (50 apps started, a flood of requests) does not leave the idle daemon's RSS high until some later allocation.
import { setFlagsFromString } from 'node:v8';
import { realClock } from '../runtime/clock.js';

/** How long the daemon must be quiet before it collects. */
export const IDLE_GC_DELAY_MS = 3000;

/**
 * Full collections before and after the code flush. Several are needed: what one collection frees lets the next free
 * more (objects held through weak maps and transitions). Measured with 50 apps: 6 rounds, flush, 6 rounds and the
 * last-resort collection leave RSS at 47.4-47.5 MB (3 runs); 3 rounds either side 48.1 MB; no flush 47.7-49.0 MB.
 */
export const IDLE_GC_ROUNDS = 6;

/**
 * The next deep collection waits at least this many times the last one's duration after it, so collecting costs at
 * most 1 % of a core however often the daemon goes quiet (with 50 apps one takes about 65 ms of CPU: 13 collections).
 */
export const IDLE_GC_COST_FACTOR = 100;

/** V8's gc() as --expose-gc gives it; `flavor: 'last-resort'` also shrinks the heap and gives its free pages back. */
export type ExposedGc = (options?: { type?: 'major' | 'minor'; execution?: 'sync' | 'async'; flavor?: 'regular' | 'last-resort' }) => void;

/** The last deep collection: when it ended (ms on the `now` clock) and the CPU time it took (ms). */
export interface LastCollection {
  endedAt: number;
  durationMs: number;
}

// When the next deep collection may run: `delayMs` after the last activity, and no sooner than the cost factor allows.
export function idleCollectionDueAt(lastActivityAt: number, delayMs: number, last: LastCollection | null): number {
  const quiet = lastActivityAt + delayMs;
  return last === null ? quiet : Math.max(quiet, last.endedAt + last.durationMs * IDLE_GC_COST_FACTOR);
}

// True for the V8 versions whose --stress-flush-code is known (Node 20 to 24: V8 11 to 13); others only collect, so an
// unknown flag never reaches the daemon's stderr (arbor.log).
export function canFlushCode(v8Version: string = process.versions.v8): boolean {
  const major = Number.parseInt(v8Version, 10);
  return major >= 11 && major <= 13;
}

/** What createIdleGc works with; the defaults are the process's own. */
export interface IdleGcOptions {
  delayMs?: number;
  /** Default: realClock.now (process.hrtime; `performance` would load perf_hooks into the daemon). */
  now?: () => number;
  /** The process's CPU time so far in ms: a collection's cost, which wall time overstates on a busy machine. */
  cpuMs?: () => number;
  /** Default: globalThis.gc, present when the daemon runs with --expose-gc (DAEMON_NODE_ARGS); none: no collections. */
  collect?: ExposedGc | null;
  setFlags?: (flags: string) => void;
  flushCode?: boolean;
}

// Returns `touch()`: call it on every bit of activity; the deep collection runs once things have been quiet long enough.
export function createIdleGc(options: IdleGcOptions = {}): { touch(): void } {
  const delayMs = options.delayMs ?? IDLE_GC_DELAY_MS;
  const now = options.now ?? realClock.now;
  const cpuMs = options.cpuMs ?? processCpuMs;
  const collect = options.collect !== undefined ? options.collect : typeof globalThis.gc === 'function' ? (globalThis.gc as ExposedGc) : null;
  if (collect === null) return { touch() {} };
  const setFlags = options.setFlags ?? setFlagsFromString;
  const flushCode = options.flushCode ?? canFlushCode();
  let timer: NodeJS.Timeout | null = null;
  let lastActivityAt = 0;
  let last: LastCollection | null = null;

  const schedule = (waitMs: number): void => {
    timer = setTimeout(fire, waitMs);
    timer.unref();
  };
  const fire = (): void => {
    timer = null;
    const wait = idleCollectionDueAt(lastActivityAt, delayMs, last) - now();
    if (wait > 0) return schedule(wait);
    const began = cpuMs();
    collectDeeply(collect, setFlags, flushCode);
    last = { endedAt: now(), durationMs: cpuMs() - began };
  };

  return {
    touch() {
      lastActivityAt = now();
      if (timer === null) schedule(delayMs);
    },
  };
}

function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

// Forced collections never age bytecode (V8 11.3: no function flushed after 20 gc() calls, 2355 after 8 ordinary
// collections), so what a burst compiled would stay: one collection under --stress-flush-code drops the bytecode of
// every function not running, and the rounds after it free what that code held. Then the last-resort collection
// shrinks the heap at once instead of when V8's memory reducer gets to it some 10 s later. The first command after a
// flush recompiles what it runs: `arbor ls` with 10 apps took 79-81 ms against 73-75 ms back to back.
function collectDeeply(collect: ExposedGc, setFlags: (flags: string) => void, flushCode: boolean): void {
  for (let round = 0; round < IDLE_GC_ROUNDS; round += 1) collect();
  if (flushCode) {
    setFlags('--stress-flush-code');
    try {
      collect();
    } finally {
      setFlags('--no-stress-flush-code');
    }
    for (let round = 0; round < IDLE_GC_ROUNDS; round += 1) collect();
  }
  collect({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}
