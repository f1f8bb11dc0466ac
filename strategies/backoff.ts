// Restart backoff: a delay that grows by `factor` per consecutive restart up to `max`, jittered, reset
// after a stable run. OTP restarts at once; this is the Akka / PM2 addition.
import type { BackoffPolicy } from '../src/spec/types.js';

/** Consecutive restarts since the last reset (Akka's restartCount before it is incremented). */
export interface BackoffState {
  attempt: number;
}

// The state of a child that has not been restarted yet.
export const initialBackoffState: BackoffState = Object.freeze({ attempt: 0 });

// The delay before jitter for the given attempt, grown the way PM2 grows it: the first is min(max, initial),
// each later one is floor(min(max, previous * factor)). Flooring at every step (not once at the end) is what
// makes the PM2 preset give 100, 150, 225, 337, 505 (a single floor of 100 * 1.5^4 would give 506). The loop
// stops at a fixed point (the cap, a factor of 1, or 0), so a long run at the cap costs nothing.
function baseDelay(policy: BackoffPolicy, attempt: number): number {
  let base = Math.min(policy.max, policy.initial);
  for (let step = 0; step < attempt; step += 1) {
    const next = Math.floor(Math.min(policy.max, base * policy.factor));
    if (next === base) break;
    base = next;
  }
  return base;
}

// The delay before the next restart and the state after it. `uptimeMs` is how long the exited run stayed
// up: at least `resetAfter` starts again from `initial`. `random` is in [0, 1) (the caller passes
// Math.random()); jitter adds up to `random * jitter` of the base after the cap. The delay is floored to a
// whole ms, so it lies in [floor(base), base * (1 + jitter)].
export function nextBackoff(
  policy: BackoffPolicy,
  state: BackoffState,
  uptimeMs: number,
  random: number,
): { delayMs: number; state: BackoffState } {
  const attempt = uptimeMs >= policy.resetAfter ? 0 : state.attempt;
  const base = baseDelay(policy, attempt);
  const delayMs = Math.floor(base * (1 + random * policy.jitter));
  return { delayMs, state: { attempt: attempt + 1 } };
}

// The same delay before every restart (PM2's restart_delay).
export function fixedDelay(ms: number): BackoffPolicy {
  return { initial: ms, factor: 1, max: ms, jitter: 0, resetAfter: Infinity };
}

// PM2's exp_backoff_restart_delay: x1.5 per restart (floored), capped at 15000 ms, back to `initialMs` once
// a run lasted 30 s (PM2 checks every 30 s, so it resets somewhat later; a first delay above 15000 is capped
// here where PM2 would use it once).
export function pm2ExponentialBackoff(initialMs: number): BackoffPolicy {
  return { initial: initialMs, factor: 1.5, max: 15000, jitter: 0, resetAfter: 30000 };
}

// Restart at once, as OTP does.
export const noBackoff: BackoffPolicy = Object.freeze({ initial: 0, factor: 0, max: 0, jitter: 0, resetAfter: 0 });

// The policy PM2 would apply for these app options: exp_backoff_restart_delay, when given, wins over
// restart_delay (even when it is 0, as in PM2's God.handleExit); neither given means no delay.
export function backoffFromPm2(options: { restartDelay?: number; expBackoffRestartDelay?: number }): BackoffPolicy {
  if (options.expBackoffRestartDelay !== undefined) return pm2ExponentialBackoff(options.expBackoffRestartDelay);
  if (options.restartDelay !== undefined) return fixedDelay(options.restartDelay);
  return noBackoff;
}
