// Where an app's log files live: PM2's naming rules, resolved once into absolute paths (or null when disabled).
import { homedir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { ArborError, describeValue } from '../errors.js';

/** What decides an app's log paths (PM2's out_file / error_file / log_file / merge_logs, plus where it runs). */
export interface LogPathInput {
  /** The arbor home; default files go to `<home>/logs/`. */
  home: string;
  /** The app name (sanitised for the file name). */
  name: string;
  /** The process id (PM2's pm_id), appended as `-<id>` unless logs are merged. */
  id: number;
  /** stdout file; default `<home>/logs/<name>-out.log`. */
  outFile?: string;
  /** stderr file; default `<home>/logs/<name>-error.log`. */
  errorFile?: string;
  /** Combined file (PM2's `-l`): a path, or `true` for `<home>/logs/<name>.log`; absent or false means none. */
  logFile?: string | boolean;
  /** True drops the `-<id>` suffix so every instance shares the files. */
  mergeLogs: boolean;
  /** The app's working directory: relative user paths resolve against it. */
  cwd: string;
}

/** Absolute log paths; null means that stream is discarded (no file). */
export interface LogPaths {
  out: string | null;
  err: string | null;
  combined: string | null;
}

// Turns an app name into a safe file-name stem as PM2 does: every character other than an ASCII letter, digit, '.' or '-' becomes '-'.
export function logFileStem(name: string): string {
  // PM2's class also lets a backslash through; arbor does not, since it separates paths on Windows.
  return name.replace(/[^A-Za-z0-9.-]/g, '-');
}

// True for the values PM2 treats as "no file": '/dev/null' and 'NULL'.
export function isDisabledLogPath(value: string): boolean {
  return value === '/dev/null' || value === 'NULL';
}

// Computes an app's out, error and combined log paths with PM2's defaults, `-<id>` suffix and /dev/null rules.
export function logPaths(input: LogPathInput): LogPaths {
  if (!Number.isSafeInteger(input.id) || input.id < 0) {
    throw new ArborError('E_INVALID_SPEC', `log paths need a process id that is a whole number >= 0, got ${describeValue(input.id)}`, {
      details: { field: 'id', value: input.id, allowed: 'a whole number >= 0' },
    });
  }
  const stem = logFileStem(input.name);
  const logsDir = join(input.home, 'logs');
  const pick = (given: string | undefined, fallback: string): string | null => {
    if (given === undefined || given === '') return withInstanceId(join(logsDir, fallback), input);
    if (isDisabledLogPath(given)) return null;
    return withInstanceId(resolveUserPath(given, input.cwd), input);
  };
  const combined =
    input.logFile === undefined || input.logFile === false || input.logFile === ''
      ? null
      : pick(input.logFile === true ? undefined : input.logFile, `${stem}.log`);
  return {
    out: pick(input.outFile, `${stem}-out.log`),
    err: pick(input.errorFile, `${stem}-error.log`),
    combined,
  };
}

// Resolves a user-given path: a leading '~' is the user's home directory (as PM2), anything relative is against cwd.
function resolveUserPath(given: string, cwd: string): string {
  const expanded = given === '~' || given.startsWith('~/') ? join(homedir(), given.slice(1)) : given;
  return resolve(cwd, expanded);
}

// Inserts `-<id>` before the extension unless merged: `api-out.log` -> `api-out-3.log`, `app.txt` -> `app-3.txt`, `app` -> `app-3`.
// PM2 only rewrites names ending in `.log` (other names are silently shared by all instances); arbor suffixes any name.
function withInstanceId(path: string, input: LogPathInput): string {
  return input.mergeLogs ? path : insertProcessId(path, input.id);
}

// Inserts `-<id>` before a path's extension: `/x/api.pid` -> `/x/api-3.pid`, `/x/app` -> `/x/app-3`.
export function insertProcessId(path: string, id: number): string {
  const extension = extname(path);
  return `${path.slice(0, path.length - extension.length)}-${id}${extension}`;
}

// The files of a LogPaths that exist as files (out, err, combined), without the disabled ones.
export function logFilesOf(paths: LogPaths): string[] {
  return [paths.out, paths.err, paths.combined].filter((file): file is string => file !== null);
}
