import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatLogDate } from '../../src/logs/date-format.js';

describe('formatLogDate', () => {
  const date = new Date(2024, 10, 9, 15, 7, 3, 45); // local: Sat 9 Nov 2024 15:07:03.045

  it("uses PM2's --time format by default", () => {
    expect(formatLogDate(date)).toBe('2024-11-09T15:07:03');
  });

  it('formats the dayjs tokens PM2 users write', () => {
    expect(formatLogDate(date, 'YY M D H m s SSS')).toBe('24 11 9 15 7 3 045');
    expect(formatLogDate(date, 'MMMM MMM dddd ddd dd d')).toBe('November Nov Saturday Sat Sa 6');
    expect(formatLogDate(date, 'hh:mm A h a')).toBe('03:07 PM 3 pm');
    expect(formatLogDate(date, 'X x')).toBe(`${Math.floor(date.getTime() / 1000)} ${date.getTime()}`);
  });

  it('keeps [bracketed] text and unknown letters literal', () => {
    expect(formatLogDate(date, '[YYYY is] YYYY, T Q')).toBe('YYYY is 2024, T Q');
  });

  it('writes the local UTC offset as +HH:mm (Z) and +HHmm (ZZ)', () => {
    const minutesEast = -date.getTimezoneOffset();
    const sign = minutesEast < 0 ? '-' : '+';
    const hours = String(Math.floor(Math.abs(minutesEast) / 60)).padStart(2, '0');
    const minutes = String(Math.abs(minutesEast) % 60).padStart(2, '0');
    expect(formatLogDate(date, 'Z ZZ')).toBe(`${sign}${hours}:${minutes} ${sign}${hours}${minutes}`);
  });

  it('round-trips the default format to the same local second', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date(1970, 0, 2), max: new Date(9999, 0, 1), noInvalidDate: true }), (value) => {
        const text = formatLogDate(value);
        const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(text);
        expect(match).not.toBeNull();
        const [, y, mo, d, h, mi, s] = (match as RegExpExecArray).map(Number);
        const back = new Date(y as number, (mo as number) - 1, d, h, mi, s);
        back.setFullYear(y as number);
        expect(back.getTime()).toBe(Math.floor(value.getTime() / 1000) * 1000);
      }),
    );
  });
});
