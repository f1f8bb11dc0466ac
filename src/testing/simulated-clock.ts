// A clock that only moves when told to: timers fire in due order as `advance` passes them.
import type { Clock, TimerHandle } from '../runtime/clock.js';

interface Timer {
  id: number;
  due: number;
  fn: () => void;
}

// Deterministic time for tests and property checks; also usable as xstate's clock.
export class SimulatedClock implements Clock {
  #now: number;
  #nextId = 1;
  #timers = new Map<number, Timer>();

  constructor(startMs = 0) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.#nextId++;
    this.#timers.set(id, { id, due: this.#now + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers.delete(handle as number);
  }

  /** Timers still waiting. */
  pending(): number {
    return this.#timers.size;
  }

  /** The due time of the next timer, or null. */
  nextDue(): number | null {
    let next: number | null = null;
    for (const timer of this.#timers.values()) if (next === null || timer.due < next) next = timer.due;
    return next;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way, in due order (ties: first set first). */
  advance(ms: number): void {
    const target = this.#now + Math.max(0, ms);
    for (;;) {
      const timer = this.#earliest(target);
      if (!timer) break;
      this.#timers.delete(timer.id);
      this.#now = Math.max(this.#now, timer.due);
      timer.fn();
    }
    this.#now = target;
  }

  /** Fires timers until none are left or `limit` have fired (guards against timers that re-arm forever). */
  runAll(limit = 10_000): void {
    for (let fired = 0; fired < limit; fired += 1) {
      const due = this.nextDue();
      if (due === null) return;
      this.advance(due - this.#now);
    }
  }

  #earliest(upTo: number): Timer | undefined {
    let best: Timer | undefined;
    for (const timer of this.#timers.values()) {
      if (timer.due > upTo) continue;
      if (!best || timer.due < best.due || (timer.due === best.due && timer.id < best.id)) best = timer;
    }
    return best;
  }
}
