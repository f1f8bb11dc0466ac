// One managed OS process as an xstate machine with PM2's statuses; its supervisor decides restarts.
import { createActor, setup } from 'xstate';
import type { ArborError } from '../errors.js';
import type { Clock } from '../runtime/clock.js';
import type { Driver, ExitStatus, ProcessHandle } from '../runtime/driver.js';
import type { WorkerSpec } from '../spec/types.js';
import { dispatchingClock, type Dispatch } from '../supervisor/dispatcher.js';
import type { ChildCommand, ChildRef, ChildReport, ChildStatus } from '../supervisor/protocol.js';
import { classifyExit, type Exit } from './exit.js';

/** What a process machine needs from the outside world. */
export interface ProcessMachineInput {
  spec: WorkerSpec;
  driver: Driver;
  clock: Clock;
  /** Delivers to the supervisor (through the tree's dispatcher). */
  report: (report: ChildReport) => void;
  /** The tree's dispatcher: OS callbacks and commands reach this actor through it. */
  dispatch: Dispatch;
}

interface ProcessContext extends ProcessMachineInput {
  incarnation: number;
  handle: ProcessHandle | null;
  pid: number | null;
  startedAt: number;
  stopRequested: boolean;
  lastExit: Exit | null;
  /** The pid when the driver reported the spawn from inside `spawn()` (both drivers do): no extra event needed. */
  inlinePid: number | null;
}

type ProcessEvent =
  | ChildCommand
  | { type: 'os.spawned'; incarnation: number; pid: number }
  | { type: 'os.failed'; incarnation: number; error: ArborError }
  | { type: 'os.ignored'; incarnation: number }
  | { type: 'os.exited'; incarnation: number; status: ExitStatus }
  | { type: 'os.message'; incarnation: number; data: unknown };

/** The state of a started worker that has not said it is ready yet; its status reads `launching`, as PM2 shows it. */
const AWAITING_READY = 'awaiting ready';

const killTimeoutMs = ({ context }: { context: ProcessContext }): number =>
  typeof context.spec.shutdown === 'number' ? context.spec.shutdown : 0;

const readyTimeoutMs = ({ context }: { context: ProcessContext }): number => context.spec.ready?.timeoutMs ?? 0;

