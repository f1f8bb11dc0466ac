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

  it('writes each local field of any date, zero-padded, in the default format', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date(1000, 0, 1), max: new Date(9999, 11, 31), noInvalidDate: true }), (value) => {
        const pad = (n: number): string => String(n).padStart(2, '0');
        const expected = `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}T${pad(value.getHours())}:${pad(value.getMinutes())}:${pad(value.getSeconds())}`;
        expect(formatLogDate(value)).toBe(expected);
      }),
    );
  });
});
