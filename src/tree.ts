// The library entry: `start(tree)` validates and runs a supervision tree in this process, no daemon.
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { ArborError } from './errors.js';
import { realClock, type Clock } from './runtime/clock.js';
import type { Driver } from './runtime/driver.js';
import { createRealDriver } from './runtime/real-driver.js';
import type { ChildDraft, ChildSpec, SupervisorSpec } from './spec/types.js';
import { validateTree, type ValidationContext } from './spec/validate.js';
import { logTreeEvent } from './supervisor/event-log.js';
import type { TreeEvent } from './supervisor/events.js';
import { createDispatcher } from './supervisor/dispatcher.js';
import { createSupervisorChild } from './supervisor/machine.js';
import type { ChildReport, ChildStatus } from './supervisor/protocol.js';
import type { Reply, SupervisorEvent, SupervisorState } from './supervisor/state.js';

/** How to run a tree; every dependency can be swapped (the simulated ones live in `arbor/testing`). */
export interface StartOptions {
  driver?: Driver;
  clock?: Clock;
  /** A pino logger for the structured event log; omitted means no log. */
  logger?: Logger;
  random?: () => number;
  /** Directory that relative `cwd` and `script` paths start from (default process.cwd()). */
  baseDir?: string;
  /** Environment children inherit (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Receives every event from the first start on (the `event` listener can only be added once `start` resolved). */
  onEvent?: (event: TreeEvent) => void;
}

/** One child as `children()` reports it. */
export interface ChildInfo {
  id: string;
  kind: 'worker' | 'supervisor';
  status: ChildStatus;
  pid: number | null;
  restarts: number;
}

/** A child checked against its supervisor by prepareChild, for startPrepared to start. */
export interface PreparedChild {
  readonly path: string | undefined;
  readonly spec: ChildSpec;
}

/** How a tree ended: stopped on request, or its root gave up (errored). */
export type TreeOutcome = { status: 'stopped' } | { status: 'errored'; reason: string };

type SupervisorChild = ReturnType<typeof createSupervisorChild>;

// A running supervision tree: inspect it, change it at run time, stop it.
export class Tree extends EventEmitter<{ event: [TreeEvent] }> {
  readonly #root: SupervisorChild;
  readonly #context: ValidationContext;
  #outcome: TreeOutcome | null = null;
  readonly #settled: Promise<TreeOutcome>;
  #settle!: (outcome: TreeOutcome) => void;

  /** @internal Use `start()`. */
  constructor(root: SupervisorChild, context: ValidationContext) {
    super();
    this.#root = root;
    this.#context = context;
    this.#settled = new Promise((resolve) => (this.#settle = resolve));
  }

