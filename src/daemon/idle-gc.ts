// Gives memory back once the daemon goes quiet: a full GC a few seconds after the last activity, so a burst
// (50 apps started, a flood of requests) does not leave the idle daemon's RSS high until some later allocation.

/** How long the daemon must be quiet before it collects. */
export const IDLE_GC_DELAY_MS = 3000;

// Returns `touch()`: call it on every bit of activity; the collection runs once things have been quiet for the delay.
export function createIdleGc(delayMs = IDLE_GC_DELAY_MS): { touch(): void } {
  // The launcher starts the daemon with --expose-gc (DAEMON_NODE_ARGS); without it memory is left to V8's own schedule.
  const collect = typeof globalThis.gc === 'function' ? (globalThis.gc as () => void) : null;
  let timer: NodeJS.Timeout | null = null;
  return {
    touch() {
      if (collect === null) return;
      if (timer) timer.refresh();
      else {
        timer = setTimeout(() => {
          timer = null;
          collect();
        }, delayMs);
        timer.unref();
      }
    },
  };
}
