import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { UnstablePolicy } from '../../src/spec/types.js';
import { pm2UnstablePolicy, recordExit } from '../../strategies/unstable.js';

const policyArb = fc.record({
  minUptime: fc.integer({ min: 1, max: 5_000 }),
  maxRestarts: fc.integer({ min: 1, max: 20 }),
  window: fc.nat({ max: 60_000 }),
});

// Feeds the exits through recordExit and returns each result.
function run(policy: UnstablePolicy, exits: readonly { atMs: number; uptimeMs: number }[]) {
  let log: number[] = [];
  return exits.map(({ atMs, uptimeMs }) => {
    const result = recordExit(log, atMs, uptimeMs, policy);
    log = result.unstableExits;
    return result;
  });
}

describe('unstable restarts (sliding min_uptime / max_restarts)', () => {
  it('matches a recount over the whole history: errored when the window [t - window, t] holds maxRestarts quick exits', () => {
    const exitsArb = fc
      .array(fc.record({ gap: fc.nat({ max: 5_000 }), uptimeMs: fc.nat({ max: 6_000 }) }), { maxLength: 60 })
      .map((steps) => {
        let atMs = 1_000_000;
        return steps.map(({ gap, uptimeMs }) => ({ atMs: (atMs += gap), uptimeMs }));
      });
    fc.assert(
      fc.property(policyArb, exitsArb, (policy, exits) => {
        run(policy, exits).forEach((result, i) => {
          const now = exits[i]!.atMs;
          const quickInWindow = exits
            .slice(0, i + 1)
            .filter((exit) => exit.uptimeMs < policy.minUptime && exit.atMs >= now - policy.window)
            .map((exit) => exit.atMs);
          expect(result.unstable).toBe(exits[i]!.uptimeMs < policy.minUptime);
          expect(result.unstableExits).toEqual(quickInWindow);
          expect(result.errored).toBe(quickInWindow.length >= policy.maxRestarts);
        });
      }),
    );
  });

  it('unstable: maxRestarts quick exits within the window mean errored', () => {
    fc.assert(
      fc.property(
        policyArb.chain((policy) =>
          fc.record({
            policy: fc.constant(policy),
            offsets: fc.array(fc.nat({ max: policy.window }), {
              minLength: policy.maxRestarts,
              maxLength: policy.maxRestarts,
            }),
          }),
        ),
        ({ policy, offsets }) => {
          const exits = offsets.sort((x, y) => x - y).map((offset) => ({ atMs: 500_000 + offset, uptimeMs: 0 }));
          const errored = run(policy, exits).map((result) => result.errored);
          expect(errored).toEqual(exits.map((_, i) => i === policy.maxRestarts - 1));
        },
      ),
    );
  });

  it('unstable: spaced-out quick exits slide out of the window and never mean errored', () => {
    fc.assert(
      fc.property(
        policyArb.filter((policy) => policy.maxRestarts >= 2),
        fc.array(fc.nat({ max: 10_000 }), { minLength: 1, maxLength: 80 }),
        (policy, extras) => {
          // Any maxRestarts consecutive exits span more than the window.
          const minGap = Math.floor(policy.window / (policy.maxRestarts - 1)) + 1;
          let atMs = 0;
          const exits = extras.map((extra) => ({ atMs: (atMs += minGap + extra), uptimeMs: 0 }));
          for (const result of run(policy, exits)) {
            expect(result.unstable).toBe(true);
            expect(result.errored).toBe(false);
            expect(result.unstableExits.length).toBeLessThan(policy.maxRestarts);
          }
        },
      ),
    );
  });

  it('a slow crash loop that starts after the first 16 s is caught (PM2 never counts it)', () => {
    const policy = pm2UnstablePolicy();
    // Up for a minute, then crashing after 200 ms each time, restarted 300 ms later.
    const exits = [{ atMs: 60_000, uptimeMs: 60_000 }];
    for (let i = 1; i <= 16; i += 1) exits.push({ atMs: 60_000 + i * 500, uptimeMs: 200 });
    const errored = run(policy, exits).map((result) => result.errored);
    expect(errored.indexOf(true)).toBe(16);
  });

  it('a stable exit records nothing but still drops old entries', () => {
    const policy: UnstablePolicy = { minUptime: 1000, maxRestarts: 3, window: 10_000 };
    expect(recordExit([1_000, 5_000, 9_000], 16_000, 1000, policy)).toEqual({
      unstableExits: [9_000],
      unstable: false,
      errored: false,
    });
  });

  it('an entry exactly window ms old still counts', () => {
    const policy: UnstablePolicy = { minUptime: 1000, maxRestarts: 2, window: 10_000 };
    expect(recordExit([5_000], 15_000, 999, policy)).toEqual({
      unstableExits: [5_000, 15_000],
      unstable: true,
      errored: true,
    });
    expect(recordExit([4_999], 15_000, 999, policy).errored).toBe(false);
  });

  it('does not modify the list it is given', () => {
    const log = Object.freeze([1, 2, 3]);
    recordExit(log, 4, 0, { minUptime: 10, maxRestarts: 10, window: 100 });
    expect(log).toEqual([1, 2, 3]);
  });

  it("pm2UnstablePolicy uses PM2's defaults and window length", () => {
    expect(pm2UnstablePolicy()).toEqual({ minUptime: 1000, maxRestarts: 16, window: 16_000 });
    expect(pm2UnstablePolicy(500, 4)).toEqual({ minUptime: 500, maxRestarts: 4, window: 2_000 });
  });
});
