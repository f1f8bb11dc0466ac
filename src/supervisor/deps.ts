// What a supervisor needs from outside: time, processes, randomness, and where its events go.
import type { Clock } from '../runtime/clock.js';
import type { Driver } from '../runtime/driver.js';
import type { Dispatch } from './dispatcher.js';
import type { TreeEventSink } from './events.js';

/** Injected dependencies of every supervisor in a tree. */
export interface SupervisorDeps {
  clock: Clock;
  driver: Driver;
  emit: TreeEventSink;
  /** A number in [0, 1) for backoff jitter. */
  random: () => number;
  /** Delivers messages between the tree's actors, one at a time. */
  dispatch: Dispatch;
}
