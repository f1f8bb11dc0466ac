// A supervisor as an xstate machine: OTP's strategies, intensity, ordered start and stop, dynamic children.
import { createActor, enqueueActions, setup } from 'xstate';
import { initialBackoffState } from '../../strategies/backoff.js';
import { ArborError } from '../errors.js';
import { createProcessChild } from '../process/machine.js';
import type { Exit } from '../process/exit.js';
import type { ChildSpec, SupervisorSpec } from '../spec/types.js';
import { decideOnExit, decideRestart, needsTermination, removeChild, shutdownSteps } from './decide.js';
import type { SupervisorDeps } from './deps.js';
import { dispatchingClock } from './dispatcher.js';
import { applyAwaitedReport, isAwaitedReport, runSteps, type SelfRef } from './execute.js';
import type { ChildRef, ChildReport, ChildStatus } from './protocol.js';
import { findChild, type ApiEvent, type ChildRecord, type SupervisorEvent, type SupervisorState } from './state.js';

/** What a supervisor machine is created with. */
export interface SupervisorMachineInput {
  spec: SupervisorSpec;
  /** This supervisor's path in the tree, e.g. `root/jobs`. */
  path: string;
  deps: SupervisorDeps;
  /** How it reports to its parent (the tree handle for the root). */
  report: (report: ChildReport) => void;
}

interface SupervisorContext {
  input: SupervisorMachineInput;
  state: SupervisorState;
  self: SelfRef;
}

type Args = { context: SupervisorContext; event: SupervisorEvent };

const isReport = (event: SupervisorEvent): event is ChildReport => event.type.startsWith('child.');

function newState(input: SupervisorMachineInput, self: SelfRef): SupervisorState {
  const staticChildren = input.spec.children.map((spec) => createRecord(spec, input, self));
  return {
    spec: input.spec,
    path: input.path,
    children: [...staticChildren],
    staticChildren,
    restartLog: [],
    steps: [],
    awaiting: null,
    deferred: [],
    nextToken: 1,
    timers: new Map(),
    termination: null,
    incarnation: 0,
    startedAt: 0,
    stopRequestedByParent: false,
    stopReplies: [],
    phase: 'idle',
    parkedStatus: 'stopped',
  };
}

// Makes the record (and the actor) for one child spec; never called from inside an action (xstate creates actors outside them).
function createRecord(spec: ChildSpec, input: SupervisorMachineInput, self: SelfRef): ChildRecord {
  const report = (message: ChildReport): void => input.deps.dispatch(() => self.send(message));
  const ref: ChildRef =
    spec.kind === 'worker'
      ? createProcessChild({ spec, driver: input.deps.driver, clock: input.deps.clock, report, dispatch: input.deps.dispatch })
      : createSupervisorChild({ spec, path: `${input.path}/${spec.id}`, deps: input.deps, report });
  return {
    id: spec.id,
    spec,
    ref,
    slot: 'undefined',
    incarnation: 0,
    restarts: 0,
    backoff: initialBackoffState,
    unstableExits: [],
    pendingToken: null,
  };
}

function reject(reply: { reject(error: unknown): void }, error: ArborError): void {
  reply.reject(error);
}

function planApi({ context, event }: Args): void {
  const state = context.state;
  const api = event as ApiEvent;
  if (api.type === 'api.start_child') {
    if (findChild(state, api.record.id)) {
      api.record.ref.dispose();
      reject(api.reply, new ArborError('E_DUPLICATE_ID', `supervisor '${state.path}' already has a child with id '${api.record.id}'`, { details: { field: 'id', value: api.record.id } }));
      return;
    }
    state.children.push(api.record);
    state.steps = [{ kind: 'start', id: api.record.id, phase: 'manual', reply: api.reply, dropOnFailure: true }];
    return;
  }
  const child = findChild(state, api.id);
  if (!child) {
    const known = state.children.map((c) => c.id).join(', ') || 'none';
    reject(api.reply, new ArborError('E_CHILD_NOT_FOUND', `supervisor '${state.path}' has no child '${api.id}' (children: ${known})`, { details: { field: 'id', value: api.id } }));
    return;
  }
  switch (api.type) {
    case 'api.terminate_child':
      // OTP terminate_child: stop it without a restart; a temporary child's spec goes too.
      state.steps = [
        { kind: 'terminate', id: child.id, remove: child.spec.restart === 'temporary' },
        { kind: 'reply', reply: api.reply, value: undefined },
      ];
      return;
    case 'api.restart_child':
      if (child.slot !== 'undefined' || needsTermination(child)) {
        reject(api.reply, new ArborError('E_CHILD_RUNNING', `child '${child.id}' of '${state.path}' is ${child.slot === 'restarting' ? 'restarting' : 'running'}; terminate it first`, { details: { field: 'id', value: child.id } }));
        return;
      }
      // A manual restart starts afresh: no backoff carried over, no crash-loop history (PM2's resetState).
      child.backoff = initialBackoffState;
      child.unstableExits = [];
      state.steps = [{ kind: 'start', id: child.id, phase: 'manual', reply: api.reply }];
      return;
    case 'api.delete_child':
      if (child.slot !== 'undefined' || needsTermination(child)) {
        reject(api.reply, new ArborError('E_CHILD_RUNNING', `child '${child.id}' of '${state.path}' is ${child.slot === 'restarting' ? 'restarting' : 'running'}; terminate it first`, { details: { field: 'id', value: child.id } }));
        return;
      }
      removeChild(state, child, context.input.deps);
      api.reply.resolve(undefined);
      return;
  }
}

