// One OTP supervisor of the reference model, written from shared/reference/otp-supervisor.md alone (nothing from
// the engine): ordered specs, per-child state running / undefined / restarting, add_restart in whole seconds, the
// three strategies, restart types, significant children and auto_shutdown, try_again_restart, init failure,
// ignore, the manual API, stop, and escalation to a parent. It is a gen_server: a mailbox handled one message at
// a time, and an operation that blocks while it waits for a child to stop (shutdown/2) or a sub-supervisor's init.
import type {
  ExitListener,
  ModelChildSpec,
  ModelExitStatus,
  ModelProcess,
  ModelSupervisorSpec,
  ModelWorld,
  StartResult,
  Waiter,
} from './reference-world.js';

/** OTP's per-child state: a pid, no pid, or owed a restart after a failed start. */
export type ModelChildState = 'running' | 'undefined' | 'restarting';

/** The answer to a manual API call, in OTP's terms. */
export type ModelReply =
  | { ok: true }
  | { ok: false; error: 'not_found' | 'running' | 'restarting' | 'start_error' | 'duplicate' | 'bad_combination' | 'supervisor_stopped' };

/** Where a reply lands once the supervisor has handled the call (null until then). */
export interface ReplySlot {
  value: ModelReply | null;
}

/** How an exit is classified: normal (code 0), abnormal, or shutdown (a supervisor's own exit seen by its parent). */
export type ModelExitReason = 'normal' | 'abnormal' | 'shutdown';

/** A child as which_children shows it. */
export interface ModelChildView {
  id: string;
  state: ModelChildState;
}

/** How a start ended. */
export type ModelStartOutcome = { ok: true } | { ok: false; failedChild: string };

/** Arbor's default kill timeout for workers. */
const DEFAULT_WORKER_SHUTDOWN = 1600;

/** A child of a model supervisor. */
export interface ModelChild {
  spec: ModelChildSpec;
  state: ModelChildState;
  /** The current OS process of a worker child (it may have died with its EXIT still unread). */
  process: ModelProcess | null;
  /** The running supervisor behind a supervisor child. */
  sub: ModelSupervisor | null;
}

type Message =
  | { kind: 'exit'; child: ModelChild; source: ModelProcess | ModelSupervisor; reason: ModelExitReason }
  | { kind: 'retry'; id: string }
  | { kind: 'call'; run: () => Operation<ModelReply>; reply: ReplySlot }
  | { kind: 'stop'; reply: ReplySlot | null };

/** A supervisor operation: it yields the token it is blocked on and is resumed when that token completes. */
export type Operation<T = void> = Generator<string, T, void>;

// One supervisor process: the OTP gen_server state, its mailbox, and the operation it is in the middle of.
export class ModelSupervisor implements ExitListener, Waiter {
  readonly uid: number;
  readonly spec: ModelSupervisorSpec;
  readonly path: string;
  readonly world: ModelWorld;
  /** Set when this supervisor is a child of another one. */
  readonly parent: { supervisor: ModelSupervisor; child: ModelChild } | null;
  children: ModelChild[] = [];
  /** Restart times in whole seconds, newest first. */
  restarts: number[] = [];
  alive = false;
  initOutcome: ModelStartOutcome | null = null;
  /** The parent is stopping this supervisor: its end completes that stop instead of being an EXIT. */
  stoppedByParent = false;
  waitingOn: string | null = null;
  /** Called when a root supervisor ends. */
  onEnd: ((how: 'stopped' | 'errored') => void) | null = null;
  readonly #mailbox: Message[] = [];
  #operation: Operation | null = null;

  constructor(spec: ModelSupervisorSpec, path: string, world: ModelWorld, parent: ModelSupervisor['parent']) {
    this.uid = world.nextUid();
    this.spec = spec;
    this.path = path;
    this.world = world;
    this.parent = parent;
    world.addWaiter(this);
  }

  /** True when nothing is in progress or queued. */
  get idle(): boolean {
    return this.#operation === null && this.#mailbox.length === 0;
  }

  // start_link: init runs first; messages that arrive meanwhile wait in the mailbox.
  begin(): void {
    this.alive = true;
    this.#run(this.#init());
  }

