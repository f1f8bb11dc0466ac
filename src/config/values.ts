// Pure parsers for ecosystem values: numbers from numeric strings, sizes, durations, word lists, booleans, instances.
// Each returns the parsed value or the text of what is allowed; the caller adds the file, app and field.

import { createRequire } from 'node:module';
import { constants as osConstants } from 'node:os';

import type * as Croner from 'croner';

import type { ExecMode, LogType } from './types.js';

/** A parsed value, or what would have been allowed (and the library error behind the refusal, if any). */
export type Parsed<T> = { ok: true; value: T } | { ok: false; allowed: string; cause?: unknown };

function ok<T>(value: T): Parsed<T> {
  return { ok: true, value };
}

function no<T>(allowed: string, cause?: unknown): Parsed<T> {
  return cause === undefined ? { ok: false, allowed } : { ok: false, allowed, cause };
}

const NUMERIC = /^[+-]?\d+(?:\.\d+)?$/;
const SIZE = /^(\d+(?:\.\d+)?)\s*([kmgt]?)b?$/i;
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/i;
const SIZE_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };
const DURATION_UNITS: Record<string, number> = { '': 1, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

// A finite number from a number or a numeric string ('42', ' -1.5 '); undefined for anything else.
export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && NUMERIC.test(value.trim())) return Number(value.trim());
  return undefined;
}

// A whole number within [min, max] from a number or a numeric string.
export function parseInteger(value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): Parsed<number> {
  const n = toNumber(value);
  const allowed = max === Number.MAX_SAFE_INTEGER ? `a whole number >= ${min}` : `a whole number from ${min} to ${max}`;
  return n !== undefined && Number.isInteger(n) && n >= min && n <= max ? ok(n) : no(allowed);
}

// true/false from a boolean or the strings 'true'/'false'.
export function parseBoolean(value: unknown): Parsed<boolean> {
  if (typeof value === 'boolean') return ok(value);
  if (value === 'true') return ok(true);
  if (value === 'false') return ok(false);
  return no('true or false');
}

// Bytes from a number (bytes) or a string with an optional K/M/G/T suffix, powers of 1024: '512K', '200M', '1G', '200MB'.
export function parseSize(value: unknown, min = 0): Parsed<number> {
  const allowed = `a size in bytes: a number >= ${min} or a string like "512K", "200M" or "1G"`;
  const n = toNumber(value);
  if (n !== undefined) return n >= min ? ok(Math.round(n)) : no(allowed);
  if (typeof value !== 'string') return no(allowed);
  const match = SIZE.exec(value.trim());
  if (!match) return no(allowed);
  const bytes = Math.round(Number(match[1]) * SIZE_UNITS[match[2]!.toLowerCase()]!);
  return bytes >= min ? ok(bytes) : no(allowed);
}

// Milliseconds from a number (ms) or a string with an optional ms/s/m/h suffix: '500ms', '10s', '5m', '1h'.
export function parseDuration(value: unknown, min = 0): Parsed<number> {
  const allowed = `a duration: milliseconds >= ${min}, or a string like "500ms", "10s", "5m" or "1h"`;
  const n = toNumber(value);
  if (n !== undefined) return n >= min ? ok(Math.round(n)) : no(allowed);
  if (typeof value !== 'string') return no(allowed);
  const match = DURATION.exec(value.trim());
  if (!match) return no(allowed);
  const ms = Math.round(Number(match[1]) * DURATION_UNITS[(match[2] ?? '').toLowerCase()]!);
  return ms >= min ? ok(ms) : no(allowed);
}

// Splits a command-line-like string into words the way a POSIX shell does (no expansion):
// whitespace separates, 'single' and "double" quotes group (and are removed), a backslash escapes the next character.
export function splitWords(text: string): Parsed<string[]> {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1]!)) word += text[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote !== undefined) return no(`a string of words with balanced quotes (a ${quote} is never closed)`);
  if (inWord) words.push(word);
  return ok(words);
}

// A list of strings from an array (numbers and booleans become strings) or a string split into words.
export function parseStringList(value: unknown): Parsed<string[]> {
  const allowed = 'an array of strings, or a string of words separated by spaces (quotes group words)';
  if (typeof value === 'string') {
    const words = splitWords(value);
    return words.ok ? words : no(words.allowed);
  }
  if (!Array.isArray(value)) return no(allowed);
  const items: string[] = [];
  for (const item of value) {
    if (typeof item === 'string') items.push(item);
    else if (typeof item === 'number' && Number.isFinite(item)) items.push(String(item));
    else if (typeof item === 'boolean') items.push(String(item));
    else return no(allowed);
  }
  return ok(items);
}

// A list of whole numbers in [min, max] from a number, an array of numbers/numeric strings, or a string of numbers.
export function parseIntegerList(value: unknown, min: number, max: number): Parsed<number[]> {
  const allowed = `a whole number from ${min} to ${max}, or a list of them`;
  const single = parseInteger(value, min, max);
  if (single.ok) return ok([single.value]);
  const list = typeof value === 'string' ? splitWords(value) : Array.isArray(value) ? ok(value as unknown[]) : no<unknown[]>(allowed);
  if (!list.ok) return no(allowed);
  const numbers: number[] = [];
  for (const item of list.value) {
    const n = parseInteger(item, min, max);
    if (!n.ok) return no(allowed);
    numbers.push(n.value);
  }
  return ok(numbers);
}

