// A driver of pretend processes: scripted start results, exits after a time, slow or stubborn stops; all on a simulated clock.
import { ArborError } from '../errors.js';
import type { Clock } from '../runtime/clock.js';
import type { Driver, ExitStatus, LaunchRequest, ProcessHandle, ProcessListener } from '../runtime/driver.js';

/** How one start of a simulated process behaves. */
export interface SimulatedRun {
  /** The start result: runs, fails (OTP {error, E}) or is ignored (OTP ignore). Default 'ok'. */
  start?: 'ok' | 'error' | 'ignore';
  /** Exit on its own this many ms after starting (default: never). */
  exitAfterMs?: number;
  /** The code (or signal) of that exit (default code 1). */
  exit?: ExitStatus;
  /** How long it takes to exit after the graceful kill signal; Infinity ignores it (only SIGKILL ends it). Default 0. */
  stopDelayMs?: number;
  /** Sends `readyMessage` over IPC this many ms after starting (default: never), for workers with readiness. */
  readyAfterMs?: number;
  /** What it sends at `readyAfterMs` (default 'ready', PM2's message). Nothing is sent when the worker has no channel. */
  readyMessage?: unknown;
  /** How long it takes to exit after a shutdown message (the worker's shutdownMessage); default: it ignores the message. */
  shutdownDelayMs?: number;
}

/** One thing the simulated OS did, for assertions. */
export type DriverRecord =
  | { type: 'spawn'; id: string; pid: number; at: number }
  | { type: 'spawn_failed'; id: string; at: number }
  | { type: 'ignored'; id: string; at: number }
  | { type: 'signal'; id: string; pid: number; signal: NodeJS.Signals; at: number }
  | { type: 'message_in'; id: string; pid: number; message: unknown; at: number }
  | { type: 'message_out'; id: string; pid: number; message: unknown; at: number }
  | { type: 'exit'; id: string; pid: number; status: ExitStatus; at: number };

interface LiveProcess {
  id: string;
  pid: number;
  listener: ProcessListener;
  run: SimulatedRun;
  exitTimer: unknown;
  stopTimer: unknown;
  readyTimer: unknown;
  alive: boolean;
}

// Pretend processes for property tests: deterministic, instant, and fully recorded.
export class SimulatedDriver implements Driver {
  readonly records: DriverRecord[] = [];
  readonly #clock: Clock;
  readonly #scripts = new Map<string, SimulatedRun[]>();
  readonly #live = new Map<string, LiveProcess>();
  #defaultRun: SimulatedRun;
  #nextPid = 1000;
  /** When false, `records` stays empty (benchmarks). */
  recording = true;

  constructor(clock: Clock, defaultRun: SimulatedRun = {}) {
    this.#clock = clock;
    this.#defaultRun = defaultRun;
  }

  /** Queues behaviours for the next starts of `id` (consumed one per start; then the default applies). */
  script(id: string, ...runs: SimulatedRun[]): this {
    this.#scripts.set(id, [...(this.#scripts.get(id) ?? []), ...runs]);
    return this;
  }

  /** Sets the behaviour of every start that has no script. */
  setDefault(run: SimulatedRun): this {
    this.#defaultRun = run;
    return this;
  }

  /** Makes the live process of `id` exit now, as if it crashed (default code 1). Returns false if none runs. */
  crash(id: string, status: ExitStatus = { code: 1, signal: null }): boolean {
    const proc = this.#live.get(id);
    if (!proc) return false;
    this.#exit(proc, status);
    return true;
  }

  /** The pid of the live process of `id`, or null. */
  pidOf(id: string): number | null {
    return this.#live.get(id)?.pid ?? null;
  }

  /** Ids with a live process. */
  running(): string[] {
    return [...this.#live.keys()];
  }

  spawn(request: LaunchRequest, listener: ProcessListener): ProcessHandle {
    const id = request.id;
    const queued = this.#scripts.get(id);
    const run = queued && queued.length > 0 ? queued.shift()! : this.#defaultRun;
    const at = this.#clock.now();
    if (run.start === 'error') {
      this.#record({ type: 'spawn_failed', id, at });
      listener.failed(new ArborError('E_SPAWN_FAILED', `simulated start failure of '${id}'`));
      return { signalGroup: () => {} };
    }
    if (run.start === 'ignore') {
      this.#record({ type: 'ignored', id, at });
      listener.ignored();
      return { signalGroup: () => {} };
    }
    if (this.#live.has(id)) throw new Error(`simulated driver: '${id}' started while its previous process still runs`);
    const proc: LiveProcess = { id, pid: this.#nextPid++, listener, run, exitTimer: null, stopTimer: null, readyTimer: null, alive: true };
    this.#live.set(id, proc);
    this.#record({ type: 'spawn', id, pid: proc.pid, at });
    listener.spawned(proc.pid);
    if (run.exitAfterMs !== undefined) {
      proc.exitTimer = this.#clock.setTimeout(() => this.#exit(proc, run.exit ?? { code: 1, signal: null }), run.exitAfterMs);
    }
    if (run.readyAfterMs !== undefined && request.messages) {
      proc.readyTimer = this.#clock.setTimeout(() => {
        proc.readyTimer = null;
        if (!proc.alive) return;
        const message = run.readyMessage ?? 'ready';
        this.#record({ type: 'message_out', id, pid: proc.pid, message, at: this.#clock.now() });
        listener.message?.(message);
      }, run.readyAfterMs);
    }
    // As with a real process, messages go nowhere without a channel.
    const hasChannel = request.messages === true || Boolean(request.ipc);
    return { signalGroup: (signal) => this.#signal(proc, signal), send: (message) => hasChannel && this.#receive(proc, message) };
  }

  // A message to the process: recorded; with shutdownDelayMs set, the process exits that long after (a shutdown message).
  #receive(proc: LiveProcess, message: unknown): boolean {
    if (!proc.alive) return false;
    this.#record({ type: 'message_in', id: proc.id, pid: proc.pid, message, at: this.#clock.now() });
    const delay = proc.run.shutdownDelayMs;
    if (delay !== undefined && proc.stopTimer === null) {
      proc.stopTimer = this.#clock.setTimeout(() => this.#exit(proc, { code: 0, signal: null }), delay);
    }
    return true;
  }

  #signal(proc: LiveProcess, signal: NodeJS.Signals): void {
    if (!proc.alive) return;
    this.#record({ type: 'signal', id: proc.id, pid: proc.pid, signal, at: this.#clock.now() });
    if (signal === 'SIGKILL') return this.#exit(proc, { code: null, signal });
    const delay = proc.run.stopDelayMs ?? 0;
    if (delay === Infinity || proc.stopTimer !== null) return;
    if (delay === 0) return this.#exit(proc, { code: null, signal });
    proc.stopTimer = this.#clock.setTimeout(() => this.#exit(proc, { code: null, signal }), delay);
  }

  #exit(proc: LiveProcess, status: ExitStatus): void {
    if (!proc.alive) return;
    proc.alive = false;
    if (proc.exitTimer !== null) this.#clock.clearTimeout(proc.exitTimer);
    if (proc.stopTimer !== null) this.#clock.clearTimeout(proc.stopTimer);
    if (proc.readyTimer !== null) this.#clock.clearTimeout(proc.readyTimer);
    if (this.#live.get(proc.id) === proc) this.#live.delete(proc.id);
    this.#record({ type: 'exit', id: proc.id, pid: proc.pid, status, at: this.#clock.now() });
    proc.listener.exited(status);
  }

  #record(record: DriverRecord): void {
    if (this.recording) this.records.push(record);
  }
}
