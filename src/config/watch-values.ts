// The watch keys of an app (ignore_watch, watch_options), checked in the CLI so the daemon gets clean values.

import { closest } from './closest.js';
import type { WatchIgnore } from './types.js';
import { isPlainObject, parseStringList, type Parsed } from './values.js';

const IGNORE_ALLOWED = 'globs or paths relative to cwd (or RegExps in a JS file): an array, or a string of words separated by spaces';

// A RegExp as the daemon gets it (RPC is JSON): its source and flags, less the stateful g and y.
function regexEntry(regex: RegExp): WatchIgnore {
  return { regex: regex.source, flags: regex.flags.replace(/[gy]/g, '') };
}

// ignore_watch: globs and paths (strings), or RegExps from a JS ecosystem file, which PM2 users write (/node_modules/).
export function parseIgnoreWatch(value: unknown): Parsed<WatchIgnore[]> {
  if (value instanceof RegExp) return { ok: true, value: [regexEntry(value)] };
  if (Array.isArray(value) && value.some((item) => item instanceof RegExp)) {
    const entries: WatchIgnore[] = [];
    for (const item of value) {
      if (item instanceof RegExp) entries.push(regexEntry(item));
      else if (typeof item === 'string' && item.trim() !== '') entries.push(item);
      else if (typeof item !== 'string') return { ok: false, allowed: IGNORE_ALLOWED };
    }
    return { ok: true, value: entries };
  }
  const list = parseStringList(value);
  return list.ok ? { ok: true, value: list.value.filter((item) => item.trim() !== '') } : { ok: false, allowed: IGNORE_ALLOWED };
}

/** How a chokidar option is checked: its allowed values, and the test. */
interface OptionRule {
  allowed: string;
  test(value: unknown): boolean;
}

const isBoolean = (value: unknown): boolean => typeof value === 'boolean';
const isNumberFrom =
  (min: number) =>
  (value: unknown): boolean =>
    typeof value === 'number' && Number.isFinite(value) && value >= min;

// The options chokidar 4 takes (PM2 passes watch_options to chokidar unchanged).
const OPTION_RULES: Record<string, OptionRule> = {
  persistent: { allowed: 'true or false', test: isBoolean },
  ignoreInitial: { allowed: 'true or false', test: isBoolean },
  followSymlinks: { allowed: 'true or false', test: isBoolean },
  usePolling: { allowed: 'true or false', test: isBoolean },
  alwaysStat: { allowed: 'true or false', test: isBoolean },
  ignorePermissionErrors: { allowed: 'true or false', test: isBoolean },
  interval: { allowed: 'a polling interval in ms >= 1', test: isNumberFrom(1) },
  binaryInterval: { allowed: 'a polling interval in ms >= 1', test: isNumberFrom(1) },
  depth: { allowed: 'a whole number of folder levels >= 0', test: (value) => Number.isInteger(value) && (value as number) >= 0 },
  atomic: { allowed: 'true, false, or a delay in ms >= 0', test: (value) => isBoolean(value) || isNumberFrom(0)(value) },
  awaitWriteFinish: {
    allowed: 'true, false, or { stabilityThreshold, pollInterval } in ms',
    test: (value) =>
      isBoolean(value) ||
      (isPlainObject(value) &&
        Object.entries(value).every(([key, ms]) => (key === 'stabilityThreshold' && isNumberFrom(0)(ms)) || (key === 'pollInterval' && isNumberFrom(1)(ms)))),
  },
};

/** Options of chokidar 3 (PM2's) that chokidar 4 dropped, and why they can go. */
const DROPPED_OPTIONS: Record<string, string> = {
  disableGlobbing: 'chokidar 4 has no globbing to disable; arbor matches globs in watch itself',
  useFsEvents: 'chokidar 4 always uses fs.watch',
  cwd: 'watch paths are relative to the app cwd',
};

/** watch_options made ready for chokidar: `ignored` taken out (it becomes ignore_watch), unknown keys dropped. */
export interface CheckedWatchOptions {
  options: Record<string, unknown> | undefined;
  /** watch_options.ignored, which replaces ignore_watch as it does in PM2. */
  ignored: WatchIgnore[] | undefined;
  warnings: string[];
  /** The first bad value, to report as `watch_options.<key>`. */
  error?: { field: string; value: unknown; allowed: string };
}

// Checks each key of watch_options: a bad value is an error, a key chokidar 4 does not know a warning (and dropped).
export function checkWatchOptions(options: Record<string, unknown> | undefined, where: string): CheckedWatchOptions {
  if (options === undefined) return { options: undefined, ignored: undefined, warnings: [] };
  const checked: Record<string, unknown> = {};
  const warnings: string[] = [];
  let ignored: WatchIgnore[] | undefined;
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (key === 'ignored') {
      const parsed = parseIgnoreWatch(value);
      if (!parsed.ok) return { options: undefined, ignored: undefined, warnings, error: { field: `watch_options.${key}`, value, allowed: parsed.allowed } };
      ignored = parsed.value;
      continue;
    }
    const rule = OPTION_RULES[key];
    if (rule !== undefined) {
      if (!rule.test(value)) return { options: undefined, ignored: undefined, warnings, error: { field: `watch_options.${key}`, value, allowed: rule.allowed } };
      checked[key] = value;
      continue;
    }
    const dropped = DROPPED_OPTIONS[key];
    if (dropped !== undefined) {
      warnings.push(`watch_options.${key} in ${where} has no effect: ${dropped}`);
      continue;
    }
    const suggestion = closest(key, [...Object.keys(OPTION_RULES), 'ignored']);
    warnings.push(`watch_options.${key} in ${where} is not a chokidar option${suggestion === undefined ? '' : `; did you mean "${suggestion}"?`}; it is ignored`);
  }
  return { options: checked, ignored, warnings };
}
