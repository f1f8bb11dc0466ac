// Every error code is documented in docs/errors.md with the same meaning as the registry.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ArborError, describeValue, ERROR_CODES } from '../../src/errors.js';

const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');

describe('error codes', () => {
  it.each(Object.entries(ERROR_CODES))('%s is documented in docs/errors.md with its meaning', (code, meaning) => {
    expect(doc).toContain(`| \`${code}\` | ${meaning} |`);
  });

  it('documents no code that the registry lacks', () => {
    const documented = [...doc.matchAll(/^\| `(E_[A-Z_]+)` \|/gm)].map((match) => match[1]);
    expect(documented.sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });

  it('keeps code, message, details and cause, and survives JSON', () => {
    const cause = new Error('root cause');
    const error = new ArborError('E_DUPLICATE_ID', 'duplicate', { cause, details: { field: 'id', value: 'a' } });
    expect(error.cause).toBe(cause);
    expect(JSON.parse(JSON.stringify(error))).toEqual({ code: 'E_DUPLICATE_ID', message: 'duplicate', details: { field: 'id', value: 'a' } });
  });

  it('describes values with their type', () => {
    expect(describeValue('abc')).toBe('"abc" (string)');
    expect(describeValue(-1)).toBe('-1 (number)');
    expect(describeValue([1])).toBe('[1] (array)');
    expect(describeValue(undefined)).toBe('undefined');
  });
});
