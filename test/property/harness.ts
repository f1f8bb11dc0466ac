// Runs one scenario through the reference model and through arbor (simulated clock and driver), step by step,
// and turns both into the same observations: OS records, restart decisions, supervisor exits, replies, children.
import { expect } from 'vitest';
import { isArborError, start, supervisor, worker, type ChildDraft, type Tree, type TreeEvent } from '../../src/index.js';
import { SimulatedClock, SimulatedDriver, type DriverRecord, type SimulatedRun } from '../../src/testing/index.js';
import {
  ReferenceTree,
  type ModelChildSpec,
  type ModelChildView,
  type ModelDecision,
  type ModelRecord,
  type ModelReply,
  type ModelRestart,
  type ModelSupervisorExit,
  type ModelSupervisorSpec,
  type ModelWorkerSpec,
  type ReplySlot,
  type StartResult,
} from './reference-model.js';

/** How a process exits by itself: a code (0 is normal) or a signal nobody in the tree sent. */
export interface ExitSpec {
  code: number | null;
  signal: 'SIGTERM' | 'SIGKILL' | null;
}

/** One generated action; `pick` chooses among what exists when the action runs. */
export type Action =
  | { kind: 'crash'; pick: number; exit: ExitSpec; whenIdle?: boolean }
  | { kind: 'advance'; ms: number }
  | { kind: 'terminate' | 'restart' | 'delete'; pick: number; ghost: boolean; sub?: number | null }
  | { kind: 'add'; restart: ModelRestart; significant: boolean; duplicate: boolean; pick: number; sub?: number | null }
  | { kind: 'stop' };

/** An action with its target resolved to an id (the same for the model and the engine). */
export type ResolvedAction =
  | { kind: 'crash'; id: string; exit: ExitSpec }
  | { kind: 'advance'; ms: number }
  | { kind: 'terminate' | 'restart' | 'delete'; id: string; path?: string }
  | { kind: 'add'; spec: ModelWorkerSpec; path?: string }
  | { kind: 'stop' };

/** A tree, the scripted start results per worker id, and what happens to it. */
export interface Scenario {
  root: ModelSupervisorSpec;
  scripts: Record<string, StartResult[]>;
  actions: Action[];
}

/** What one step did, as seen from outside. */
export interface StepObservation {
  action: ResolvedAction;
  /** The root's children (start order) before the step; null when the root is not running or not idle. */
  before: ModelChildView[] | null;
  records: ModelRecord[];
  decisions: ModelDecision[];
  exits: ModelSupervisorExit[];
  /** For a manual API call or a stop: 'ok', the arbor error code, or 'pending' (not answered by the end of the step). */
  reply: string | null;
  /** Answers, during this step, to calls of earlier steps still pending then (by call number). */
  late: { call: number; reply: string }[];
  status: 'online' | 'stopped' | 'errored';
  /** The root's children after the step; null when the root is not running or not idle. */
  children: ModelChildView[] | null;
  /** The children of every idle running supervisor child of the root, by path. */
  subChildren: Record<string, ModelChildView[] | null>;
}

/** A whole run: the start, then one observation per step (the last step is always a stop while online). */
export interface RunObservation {
  start: { ok: boolean; failedChild: string | null; records: ModelRecord[]; decisions: ModelDecision[] };
  steps: StepObservation[];
  /** Processes still alive at the very end (must be none). */
  leftRunning: string[];
}

const REPLY_CODES: Record<Exclude<ModelReply, { ok: true }>['error'], string> = {
  not_found: 'E_CHILD_NOT_FOUND',
  running: 'E_CHILD_RUNNING',
  restarting: 'E_CHILD_RUNNING',
  start_error: 'E_SPAWN_FAILED',
  duplicate: 'E_DUPLICATE_ID',
  bad_combination: 'E_BAD_COMBINATION',
  supervisor_stopped: 'E_SUPERVISOR_STOPPED',
};

// The model reply as the engine's outcome: 'ok' or the error code arbor uses for that OTP error.
export function replyCode(reply: ModelReply): string {
  return reply.ok ? 'ok' : REPLY_CODES[reply.error];
}

