// The messages between a supervisor and its children (workers or nested supervisors), named in one place.
import type { ArborError } from '../errors.js';
import type { Exit } from '../process/exit.js';

/** The PM2 statuses a child shows. */
export type ChildStatus = 'launching' | 'online' | 'stopping' | 'stopped' | 'errored' | 'waiting restart';

/** Commands a supervisor sends to a child. `incarnation` tags a start so late reports of older runs can be told apart. */
export type ChildCommand =
  | { type: 'start'; incarnation: number }
  | { type: 'stop' }
  | { type: 'wait' }
  | { type: 'errored' };

/** Reports a child sends to its supervisor. */
export type ChildReport =
  | { type: 'child.started'; id: string; incarnation: number; pid: number | null }
  | { type: 'child.start_failed'; id: string; incarnation: number; error: ArborError }
  | { type: 'child.ignored'; id: string; incarnation: number }
  | { type: 'child.exited'; id: string; incarnation: number; exit: Exit }
  | { type: 'child.stopped'; id: string; incarnation: number; exit: Exit | null };

/** What every child (worker or supervisor) offers its supervisor. */
export interface ChildRef {
  readonly id: string;
  send(command: ChildCommand): void;
  status(): ChildStatus;
  pid(): number | null;
  /** Ends the actor for good (after it is stopped). */
  dispose(): void;
}