function supervisorExit(state: SupervisorState, now: number): Exit {
  return { code: null, signal: null, reason: 'shutdown', uptimeMs: Math.max(0, Math.round(now - state.startedAt)) };
}

// The supervisor machine. `working` runs an operation step by step; `ready` takes the next event.
export const supervisorMachine = setup({
  types: {} as { context: SupervisorContext; events: SupervisorEvent; input: SupervisorMachineInput },
  guards: {
    isAwaitedReport: ({ context, event }) => isReport(event) && isAwaitedReport(context.state, event),
    hasTerminated: ({ context }) => context.state.termination !== null,
    isIdle: ({ context }) => context.state.awaiting === null && context.state.steps.length === 0,
    isCurrentExit: ({ context, event }) => {
      if (event.type !== 'child.exited') return false;
      const child = findChild(context.state, event.id);
      return child !== undefined && child.slot === 'running' && child.incarnation === event.incarnation;
    },
  },
  actions: {
    planInit: ({ context, event }) => {
      // A (re)started supervisor runs its static children afresh; children added at run time are gone, as in OTP.
      const state = context.state;
      for (const child of state.children) if (!state.staticChildren.includes(child)) child.ref.dispose();
      for (const child of state.staticChildren) Object.assign(child, { slot: 'undefined', backoff: initialBackoffState, unstableExits: [], pendingToken: null });
      state.children = [...state.staticChildren];
      state.restartLog = [];
      state.termination = null;
      state.stopRequestedByParent = false;
      state.incarnation = (event as Extract<SupervisorEvent, { type: 'start' }>).incarnation;
      state.startedAt = context.input.deps.clock.now();
      state.phase = 'init';
      state.parkedStatus = 'stopped';
      state.steps = [...state.children.map((child) => ({ kind: 'start' as const, id: child.id, phase: 'init' as const })), { kind: 'init_done' }];
    },
    runSteps: ({ context }) => runSteps(context.state, context.input.deps, context.self),
    applyReport: ({ context, event }) => applyAwaitedReport(context.state, event as ChildReport, context.input.deps),
    defer: ({ context, event }) => {
      context.state.deferred.push(event);
    },
    takeDeferred: enqueueActions(({ context, enqueue }) => {
      const next = context.state.deferred.shift();
      if (next) enqueue.raise(next);
    }),
    handleExit: ({ context, event }) => {
      const report = event as Extract<ChildReport, { type: 'child.exited' }>;
      const child = findChild(context.state, report.id)!;
      decideOnExit(context.state, child, report.exit, context.input.deps);
    },
    handleStop: ({ context, event }) => {
      const stop = event as Extract<SupervisorEvent, { type: 'stop' }>;
      const state = context.state;
      if (stop.reply) state.stopReplies.push(stop.reply);
      else state.stopRequestedByParent = true;
      state.steps = shutdownSteps(state, 'stop', context.input.deps);
    },
    handleRestartDue: ({ context, event }) => {
      const state = context.state;
      const token = (event as Extract<SupervisorEvent, { type: 'restart.due' }>).token;
      state.timers.delete(token);
      state.steps = state.children
        .filter((child) => child.pendingToken === token && child.slot === 'restarting')
        .map((child) => ({ kind: 'start' as const, id: child.id, phase: 'restart' as const }));
    },
    handleRetry: ({ context, event }) => {
      const child = findChild(context.state, (event as Extract<SupervisorEvent, { type: 'restart.retry' }>).id);
      if (child && child.slot === 'restarting') decideRestart(context.state, child, 0, context.input.deps);
    },
    planApi,
    rejectStopped: ({ context, event }) => {
      if ('reply' in event && event.reply && event.type !== 'stop') {
        event.reply.reject(new ArborError('E_SUPERVISOR_STOPPED', `supervisor '${context.state.path}' is not running`));
      }
    },
    replyStoppedAlready: ({ context, event }) => {
      const stop = event as Extract<SupervisorEvent, { type: 'stop' }>;
      if (stop.reply) stop.reply.resolve(undefined);
      else context.self.reportUp({ type: 'child.stopped', id: context.state.spec.id, incarnation: context.state.incarnation, exit: null });
    },
    reportTermination: ({ context }) => {
      const state = context.state;
      const termination = state.termination!;
      const now = context.input.deps.clock.now();
      state.phase = 'idle';
      const report = context.self.reportUp;
      const id = state.spec.id;
      if (termination.kind === 'init_failed') {
        const error = new ArborError('E_START_FAILED', `supervisor '${state.path}' failed to start child '${termination.id}': ${(termination.error as Error).message}`, {
          cause: termination.error,
          details: { field: 'id', value: termination.id },
        });
        report({ type: 'child.start_failed', id, incarnation: state.incarnation, error });
      } else if (state.stopRequestedByParent) {
        report({ type: 'child.stopped', id, incarnation: state.incarnation, exit: supervisorExit(state, now) });
      } else if (termination.kind === 'gave_up') {
        report({ type: 'child.exited', id, incarnation: state.incarnation, exit: supervisorExit(state, now) });
      }
      for (const reply of state.stopReplies.splice(0)) reply.resolve(undefined);
      // Whatever was queued behind the end is answered now, never left hanging (OTP: a call to a dead supervisor fails).
      for (const event of state.deferred.splice(0)) {
        if (event.type === 'stop') event.reply?.resolve(undefined);
        else if (event.type.startsWith('api.') && 'reply' in event) {
          event.reply.reject(new ArborError('E_SUPERVISOR_STOPPED', `supervisor '${state.path}' stopped before it could handle ${event.type}`));
        }
      }
    },
    park: ({ context, event }) => {
      context.state.parkedStatus = event.type === 'wait' ? 'waiting restart' : 'errored';
    },
  },
}).createMachine({
  id: 'supervisor',
  context: ({ input, self }) => {
    const dispatch = input.deps.dispatch;
    const selfRef: SelfRef = { send: (event) => dispatch(() => self.send(event)), reportUp: (report) => dispatch(() => input.report(report)) };
    return { input, state: newState(input, selfRef), self: selfRef };
  },
  initial: 'stopped',
  states: {
    stopped: {
      entry: enqueueActions(({ context, enqueue }) => {
        if (context.state.termination !== null) enqueue('reportTermination');
      }),
      on: {
        start: { target: 'working', actions: 'planInit' },
        stop: { actions: 'replyStoppedAlready' },
        wait: { actions: 'park' },
        errored: { actions: 'park' },
        'api.*': { actions: 'rejectStopped' },
      },
    },
    working: {
      entry: 'runSteps',
      always: [
        { guard: 'hasTerminated', target: 'stopped' },
        { guard: 'isIdle', target: 'ready' },
      ],
      on: {
        'child.*': [{ guard: 'isAwaitedReport', actions: ['applyReport', 'runSteps'] }, { actions: 'defer' }],
        '*': { actions: 'defer' },
      },
    },
    ready: {
      entry: 'takeDeferred',
      on: {
        'child.exited': [{ guard: 'isCurrentExit', target: 'working', actions: 'handleExit' }, { actions: 'takeDeferred' }],
        stop: { target: 'working', actions: 'handleStop' },
        'restart.due': { target: 'working', actions: 'handleRestartDue' },
        'restart.retry': { target: 'working', actions: 'handleRetry' },
        'api.*': { target: 'working', actions: 'planApi' },
        // A stale report (an exit already dealt with by a group restart, a late stop answer) is dropped, and the
        // queue moves on: OTP's unlink_flush discards such messages and the mailbox keeps being handled.
        '*': { actions: 'takeDeferred' },
      },
    },
  },
});

// Creates a supervisor's actor and wraps it in the child interface its parent uses.
export function createSupervisorChild(
  input: SupervisorMachineInput,
): ChildRef & { send(event: SupervisorEvent): void; state(): SupervisorState; newRecord(spec: ChildSpec): ChildRecord } {
  const actor = createActor(supervisorMachine, { input, clock: dispatchingClock(input.deps.clock, input.deps.dispatch) });
  actor.start();
  const state = (): SupervisorState => actor.getSnapshot().context.state;
  const status = (): ChildStatus => {
    const current = state();
    if (actor.getSnapshot().value === 'stopped') return current.parkedStatus;
    if (current.phase === 'init') return 'launching';
    if (current.phase === 'shutting_down') return 'stopping';
    return 'online';
  };
  return {
    id: input.spec.id,
    send: (event) => input.deps.dispatch(() => actor.send(event as SupervisorEvent)),
    status,
    pid: () => null,
    state,
    newRecord: (spec) => createRecord(spec, input, actor.getSnapshot().context.self),
    dispose: () => {
      for (const child of new Set([...state().children, ...state().staticChildren])) child.ref.dispose();
      actor.stop();
    },
  };
}
