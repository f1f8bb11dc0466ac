import { describe, expect, it } from 'vitest';
import { CommanderError } from 'commander';
import { EXIT_CODES, EXIT_FAILURE, EXIT_USAGE, exitCodeFor } from '../../src/cli/exit-codes.js';
import { parseCommandLine } from '../../src/cli/parse.js';
import { ArborError, ERROR_CODES, type ErrorCode } from '../../src/errors.js';

describe('exitCodeFor', () => {
  it('has a mapping, a non-zero whole number, for every error code', () => {
    for (const code of Object.keys(ERROR_CODES)) {
      expect(EXIT_CODES, code).toHaveProperty(code);
      const status = EXIT_CODES[code as ErrorCode];
      expect(Number.isInteger(status) && status > 0 && status < 126, code).toBe(true);
    }
    expect(Object.keys(EXIT_CODES).sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });

  it('exits 2 on a usage error and 1 on an unknown target, as PM2 does', () => {
    expect(exitCodeFor(new ArborError('E_USAGE', 'unknown option'))).toBe(EXIT_USAGE);
    expect(EXIT_USAGE).toBe(2);
    expect(exitCodeFor(new ArborError('E_APP_NOT_FOUND', "no app named 'api'"))).toBe(1);
  });

  it('maps what parseCommandLine throws to the usage status', () => {
    let thrown: unknown;
    try {
      parseCommandLine(['lst']);
    } catch (error) {
      thrown = error;
    }
    expect(exitCodeFor(thrown)).toBe(EXIT_USAGE);
  });

  it('reads the code of a plain error object from RPC', () => {
    expect(exitCodeFor({ code: 'E_USAGE', message: 'x' })).toBe(EXIT_USAGE);
    expect(exitCodeFor({ code: 'E_RPC', message: 'x' })).toBe(EXIT_FAILURE);
  });

  it('exits 1 for anything else', () => {
    expect(exitCodeFor(new Error('boom'))).toBe(EXIT_FAILURE);
    expect(exitCodeFor({ code: 'ENOENT' })).toBe(EXIT_FAILURE);
    expect(exitCodeFor({ code: 'toString' })).toBe(EXIT_FAILURE);
    expect(exitCodeFor(new CommanderError(1, 'commander.unknownOption', 'x'))).toBe(EXIT_FAILURE);
    expect(exitCodeFor(undefined)).toBe(EXIT_FAILURE);
    expect(exitCodeFor('E_USAGE')).toBe(EXIT_FAILURE);
  });
});
