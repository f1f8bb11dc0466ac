// One queue for every message between the actors of a tree, drained one at a time: an actor never processes an
// event from inside another actor's transition (xstate's rule), and the order of delivery is first posted, first run.

/** Runs `deliver` now if nothing is being delivered, else after everything posted before it. */
export type Dispatch = (deliver: () => void) => void;

// Creates the dispatcher of one tree.
export function createDispatcher(): Dispatch {
  const queue: Array<() => void> = [];
  let draining = false;
  return (deliver) => {
    queue.push(deliver);
    if (draining) return;
    draining = true;
    try {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) next();
    } finally {
      draining = false;
    }
  };
}

/** The timer half of a Clock, as xstate's `clock` option takes it. */
export interface TimerService {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

// A clock for xstate actors whose timers (delayed transitions) fire through the dispatcher like every other message.
export function dispatchingClock(clock: TimerService, dispatch: Dispatch): TimerService {
  return {
    setTimeout: (fn, ms) => clock.setTimeout(() => dispatch(fn), ms),
    clearTimeout: (handle) => clock.clearTimeout(handle),
  };
}
