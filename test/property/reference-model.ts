// An executable reference model of an OTP supervision tree (see reference-supervisor.ts for the rules), driven by
// the same actions as the engine: crashes, time, the manual API, stop. It predicts what the simulated OS sees and
// what every supervisor decides. It imports nothing from the engine.
import { ModelSupervisor, type ModelChildView, type ModelReply, type ModelStartOutcome, type ReplySlot } from './reference-supervisor.js';
import {
  ModelWorld,
  type ModelChildSpec,
  type ModelDecision,
  type ModelExitStatus,
  type ModelRecord,
  type ModelSupervisorExit,
  type ModelSupervisorSpec,
  type StartResult,
} from './reference-world.js';

export type { ModelChildState, ModelChildView, ModelExitReason, ModelReply, ModelStartOutcome, ReplySlot } from './reference-supervisor.js';
export type {
  ModelAutoShutdown,
  ModelChildSpec,
  ModelDecision,
  ModelExitStatus,
  ModelRecord,
  ModelRestart,
  ModelShutdown,
  ModelStrategy,
  ModelSupervisorExit,
  ModelSupervisorSpec,
  ModelWorkerSpec,
  StartResult,
} from './reference-world.js';

// The model of a whole tree, driven by the same actions as the engine: crashes, time, the manual API, stop.
export class ReferenceTree {
  readonly #world: ModelWorld;
  readonly #root: ModelSupervisor;
  #status: 'online' | 'stopped' | 'errored' = 'online';

  constructor(root: ModelSupervisorSpec, scripts: Record<string, readonly StartResult[]> = {}) {
    this.#world = new ModelWorld(scripts);
    this.#root = new ModelSupervisor(root, root.id, this.#world, null);
    this.#root.onEnd = (how) => {
      this.#status = how;
    };
  }

  /** Starts the root (init); on failure nothing is left running and the tree is stopped. */
  start(): ModelStartOutcome {
    this.#root.begin();
    const outcome = this.#root.initOutcome;
    if (outcome === null) throw new Error('the model does not support an init that waits for slow stops');
    if (!outcome.ok) this.#status = 'stopped';
    return outcome;
  }

  /** The simulated OS's records so far. */
  get records(): readonly ModelRecord[] {
    return this.#world.records;
  }

  /** Every add_restart call so far, in order. */
  get decisions(): readonly ModelDecision[] {
    return this.#world.decisions;
  }

  /** Every supervisor that left on its own (intensity or auto_shutdown). */
  get exits(): readonly ModelSupervisorExit[] {
    return this.#world.exits;
  }

  /** Milliseconds on the model's clock. */
  get now(): number {
    return this.#world.clockMs;
  }

  /** 'online', 'stopped' (stop or failed start) or 'errored' (the root left on its own). */
  status(): 'online' | 'stopped' | 'errored' {
    return this.#status;
  }

  /** Worker ids with a live process, in the order they were started. */
  liveWorkers(): string[] {
    return [...this.#world.live.keys()];
  }

  /** True when the supervisor that owns the live process of `workerId` has nothing in progress or queued. */
  ownerIdle(workerId: string): boolean {
    const listener = this.#world.live.get(workerId)?.listener;
    return listener instanceof ModelSupervisor && listener.idle;
  }

  /** True when the supervisor at `path` runs and has nothing in progress or queued. */
  idle(path?: string): boolean {
    const supervisor = this.#supervisorAt(path);
    return supervisor !== null && supervisor.alive && supervisor.idle;
  }

  /** which_children of the root or of a running supervisor at `path` ('root/sub'); null if it does not run. */
  whichChildren(path?: string): ModelChildView[] | null {
    const supervisor = this.#supervisorAt(path);
    if (!supervisor || !supervisor.alive) return null;
    return supervisor.children.map((child) => ({ id: child.spec.id, state: child.state }));
  }

  /** The restart log (whole seconds, newest first) of the supervisor at `path`. */
  restartLog(path?: string): number[] {
    return [...(this.#supervisorAt(path)?.restarts ?? [])];
  }

  /** The process of `workerId` exits by itself with this status; false when it does not run. */
  crash(workerId: string, status: ModelExitStatus): boolean {
    const process = this.#world.live.get(workerId);
    if (!process) return false;
    this.#world.exit(process, status);
    return true;
  }

  /** Moves the clock, firing the stop and kill timers that fall due. */
  advance(ms: number): void {
    this.#world.advance(ms);
  }

  terminateChild(id: string, path?: string): ReplySlot {
    return this.#call(path, (supervisor) => supervisor.terminateChild(id));
  }

  restartChild(id: string, path?: string): ReplySlot {
    return this.#call(path, (supervisor) => supervisor.restartChild(id));
  }

  deleteChild(id: string, path?: string): ReplySlot {
    return this.#call(path, (supervisor) => supervisor.deleteChild(id));
  }

  startChild(spec: ModelChildSpec, path?: string): ReplySlot {
    return this.#call(path, (supervisor) => supervisor.startNewChild(spec));
  }

  /** Stops the root: every child newest-first, after what the root is busy with. */
  stop(): ReplySlot {
    const reply: ReplySlot = { value: null };
    if (this.#status !== 'online') reply.value = { ok: true };
    else this.#root.deliver({ kind: 'stop', reply });
    return reply;
  }

  #call(path: string | undefined, run: (supervisor: ModelSupervisor) => Generator<string, ModelReply, void>): ReplySlot {
    const supervisor = this.#supervisorAt(path);
    if (!supervisor) return { value: { ok: false, error: 'supervisor_stopped' } };
    return supervisor.call(() => run(supervisor));
  }

  #supervisorAt(path: string | undefined): ModelSupervisor | null {
    if (path === undefined || path === this.#root.path) return this.#root;
    let current: ModelSupervisor | null = this.#root;
    for (const part of path.split('/').slice(1)) current = current?.find(part)?.sub ?? null;
    return current;
  }
}
