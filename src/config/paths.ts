// Path rules for config values: '~' expansion, relative to a base directory, and the "discard" log paths.

import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';

/** Log paths that mean "discard this stream", kept as written (PM2's rule). */
export const DISCARD_PATHS: readonly string[] = ['/dev/null', 'NULL'];

// Replaces a leading '~' or '~/' with the home directory (HOME from the given env, else the OS's).
export function expandHome(path: string, env: NodeJS.ProcessEnv): string {
  if (path !== '~' && !path.startsWith('~/')) return path;
  return (env.HOME ?? homedir()) + path.slice(1);
}

// An absolute path: '~' expanded, relative paths taken from `baseDir`.
export function resolveFrom(baseDir: string, path: string, env: NodeJS.ProcessEnv): string {
  const expanded = expandHome(path, env);
  return isAbsolute(expanded) ? resolve(expanded) : resolve(baseDir, expanded);
}

// A log path: the discard paths as written, anything else absolute against the app's cwd.
export function resolveLogPath(cwd: string, path: string, env: NodeJS.ProcessEnv): string {
  return DISCARD_PATHS.includes(path) ? path : resolveFrom(cwd, path, env);
}

// The script as AppConfig keeps it: a relative path containing '/' made absolute; bare words and command lines as written.
export function resolveScript(cwd: string, script: string, env: NodeJS.ProcessEnv): string {
  const trimmed = script.trim();
  if (/\s/.test(trimmed)) return trimmed;
  if (trimmed.includes('/') || trimmed === '~') return resolveFrom(cwd, trimmed, env);
  // PM2: a bare name is a file in cwd when one exists (made absolute), else a command looked up on PATH.
  const local = resolveFrom(cwd, trimmed, env);
  return existsSync(local) ? local : trimmed;
}