// Turns a model spec into an arbor draft of simulated workers (arbor's defaults otherwise).
export function toDraft(spec: ModelChildSpec): ChildDraft {
  if (spec.kind === 'worker') {
    const options = { id: spec.id, command: 'sim', restart: spec.restart, significant: spec.significant };
    return worker(spec.shutdown === undefined ? options : { ...options, shutdown: spec.shutdown });
  }
  return supervisor(
    {
      id: spec.id,
      strategy: spec.strategy,
      intensity: spec.intensity,
      period: spec.period,
      autoShutdown: spec.autoShutdown,
      restart: spec.restart,
      significant: spec.significant,
    },
    spec.children.map(toDraft),
  );
}

function resolve(action: Action, model: ReferenceTree, root: ModelSupervisorSpec, fresh: { next: number }): ResolvedAction {
  switch (action.kind) {
    case 'crash': {
      // `whenIdle`: only a process whose supervisor is not in the middle of something may crash now.
      const live = model.liveWorkers().filter((id) => !action.whenIdle || model.ownerIdle(id));
      return { kind: 'crash', id: live.length === 0 ? 'nobody' : live[action.pick % live.length]!, exit: action.exit };
    }
    case 'advance':
    case 'stop':
      return action;
    case 'terminate':
    case 'restart':
    case 'delete': {
      const path = targetPath(action.sub, model, root);
      const children = model.whichChildren(path) ?? [];
      const id = action.ghost || children.length === 0 ? 'ghost' : children[action.pick % children.length]!.id;
      return path === undefined ? { kind: action.kind, id } : { kind: action.kind, id, path };
    }
    case 'add': {
      const path = targetPath(action.sub, model, root);
      const children = model.whichChildren(path) ?? [];
      const id = action.duplicate && children.length > 0 ? children[action.pick % children.length]!.id : `d${fresh.next++}`;
      const autoShutdown = path === undefined ? root.autoShutdown : specAt(root, path).autoShutdown;
      const significant = action.significant && action.restart !== 'permanent' && autoShutdown !== 'never';
      // The simulated driver keys process behaviour by id: a re-added id's process stops the way the original's did.
      const original = findWorker(root, id);
      const spec: ModelWorkerSpec = { kind: 'worker', id, restart: action.restart, significant, ...(original?.stopDelayMs ? { stopDelayMs: original.stopDelayMs } : {}) };
      return path === undefined ? { kind: 'add', spec } : { kind: 'add', spec, path };
    }
  }
}

// The running supervisor child of the root that an API call goes to (undefined: the root itself).
function targetPath(sub: number | null | undefined, model: ReferenceTree, root: ModelSupervisorSpec): string | undefined {
  if (sub === null || sub === undefined) return undefined;
  const paths = subPaths(root, model.whichChildren());
  return paths.length === 0 ? undefined : paths[sub % paths.length];
}

function specAt(root: ModelSupervisorSpec, path: string): ModelSupervisorSpec {
  const id = path.split('/')[1];
  return root.children.find((child) => child.id === id) as ModelSupervisorSpec;
}

// Paths of the root's supervisor children that run now.
function subPaths(root: ModelSupervisorSpec, children: ModelChildView[] | null): string[] {
  if (!children) return [];
  return children
    .filter((child) => child.state === 'running' && root.children.some((spec) => spec.id === child.id && spec.kind === 'supervisor'))
    .map((child) => `${root.id}/${child.id}`);
}

