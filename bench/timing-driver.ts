// A driver that wraps another and times the engine around it: from a process's exit being reported to the next
// spawn call (the supervisor's own work), and the spawn call itself.
import type { Driver, LaunchRequest, ProcessHandle, ProcessListener } from '../src/index.js';

/** One restart as the timing driver saw it. */
export interface RestartTiming {
  /** From `exited` being called (the OS exit observed) to the replacement's `spawn` call starting. */
  overheadMs: number;
  /** How long the replacement's `spawn` call took (fork + exec + the driver's bookkeeping). */
  spawnMs: number;
}

// Wraps `inner`: every spawn that follows an observed exit adds one RestartTiming; `onTiming` sees each as it comes.
export class TimingDriver implements Driver {
  readonly timings: RestartTiming[] = [];
  readonly #inner: Driver;
  readonly #onTiming: (timing: RestartTiming) => void;
  #exitObservedAt: number | null = null;

  constructor(inner: Driver, onTiming: (timing: RestartTiming) => void = () => {}) {
    this.#inner = inner;
    this.#onTiming = onTiming;
  }

  spawn(request: LaunchRequest, listener: ProcessListener): ProcessHandle {
    const callStart = performance.now();
    const exitObservedAt = this.#exitObservedAt;
    this.#exitObservedAt = null;
    const handle = this.#inner.spawn(request, {
      spawned: (pid) => listener.spawned(pid),
      failed: (error) => listener.failed(error),
      ignored: () => listener.ignored(),
      exited: (status) => {
        // Stamped before the engine hears of it: with no backoff the restart happens inside this call.
        this.#exitObservedAt = performance.now();
        listener.exited(status);
      },
    });
    const callEnd = performance.now();
    if (exitObservedAt !== null) {
      const timing = { overheadMs: callStart - exitObservedAt, spawnMs: callEnd - callStart };
      this.timings.push(timing);
      this.#onTiming(timing);
    }
    return handle;
  }
}
