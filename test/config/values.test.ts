import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  parseBoolean,
  parseCron,
  parseDuration,
  parseExecMode,
  parseInstances,
  parseInteger,
  parseIntegerList,
  parseName,
  parseSignal,
  parseSize,
  parseStringList,
  splitWords,
  toNumber,
  type Parsed,
} from '../../src/config/values.js';

const value = <T>(parsed: Parsed<T>): T => {
  if (!parsed.ok) throw new Error(`expected ok, got: ${parsed.allowed}`);
  return parsed.value;
};
const refused = <T>(parsed: Parsed<T>): string => {
  if (parsed.ok) throw new Error(`expected a refusal, got ${JSON.stringify(parsed.value)}`);
  return parsed.allowed;
};

describe('numbers', () => {
  it('reads numbers and numeric strings, nothing else', () => {
    expect(toNumber(42)).toBe(42);
    expect(toNumber(' 42 ')).toBe(42);
    expect(toNumber('-1.5')).toBe(-1.5);
    for (const bad of ['', '0x10', '1e3', '12abc', 'abc', NaN, Infinity, true, null, [], {}]) expect(toNumber(bad)).toBeUndefined();
  });

  it('parses whole numbers within bounds and says the bounds otherwise', () => {
    expect(value(parseInteger('16', 0))).toBe(16);
    expect(refused(parseInteger(1.5, 0))).toBe('a whole number >= 0');
    expect(refused(parseInteger(-1, 0))).toBe('a whole number >= 0');
    expect(refused(parseInteger(70000, 0, 65535))).toBe('a whole number from 0 to 65535');
  });

  it('parses booleans from booleans and "true"/"false" only', () => {
    expect(value(parseBoolean('true'))).toBe(true);
    expect(value(parseBoolean(false))).toBe(false);
    expect(refused(parseBoolean('yes'))).toBe('true or false');
    expect(parseBoolean(1).ok).toBe(false);
  });
});

describe('sizes', () => {
  it('uses powers of 1024 and plain bytes', () => {
    expect(value(parseSize('512K'))).toBe(512 * 1024);
    expect(value(parseSize('200M'))).toBe(200 * 1024 ** 2);
    expect(value(parseSize('1G'))).toBe(1024 ** 3);
    expect(value(parseSize('1.5g'))).toBe(1.5 * 1024 ** 3);
    expect(value(parseSize('200MB'))).toBe(200 * 1024 ** 2);
    expect(value(parseSize(1000))).toBe(1000);
    expect(value(parseSize('1000'))).toBe(1000);
  });

  it('refuses other units, negatives and non-strings', () => {
    for (const bad of ['200X', 'M', '-1M', '', 'lots', true, [1]]) expect(refused(parseSize(bad))).toContain('"200M"');
    expect(parseSize(-5).ok).toBe(false);
  });

  it('scales any whole count by its unit', () => {
    fc.assert(
      fc.property(fc.nat(100_000), fc.constantFrom(['K', 1024], ['M', 1024 ** 2], ['G', 1024 ** 3]), (n, [unit, factor]) => {
        expect(value(parseSize(`${n}${unit as string}`))).toBe(n * (factor as number));
      }),
    );
  });
});

describe('durations', () => {
  it('reads ms, s, m, h and plain milliseconds', () => {
    expect(value(parseDuration('500ms'))).toBe(500);
    expect(value(parseDuration('10s'))).toBe(10_000);
    expect(value(parseDuration('5m'))).toBe(300_000);
    expect(value(parseDuration('1h'))).toBe(3_600_000);
    expect(value(parseDuration('1.5s'))).toBe(1500);
    expect(value(parseDuration(250))).toBe(250);
    expect(value(parseDuration('250'))).toBe(250);
  });

  it('applies the minimum in either form', () => {
    expect(refused(parseDuration(50, 100))).toContain('>= 100');
    expect(parseDuration('0.05s', 100).ok).toBe(false);
    expect(value(parseDuration('0.1s', 100))).toBe(100);
  });

  it('refuses unknown units', () => {
    for (const bad of ['10d', 's', '-1s', 'soon', false]) expect(parseDuration(bad).ok).toBe(false);
  });
});

