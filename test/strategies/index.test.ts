import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArborError, describeValue, isArborError } from '../../src/errors.js';
import * as backoff from '../../strategies/backoff.js';
import * as registry from '../../strategies/index.js';
import * as intensity from '../../strategies/intensity.js';
import { oneForAll } from '../../strategies/one-for-all.js';
import { oneForOne } from '../../strategies/one-for-one.js';
import { restForOne } from '../../strategies/rest-for-one.js';
import * as unstable from '../../strategies/unstable.js';

const names = ['one_for_one', 'one_for_all', 'rest_for_one'];

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('strategy registry', () => {
  it('maps each OTP strategy name to its strategy', () => {
    expect(registry.strategies).toEqual({ one_for_one: oneForOne, one_for_all: oneForAll, rest_for_one: restForOne });
    for (const name of names) expect(registry.strategyFor(name)).toBe(registry.strategies[name as 'one_for_one']);
  });

  it('strategyFor rejects any other string with E_UNKNOWN_STRATEGY naming the value and the allowed names', () => {
    const other = fc.oneof(
      fc.string(),
      fc.constantFrom('constructor', '__proto__', 'toString', 'hasOwnProperty', 'ONE_FOR_ONE', 'simple_one_for_one', ''),
    );
    fc.assert(
      fc.property(other.filter((name) => !names.includes(name)), (name) => {
        const error = thrownBy(() => registry.strategyFor(name));
        expect(isArborError(error, 'E_UNKNOWN_STRATEGY')).toBe(true);
        const { message, details } = error as ArborError;
        expect(message).toContain(describeValue(name));
        for (const allowed of names) expect(message).toContain(allowed);
        expect(details).toEqual({ field: 'strategy', value: name, allowed: names.join(', ') });
      }),
    );
  });

  it('re-exports every policy function under its own name', () => {
    expect(registry.oneForOne).toBe(oneForOne);
    expect(registry.oneForAll).toBe(oneForAll);
    expect(registry.restForOne).toBe(restForOne);
    expect(registry.addRestart).toBe(intensity.addRestart);
    expect(registry.restartsInWindow).toBe(intensity.restartsInWindow);
    expect(registry.nextBackoff).toBe(backoff.nextBackoff);
    expect(registry.initialBackoffState).toBe(backoff.initialBackoffState);
    expect(registry.fixedDelay).toBe(backoff.fixedDelay);
    expect(registry.pm2ExponentialBackoff).toBe(backoff.pm2ExponentialBackoff);
    expect(registry.noBackoff).toBe(backoff.noBackoff);
    expect(registry.backoffFromPm2).toBe(backoff.backoffFromPm2);
    expect(registry.recordExit).toBe(unstable.recordExit);
    expect(registry.pm2UnstablePolicy).toBe(unstable.pm2UnstablePolicy);
  });
});
