// Shared helper of the config tests: the E_CONFIG error a call throws.
import { ArborError, isArborError } from '../../src/errors.js';

// Runs fn and returns the E_CONFIG error it throws; fails the test when it throws nothing or something else.
export function configError(fn: () => unknown): ArborError {
  try {
    fn();
  } catch (error) {
    if (isArborError(error, 'E_CONFIG')) return error;
    throw error;
  }
  throw new Error('expected an E_CONFIG error');
}