// The process machine; statuses are the state names, so `status()` is a lookup. Its context belongs to this actor
// alone and actions update it in place: supervisors drive children synchronously from their own actions, where
// xstate's `assign` is reserved for the outer actor (and in place is also what keeps a restart cheap).
export const processMachine = setup({
  types: {} as { context: ProcessContext; events: ProcessEvent; input: ProcessMachineInput },
  delays: { killTimeout: killTimeoutMs, readyTimeout: readyTimeoutMs },
  guards: {
    isCurrentRun: ({ context, event }) => 'incarnation' in event && event.incarnation === context.incarnation,
    stopWasRequested: ({ context }) => context.stopRequested,
    spawnedInline: ({ context }) => context.inlinePid !== null,
    spawnedInlineNotReady: ({ context }) => context.inlinePid !== null && context.spec.ready !== null,
    currentRunNotReady: ({ context, event }) => 'incarnation' in event && event.incarnation === context.incarnation && context.spec.ready !== null,
    isReadyMessage: ({ context, event }) =>
      event.type === 'os.message' &&
      event.incarnation === context.incarnation &&
      context.spec.ready?.message != null &&
      event.data === context.spec.ready.message,
    shutdownIsTimed: ({ context }) => typeof context.spec.shutdown === 'number',
  },
  actions: {
    beginRun: ({ context, event }) =>
      Object.assign(context, {
        incarnation: (event as Extract<ChildCommand, { type: 'start' }>).incarnation,
        handle: null,
        pid: null,
        stopRequested: false,
      }),
    spawnProcess: ({ context, self }) => {
      const incarnation = context.incarnation;
      let inside = true;
      context.inlinePid = null;
      const { spec } = context;
      const handle = context.driver.spawn(
        {
          id: spec.id,
          launch: spec.launch,
          stdout: spec.stdout,
          stderr: spec.stderr,
          ipc: spec.ipc,
          messages: (spec.ready !== null && spec.ready.message !== null) || spec.shutdownMessage !== null,
          killTree: spec.killTree,
        },
        {
          spawned: (pid) => {
            // Reported from inside spawn(): taken by the eventless transition below, which saves a whole event per start.
            if (inside) context.inlinePid = pid;
            else context.dispatch(() => self.send({ type: 'os.spawned', incarnation, pid }));
          },
          failed: (error) => context.dispatch(() => self.send({ type: 'os.failed', incarnation, error })),
          exited: (status) => context.dispatch(() => self.send({ type: 'os.exited', incarnation, status })),
          ignored: () => context.dispatch(() => self.send({ type: 'os.ignored', incarnation })),
          message: (data) => context.dispatch(() => self.send({ type: 'os.message', incarnation, data })),
        },
      );
      inside = false;
      context.handle = handle;
    },
    recordInlineSpawn: ({ context }) => {
      context.pid = context.inlinePid;
      context.inlinePid = null;
      context.startedAt = context.clock.now();
    },
    recordSpawn: ({ context, event }) => {
      context.pid = (event as Extract<ProcessEvent, { type: 'os.spawned' }>).pid;
      context.startedAt = context.clock.now();
    },
    requestStop: ({ context }) => {
      context.stopRequested = true;
    },
    recordExit: ({ context, event }) => {
      context.lastExit = classifyExit((event as Extract<ProcessEvent, { type: 'os.exited' }>).status, {
        stopRequested: context.stopRequested,
        normalExitCodes: context.spec.normalExitCodes,
        uptimeMs: context.clock.now() - context.startedAt,
      });
      context.pid = null;
      context.handle = null;
    },
    sendKillSignal: ({ context }) => {
      if (context.spec.shutdown === 'brutal_kill') return context.handle?.signalGroup('SIGKILL');
      // PM2's shutdown_with_message: the message instead of the signal, when the channel is there to carry it.
      if (context.spec.shutdownMessage !== null && context.handle?.send?.(context.spec.shutdownMessage)) return;
      context.handle?.signalGroup(context.spec.killSignal);
    },
    sendSigkill: ({ context }) => context.handle?.signalGroup('SIGKILL'),
    reportStarted: ({ context }) =>
      context.report({ type: 'child.started', id: context.spec.id, incarnation: context.incarnation, pid: context.pid }),
    reportStartFailed: ({ context, event }) =>
      context.report({
        type: 'child.start_failed',
        id: context.spec.id,
        incarnation: context.incarnation,
        error: (event as Extract<ProcessEvent, { type: 'os.failed' }>).error,
      }),
    reportIgnored: ({ context }) =>
      context.report({ type: 'child.ignored', id: context.spec.id, incarnation: context.incarnation }),
    reportExited: ({ context }) =>
      context.report({ type: 'child.exited', id: context.spec.id, incarnation: context.incarnation, exit: context.lastExit! }),
    reportStopped: ({ context }) =>
      context.report({ type: 'child.stopped', id: context.spec.id, incarnation: context.incarnation, exit: null }),
    reportStoppedWithExit: ({ context }) =>
      context.report({ type: 'child.stopped', id: context.spec.id, incarnation: context.incarnation, exit: context.lastExit }),
  },
}).createMachine({
  id: 'process',
  context: ({ input }) => ({
    ...input,
    incarnation: 0,
    handle: null,
    pid: null,
    startedAt: 0,
    stopRequested: false,
    lastExit: null,
    inlinePid: null,
  }),
  initial: 'stopped',
  states: {
    stopped: {
      on: {
        start: { target: 'launching', actions: 'beginRun' },
        stop: { actions: 'reportStopped' },
        wait: { target: 'waiting restart' },
        errored: { target: 'errored' },
      },
    },
    'waiting restart': {
      on: {
        start: { target: 'launching', actions: 'beginRun' },
        stop: { target: 'stopped', actions: 'reportStopped' },
        errored: { target: 'errored' },
      },
    },
    errored: {
      on: {
        start: { target: 'launching', actions: 'beginRun' },
        stop: { actions: 'reportStopped' },
        wait: { target: 'waiting restart' },
      },
    },
    launching: {
      entry: 'spawnProcess',
      always: [
        { guard: 'spawnedInlineNotReady', target: AWAITING_READY, actions: 'recordInlineSpawn' },
        { guard: 'spawnedInline', target: 'online', actions: ['recordInlineSpawn', 'reportStarted'] },
      ],
      on: {
        'os.spawned': [
          { guard: 'stopWasRequested', target: 'stopping', actions: 'recordSpawn' },
          { guard: 'currentRunNotReady', target: AWAITING_READY, actions: 'recordSpawn' },
          { guard: 'isCurrentRun', target: 'online', actions: ['recordSpawn', 'reportStarted'] },
        ],
        'os.failed': { guard: 'isCurrentRun', target: 'stopped', actions: 'reportStartFailed' },
        'os.ignored': { guard: 'isCurrentRun', target: 'stopped', actions: 'reportIgnored' },
        stop: { actions: 'requestStop' },
      },
    },
    // Running, not ready yet: the start completes (started is reported) on the ready message or at the timeout (as
    // PM2, a timeout is not a failure). An exit first is a start followed by an exit, so restart policy and crash-loop
    // detection treat it like any crash of a fresh process.
    [AWAITING_READY]: {
      after: { readyTimeout: { target: 'online', actions: 'reportStarted' } },
      on: {
        'os.message': { guard: 'isReadyMessage', target: 'online', actions: 'reportStarted' },
        'os.exited': { guard: 'isCurrentRun', target: 'stopped', actions: ['recordExit', 'reportStarted', 'reportExited'] },
        stop: { target: 'stopping', actions: 'requestStop' },
      },
    },
    online: {
      on: {
        'os.exited': { guard: 'isCurrentRun', target: 'stopped', actions: ['recordExit', 'reportExited'] },
        stop: { target: 'stopping', actions: 'requestStop' },
      },
    },
    stopping: {
      entry: 'sendKillSignal',
      after: {
        killTimeout: { guard: 'shutdownIsTimed', actions: 'sendSigkill' },
      },
      on: {
        'os.exited': { guard: 'isCurrentRun', target: 'stopped', actions: ['recordExit', 'reportStoppedWithExit'] },
        'os.failed': { guard: 'isCurrentRun', target: 'stopped', actions: 'reportStopped' },
        'os.ignored': { guard: 'isCurrentRun', target: 'stopped', actions: 'reportStopped' },
        stop: {},
      },
    },
  },
});

// Creates a worker's actor and wraps it in the child interface its supervisor uses.
export function createProcessChild(input: ProcessMachineInput): ChildRef {
  const actor = createActor(processMachine, { input, clock: dispatchingClock(input.clock, input.dispatch) });
  actor.start();
  return {
    id: input.spec.id,
    send: (command) => input.dispatch(() => actor.send(command)),
    status: () => {
      const state = actor.getSnapshot().value;
      return (state === AWAITING_READY ? 'launching' : state) as ChildStatus;
    },
    pid: () => actor.getSnapshot().context.pid,
    dispose: () => actor.stop(),
  };
}
