// The PM2 start flags: each flag, the ecosystem app key it fills, and the PM2 flags arbor accepts but ignores.
import { ArborError, describeValue } from '../errors.js';

/** How a parsed flag value becomes the app value; omitted means the value is kept as commander gives it. */
export type FlagValue = (value: unknown) => unknown;

/** A command-line flag that fills one key of the raw (PM2-style, snake_case) app config. */
export interface AppFlag {
  /** The commander flags, e.g. '-n, --name <name>'. */
  flags: string;
  description: string;
  /** The app key, spelled as an ecosystem file spells it. */
  key: string;
  toValue?: FlagValue;
  /** Commander's argument parser, for flags that collect repeats. */
  collect?: (value: string, previous: unknown) => unknown;
  /** When two flags fill the same key (--node-args, --interpreter-args), their values are joined with a space. */
  joins?: boolean;
}

// Collects `--filter-env [prefix]`: bare gives true, each value is appended (PM2 collects repeats into an array).
function collectPaths(value: string, previous: unknown): string[] {
  return Array.isArray(previous) ? [...(previous as string[]), value] : [value];
}

// Splits a comma list, keeping the commas inside a glob's braces: 'src,lib/*.{js,ts}' is two paths.
function splitCommas(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '{') depth += 1;
    else if (text[i] === '}') depth = Math.max(0, depth - 1);
    else if (text[i] === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((part) => part.trim()).filter((part) => part !== '');
}

// Collects `--watch [paths]`: bare gives true; each value is a comma list of paths, repeats are appended (as PM2).
function collectWatchPaths(value: string, previous: unknown): string[] {
  return [...(Array.isArray(previous) ? (previous as string[]) : []), ...splitCommas(value)];
}

// Collects `--ignore-watch`: repeats join into one string of words, which the config layer splits as PM2 does.
function collectWords(value: string, previous: unknown): string {
  return typeof previous === 'string' ? `${previous} ${value}` : value;
}

// PM2's `--watch-delay`: a bare number is seconds ('4'), anything else a duration ('4000ms', '2s') for the config layer.
function watchDelay(value: unknown): unknown {
  return typeof value === 'string' && /^\d+(?:\.\d+)?$/.test(value.trim()) ? Math.round(Number(value) * 1000) : value;
}

// Turns `--stop-exit-codes 0 3` into [0, 3]: exit codes are whole numbers from 0 to 255.
function exitCodes(value: unknown): number[] {
  const list = value as string[];
  return list.map((text) => {
    const code = /^\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isInteger(code) || code > 255) {
      throw new ArborError('E_USAGE', `--stop-exit-codes takes exit codes from 0 to 255, got ${describeValue(text)}`, {
        details: { field: 'stop_exit_codes', value: text, allowed: 'whole numbers from 0 to 255' },
      });
    }
    return code;
  });
}

