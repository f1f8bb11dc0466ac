import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCpu, humanBytes, humanUptime } from '../../../src/cli/format/humanize.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('humanUptime', () => {
  it.each([
    [0, '0s'],
    [999, '0s'],
    [1000, '1s'],
    [12_000, '12s'],
    [MINUTE - 1, '59s'],
    [MINUTE, '1m'],
    [5 * MINUTE + 59 * SECOND, '5m'],
    [HOUR - 1, '59m'],
    [HOUR, '1h'],
    [3 * HOUR, '3h'],
    [DAY - 1, '23h'],
    [DAY, '1D'],
    [2 * DAY, '2D'],
    [365 * DAY - 1, '364D'],
    [365 * DAY, '1Y'],
    [800 * DAY, '2Y'],
  ])('%d ms is %s', (ms, text) => {
    expect(humanUptime(ms)).toBe(text);
  });

  it('treats negative and non-finite durations (clock skew, missing data) as 0s', () => {
    expect(humanUptime(-5000)).toBe('0s');
    expect(humanUptime(Number.NaN)).toBe('0s');
    expect(humanUptime(Number.POSITIVE_INFINITY)).toBe('0s');
  });

  it('never decreases as time passes', () => {
    const rank = (text: string): number => {
      const unit = text.slice(-1);
      const scale = { s: SECOND, m: MINUTE, h: HOUR, D: DAY, Y: 365 * DAY }[unit] ?? 0;
      return Number(text.slice(0, -1)) * scale;
    };
    fc.assert(
      fc.property(fc.nat(10 * 365 * DAY), fc.nat(10 * 365 * DAY), (a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        expect(rank(humanUptime(low))).toBeLessThanOrEqual(rank(humanUptime(high)));
      }),
    );
  });
});

describe('humanBytes', () => {
  it.each([
    [0, '0b'],
    [1, '1b'],
    [1023, '1023b'],
    [1023.6, '1.0kb'],
    [1024, '1.0kb'],
    [12_595, '12.3kb'],
    [1024 * 1024 - 1, '1.0mb'],
    [1024 * 1024, '1.0mb'],
    [43_200_000, '41.2mb'],
    [1.1 * 1024 ** 3, '1.1gb'],
    [1024 ** 3 - 1, '1.0gb'],
    [3 * 1024 ** 4, '3.0tb'],
  ])('%d bytes is %s', (bytes, text) => {
    expect(humanBytes(bytes)).toBe(text);
  });

  it('treats negative and non-finite sizes as 0b', () => {
    expect(humanBytes(-1)).toBe('0b');
    expect(humanBytes(Number.NaN)).toBe('0b');
  });

  it('never prints 1024 or more of a unit below pb', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1024 ** 5 - 1, noNaN: true }), (bytes) => {
        const match = /^(\d+(?:\.\d)?)(b|kb|mb|gb|tb|pb)$/.exec(humanBytes(bytes));
        expect(match).not.toBeNull();
        expect(Number(match?.[1])).toBeLessThan(1024);
      }),
    );
  });
});

describe('formatCpu', () => {
  it.each([
    [0, '0%'],
    [0.04, '0%'],
    [0.05, '0.1%'],
    [1.5, '1.5%'],
    [12, '12%'],
    [12.34, '12.3%'],
    [99.96, '100%'],
    [250, '250%'],
    [-3, '0%'],
    [Number.NaN, '0%'],
  ])('%d is %s', (percent, text) => {
    expect(formatCpu(percent)).toBe(text);
  });
});
