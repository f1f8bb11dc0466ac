// The events a tree emits (every start, exit, restart decision, give-up), named and built in one place.
import type { Exit } from '../process/exit.js';
import type { StrategyName } from '../spec/types.js';

/** Every event carries the supervisor path (`root/jobs`), the child id, and the clock time. */
interface EventBase {
  supervisor: string;
  id: string;
  at: number;
}

/** Something that happened in a tree. */
export type TreeEvent =
  | (EventBase & { type: 'child.started'; pid: number | null; restarts: number })
  | (EventBase & { type: 'child.exited'; exit: Exit })
  | (EventBase & { type: 'child.restarting'; strategy: StrategyName; delayMs: number; terminate: string[]; start: string[] })
  | (EventBase & { type: 'child.start_failed'; code: string; message: string })
  | (EventBase & { type: 'child.errored'; unstableRestarts: number })
  | (EventBase & { type: 'child.stopped'; exit: Exit | null })
  | (EventBase & { type: 'child.removed' })
  | (EventBase & { type: 'supervisor.gave_up'; reason: 'intensity' | 'auto_shutdown'; restarts: number });

/** The event type names, for `switch` statements and filters. */
export type TreeEventType = TreeEvent['type'];

/** Receives tree events. */
export type TreeEventSink = (event: TreeEvent) => void;