/** Every start flag that maps to an app key, in PM2's help order. Numbers stay strings: the config layer parses them. */
export const APP_FLAGS: readonly AppFlag[] = [
  { flags: '-n, --name <name>', description: 'name of the process in the list', key: 'name' },
  {
    flags: '-i, --instances <number>',
    description: "number of instances: a number, 'max' or 0 (one per CPU), or -n (CPUs minus n)",
    key: 'instances',
  },
  {
    flags: '-x, --execute-command',
    description: 'run in fork mode even with several instances',
    key: 'exec_mode',
    toValue: () => 'fork_mode',
  },
  { flags: '--interpreter <interpreter>', description: 'interpreter for the script (node, bun, python3, none, ...)', key: 'interpreter' },
  {
    flags: '--interpreter-args <arguments>',
    description: 'arguments for the interpreter (alias of --node-args)',
    key: 'node_args',
    joins: true,
  },
  { flags: '--node-args <node_args>', description: 'space-separated arguments for the interpreter', key: 'node_args', joins: true },
  { flags: '-o, --output <path>', description: 'stdout log file', key: 'out_file' },
  { flags: '-e, --error <path>', description: 'stderr log file', key: 'error_file' },
  { flags: '-l, --log [path]', description: 'combined stdout and stderr log file', key: 'log_file' },
  { flags: '--merge-logs', description: 'one log file for all instances (no -<id> suffix)', key: 'merge_logs' },
  { flags: '--time', description: 'prefix each log line with the time', key: 'time' },
  { flags: '--log-date-format <format>', description: 'prefix each log line with the time in this format', key: 'log_date_format' },
  { flags: '--log-type <type>', description: "log line format: 'raw' (default) or 'json'", key: 'log_type' },
  { flags: '--disable-logs', description: 'write no log files', key: 'disable_logs' },
  { flags: '--max-restarts <count>', description: 'unstable restarts allowed before errored', key: 'max_restarts' },
  {
    flags: '--min-uptime <ms>',
    description: 'a run shorter than this counts as unstable (config-only in PM2)',
    key: 'min_uptime',
  },
  { flags: '--restart-delay <ms>', description: 'fixed delay before each restart', key: 'restart_delay' },
  {
    flags: '--exp-backoff-restart-delay <ms>',
    description: 'first delay of an exponential restart backoff',
    key: 'exp_backoff_restart_delay',
  },
  { flags: '-k, --kill-timeout <ms>', description: 'wait before SIGKILL on stop', key: 'kill_timeout' },
  { flags: '--no-autorestart', description: 'do not restart the app when it exits', key: 'autorestart' },
  { flags: '--no-autostart', description: 'add the app without starting it', key: 'autostart' },
  {
    flags: '--stop-exit-codes <codes...>',
    description: 'exit codes that do not trigger a restart',
    key: 'stop_exit_codes',
    toValue: exitCodes,
  },
  { flags: '--cwd <path>', description: 'working directory of the app', key: 'cwd' },
  { flags: '--namespace <ns>', description: "namespace of the app (default 'default')", key: 'namespace' },
  {
    flags: '--max-memory-restart <memory>',
    description: 'reload the app above this RSS (bytes, or with K, M, G)',
    key: 'max_memory_restart',
  },
  {
    flags: '--watch [paths]',
    description: 'restart on file changes: in the app folder, or in these paths and globs (a,b)',
    key: 'watch',
    collect: collectWatchPaths,
  },
  {
    flags: '--ignore-watch <globs>',
    description: "paths or globs not to watch, separated by spaces (default: dotfiles and node_modules)",
    key: 'ignore_watch',
    collect: collectWords,
  },
  {
    flags: '--watch-delay <delay>',
    description: 'wait after a change before restarting: seconds (4) or a duration (4000ms)',
    key: 'watch_delay',
    toValue: watchDelay,
  },
  { flags: '--wait-ready', description: "online only after the app sends 'ready'", key: 'wait_ready' },
  { flags: '--listen-timeout <ms>', description: "count the app online after this long without 'ready'", key: 'listen_timeout' },
  { flags: '-c, --cron-restart <pattern>', description: 'restart on a cron schedule', key: 'cron_restart' },
  {
    flags: '--shutdown-with-message',
    description: "stop with process.send('shutdown') instead of a signal",
    key: 'shutdown_with_message',
  },
  { flags: '--no-treekill', description: 'signal only the main process on stop, not its group', key: 'treekill' },
  { flags: '--uid <uid>', description: 'run the app as this user (root only)', key: 'uid' },
  { flags: '--gid <gid>', description: 'run the app with this group (root only)', key: 'gid' },
  { flags: '-p, --pid <path>', description: 'pid file of the app', key: 'pid_file' },
  {
    flags: '--filter-env [prefix]',
    description: 'do not pass shell env vars starting with prefix (bare: none at all)',
    key: 'filter_env',
    collect: collectPaths,
  },
];

/** A PM2 flag that arbor accepts so PM2 command lines keep working, and reports as ignored. */
export interface IgnoredFlag {
  flags: string;
  /** Why arbor has no use for it. */
  reason: string;
}

/** PM2 flags arbor accepts and ignores: PM2.io/keymetrics integrations and features arbor does not have. */
export const IGNORED_PM2_FLAGS: readonly IgnoredFlag[] = [
  { flags: '--no-vizion', reason: 'arbor does not collect version-control metadata' },
  { flags: '--no-pmx', reason: 'arbor does not inject the pmx agent' },
  { flags: '--no-automation', reason: 'arbor does not inject the pmx agent' },
  { flags: '--trace', reason: 'PM2.io transaction tracing does not exist in arbor' },
  { flags: '--disable-trace', reason: 'PM2.io transaction tracing does not exist in arbor' },
  { flags: '--v8', reason: 'PM2.io v8 metrics do not exist in arbor' },
  { flags: '--event-loop-inspector', reason: 'PM2.io event-loop dumps do not exist in arbor' },
  { flags: '--deep-monitoring', reason: 'PM2.io monitoring does not exist in arbor' },
  { flags: '--source-map-support', reason: 'arbor does not preload source-map-support' },
  { flags: '--disable-source-map-support', reason: 'arbor does not preload source-map-support' },
  { flags: '--ext <extensions>', reason: 'watching filters by paths and --ignore-watch only' },
];
