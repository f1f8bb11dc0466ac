// The restart-policy registry: strategy names to strategies, and every policy function in one place.
import { ArborError, describeValue } from '../src/errors.js';
import type { StrategyName } from '../src/spec/types.js';
import { oneForAll } from './one-for-all.js';
import { oneForOne } from './one-for-one.js';
import { restForOne } from './rest-for-one.js';
import type { RestartStrategy } from './types.js';

// Each strategy a supervisor can name, by its OTP name.
export const strategies: Record<StrategyName, RestartStrategy> = Object.freeze({
  one_for_one: oneForOne,
  one_for_all: oneForAll,
  rest_for_one: restForOne,
});

// Looks a strategy up by name; throws E_UNKNOWN_STRATEGY naming the value and the allowed names.
export function strategyFor(name: string): RestartStrategy {
  if (typeof name === 'string' && Object.hasOwn(strategies, name)) return strategies[name as StrategyName];
  const allowed = Object.keys(strategies).join(', ');
  throw new ArborError('E_UNKNOWN_STRATEGY', `strategy must be one of ${allowed}, got ${describeValue(name)}`, {
    details: { field: 'strategy', value: name, allowed },
  });
}

export { oneForOne } from './one-for-one.js';
export { oneForAll } from './one-for-all.js';
export { restForOne } from './rest-for-one.js';
export { addRestart, restartsInWindow } from './intensity.js';
export {
  initialBackoffState,
  nextBackoff,
  fixedDelay,
  pm2ExponentialBackoff,
  noBackoff,
  backoffFromPm2,
} from './backoff.js';
export type { BackoffState } from './backoff.js';
export { recordExit, pm2UnstablePolicy } from './unstable.js';
export type { ChildView, RestartPlan, RestartStrategy } from './types.js';
