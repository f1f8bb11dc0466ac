import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addRestart, restartsInWindow } from '../../strategies/intensity.js';

// Restart decision times in ms, non-decreasing, as a monotonic clock gives them.
const timesArb = fc
  .tuple(fc.nat({ max: 10_000_000 }), fc.array(fc.nat({ max: 4_000 }), { maxLength: 40 }))
  .map(([first, gaps]) => gaps.reduce((times, gap) => [...times, times[times.length - 1]! + gap], [first]));

describe('restart intensity (OTP add_restart)', () => {
  it('intensity: every decision is exceeded exactly when more than I decisions fall in [t - P, t] whole seconds', () => {
    fc.assert(
      fc.property(timesArb, fc.nat({ max: 6 }), fc.integer({ min: 1, max: 10 }), (times, intensity, period) => {
        const seconds = times.map((ms) => Math.floor(ms / 1000));
        let log: number[] = [];
        times.forEach((ms, i) => {
          const result = addRestart(log, ms, intensity, period);
          const inWindow = seconds.slice(0, i + 1).filter((s) => s >= seconds[i]! - period);
          expect(result.exceeded).toBe(inWindow.length > intensity);
          expect(result.restarts).toEqual([...inWindow].reverse());
          log = result.restarts;
        });
      }),
    );
  });

  it('intensity: the (I+1)-th restart within the window is exceeded', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 30 }),
        fc.nat({ max: 1_000_000 }),
        fc.infiniteStream(fc.tuple(fc.nat(), fc.nat({ max: 999 }))),
        (intensity, period, firstSecond, draws) => {
          const offsets = [...draws.take(intensity + 1)].map(([offset, ms]) => [offset % (period + 1), ms] as const);
          offsets.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
          let log: number[] = [];
          offsets.forEach(([offset, ms], i) => {
            const result = addRestart(log, (firstSecond + offset) * 1000 + ms, intensity, period);
            expect(result.exceeded).toBe(i === intensity);
            log = result.restarts;
          });
        },
      ),
    );
  });

  it('intensity 0 exceeds on the first restart', () => {
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 40 }), fc.integer({ min: 1, max: 3600 }), (nowMs, period) => {
        expect(addRestart([], nowMs, 0, period)).toEqual({ restarts: [Math.floor(nowMs / 1000)], exceeded: true });
      }),
    );
  });

  it('window is inclusive: a restart exactly period seconds ago still counts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 1_000_000 }), fc.nat({ max: 999 }), fc.integer({ min: 1, max: 60 }), (now, ms, period) => {
        const nowMs = now * 1000 + ms;
        expect(addRestart([now - period], nowMs, 1, period)).toEqual({ restarts: [now, now - period], exceeded: true });
        expect(addRestart([now - period - 1], nowMs, 1, period)).toEqual({ restarts: [now], exceeded: false });
      }),
    );
  });

  it('milliseconds are truncated to whole seconds before comparing', () => {
    expect(addRestart([0], 5_999, 1, 5).exceeded).toBe(true);
    expect(addRestart([0], 6_000, 1, 5)).toEqual({ restarts: [6], exceeded: false });
  });

  it('keeps only the leading entries inside the window (takewhile, not filter)', () => {
    expect(addRestart([100, 50, 100], 100_000, 5, 10)).toEqual({ restarts: [100, 100], exceeded: false });
    expect(restartsInWindow([100, 50, 100], 100_000, 10)).toBe(1);
  });

  it('OTP defaults 1/5: a second restart within five seconds is exceeded, one six seconds later is not', () => {
    const first = addRestart([], 10_000, 1, 5);
    expect(first).toEqual({ restarts: [10], exceeded: false });
    expect(addRestart(first.restarts, 15_999, 1, 5)).toEqual({ restarts: [15, 10], exceeded: true });
    expect(addRestart(first.restarts, 16_000, 1, 5)).toEqual({ restarts: [16], exceeded: false });
  });

  it('returns the new list even when exceeded and leaves the input alone', () => {
    const log = Object.freeze([3, 2, 1]);
    expect(addRestart(log, 3_500, 2, 5)).toEqual({ restarts: [3, 3, 2, 1], exceeded: true });
    expect(log).toEqual([3, 2, 1]);
  });

  it('restartsInWindow counts what addRestart keeps, without the new restart', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 1000 }), { maxLength: 20 }),
        fc.nat({ max: 1_000_000 }),
        fc.integer({ min: 1, max: 100 }),
        (unsorted, nowMs, period) => {
          const restarts = [...unsorted].sort((x, y) => y - x);
          const now = Math.floor(nowMs / 1000);
          const expected = restarts.filter((r) => now - r <= period).length;
          expect(restartsInWindow(restarts, nowMs, period)).toBe(expected);
          expect(addRestart(restarts, nowMs, 0, period).restarts.length).toBe(expected + 1);
        },
      ),
    );
  });
});