describe('word lists', () => {
  it('splits on whitespace, respecting quotes and backslashes like a shell', () => {
    expect(value(splitWords('  --port 3000\t-v  '))).toEqual(['--port', '3000', '-v']);
    expect(value(splitWords(`--name "hello world" 'it''s' --msg="a b"`))).toEqual(['--name', 'hello world', 'its', '--msg=a b']);
    expect(value(splitWords(`a\\ b "say \\"hi\\"" ''`))).toEqual(['a b', 'say "hi"', '']);
    expect(value(splitWords(''))).toEqual([]);
  });

  it('refuses an unclosed quote', () => {
    expect(refused(splitWords('--name "oops'))).toContain('never closed');
  });

  it('round-trips any words when each is single-quoted', () => {
    fc.assert(
      fc.property(fc.array(fc.string().filter((s) => !s.includes("'"))), (words) => {
        expect(value(splitWords(words.map((w) => `'${w}'`).join(' ')))).toEqual(words);
      }),
    );
  });

  it('takes arrays with numbers and booleans as strings', () => {
    expect(value(parseStringList(['--port', 3000, true]))).toEqual(['--port', '3000', 'true']);
    expect(parseStringList([{}]).ok).toBe(false);
    expect(parseStringList(5).ok).toBe(false);
  });

  it('reads exit code lists from a number, an array or a string', () => {
    expect(value(parseIntegerList(0, 0, 255))).toEqual([0]);
    expect(value(parseIntegerList([0, '2'], 0, 255))).toEqual([0, 2]);
    expect(value(parseIntegerList('0 3', 0, 255))).toEqual([0, 3]);
    expect(refused(parseIntegerList([0, 300], 0, 255))).toBe('a whole number from 0 to 255, or a list of them');
  });
});

describe('instances', () => {
  it('follows PM2: max and 0 mean one per CPU, -n leaves n CPUs free (at least 1)', () => {
    expect(value(parseInstances('max', 8))).toBe(8);
    expect(value(parseInstances(0, 8))).toBe(8);
    expect(value(parseInstances('0', 8))).toBe(8);
    expect(value(parseInstances(-1, 8))).toBe(7);
    expect(value(parseInstances('-2', 8))).toBe(6);
    expect(value(parseInstances(-20, 8))).toBe(1);
    expect(value(parseInstances(3, 8))).toBe(3);
    expect(value(parseInstances('4', 8))).toBe(4);
  });

  it('refuses what PM2 would silently turn into "one per CPU"', () => {
    for (const bad of ['abc', 1.5, '', true, null, 'MAXIMUM']) expect(refused(parseInstances(bad, 4))).toBe('a whole number, "max" or a negative number');
  });

  it('always yields at least 1 and at most max(n, cpus)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -64, max: 64 }), fc.integer({ min: 1, max: 64 }), (n, cpus) => {
        const count = value(parseInstances(n, cpus));
        expect(count).toBeGreaterThanOrEqual(1);
        expect(count).toBeLessThanOrEqual(Math.max(n, cpus));
      }),
    );
  });
});

describe('other values', () => {
  it('normalizes exec_mode to the *_mode form', () => {
    expect(value(parseExecMode('cluster'))).toBe('cluster_mode');
    expect(value(parseExecMode('fork_mode'))).toBe('fork_mode');
    expect(refused(parseExecMode('forked'))).toBe('"fork", "cluster", "fork_mode" or "cluster_mode"');
  });

  it('accepts signal names with or without SIG, in any case', () => {
    expect(value(parseSignal('SIGTERM'))).toBe('SIGTERM');
    expect(value(parseSignal('usr2'))).toBe('SIGUSR2');
    expect(parseSignal('SIGNOPE').ok).toBe(false);
  });

  it('checks cron patterns loosely and lets 0 turn them off', () => {
    expect(value(parseCron('0 3 * * *'))).toBe('0 3 * * *');
    expect(value(parseCron('*/30 * * * * *'))).toBe('*/30 * * * * *');
    expect(value(parseCron('@daily'))).toBe('@daily');
    expect(value(parseCron(0))).toBeUndefined();
    expect(value(parseCron('0'))).toBeUndefined();
    for (const bad of ['daily', '* * *', '@sometimes', 5]) expect(parseCron(bad).ok).toBe(false);
  });

  it('refuses names that clash with CLI targets or paths', () => {
    expect(value(parseName('api-v2.1'))).toBe('api-v2.1');
    for (const bad of ['', ' api', 'a/b', 'all', '42', 42, 'a\nb', null]) expect(parseName(bad).ok).toBe(false);
  });
});