  find(id: string): ModelChild | undefined {
    return this.children.find((child) => child.spec.id === id);
  }

  deliver(message: Message): void {
    this.#mailbox.push(message);
    this.#pump();
  }

  resume(): void {
    this.#step();
  }

  // A worker's process ended: the end of a stop this supervisor asked for, or else an EXIT message.
  processExited(process: ModelProcess, status: ModelExitStatus): void {
    if (process.stopping) return this.world.complete(`exit:${process.uid}`);
    const child = this.children.find((candidate) => candidate.process === process);
    if (!child) return;
    const reason: ModelExitReason = status.signal === null && status.code === 0 ? 'normal' : 'abnormal';
    this.deliver({ kind: 'exit', child, source: process, reason });
  }

  call(run: () => Operation<ModelReply>): ReplySlot {
    const reply: ReplySlot = { value: null };
    if (!this.alive) reply.value = { ok: false, error: 'supervisor_stopped' };
    else this.deliver({ kind: 'call', run, reply });
    return reply;
  }

  #pump(): void {
    while (this.alive && this.#operation === null && this.#mailbox.length > 0) this.#run(this.#handle(this.#mailbox.shift()!));
  }

  #run(operation: Operation): void {
    this.#operation = operation;
    this.#step();
  }

  #step(): void {
    this.waitingOn = null;
    const next = this.#operation!.next();
    if (!next.done) {
      this.waitingOn = next.value;
      return;
    }
    this.#operation = null;
    this.#pump();
  }

  *#waitFor(token: string): Operation {
    if (!this.world.isDone(token)) yield token;
  }

  *#handle(message: Message): Operation {
    switch (message.kind) {
      case 'exit': {
        // An EXIT from a process the supervisor has since stopped (or replaced) was flushed by unlink_flush.
        const { child, source } = message;
        if (!this.children.includes(child) || (child.process !== source && child.sub !== source)) return;
        yield* this.#childExited(child, message.reason);
        return;
      }
      case 'retry': {
        // handle_cast({try_again_restart, Id}): ignored unless the child is still restarting; else restart/2 again.
        const child = this.find(message.id);
        if (child && child.state === 'restarting') yield* this.#restart(child);
        return;
      }
      case 'call':
        message.reply.value = yield* message.run();
        return;
      case 'stop':
        yield* this.#terminateAllNewestFirst();
        this.#end('stopped');
        if (message.reply) message.reply.value = { ok: true };
        return;
    }
  }

  // init/1 plus init_children: start in order until the first error; on error stop the started ones newest-first.
  *#init(): Operation {
    this.restarts = [];
    this.children = this.spec.children.map((spec) => ({ spec, state: 'undefined' as const, process: null, sub: null }));
    for (const child of [...this.children]) {
      const result = yield* this.#start(child);
      if (result === 'ok') child.state = 'running';
      else if (result === 'ignore') this.#forgetIfTemporary(child);
      else {
        yield* this.#terminateAllNewestFirst();
        this.initOutcome = { ok: false, failedChild: child.spec.id };
        this.#end('init_failed');
        this.world.complete(`init:${this.uid}`);
        return;
      }
    }
    this.initOutcome = { ok: true };
    this.world.complete(`init:${this.uid}`);
  }

  // EXIT from a child that was not stopped by this supervisor ([S] restart_child/3, do_restart/3).
  *#childExited(child: ModelChild, reason: ModelExitReason): Operation {
    child.state = 'undefined';
    child.process = null;
    child.sub = null;
    const restart = child.spec.restart;
    if (restart === 'permanent') yield* this.#restart(child);
    else if (reason === 'normal' || reason === 'shutdown') yield* this.#leaveDown(child);
    else if (restart === 'transient') yield* this.#restart(child);
    else yield* this.#leaveDown(child);
  }

  // [S] restart/2: add_restart first (the new restart counts), then the strategy; too many means shutdown.
  *#restart(child: ModelChild): Operation {
    const now = Math.floor(this.world.clockMs / 1000);
    const kept: number[] = [];
    for (const past of this.restarts) {
      if (past < now - this.spec.period) break;
      kept.push(past);
    }
    this.restarts = [now, ...kept];
    if (this.restarts.length > this.spec.intensity) {
      this.world.decisions.push({ supervisor: this.path, child: null, at: this.world.clockMs, outcome: 'give_up' });
      this.#delChild(child);
      yield* this.#exitOnItsOwn('intensity');
      return;
    }
    this.world.decisions.push({ supervisor: this.path, child: child.spec.id, at: this.world.clockMs, outcome: 'restart' });
    if (this.spec.strategy === 'one_for_one') yield* this.#restartOne(child);
    else yield* this.#restartGroup(child, this.spec.strategy === 'one_for_all' ? 0 : this.children.indexOf(child));
  }

  *#restartOne(child: ModelChild): Operation {
    child.state = 'undefined';
    const result = yield* this.#start(child);
    if (result === 'ok') child.state = 'running';
    else if (result === 'ignore') this.#forgetIfTemporary(child);
    else this.#owe(child);
  }

  // restart_multiple_children: terminate_children over the group (newest first, temporaries removed), then
  // start_children oldest first until the first error; the failed child is owed a retry, the rest stay undefined.
  *#restartGroup(child: ModelChild, from: number): Operation {
    child.state = 'undefined';
    const group = this.children.slice(from);
    for (const member of [...group].reverse()) {
      if (member.state === 'running') yield* this.#terminate(member);
      if (member.spec.restart === 'temporary') this.children.splice(this.children.indexOf(member), 1);
      else member.state = 'undefined';
    }
    for (const member of group) {
      if (!this.children.includes(member)) continue;
      const result = yield* this.#start(member);
      if (result === 'ok') member.state = 'running';
      else if (result === 'ignore') this.#forgetIfTemporary(member);
      else {
        this.#owe(member);
        return;
      }
    }
  }

  // try_again_restart: the child is {restarting, _} and a cast to self goes behind what is already queued.
  #owe(child: ModelChild): void {
    child.state = 'restarting';
    this.#mailbox.push({ kind: 'retry', id: child.spec.id });
  }

  // del_child + do_auto_shutdown for a child that exited by itself and is not restarted.
  *#leaveDown(child: ModelChild): Operation {
    this.#delChild(child);
    if (this.spec.autoShutdown === 'never' || !child.spec.significant) return;
    if (this.spec.autoShutdown === 'all_significant' && this.children.some((other) => other.spec.significant && other.state !== 'undefined')) {
      return;
    }
    yield* this.#exitOnItsOwn('auto_shutdown');
  }

  // del_child: a temporary child's spec goes; any other keeps its spec with pid undefined.
  #delChild(child: ModelChild): void {
    child.state = 'undefined';
    child.process = null;
    child.sub = null;
    this.#forgetIfTemporary(child);
  }

  #forgetIfTemporary(child: ModelChild): void {
    child.state = 'undefined';
    if (child.spec.restart === 'temporary') {
      const index = this.children.indexOf(child);
      if (index >= 0) this.children.splice(index, 1);
    }
  }

  // {stop, shutdown, State}: terminate/2 stops every child newest-first; the parent sees EXIT with `shutdown`.
  *#exitOnItsOwn(reason: 'intensity' | 'auto_shutdown'): Operation {
    this.world.exits.push({ supervisor: this.path, reason, at: this.world.clockMs });
    yield* this.#terminateAllNewestFirst();
    this.#end('errored');
  }

  *#terminateAllNewestFirst(): Operation {
    for (const child of [...this.children].reverse()) {
      if (child.state === 'running') yield* this.#terminate(child);
      if (child.state === 'restarting') child.state = 'undefined';
    }
  }

  // The supervisor process ends: queued calls fail, queued stops are answered, the parent is told.
  #end(how: 'stopped' | 'errored' | 'init_failed'): void {
    this.alive = false;
    for (const message of this.#mailbox.splice(0)) {
      if (message.kind === 'call') message.reply.value = { ok: false, error: 'supervisor_stopped' };
      if (message.kind === 'stop' && message.reply) message.reply.value = { ok: true };
    }
    if (how === 'init_failed') return;
    if (this.stoppedByParent) this.world.complete(`down:${this.uid}`);
    else if (this.parent && how === 'errored') this.parent.supervisor.deliver({ kind: 'exit', child: this.parent.child, source: this, reason: 'shutdown' });
    if (!this.parent) this.onEnd?.(how);
  }

  // shutdown/2: brutal_kill is SIGKILL; T is the kill signal then SIGKILL after T ms; infinity waits; a child
  // supervisor is asked to stop and waited for. A process that is already dead gets no signal.
  *#terminate(child: ModelChild): Operation {
    const spec = child.spec;
    if (spec.kind === 'worker') {
      const process = child.process;
      if (process && process.alive) {
        process.stopping = true;
        const shutdown = spec.shutdown ?? DEFAULT_WORKER_SHUTDOWN;
        if (shutdown === 'brutal_kill') this.world.signal(process, 'SIGKILL');
        else {
          this.world.signal(process, 'SIGINT');
          if (process.alive && typeof shutdown === 'number') process.timers.push(this.world.schedule(shutdown, () => this.world.signal(process, 'SIGKILL')));
        }
        yield* this.#waitFor(`exit:${process.uid}`);
      }
    } else {
      const sub = child.sub;
      if (sub && sub.alive) {
        sub.stoppedByParent = true;
        sub.deliver({ kind: 'stop', reply: null });
        yield* this.#waitFor(`down:${sub.uid}`);
      }
    }
    child.process = null;
    child.sub = null;
    child.state = 'undefined';
  }

  // do_start_child: a worker consumes its next scripted result; a supervisor runs its init (and is waited for).
  *#start(child: ModelChild): Operation<StartResult> {
    if (child.spec.kind === 'worker') {
      const { result, process } = this.world.spawn(child.spec, this);
      child.process = process;
      return result;
    }
    const sub = new ModelSupervisor(child.spec, `${this.path}/${child.spec.id}`, this.world, { supervisor: this, child });
    sub.begin();
    yield* this.#waitFor(`init:${sub.uid}`);
    if (!sub.initOutcome!.ok) return 'error';
    child.sub = sub;
    return 'ok';
  }

  // handle_call({terminate_child, Id}): stop it if it runs, then del_child (no restart, no auto_shutdown).
  *terminateChild(id: string): Operation<ModelReply> {
    const child = this.find(id);
    if (!child) return { ok: false, error: 'not_found' };
    if (child.state === 'running') yield* this.#terminate(child);
    this.#delChild(child);
    return { ok: true };
  }

  // handle_call({restart_child, Id}): only a child without a pid; an error leaves it as it was.
  *restartChild(id: string): Operation<ModelReply> {
    const child = this.find(id);
    if (!child) return { ok: false, error: 'not_found' };
    if (child.state === 'running') return { ok: false, error: 'running' };
    if (child.state === 'restarting') return { ok: false, error: 'restarting' };
    const result = yield* this.#start(child);
    if (result === 'ok') child.state = 'running';
    if (result === 'error') return { ok: false, error: 'start_error' };
    return { ok: true };
  }

  // handle_call({delete_child, Id}): only a child without a pid.
  *deleteChild(id: string): Operation<ModelReply> {
    const child = this.find(id);
    if (!child) return { ok: false, error: 'not_found' };
    if (child.state === 'running') return { ok: false, error: 'running' };
    if (child.state === 'restarting') return { ok: false, error: 'restarting' };
    this.children.splice(this.children.indexOf(child), 1);
    return { ok: true };
  }

  // handle_call({start_child, Spec}): check_childspec, then a new id is started and saved last in start order.
  *startNewChild(spec: ModelChildSpec): Operation<ModelReply> {
    if (spec.significant && (spec.restart === 'permanent' || this.spec.autoShutdown === 'never')) return { ok: false, error: 'bad_combination' };
    if (this.find(spec.id)) return { ok: false, error: 'duplicate' };
    const child: ModelChild = { spec, state: 'undefined', process: null, sub: null };
    this.children.push(child);
    const result = yield* this.#start(child);
    if (result === 'ok') child.state = 'running';
    else if (result === 'ignore') this.#forgetIfTemporary(child);
    else {
      this.children.splice(this.children.indexOf(child), 1);
      return { ok: false, error: 'start_error' };
    }
    return { ok: true };
  }
}
