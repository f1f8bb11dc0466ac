// Time as a dependency: the engine reads and schedules time only through a Clock.

/** A handle returned by `setTimeout`, opaque to callers. */
export type TimerHandle = unknown;

/** The time source and timer service; its setTimeout/clearTimeout shape also fits xstate's clock option. */
export interface Clock {
  /** Milliseconds on a monotonic scale (not wall time). */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

// The real clock: performance.now() and Node's timers.
export const realClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
