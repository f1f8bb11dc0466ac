// The exit status of the arbor CLI for each outcome: a table keyed by error code.
import { ERROR_CODES, type ErrorCode } from '../errors.js';

/** The command did what was asked. */
export const EXIT_SUCCESS = 0;

/** The command failed (PM2's ERROR_EXIT): a target matched nothing, the daemon refused, a config was bad, ... */
export const EXIT_FAILURE = 1;

/** The command line itself was wrong (unknown verb or flag, missing argument): the shell convention for misuse. */
export const EXIT_USAGE = 2;

/**
 * Every error code's exit status. PM2 exits 1 on every failure, so arbor does too, with one exception:
 * a usage error exits 2 (as getopt-based tools, bash builtins and argparse do), so scripts can tell a typo
 * from a failed operation. Typed as a full Record: adding a code to ERROR_CODES without a row here fails to compile.
 */
export const EXIT_CODES: Readonly<Record<ErrorCode, number>> = {
  E_INVALID_SPEC: EXIT_FAILURE,
  E_DUPLICATE_ID: EXIT_FAILURE,
  E_UNKNOWN_STRATEGY: EXIT_FAILURE,
  E_BAD_COMBINATION: EXIT_FAILURE,
  E_MISSING_SCRIPT: EXIT_FAILURE,
  E_SCRIPT_NOT_FOUND: EXIT_FAILURE,
  E_INTERPRETER_NOT_FOUND: EXIT_FAILURE,
  E_CWD_NOT_FOUND: EXIT_FAILURE,
  E_UNSUPPORTED_TYPESCRIPT: EXIT_FAILURE,
  E_SPAWN_FAILED: EXIT_FAILURE,
  E_SIGNAL_FAILED: EXIT_FAILURE,
  E_START_FAILED: EXIT_FAILURE,
  E_CHILD_NOT_FOUND: EXIT_FAILURE,
  E_CHILD_RUNNING: EXIT_FAILURE,
  E_SUPERVISOR_STOPPED: EXIT_FAILURE,
  E_CONFIG: EXIT_FAILURE,
  E_APP_NOT_FOUND: EXIT_FAILURE,
  E_NAME_CLASH: EXIT_FAILURE,
  E_DAEMON_UNREACHABLE: EXIT_FAILURE,
  E_DAEMON_RUNNING: EXIT_FAILURE,
  E_HOME_UNUSABLE: EXIT_FAILURE,
  E_RPC: EXIT_FAILURE,
  E_BAD_REQUEST: EXIT_FAILURE,
  E_USAGE: EXIT_USAGE,
  E_LOG_IO: EXIT_FAILURE,
};

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

// Maps an error to the CLI's exit status: by its arbor code (also on plain `{ code }` objects from RPC), else 1.
export function exitCodeFor(error: unknown): number {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    if (isErrorCode(code)) return EXIT_CODES[code];
  }
  return EXIT_FAILURE;
}
