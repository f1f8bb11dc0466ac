// Where the CLI writes: data to stdout, `[arbor]` messages to stdout (unless --silent), warnings and errors to stderr.
//
// Loaded by every CLI run, so it imports only arbor's error and colour modules.

import { ArborError } from '../errors.js';
import { createPalette, type Palette } from './format/colors.js';

/** The prefix of every message arbor prints about what it did, as PM2 prints `[PM2]`. */
export const MESSAGE_PREFIX = '[arbor]';

/** The part of a stream the CLI uses (process.stdout and process.stderr fit). */
export interface TextStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** The CLI's printing, decided once from the flags and the terminal. */
export interface Output {
  /** Colours on stdout. */
  readonly color: boolean;
  /** The stdout palette (identity functions when colour is off). */
  readonly palette: Palette;
  /** Terminal width of stdout in columns, undefined when it is not a terminal. */
  readonly width: number | undefined;
  /** --silent: messages are dropped, data is still printed. */
  readonly silent: boolean;
  /** Prints what was asked for (a table, JSON, pids) to stdout, with a newline. */
  data(text: string): void;
  /** Writes text to stdout as is (log lines being followed). */
  raw(text: string): void;
  /** Writes text to stderr as is. */
  rawError(text: string): void;
  /** Prints `[arbor] message` to stdout unless --silent. */
  info(message: string): void;
  /** Prints `[arbor] warning: message` to stderr (also when --silent: warnings are not chatter). */
  warn(message: string): void;
  /** Prints `[arbor] message` to stderr. */
  error(message: string): void;
}

/** What createOutput needs. */
export interface OutputOptions {
  stdout: TextStream;
  stderr: TextStream;
  color: boolean;
  /** Colour on stderr (decided from stderr's own terminal). */
  errorColor: boolean;
  silent: boolean;
}

// Builds the CLI's printer over two streams.
export function createOutput(options: OutputOptions): Output {
  const { stdout, stderr, silent } = options;
  const palette = createPalette(options.color);
  const errorPalette = createPalette(options.errorColor);
  return {
    color: options.color,
    palette,
    width: stdout.isTTY === true && typeof stdout.columns === 'number' && stdout.columns > 0 ? stdout.columns : undefined,
    silent,
    data: (text) => void stdout.write(`${text}\n`),
    raw: (text) => void stdout.write(text),
    rawError: (text) => void stderr.write(text),
    info: (message) => {
      if (!silent) stdout.write(`${palette.cyan(MESSAGE_PREFIX)} ${message}\n`);
    },
    warn: (message) => void stderr.write(`${errorPalette.yellow(`${MESSAGE_PREFIX} warning:`)} ${message}\n`),
    error: (message) => void stderr.write(`${errorPalette.red(MESSAGE_PREFIX)} ${message}\n`),
  };
}

/** How the CLI reports a failure: one line, and a stack trace only for what is a bug in arbor. */
export interface FailureReport {
  line: string;
  stack?: string;
}

// The message of a failure: an ArborError's own message (a usage error with a pointer to --help), else the bug's stack.
export function describeFailure(error: unknown): FailureReport {
  if (error instanceof ArborError) {
    const hint = error.code === 'E_USAGE' ? ' (see `arbor --help`)' : '';
    return { line: `${oneLine(error.message)}${hint}` };
  }
  if (error instanceof Error) {
    return { line: `unexpected error (a bug in arbor, please report it): ${error.message}`, stack: error.stack ?? String(error) };
  }
  return { line: `unexpected error (a bug in arbor, please report it): ${String(error)}` };
}

// Joins a message's lines with spaces, so a failure is always one line.
function oneLine(message: string): string {
  return message.trim().replace(/\s*\n\s*/g, ' ');
}
