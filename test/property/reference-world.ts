// The world the reference model's supervisors live in, written without the engine: a clock with timers, pretend
// OS processes that exit on a signal after a delay (or never), the records the OS would show, and completion
// tokens that a blocked supervisor waits on (OTP's receive of a DOWN, or of a child supervisor's init result).

/** OTP restart types. */
export type ModelRestart = 'permanent' | 'transient' | 'temporary';

/** OTP strategies a static supervisor can use. */
export type ModelStrategy = 'one_for_one' | 'one_for_all' | 'rest_for_one';

/** OTP auto_shutdown. */
export type ModelAutoShutdown = 'never' | 'any_significant' | 'all_significant';

/** OTP shutdown: SIGKILL at once, the kill signal then SIGKILL after N ms, or wait forever. */
export type ModelShutdown = 'brutal_kill' | 'infinity' | number;

/** What one start of a worker returns: {ok, Pid}, ignore, or {error, E}. */
export type StartResult = 'ok' | 'ignore' | 'error';

/** A worker spec; `shutdown` defaults to arbor's 1600 ms, `stopDelayMs` (how the pretend process reacts to SIGINT) to 0. */
export interface ModelWorkerSpec {
  kind: 'worker';
  id: string;
  restart: ModelRestart;
  significant: boolean;
  shutdown?: ModelShutdown;
  /** Simulated process behaviour, not OTP: ms from SIGINT to its exit (Infinity: only SIGKILL ends it). */
  stopDelayMs?: number;
}

/** A supervisor spec with its children in start order. */
export interface ModelSupervisorSpec {
  kind: 'supervisor';
  id: string;
  restart: ModelRestart;
  significant: boolean;
  strategy: ModelStrategy;
  intensity: number;
  period: number;
  autoShutdown: ModelAutoShutdown;
  children: ModelChildSpec[];
}

/** Any child spec. */
export type ModelChildSpec = ModelWorkerSpec | ModelSupervisorSpec;

/** What the simulated OS records, in order (the driver's `records` without pids). */
export type ModelRecord =
  | { type: 'spawn'; id: string; at: number }
  | { type: 'spawn_failed'; id: string; at: number }
  | { type: 'ignored'; id: string; at: number }
  | { type: 'signal'; id: string; signal: string; at: number }
  | { type: 'exit'; id: string; code: number | null; signal: string | null; at: number };

/** One add_restart call: it passed (the restart goes ahead) or it was the one too many. */
export interface ModelDecision {
  supervisor: string;
  /** The child being restarted; null for the decision that gave up. */
  child: string | null;
  at: number;
  outcome: 'restart' | 'give_up';
}

/** A supervisor leaving on its own with reason `shutdown`. */
export interface ModelSupervisorExit {
  supervisor: string;
  reason: 'intensity' | 'auto_shutdown';
  at: number;
}

/** How a process ended, as the OS reports it. */
export interface ModelExitStatus {
  code: number | null;
  signal: string | null;
}

/** Who hears about a pretend process's exit: the supervisor that waits for it, or else its owner (an EXIT message). */
export interface ExitListener {
  processExited(process: ModelProcess, status: ModelExitStatus): void;
}

/** One run of a worker's OS process. */
export interface ModelProcess {
  readonly uid: number;
  readonly id: string;
  readonly stopDelayMs: number;
  alive: boolean;
  /** Set while its supervisor is stopping it; the exit then completes that stop instead of being an EXIT. */
  stopping: boolean;
  listener: ExitListener;
  timers: number[];
}

interface Timer {
  id: number;
  due: number;
  fire: () => void;
}

/** Something blocked on a token; resumed when the token completes. */
export interface Waiter {
  waitingOn: string | null;
  resume(): void;
}

// Time, timers, pretend processes, the OS records and the supervisors' restart decisions and exits.
export class ModelWorld {
  clockMs = 0;
  readonly records: ModelRecord[] = [];
  readonly decisions: ModelDecision[] = [];
  readonly exits: ModelSupervisorExit[] = [];
  readonly live = new Map<string, ModelProcess>();
  readonly #scripts: Map<string, StartResult[]>;
  readonly #timers = new Map<number, Timer>();
  readonly #done = new Set<string>();
  readonly #waiters = new Set<Waiter>();
  #nextTimer = 1;
  #nextUid = 1;

  constructor(scripts: Record<string, readonly StartResult[]>) {
    this.#scripts = new Map(Object.entries(scripts).map(([id, results]) => [id, [...results]]));
  }

  nextUid(): number {
    return this.#nextUid++;
  }

  record(record: ModelRecord): void {
    this.records.push(record);
  }

  // Starts a worker's process: consumes the next scripted result (default ok).
  spawn(spec: ModelWorkerSpec, listener: ExitListener): { result: StartResult; process: ModelProcess | null } {
    const result = this.#scripts.get(spec.id)?.shift() ?? 'ok';
    const at = this.clockMs;
    if (result !== 'ok') {
      this.record({ type: result === 'error' ? 'spawn_failed' : 'ignored', id: spec.id, at });
      return { result, process: null };
    }
    const process: ModelProcess = { uid: this.nextUid(), id: spec.id, stopDelayMs: spec.stopDelayMs ?? 0, alive: true, stopping: false, listener, timers: [] };
    this.live.set(spec.id, process);
    this.record({ type: 'spawn', id: spec.id, at });
    return { result, process };
  }

  // Sends a signal: SIGKILL ends the process now; the kill signal ends it after its stop delay (never if Infinity).
  signal(process: ModelProcess, signal: 'SIGINT' | 'SIGKILL'): void {
    if (!process.alive) return;
    this.record({ type: 'signal', id: process.id, signal, at: this.clockMs });
    if (signal === 'SIGKILL') return this.exit(process, { code: null, signal });
    if (process.stopDelayMs === 0) return this.exit(process, { code: null, signal });
    if (process.stopDelayMs !== Infinity) process.timers.push(this.schedule(process.stopDelayMs, () => this.exit(process, { code: null, signal })));
  }

  // The process ends: recorded, its timers dropped, and its listener told.
  exit(process: ModelProcess, status: ModelExitStatus): void {
    if (!process.alive) return;
    process.alive = false;
    for (const timer of process.timers) this.#timers.delete(timer);
    if (this.live.get(process.id) === process) this.live.delete(process.id);
    this.record({ type: 'exit', id: process.id, code: status.code, signal: status.signal, at: this.clockMs });
    process.listener.processExited(process, status);
  }

  schedule(ms: number, fire: () => void): number {
    const id = this.#nextTimer++;
    this.#timers.set(id, { id, due: this.clockMs + ms, fire });
    return id;
  }

  cancel(id: number): void {
    this.#timers.delete(id);
  }

  // Moves time on, firing every timer that falls due, earliest first (ties: first set first).
  advance(ms: number): void {
    const target = this.clockMs + ms;
    for (;;) {
      let next: Timer | undefined;
      for (const timer of this.#timers.values()) {
        if (timer.due <= target && (!next || timer.due < next.due || (timer.due === next.due && timer.id < next.id))) next = timer;
      }
      if (!next) break;
      this.#timers.delete(next.id);
      this.clockMs = Math.max(this.clockMs, next.due);
      next.fire();
    }
    this.clockMs = target;
  }

  addWaiter(waiter: Waiter): void {
    this.#waiters.add(waiter);
  }

  isDone(token: string): boolean {
    return this.#done.has(token);
  }

  // Completes a token and resumes whoever is blocked on it.
  complete(token: string): void {
    this.#done.add(token);
    for (const waiter of this.#waiters) if (waiter.waitingOn === token) waiter.resume();
  }
}
