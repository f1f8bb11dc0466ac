// The error-code registry: every failure arbor reports carries one of these stable codes.

/** Each code with the one-line meaning that docs/errors.md repeats (a test keeps the two in step). */
export const ERROR_CODES = {
  E_INVALID_SPEC: 'a child or supervisor spec has a field with a value that is not allowed',
  E_DUPLICATE_ID: 'two children of one supervisor share an id',
  E_UNKNOWN_STRATEGY: 'a supervisor names a restart strategy arbor does not have',
  E_BAD_COMBINATION: 'significant is true together with restart permanent or auto_shutdown never',
  E_MISSING_SCRIPT: 'a worker has neither script nor command',
  E_SCRIPT_NOT_FOUND: 'the script file does not exist',
  E_INTERPRETER_NOT_FOUND: 'the interpreter is not an executable file nor found on PATH',
  E_CWD_NOT_FOUND: 'the working directory does not exist',
  E_UNSUPPORTED_TYPESCRIPT: 'a .ts script needs a Node with type stripping (22.6 or later) or an explicit interpreter',
  E_SPAWN_FAILED: 'the operating system refused to start the process',
  E_SIGNAL_FAILED: 'a signal could not be sent to a process group (bad group id, unknown signal or refused)',
  E_START_FAILED: 'a supervisor could not start one of its children during init',
  E_CHILD_NOT_FOUND: 'no child with that id under the supervisor',
  E_CHILD_RUNNING: 'the child is running or restarting; terminate it first',
  E_SUPERVISOR_STOPPED: 'the supervisor has stopped and takes no more requests',
  E_CONFIG: 'a configuration file could not be read or holds a bad value',
  E_APP_NOT_FOUND: 'no app matches the target',
  E_NAME_CLASH: 'an app with that name is already running',
  E_DAEMON_UNREACHABLE: 'the daemon could not be reached or started',
  E_DAEMON_RUNNING: 'another daemon already holds the lock of this arbor home',
  E_HOME_UNUSABLE: 'the arbor home directory (ARBOR_HOME) could not be created, locked or made private',
  E_RPC: 'the daemon answered a request with an error',
  E_BAD_REQUEST: 'a request to the daemon was malformed',
  E_USAGE: 'the command line names an unknown command or flag, lacks a required argument, or gives a flag a bad value',
  E_LOG_IO: 'a log file could not be opened, written, rotated, truncated or read',
} as const;

/** A stable error code, e.g. 'E_DUPLICATE_ID'. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** Extra facts that say exactly what was wrong: the field, the offending value, what is allowed. */
export interface ErrorDetails {
  field?: string;
  value?: unknown;
  allowed?: string;
  [key: string]: unknown;
}

// An error with a stable code and an optional cause; the CLI maps codes to exit statuses.
export class ArborError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: ErrorDetails } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ArborError';
    this.code = code;
    this.details = options.details ?? {};
  }

  /** A plain object that survives JSON (for the daemon's RPC replies). */
  toJSON(): { code: ErrorCode; message: string; details: ErrorDetails } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

// True when the value is an ArborError, optionally with the given code.
export function isArborError(value: unknown, code?: ErrorCode): value is ArborError {
  return value instanceof ArborError && (code === undefined || value.code === code);
}

// Describes a value for an error message: `"abc" (string)`, `-1 (number)`, `undefined`.
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  const shown = typeof value === 'string' ? JSON.stringify(value) : safeJson(value);
  return `${shown} (${Array.isArray(value) ? 'array' : typeof value})`;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