// Runs the scenario through the reference model; also fixes every action's target for the engine's run.
export function runModel(scenario: Scenario): { observation: RunObservation; resolved: ResolvedAction[] } {
  const model = new ReferenceTree(scenario.root, scenario.scripts);
  const outcome = model.start();
  const observation: RunObservation = {
    start: {
      ok: outcome.ok,
      failedChild: outcome.ok ? null : outcome.failedChild,
      records: [...model.records],
      decisions: [...model.decisions],
    },
    steps: [],
    leftRunning: [],
  };
  const resolved: ResolvedAction[] = [];
  if (!outcome.ok) {
    observation.leftRunning = model.liveWorkers();
    return { observation, resolved };
  }
  const fresh = { next: 0 };
  const calls: { call: number; slot: ReplySlot }[] = [];
  const actions: Action[] = [...scenario.actions, { kind: 'stop' }, { kind: 'advance', ms: FINAL_ADVANCE_MS }];
  for (const action of actions) {
    if (model.status() !== 'online') break;
    const step = resolve(action, model, scenario.root, fresh);
    resolved.push(step);
    const marks = { records: model.records.length, decisions: model.decisions.length, exits: model.exits.length };
    const before = model.idle() ? model.whichChildren() : null;
    let slot: ReplySlot | null = null;
    switch (step.kind) {
      case 'crash':
        model.crash(step.id, step.exit);
        break;
      case 'advance':
        model.advance(step.ms);
        break;
      case 'terminate':
        slot = model.terminateChild(step.id, step.path);
        break;
      case 'restart':
        slot = model.restartChild(step.id, step.path);
        break;
      case 'delete':
        slot = model.deleteChild(step.id, step.path);
        break;
      case 'add':
        slot = model.startChild(step.spec, step.path);
        break;
      case 'stop':
        slot = model.stop();
        break;
    }
    // Replies that settle within the same step are compared as a set (by call): two callers of one dying supervisor
    // learn of it at the same moment, and neither OTP nor arbor orders those answers.
    const late = calls
      .filter(({ slot: earlier }) => earlier.value !== null)
      .map(({ call, slot: earlier }) => ({ call, reply: replyCode(earlier.value!) }))
      .sort((a, b) => a.call - b.call);
    calls.splice(0, calls.length, ...calls.filter(({ slot: earlier }) => earlier.value === null));
    if (slot && slot.value === null) calls.push({ call: resolved.length - 1, slot });
    const children = model.idle() ? model.whichChildren() : null;
    const subs = subPaths(scenario.root, model.whichChildren()).filter((path) => model.idle(path));
    observation.steps.push({
      action: step,
      before,
      records: model.records.slice(marks.records),
      decisions: model.decisions.slice(marks.decisions),
      exits: model.exits.slice(marks.exits),
      reply: slot === null ? null : slot.value === null ? 'pending' : replyCode(slot.value),
      late,
      status: model.status(),
      children,
      subChildren: Object.fromEntries(subs.map((path) => [path, model.whichChildren(path)])),
    });
  }
  observation.leftRunning = model.liveWorkers();
  return { observation, resolved };
}

function toModelRecord(record: DriverRecord): ModelRecord {
  switch (record.type) {
    case 'spawn':
    case 'spawn_failed':
    case 'ignored':
      return { type: record.type, id: record.id, at: record.at };
    case 'signal':
      return { type: 'signal', id: record.id, signal: record.signal, at: record.at };
    case 'exit':
      return { type: 'exit', id: record.id, code: record.status.code, signal: record.status.signal, at: record.at };
    case 'message_in':
    case 'message_out':
      // The generated trees have no readiness and no shutdown messages, so the model has no such records.
      throw new Error(`unexpected IPC record in a property run: ${JSON.stringify(record)}`);
  }
}

function toDecision(event: TreeEvent): ModelDecision | null {
  if (event.type === 'child.restarting') return { supervisor: event.supervisor, child: event.id, at: event.at, outcome: 'restart' };
  if (event.type === 'supervisor.gave_up' && event.reason === 'intensity') {
    return { supervisor: event.supervisor, child: null, at: event.at, outcome: 'give_up' };
  }
  return null;
}

function toExit(event: TreeEvent): ModelSupervisorExit | null {
  return event.type === 'supervisor.gave_up' ? { supervisor: event.supervisor, reason: event.reason, at: event.at } : null;
}

// PM2 statuses as OTP child states: a child being stopped still has its pid until it is gone.
const STATES: Record<string, ModelChildView['state']> = {
  online: 'running',
  stopping: 'running',
  stopped: 'undefined',
  errored: 'undefined',
  'waiting restart': 'restarting',
};

