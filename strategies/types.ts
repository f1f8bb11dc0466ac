// The data that restart policy reads and returns; no I/O, no clock, no processes.
import type { RestartType } from '../src/spec/types.js';

/** One child as a strategy sees it, in start order. */
export interface ChildView {
  id: string;
  restart: RestartType;
  /** True when the child has a live process (OTP pid is a pid): it must be terminated in a group restart. */
  running: boolean;
}

/** What to do about an exit that is going to be restarted. */
export interface RestartPlan {
  /** Children to terminate, newest (highest start position) first. Never includes the exited child. */
  terminate: string[];
  /** Children to start, oldest first. Includes the exited child; never includes a temporary child. */
  start: string[];
  /** Temporary children in the group: terminated (if running) and then removed, never restarted. */
  remove: string[];
}

/** A restart strategy: given the children in start order and the id that exited, the group to act on. */
export type RestartStrategy = (children: readonly ChildView[], exitedId: string) => RestartPlan;