  /** @internal Called by the root's report channel. */
  _ended(outcome: TreeOutcome): void {
    if (this.#outcome) return;
    this.#outcome = outcome;
    this.#settle(outcome);
  }

  /** Resolves once the tree has ended, by `stop()` or by its root giving up. */
  get done(): Promise<TreeOutcome> {
    return this.#settled;
  }

  /** 'online' while running, 'stopped' after stop(), 'errored' once the root gave up. */
  status(): 'online' | 'stopped' | 'errored' {
    return this.#outcome === null ? 'online' : this.#outcome.status;
  }

  /** The children of the root (or of the supervisor at `path`, e.g. 'root/jobs'), in start order. */
  children(path?: string): ChildInfo[] {
    return this.#supervisorAt(path).children.map(childInfo);
  }

  /**
   * Every supervisor's children, keyed by the supervisor's path, from one walk of the tree: for reading many children
   * at once (children(path) looks its supervisor up from the root each time, which is linear in the siblings).
   */
  childrenByPath(): Map<string, ChildInfo[]> {
    const byPath = new Map<string, ChildInfo[]>();
    const visit = (supervisor: SupervisorChild): void => {
      const state = supervisor.state();
      byPath.set(state.path, state.children.map(childInfo));
      for (const child of state.children) if (child.spec.kind === 'supervisor') visit(child.ref as SupervisorChild);
    };
    visit(this.#root);
    return byPath;
  }

  /** Adds a child at run time (last in start order) and starts it; resolves with its pid. */
  startChild(draft: ChildDraft, path?: string): Promise<{ id: string; pid: number | null }> {
    return this.startPrepared(this.prepareChild(draft, path));
  }

  /** Validates a child against the supervisor at `path` as startChild would, starting nothing: throws what it would throw. */
  prepareChild(draft: ChildDraft, path?: string): PreparedChild {
    const parent = this.#refAt(path).state();
    const spec: ChildSpec = validateTree(draft, this.#context, parent.path);
    if (spec.significant && parent.spec.autoShutdown === 'never') {
      throw new ArborError('E_BAD_COMBINATION', `child '${spec.id}' is significant but supervisor '${parent.path}' has autoShutdown "never" (set autoShutdown to any_significant or all_significant)`, {
        details: { field: 'significant', value: true, allowed: 'significant children only under autoShutdown any_significant or all_significant', where: `supervisor '${parent.path}'` },
      });
    }
    return { path, spec };
  }

  /** Starts a child prepareChild validated (last in start order); resolves with its pid. */
  startPrepared(prepared: PreparedChild): Promise<{ id: string; pid: number | null }> {
    const record = this.#refAt(prepared.path).newRecord(prepared.spec);
    return this.#request(prepared.path, (reply) => ({ type: 'api.start_child', record, reply })) as Promise<{ id: string; pid: number | null }>;
  }

  /** Stops a child without restarting it (a temporary child's spec is removed). */
  terminateChild(id: string, path?: string): Promise<void> {
    return this.#request(path, (reply) => ({ type: 'api.terminate_child', id, reply })) as Promise<void>;
  }

  /** Starts a terminated child again (it must not be running). */
  restartChild(id: string, path?: string): Promise<{ id: string; pid: number | null }> {
    return this.#request(path, (reply) => ({ type: 'api.restart_child', id, reply })) as Promise<{ id: string; pid: number | null }>;
  }

  /** Removes a terminated child's spec. */
  deleteChild(id: string, path?: string): Promise<void> {
    return this.#request(path, (reply) => ({ type: 'api.delete_child', id, reply })) as Promise<void>;
  }

  /** Stops every child in reverse start order, waiting for each; nothing is left running. */
  async stop(): Promise<void> {
    if (this.#outcome === null) {
      await new Promise<unknown>((resolve, reject) => this.#root.send({ type: 'stop', reply: { resolve, reject } }));
      this._ended({ status: 'stopped' });
    }
    this.#root.dispose();
  }

  #request(path: string | undefined, make: (reply: Reply) => SupervisorEvent): Promise<unknown> {
    const target = this.#refAt(path);
    return new Promise((resolve, reject) => target.send(make({ resolve, reject })));
  }

  #refAt(path: string | undefined): SupervisorChild {
    const rootState = this.#root.state();
    if (path === undefined || path === rootState.path) return this.#root;
    const parts = path.split('/');
    if (parts[0] !== rootState.path) throw notFound(path);
    let current: SupervisorChild = this.#root;
    for (const part of parts.slice(1)) {
      const child = current.state().children.find((record) => record.id === part);
      if (!child || child.spec.kind !== 'supervisor') throw notFound(path);
      current = child.ref as SupervisorChild;
    }
    return current;
  }

  #supervisorAt(path: string | undefined): SupervisorState {
    return this.#refAt(path).state();
  }
}

function childInfo(child: SupervisorState['children'][number]): ChildInfo {
  return { id: child.id, kind: child.spec.kind, status: child.ref.status(), pid: child.ref.pid(), restarts: child.restarts };
}

function notFound(path: string): ArborError {
  return new ArborError('E_CHILD_NOT_FOUND', `no supervisor at '${path}'`, { details: { field: 'path', value: path } });
}

// Validates the tree, starts every child in order and resolves once all are up; rejects (leaving nothing running) if one cannot start.
export async function start(draft: ChildDraft, options: StartOptions = {}): Promise<Tree> {
  const context: ValidationContext = { baseDir: options.baseDir ?? process.cwd(), env: options.env };
  const spec = validateTree(draft, context);
  if (spec.kind !== 'supervisor') {
    throw new ArborError('E_INVALID_SPEC', 'the root of a tree must be a supervisor(...)', { details: { field: 'root', value: spec.id } });
  }
  const logger = options.logger;
  let tree: Tree | null = null;
  const emit = (event: TreeEvent): void => {
    if (logger) logTreeEvent(logger, event);
    options.onEvent?.(event);
    tree?.emit('event', event);
  };
  let initialReport: ((report: ChildReport) => void) | null = null;
  const root = createSupervisorChild({
    spec: spec as SupervisorSpec,
    path: spec.id,
    deps: { clock: options.clock ?? realClock, driver: options.driver ?? createRealDriver(), emit, random: options.random ?? Math.random, dispatch: createDispatcher() },
    report: (report) => {
      if (initialReport) return initialReport(report);
      if (report.type === 'child.exited') tree?._ended({ status: 'errored', reason: 'the root supervisor gave up' });
    },
  });
  tree = new Tree(root, context);
  await new Promise<void>((resolve, reject) => {
    initialReport = (report) => {
      initialReport = null;
      if (report.type === 'child.started') resolve();
      else if (report.type === 'child.start_failed') reject(report.error);
      else reject(new ArborError('E_START_FAILED', `the root supervisor did not start (${report.type})`));
    };
    root.send({ type: 'start', incarnation: 1 });
  });
  return tree;
}