// The engine's children as which_children states; a status that should never be seen at rest is kept as is.
function engineChildren(tree: Tree, path?: string): ModelChildView[] | null {
  try {
    return tree.children(path).map((child) => ({ id: child.id, state: STATES[child.status] ?? (`status ${child.status}` as ModelChildView['state']) }));
  } catch {
    return null;
  }
}

function errorCode(error: unknown): string {
  return isArborError(error) ? error.code : `thrown: ${String(error)}`;
}

// Calls the API and reports how it settled once everything synchronous has run ('pending' if it has not).
export async function settle(call: () => Promise<unknown>): Promise<string> {
  let outcome = 'pending';
  track(call, (reply) => (outcome = reply));
  await flush();
  return outcome;
}

// Calls the API and hands its outcome ('ok' or an error code) to `done` whenever it settles.
function track(call: () => Promise<unknown>, done: (reply: string) => void): void {
  try {
    call().then(
      () => done('ok'),
      (error: unknown) => done(errorCode(error)),
    );
  } catch (error) {
    done(errorCode(error));
  }
}

// Lets the promise callbacks of answers already given run (the engine answers synchronously; an answer passes
// through at most a few promise hops, such as Tree.stop's async body, before our callback sees it).
async function flush(): Promise<void> {
  for (let tick = 0; tick < 16; tick += 1) await Promise.resolve();
}

// The scenario's worker spec with this id, anywhere in the tree.
function findWorker(spec: ModelChildSpec, id: string): ModelWorkerSpec | undefined {
  if (spec.kind === 'worker') return spec.id === id ? spec : undefined;
  for (const child of spec.children) {
    const found = findWorker(child, id);
    if (found) return found;
  }
  return undefined;
}

/** How long the end of every run lets time pass after its stop, so slow stops can finish. */
const FINAL_ADVANCE_MS = 1_000_000;

/** Start results per worker, and how each worker's pretend process reacts to its kill signal. */
function driverScripts(scenario: Scenario): Map<string, SimulatedRun[]> {
  const scripts = new Map<string, SimulatedRun[]>();
  for (const [id, results] of Object.entries(scenario.scripts)) scripts.set(id, results.map((result) => ({ start: result })));
  const visit = (spec: ModelChildSpec): void => {
    if (spec.kind === 'supervisor') return spec.children.forEach(visit);
    if (!spec.stopDelayMs) return;
    const runs = (scripts.get(spec.id) ?? []).map((run) => ({ ...run, stopDelayMs: spec.stopDelayMs! }));
    scripts.set(spec.id, [...runs, ...Array.from({ length: 60 }, () => ({ stopDelayMs: spec.stopDelayMs! }))]);
  };
  scenario.root.children.forEach(visit);
  return scripts;
}

// Simulated time and processes with the scenario's start results queued per worker id.
export function simulatedWorld(scripts: Record<string, readonly StartResult[]>): { clock: SimulatedClock; driver: SimulatedDriver } {
  const clock = new SimulatedClock();
  const driver = new SimulatedDriver(clock);
  for (const [id, results] of Object.entries(scripts)) driver.script(id, ...results.map((result) => ({ start: result })));
  return { clock, driver };
}

