// A supervisor's working state: children in start order, the restart log, the operation in progress.
import type { BackoffState } from '../../strategies/backoff.js';
import type { ChildView } from '../../strategies/types.js';
import type { ChildSpec, SupervisorSpec } from '../spec/types.js';
import type { ChildRef, ChildReport } from './protocol.js';

/** OTP's view of a child: running (has a pid), undefined (no pid), or restarting (a restart is owed to it). */
export type ChildSlot = 'running' | 'undefined' | 'restarting';

/** One child of a supervisor. */
export interface ChildRecord {
  id: string;
  spec: ChildSpec;
  ref: ChildRef;
  slot: ChildSlot;
  /** Tags the current run; reports from older runs are stale and ignored. */
  incarnation: number;
  /** Times the supervisor restarted it (PM2's restart_time). */
  restarts: number;
  backoff: BackoffState;
  /** Times (ms) of recent exits before min uptime, for crash-loop detection. */
  unstableExits: number[];
  /** The restart batch this child waits for while its backoff runs. */
  pendingToken: number | null;
}

/** A reply channel for a request from the library API. */
export interface Reply {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** One unit of work in a supervisor operation; `start` and `terminate` wait for the child's report. */
export type Step =
  | { kind: 'start'; id: string; phase: 'init' | 'restart' | 'manual'; reply?: Reply; dropOnFailure?: boolean }
  | { kind: 'terminate'; id: string; remove: boolean }
  | { kind: 'remove'; id: string }
  | { kind: 'schedule'; ids: string[]; delayMs: number }
  | { kind: 'reply'; reply: Reply; value: unknown }
  | { kind: 'init_done' }
  | { kind: 'init_failed'; id: string; error: unknown }
  | { kind: 'exit'; reason: 'intensity' | 'auto_shutdown' | 'stop' };

/** The report a `start` or `terminate` step is waiting for. */
export interface Awaiting {
  id: string;
  kind: 'start' | 'terminate';
  step: Step;
}

/** How a supervisor run ended, once it has. */
export type Termination =
  | { kind: 'stopped' }
  | { kind: 'gave_up'; reason: 'intensity' | 'auto_shutdown' }
  | { kind: 'init_failed'; id: string; error: unknown };

/** Everything a supervisor machine keeps; owned and mutated by that machine alone. */
export interface SupervisorState {
  spec: SupervisorSpec;
  path: string;
  children: ChildRecord[];
  /** The records of the spec's own children, reused whenever the supervisor is (re)started. */
  staticChildren: ChildRecord[];
  /** Restart timestamps in whole seconds, newest first (OTP add_restart). */
  restartLog: number[];
  steps: Step[];
  awaiting: Awaiting | null;
  deferred: SupervisorEvent[];
  nextToken: number;
  timers: Map<number, unknown>;
  termination: Termination | null;
  /** The start command's incarnation from the parent, echoed in reports. */
  incarnation: number;
  startedAt: number;
  /** A stop requested by the parent is answered with `child.stopped` rather than `child.exited`. */
  stopRequestedByParent: boolean;
  /** Replies owed to `stop()` callers. */
  stopReplies: Reply[];
  /** Where the supervisor is in its life; gives its status as a child. */
  phase: 'idle' | 'init' | 'running' | 'shutting_down';
  /** The status its parent set while it is down ('waiting restart' or 'errored'). */
  parkedStatus: 'stopped' | 'waiting restart' | 'errored';
}

/** Requests from the library API. */
export type ApiEvent =
  | { type: 'api.start_child'; record: ChildRecord; reply: Reply }
  | { type: 'api.terminate_child'; id: string; reply: Reply }
  | { type: 'api.restart_child'; id: string; reply: Reply }
  | { type: 'api.delete_child'; id: string; reply: Reply };

/** Everything a supervisor machine receives. */
export type SupervisorEvent =
  | ChildReport
  | ApiEvent
  | { type: 'start'; incarnation: number }
  | { type: 'stop'; reply?: Reply }
  | { type: 'wait' }
  | { type: 'errored' }
  | { type: 'restart.due'; token: number }
  | { type: 'restart.retry'; id: string };

// Finds a child by id.
export function findChild(state: SupervisorState, id: string): ChildRecord | undefined {
  return state.children.find((child) => child.id === id);
}

// The children as a strategy sees them, in start order.
export function childViews(state: SupervisorState): ChildView[] {
  return state.children.map((child) => ({ id: child.id, restart: child.spec.restart, running: child.slot === 'running' }));
}
