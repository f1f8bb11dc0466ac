import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BackoffPolicy } from '../../src/spec/types.js';
import {
  backoffFromPm2,
  fixedDelay,
  initialBackoffState,
  nextBackoff,
  noBackoff,
  pm2ExponentialBackoff,
  type BackoffState,
} from '../../strategies/backoff.js';

// Runs `count` consecutive restarts, each after a run shorter than resetAfter, and returns the delays.
function delays(policy: BackoffPolicy, randoms: readonly number[], uptimeMs = 0): number[] {
  let state: BackoffState = initialBackoffState;
  return randoms.map((random) => {
    const next = nextBackoff(policy, state, uptimeMs, random);
    state = next.state;
    return next.delayMs;
  });
}

// The base delays (before jitter) as PM2's handleExit grows them, one restart at a time.
function pm2StyleBases(policy: BackoffPolicy, count: number): number[] {
  const bases: number[] = [];
  let previous: number | undefined;
  for (let i = 0; i < count; i += 1) {
    previous =
      previous === undefined ? Math.min(policy.max, policy.initial) : Math.floor(Math.min(policy.max, previous * policy.factor));
    bases.push(previous);
  }
  return bases;
}

const policyArb = fc
  .record({
    initial: fc.integer({ min: 0, max: 2_000 }),
    factor: fc.double({ min: 1, max: 3, noNaN: true }),
    extra: fc.integer({ min: 0, max: 100_000 }),
    jitter: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map(({ initial, factor, extra, jitter }): BackoffPolicy => ({
    initial,
    factor,
    max: initial + extra,
    jitter,
    resetAfter: Infinity,
  }));
const randomArb = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
const randomsArb = fc.array(randomArb, { minLength: 1, maxLength: 40 });

describe('backoff', () => {
  it('backoff delays are non-decreasing while jitter is 0 and lie in [base, base*(1+jitter)]', () => {
    fc.assert(
      fc.property(policyArb, randomsArb, (policy, randoms) => {
        const bases = pm2StyleBases(policy, randoms.length);
        delays(policy, randoms).forEach((delay, i) => {
          const base = bases[i]!;
          expect(delay).toBe(Math.floor(base * (1 + randoms[i]! * policy.jitter)));
          expect(delay).toBeGreaterThanOrEqual(base);
          expect(delay).toBeLessThanOrEqual(base * (1 + policy.jitter));
        });
        const unjittered = delays({ ...policy, jitter: 0 }, randoms);
        expect(unjittered).toEqual(bases);
        for (let i = 1; i < unjittered.length; i += 1) expect(unjittered[i]!).toBeGreaterThanOrEqual(unjittered[i - 1]!);
      }),
    );
  });

  it("with factor 2 and a whole-ms initial the delay is Akka's min(max, initial * 2^n) * (1 + r * jitter)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        fc.array(randomArb, { minLength: 1, maxLength: 60 }),
        (initial, extra, jitter, randoms) => {
          const policy: BackoffPolicy = { initial, factor: 2, max: initial + extra, jitter, resetAfter: Infinity };
          delays(policy, randoms).forEach((delay, n) => {
            expect(delay).toBe(Math.floor(Math.min(policy.max, initial * 2 ** n) * (1 + randoms[n]! * jitter)));
          });
        },
      ),
    );
  });

  it('a child that stayed up resetAfter gets initial again', () => {
    fc.assert(
      fc.property(
        policyArb,
        fc.integer({ min: 1, max: 3_600_000 }),
        fc.nat({ max: 30 }),
        randomArb,
        (unresetting, resetAfter, restartsBefore, random) => {
          const policy = { ...unresetting, resetAfter };
          let state: BackoffState = initialBackoffState;
          for (let i = 0; i < restartsBefore; i += 1) state = nextBackoff(policy, state, resetAfter - 1, random).state;
          expect(state.attempt).toBe(restartsBefore);
          const reset = nextBackoff(policy, state, resetAfter, random);
          expect(reset.delayMs).toBe(Math.floor(Math.min(policy.max, policy.initial) * (1 + random * policy.jitter)));
          expect(reset.state).toEqual({ attempt: 1 });
          expect(nextBackoff(policy, state, resetAfter - 1, random).state).toEqual({ attempt: restartsBefore + 1 });
        },
      ),
    );
  });

  it('pm2 preset gives 100, 150, 225, 337 ... (PM2 floors at every step, then stays at 15000)', () => {
    expect(delays(pm2ExponentialBackoff(100), new Array(16).fill(0.99))).toEqual([
      100, 150, 225, 337, 505, 757, 1135, 1702, 2553, 3829, 5743, 8614, 12921, 15000, 15000, 15000,
    ]);
  });

  it("the pm2 preset reproduces PM2's prev = floor(min(15000, prev * 1.5)) for any exp_backoff_restart_delay", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 15_000 }), fc.integer({ min: 1, max: 40 }), (exp, count) => {
        // God.handleExit, line for line: prev_restart_delay starts unset (0).
        let prev = 0;
        const expected: number[] = [];
        for (let i = 0; i < count; i += 1) {
          if (!prev) prev = exp;
          else prev = Math.floor(Math.min(15000, prev * 1.5));
          expected.push(prev);
        }
        expect(delays(backoffFromPm2({ expBackoffRestartDelay: exp }), new Array(count).fill(0.5))).toEqual(expected);
      }),
    );
  });

  it('the pm2 preset resets after a run of 30 s, not before', () => {
    const policy = pm2ExponentialBackoff(100);
    const state: BackoffState = { attempt: 3 };
    expect(nextBackoff(policy, state, 29_999, 0)).toEqual({ delayMs: 337, state: { attempt: 4 } });
    expect(nextBackoff(policy, state, 30_000, 0)).toEqual({ delayMs: 100, state: { attempt: 1 } });
  });

  it('initial 0 means delay 0 always', () => {
    fc.assert(
      fc.property(policyArb, randomsArb, (policy, randoms) => {
        expect(delays({ ...policy, initial: 0 }, randoms).every((delay) => delay === 0)).toBe(true);
      }),
    );
  });

  it('an initial delay above max is capped from the first restart (PM2 would wait it once)', () => {
    const policy: BackoffPolicy = { initial: 800, factor: 2, max: 500, jitter: 0, resetAfter: Infinity };
    expect(delays(policy, [0, 0])).toEqual([500, 500]);
    expect(delays(pm2ExponentialBackoff(20_000), [0, 0])).toEqual([15000, 15000]);
  });

  it('jitter is applied after the cap and floored to a whole ms', () => {
    const policy: BackoffPolicy = { initial: 100, factor: 10, max: 500, jitter: 0.5, resetAfter: Infinity };
    expect(delays(policy, [0.333, 0.333, 0.999])).toEqual([116, 583, 749]);
  });

  it('a long run of restarts at the cap costs no more than the climb to it', () => {
    const started = performance.now();
    expect(nextBackoff(pm2ExponentialBackoff(100), { attempt: 1e9 }, 0, 0).delayMs).toBe(15000);
    expect(nextBackoff(fixedDelay(250), { attempt: 1e9 }, 0, 0).delayMs).toBe(250);
    expect(nextBackoff(noBackoff, { attempt: 1e9 }, 0, 0).delayMs).toBe(0);
    expect(performance.now() - started).toBeLessThan(250);
  });

  it('fixedDelay waits the same time before every restart', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1_000_000 }), randomsArb, fc.nat({ max: 10 ** 9 }), (ms, randoms, uptime) => {
        expect(delays(fixedDelay(ms), randoms, uptime)).toEqual(randoms.map(() => ms));
      }),
    );
    expect(fixedDelay(500)).toEqual({ initial: 500, factor: 1, max: 500, jitter: 0, resetAfter: Infinity });
  });

  it('noBackoff restarts at once, as OTP does', () => {
    expect(noBackoff).toEqual({ initial: 0, factor: 0, max: 0, jitter: 0, resetAfter: 0 });
    expect(delays(noBackoff, [0, 0.5, 0.9])).toEqual([0, 0, 0]);
  });

  it('backoffFromPm2: exp_backoff_restart_delay wins over restart_delay, even when 0; neither means none', () => {
    expect(backoffFromPm2({})).toEqual(noBackoff);
    expect(backoffFromPm2({ restartDelay: 500 })).toEqual(fixedDelay(500));
    expect(backoffFromPm2({ restartDelay: 500, expBackoffRestartDelay: 100 })).toEqual(pm2ExponentialBackoff(100));
    expect(backoffFromPm2({ restartDelay: 500, expBackoffRestartDelay: 0 })).toEqual(pm2ExponentialBackoff(0));
    expect(pm2ExponentialBackoff(100)).toEqual({ initial: 100, factor: 1.5, max: 15000, jitter: 0, resetAfter: 30000 });
  });

  it('does not modify the state it is given', () => {
    const state: BackoffState = { attempt: 2 };
    nextBackoff(pm2ExponentialBackoff(100), state, 0, 0);
    expect(state).toEqual({ attempt: 2 });
    expect(initialBackoffState).toEqual({ attempt: 0 });
  });
});