// Runs the model's resolved actions against arbor and observes it as `runModel` observed the model (children
// are read when the model says the supervisor is idle, the only moments OTP's which_children is well defined).
export async function runEngine(scenario: Scenario, resolved: readonly ResolvedAction[], model: RunObservation): Promise<RunObservation> {
  const clock = new SimulatedClock();
  const driver = new SimulatedDriver(clock);
  for (const [id, runs] of driverScripts(scenario)) driver.script(id, ...runs);
  const events: TreeEvent[] = [];
  let tree: Tree | null = null;
  let failedChild: string | null = null;
  try {
    tree = await start(toDraft(scenario.root), { clock, driver, onEvent: (event) => events.push(event) });
  } catch (error) {
    failedChild = isArborError(error) ? String(error.details.value) : `thrown: ${String(error)}`;
  }
  const observation: RunObservation = {
    start: {
      ok: tree !== null,
      failedChild,
      records: driver.records.map(toModelRecord),
      decisions: events.map(toDecision).filter((decision) => decision !== null),
    },
    steps: [],
    leftRunning: [],
  };
  if (tree === null) {
    observation.leftRunning = driver.running();
    return observation;
  }
  const live = tree;
  const settled: { call: number; reply: string }[] = [];
  let calls = 0;
  const outstanding = (): boolean => settled.length < calls;
  for (const [index, step] of resolved.entries()) {
    const expected = model.steps[index];
    const marks = { records: driver.records.length, events: events.length, settled: settled.length };
    const before = expected?.before && live.status() === 'online' ? engineChildren(live) : null;
    const call = (run: () => Promise<unknown>): void => {
      calls += 1;
      track(run, (reply) => settled.push({ call: index, reply }));
    };
    switch (step.kind) {
      case 'crash':
        driver.crash(step.id, step.exit);
        break;
      case 'advance':
        clock.advance(step.ms);
        break;
      case 'terminate':
        call(() => live.terminateChild(step.id, step.path));
        break;
      case 'restart':
        call(() => live.restartChild(step.id, step.path));
        break;
      case 'delete':
        call(() => live.deleteChild(step.id, step.path));
        break;
      case 'add':
        call(() => live.startChild(toDraft(step.spec), step.path));
        break;
      case 'stop':
        call(() => live.stop());
        break;
    }
    const isCall = step.kind !== 'crash' && step.kind !== 'advance';
    if (isCall || outstanding()) await flush();
    const answered = settled.slice(marks.settled);
    const own = answered.find((answer) => answer.call === index);
    const newEvents = events.slice(marks.events);
    const children = expected?.children && live.status() === 'online' ? engineChildren(live) : null;
    observation.steps.push({
      action: step,
      before,
      records: driver.records.slice(marks.records).map(toModelRecord),
      decisions: newEvents.map(toDecision).filter((decision) => decision !== null),
      exits: newEvents.map(toExit).filter((exit) => exit !== null),
      reply: isCall ? (own?.reply ?? 'pending') : null,
      late: answered.filter((answer) => answer.call !== index).sort((a, b) => a.call - b.call),
      status: live.status(),
      children,
      subChildren: Object.fromEntries(Object.keys(expected?.subChildren ?? {}).map((path) => [path, engineChildren(live, path)])),
    });
  }
  observation.leftRunning = driver.running();
  if (live.status() === 'online') await settle(() => live.stop());
  return observation;
}

/** The model's and the engine's observations of one scenario, and the actions both ran. */
export interface DifferentialRun {
  model: RunObservation;
  engine: RunObservation;
  resolved: ResolvedAction[];
}

// Runs a scenario through both.
export async function runBoth(scenario: Scenario): Promise<DifferentialRun> {
  const { observation, resolved } = runModel(scenario);
  const engine = await runEngine(scenario, resolved, observation);
  return { model: observation, engine, resolved };
}

// Fails at the first step where arbor and the model disagree, showing the actions up to it and both observations.
export function expectSameBehaviour(run: DifferentialRun): void {
  const { model, engine, resolved } = run;
  expect(engine.start, 'start (init) differs from the OTP model').toEqual(model.start);
  const steps = Math.max(model.steps.length, engine.steps.length);
  for (let index = 0; index < steps; index += 1) {
    const expected = model.steps[index];
    const actual = engine.steps[index];
    if (JSON.stringify(expected) === JSON.stringify(actual)) continue;
    const history = resolved.slice(0, index + 1).map((action, at) => `  ${at}: ${JSON.stringify(action)}`).join('\n');
    expect(actual, `step ${index} differs from the OTP model; actions so far:\n${history}\n`).toEqual(expected);
  }
  expect(engine.leftRunning, 'processes left running at the end').toEqual([]);
  expect(model.leftRunning, 'the model left processes running').toEqual([]);
}
