// Crash-loop detection: PM2's min_uptime / max_restarts, counted in a sliding window (PM2's never slides).
import type { UnstablePolicy } from '../src/spec/types.js';

// Records one exit: an exit after less than `minUptime` ms up is unstable and is logged at `nowMs`; entries
// older than `nowMs - window` are dropped (an entry exactly `window` ms old still counts). `errored` is true
// when the window holds at least `maxRestarts` unstable exits: the child should not be restarted. The list
// is returned even when errored; the caller clears it when the child is started by hand again.
export function recordExit(
  unstableExits: readonly number[],
  nowMs: number,
  uptimeMs: number,
  policy: UnstablePolicy,
): { unstableExits: number[]; unstable: boolean; errored: boolean } {
  const oldestKept = nowMs - policy.window;
  const kept = unstableExits.filter((exitMs) => exitMs >= oldestKept);
  const unstable = uptimeMs < policy.minUptime;
  if (unstable) kept.push(nowMs);
  return { unstableExits: kept, unstable, errored: kept.length >= policy.maxRestarts };
}

// PM2's defaults (min_uptime 1000 ms, max_restarts 16) with PM2's window length, minUptime * maxRestarts.
export function pm2UnstablePolicy(minUptime = 1000, maxRestarts = 16): UnstablePolicy {
  return { minUptime, maxRestarts, window: minUptime * maxRestarts };
}