/** What `instances` allows (also the start of its error message). */
export const INSTANCES_ALLOWED = 'a whole number, "max" or a negative number';

// PM2's instance count rules: 'max' or 0 = one per CPU, -n = CPUs minus n (at least 1), n = n.
export function parseInstances(value: unknown, cpuCount: number): Parsed<number> {
  const cpus = Math.max(1, Math.floor(cpuCount));
  if (typeof value === 'string' && value.trim().toLowerCase() === 'max') return ok(cpus);
  const n = toNumber(value);
  if (n === undefined || !Number.isInteger(n)) return no(INSTANCES_ALLOWED);
  if (n === 0) return ok(cpus);
  if (n < 0) return ok(Math.max(1, cpus + n));
  return ok(n);
}

// 'fork' | 'cluster' with or without the '_mode' suffix, normalized to PM2's '*_mode' form.
export function parseExecMode(value: unknown): Parsed<ExecMode> {
  const match = typeof value === 'string' ? /^(cluster|fork)(_mode)?$/.exec(value.trim()) : null;
  return match ? ok(`${match[1]}_mode` as ExecMode) : no('"fork", "cluster", "fork_mode" or "cluster_mode"');
}

// 'raw' or 'json' (PM2 writes JSON lines for 'json' and raw lines otherwise).
export function parseLogType(value: unknown): Parsed<LogType> {
  return value === 'raw' || value === 'json' ? ok(value) : no('"raw" or "json"');
}

// A signal name known to this OS, with or without the SIG prefix, any case: 'SIGTERM', 'term'.
export function parseSignal(value: unknown): Parsed<NodeJS.Signals> {
  const allowed = 'a signal name such as "SIGINT", "SIGTERM" or "SIGUSR2"';
  if (typeof value !== 'string') return no(allowed);
  const upper = value.trim().toUpperCase();
  const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
  return Object.hasOwn(osConstants.signals, name) ? ok(name as NodeJS.Signals) : no(allowed);
}

// A non-empty string (numbers are accepted and turned into strings, as PM2 does for names).
export function parseNonEmptyString(value: unknown, allowNumber = false): Parsed<string> {
  if (typeof value === 'string' && value.trim() !== '') return ok(value);
  if (allowNumber && typeof value === 'number' && Number.isFinite(value)) return ok(String(value));
  return no('a non-empty string');
}

// A name for an app, namespace or supervisor: usable as a CLI target and in log file names.
export function parseName(value: unknown): Parsed<string> {
  const allowed = 'a non-empty string without "/", "\\", control characters or surrounding spaces, not "all" and not only digits';
  const text = typeof value === 'number' && Number.isInteger(value) ? String(value) : value;
  if (typeof text !== 'string' || text === '' || text.trim() !== text) return no(allowed);
  if (/[/\\\u0000-\u001f\u007f]/.test(text) || text === 'all' || /^\d+$/.test(text)) return no(allowed);
  return ok(text);
}

const NICKNAMES = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];
const CRON_ALLOWED = 'a cron pattern of 5 or 6 fields (e.g. "0 3 * * *") or "@hourly", "@daily", "@weekly", "@monthly", "@yearly"; 0 for none';

/**
 * How croner reads a cron_restart pattern, here and in the daemon: 5 or 6 fields (seconds first), and stepping such as
 * '5/5' that croner 4 (PM2's) accepted, so a PM2 pattern keeps working.
 */
export const CRON_OPTIONS = { mode: '5-or-6-parts', sloppyRanges: true } as const;

let croner: typeof Croner | undefined;

// croner, required synchronously on first use: only configs that set cron_restart pay for loading it.
function loadCroner(): typeof Croner {
  croner ??= createRequire(import.meta.url)('croner') as typeof Croner;
  return croner;
}

// A cron pattern of 5 or 6 fields (seconds first when 6) or a nickname such as '@daily', checked by croner itself
// (the library the daemon schedules it with); 0, '0' or false mean none, as in PM2.
export function parseCron(value: unknown): Parsed<string | undefined> {
  if (value === 0 || value === '0' || value === false) return ok(undefined);
  if (typeof value !== 'string') return no(CRON_ALLOWED);
  const text = value.trim();
  // Shape first: croner also takes ISO dates ('2030-01-01T00:00'), which would be a one-shot, not a schedule.
  if (text.startsWith('@') ? !NICKNAMES.includes(text.toLowerCase()) : !/^\S+(?:\s+\S+){4,5}$/.test(text)) return no(CRON_ALLOWED);
  try {
    const job = new (loadCroner().Cron)(text, { ...CRON_OPTIONS, paused: true });
    const next = job.nextRun();
    job.stop();
    if (next === null) return no('a cron pattern that matches some future time (this one never fires)');
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message.replace(/^CronPattern:\s*/, '') : String(cause);
    return no(`${CRON_ALLOWED} (${reason})`, cause);
  }
  return ok(text);
}

// An environment variable name: letters, digits and underscores, not starting with a digit.
export function parseVarName(value: unknown): Parsed<string> {
  return typeof value === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(value)
    ? ok(value)
    : no('an environment variable name (letters, digits and _, not starting with a digit)');
}

// True for a plain object (from any realm), the shape of an app, an env section or the tree.
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.prototype.toString.call(value) === '[object Object]';
}
