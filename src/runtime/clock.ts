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

// The real clock: process.hrtime() in ms and Node's timers. Not performance.now(): the first use of `performance`
// loads perf_hooks and its internals, 0.3 MB of the idle daemon's memory for a number hrtime gives as well.
export const realClock: Clock = {
  now: () => {
    const [seconds, nanoseconds] = process.hrtime();
    return seconds * 1e3 + nanoseconds / 1e6;
  },
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
