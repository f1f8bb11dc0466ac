// Restart intensity: OTP's add_restart, a sliding window of restart times in whole seconds.

// Whole seconds on the clock's scale, truncated as erlang:monotonic_time(second) truncates.
function toSeconds(nowMs: number): number {
  return Math.floor(nowMs / 1000);
}

// The leading restarts (newest first) that are still inside the window ending at `now`. This is OTP's
// takewhile, not a filter: everything after the first entry outside the window is dropped too.
function leadingInWindow(restarts: readonly number[], now: number, periodSeconds: number): number[] {
  const threshold = now - periodSeconds;
  const kept: number[] = [];
  for (const restart of restarts) {
    if (restart < threshold) break;
    kept.push(restart);
  }
  return kept;
}

// Records a restart decision at `nowMs`: the new newest-first list (returned even when exceeded, as OTP
// stores it) and whether it holds more than `intensity` restarts within the last `periodSeconds` (inclusive).
export function addRestart(
  restarts: readonly number[],
  nowMs: number,
  intensity: number,
  periodSeconds: number,
): { restarts: number[]; exceeded: boolean } {
  const now = toSeconds(nowMs);
  const updated = [now, ...leadingInWindow(restarts, now, periodSeconds)];
  return { restarts: updated, exceeded: updated.length > intensity };
}

// Counts the restarts (newest first, whole seconds) that addRestart at `nowMs` would keep.
export function restartsInWindow(restarts: readonly number[], nowMs: number, periodSeconds: number): number {
  return leadingInWindow(restarts, toSeconds(nowMs), periodSeconds).length;
}
