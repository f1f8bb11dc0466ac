// Turns one raw app object from an ecosystem file into an AppConfig, or an E_CONFIG error that says what to fix.

import { availableParallelism } from 'node:os';
import { basename, extname } from 'node:path';

import { badValue, configError, describeLocation, type ConfigLocation } from './config-error.js';
import { filterShellEnv, mergeEnv, type EnvLayer } from './env.js';
import { ENV_SECTION_PATTERN, resolveAppKey, suggestAppKey } from './keys.js';
import { resolveFrom, resolveLogPath, resolveScript } from './paths.js';
import type { AppConfig, ExecMode } from './types.js';
import { checkWatchOptions, parseIgnoreWatch } from './watch-values.js';
import {
  isPlainObject,
  parseBoolean,
  parseCron,
  parseDuration,
  parseExecMode,
  parseInstances,
  parseInteger,
  parseIntegerList,
  parseLogType,
  parseName,
  parseNonEmptyString,
  parseSignal,
  parseSize,
  parseStringList,
  parseVarName,
  toNumber,
  type Parsed,
} from './values.js';

/** Where the raw app came from. */
export interface AppSource {
  file?: string;
  index: number;
}

/** What normalization needs besides the app itself. */
export interface NormalizeOptions {
  /** The `--env <name>` choice: merges `env_<name>` over `env`. */
  env?: string;
  /** The shell environment, the lowest layer (default: process.env). */
  shellEnv?: NodeJS.ProcessEnv;
  /** Directory that relative `cwd` (and, without cwd, relative script and log paths) are taken from. */
  baseDir: string;
  /** CPUs for instances 'max', 0 and -n (default: os.availableParallelism()). */
  cpuCount?: number;
  /** `deploy.<env>.env` of the file: PM2 puts it below the shell env. */
  deployEnv?: Record<string, unknown>;
}

/** The default size at which arbor rotates a log file. */
export const DEFAULT_LOG_MAX_SIZE = 10 * 1024 * 1024;

const SCRIPT_ALLOWED = 'a file to run or a command line (also spelled exec, cmd or command)';
const ENV_VALUE_ALLOWED = 'a string, number or boolean (null removes the variable)';
const NODE_LIKE_SCRIPT = /\.(?:[cm]?js|[cm]?ts|tsx)$/;

/** A raw key as found in the file. */
interface Entry {
  spelled: string;
  value: unknown;
  rank: number;
}

/** The app's keys sorted out: known fields by canonical name, env_<name> sections, and what to warn about. */
interface SortedKeys {
  fields: Map<string, Entry>;
  envSections: Map<string, Entry>;
  unknown: string[];
  ignored: Array<{ spelled: string; because: string }>;
  conflicts: Array<{ kept: string; dropped: string }>;
}

/** normalizeApp's result, with the unused-`--env` warning kept apart so a whole file can report it once. */
export interface DetailedNormalized {
  app: AppConfig;
  warnings: string[];
  /** Set when `--env` was given and this app has no env_<name>. */
  missingEnvWarning?: string;
}

// Validates one app and fills every default; throws ArborError E_CONFIG naming the file, app, field, value and what is allowed.
export function normalizeApp(
  raw: unknown,
  where: AppSource,
  options: NormalizeOptions,
): { app: AppConfig; warnings: string[] } {
  const result = normalizeAppDetailed(raw, where, options);
  const warnings = result.missingEnvWarning === undefined ? result.warnings : [...result.warnings, result.missingEnvWarning];
  return { app: result.app, warnings };
}

// normalizeApp, reporting an unused `--env` name separately (see DetailedNormalized).
export function normalizeAppDetailed(raw: unknown, where: AppSource, options: NormalizeOptions): DetailedNormalized {
  const at: ConfigLocation = where.file === undefined ? { path: `apps[${where.index}]` } : { file: where.file, path: `apps[${where.index}]` };
  if (!isPlainObject(raw)) throw badValue(at, `apps[${where.index}]`, raw, 'an object describing an app (with at least "script")');

  const keys = sortKeys(raw);
  const read = reader(keys.fields, at);

  const givenName = read('name', parseName);
  if (givenName !== undefined) at.name = givenName;
  const scriptEntry = keys.fields.get('script');
  if (scriptEntry === undefined) throw configError(at, `script is required: ${SCRIPT_ALLOWED}`, { field: 'script', value: undefined, allowed: SCRIPT_ALLOWED });
  const script = read('script', parseScript)!;
  const name = withEnvSuffix(givenName ?? defaultName(script, at, scriptEntry), read('append_env_to_name', parseBoolean), options.env);
  at.name = name;

  const shellEnv = options.shellEnv ?? process.env;
  const cwd = resolveFrom(options.baseDir, read('cwd', parseNonEmptyString) ?? '.', shellEnv);
  const givenInterpreter = read('interpreter', parseNonEmptyString);
  const interpreter = givenInterpreter === undefined ? undefined : resolveScript(cwd, givenInterpreter, shellEnv);
  const resolvedScript = resolveScript(cwd, script, shellEnv);

  const explicitMode = read('exec_mode', parseExecMode);
  const rawInstances = keys.fields.get('instances')?.value;
  const instances = read('instances', (v) => parseInstances(v, options.cpuCount ?? availableParallelism())) ?? 1;
  const execMode: ExecMode = explicitMode ?? (rawInstances !== undefined && isNodeLike(resolvedScript, interpreter) ? 'cluster_mode' : 'fork_mode');
  const mergeLogsDefault = explicitMode !== 'cluster_mode' && (rawInstances === undefined || meansOnePerCpu(rawInstances));

  const logPath = (field: 'out_file' | 'error_file' | 'pid_file'): string | undefined => {
    const path = read(field, parseNonEmptyString);
    return path === undefined ? undefined : resolveLogPath(cwd, path, shellEnv);
  };
  const disableLogs = read('disable_logs', parseBoolean) ?? false;
  const logFile = read('log_file', parseLogFile);

  const envSelection = selectEnvSection(keys, at, options.env);
  const port = read('port', (v) => parseInteger(v, 0, 65535));
  const envLayers: EnvLayer[] = [
    envObject(options.deployEnv ?? {}, at, 'deploy env'),
    filterShellEnv(shellEnv, read('filter_env', parseFilterEnv) ?? false),
    envObject(keys.fields.get('env')?.value ?? {}, at, keys.fields.get('env')?.spelled ?? 'env'),
    port === undefined ? {} : { PORT: String(port) },
    envSelection.layer,
  ];

  const maxMemory = read('max_memory_restart', (v) => parseSize(v, 0));
  const ignoreWatch = read('ignore_watch', parseIgnoreWatch);
  const watchOptions = checkWatchOptions(read('watch_options', parseObject), describeLocation(at));
  if (watchOptions.error) throw badValue(at, watchOptions.error.field, watchOptions.error.value, watchOptions.error.allowed);
  const app: AppConfig = {
    name,
    script: resolvedScript,
    args: read('args', parseStringList) ?? [],
    cwd,
    interpreter,
    interpreter_args: read('interpreter_args', parseStringList) ?? [],
    exec_mode: execMode,
    instances,
    namespace: read('namespace', parseName) ?? 'default',
    env: mergeEnv(envLayers),
    autorestart: read('autorestart', parseBoolean) ?? true,
    autostart: read('autostart', parseBoolean) ?? true,
    stop_exit_codes: read('stop_exit_codes', (v) => parseIntegerList(v, 0, 255)) ?? [],
    max_restarts: read('max_restarts', (v) => parseInteger(v, 0)) ?? 16,
    min_uptime: read('min_uptime', (v) => parseDuration(v, 100)) ?? 1000,
    restart_delay: read('restart_delay', (v) => parseDuration(v)) ?? 0,
    exp_backoff_restart_delay: read('exp_backoff_restart_delay', (v) => parseDuration(v)) ?? 0,
    kill_timeout: read('kill_timeout', (v) => parseDuration(v)) ?? 1600,
    kill_retry_time: read('kill_retry_time', (v) => parseDuration(v, 1)) ?? 100,
    shutdown_with_message: read('shutdown_with_message', parseBoolean) ?? false,
    treekill: read('treekill', parseBoolean) ?? true,
    max_memory_restart: maxMemory === 0 ? undefined : maxMemory,
    out_file: disableLogs ? '/dev/null' : logPath('out_file'),
    error_file: disableLogs ? '/dev/null' : logPath('error_file'),
    log_file: disableLogs || logFile === undefined || logFile === false ? undefined : logFile === true ? true : resolveLogPath(cwd, logFile, shellEnv),
    merge_logs: read('merge_logs', parseBoolean) ?? mergeLogsDefault,
    time: read('time', parseBoolean) ?? false,
    log_date_format: read('log_date_format', parseNonEmptyString),
    log_type: read('log_type', parseLogType) ?? 'raw',
    log_max_size: read('log_max_size', (v) => parseSize(v, 0)) ?? DEFAULT_LOG_MAX_SIZE,
    log_retain: read('log_retain', (v) => parseInteger(v, 1)) ?? 5,
    pid_file: logPath('pid_file'),
    watch: read('watch', parseWatch) ?? false,
    // As in PM2, watch_options.ignored replaces ignore_watch.
    ignore_watch: watchOptions.ignored ?? ignoreWatch ?? [],
    watch_delay: read('watch_delay', (v) => parseDuration(v)) ?? 0,
    watch_options: watchOptions.options,
    wait_ready: read('wait_ready', parseBoolean) ?? false,
    listen_timeout: read('listen_timeout', (v) => parseDuration(v)) ?? 3000,
    increment_var: read('increment_var', parseVarName),
    instance_var: read('instance_var', parseVarName) ?? 'NODE_APP_INSTANCE',
    cron_restart: read('cron_restart', parseCron),
    force: read('force', parseBoolean) ?? false,
    source: where.file === undefined ? { index: where.index } : { file: where.file, index: where.index },
  };
  const killSignal = read('kill_signal', parseSignal);
  if (killSignal !== undefined) app.kill_signal = killSignal;

  const result: DetailedNormalized = { app, warnings: [...keyWarnings(keys, at), ...watchOptions.warnings] };
  if (envSelection.missing !== undefined) result.missingEnvWarning = envSelection.missing;
  return result;
}

// Sorts raw keys into canonical fields (the canonical spelling wins over aliases), env sections, unknown and ignored keys.
function sortKeys(raw: Record<string, unknown>): SortedKeys {
  const sorted: SortedKeys = { fields: new Map(), envSections: new Map(), unknown: [], ignored: [], conflicts: [] };
  for (const [spelled, value] of Object.entries(raw)) {
    if (value === undefined || value === null) continue;
    const envName = ENV_SECTION_PATTERN.exec(spelled)?.[1];
    if (envName !== undefined) {
      sorted.envSections.set(envName, { spelled, value, rank: 0 });
      continue;
    }
    const resolved = resolveAppKey(spelled);
    if (resolved === undefined) {
      sorted.unknown.push(spelled);
      continue;
    }
    if (resolved.spec.kind === 'ignored') {
      if (resolved.spec.ignoredBecause !== undefined) sorted.ignored.push({ spelled, because: resolved.spec.ignoredBecause });
      continue;
    }
    const entry: Entry = { spelled, value, rank: resolved.rank };
    const previous = sorted.fields.get(resolved.spec.key);
    if (previous === undefined) {
      sorted.fields.set(resolved.spec.key, entry);
      continue;
    }
    const [kept, dropped] = entry.rank < previous.rank ? [entry, previous] : [previous, entry];
    sorted.fields.set(resolved.spec.key, kept);
    if (JSON.stringify(kept.value) !== JSON.stringify(dropped.value)) sorted.conflicts.push({ kept: kept.spelled, dropped: dropped.spelled });
  }
  return sorted;
}

// A function that parses one canonical field if present, throwing E_CONFIG with the spelling the user wrote.
function reader(fields: Map<string, Entry>, at: ConfigLocation) {
  return function read<T>(field: string, parse: (value: unknown) => Parsed<T>): T | undefined {
    const entry = fields.get(field);
    if (entry === undefined) return undefined;
    const parsed = parse(entry.value);
    if (!parsed.ok) throw badValue(at, entry.spelled, entry.value, parsed.allowed, parsed.cause);
    return parsed.value;
  };
}

// The warnings about keys: unknown ones (with the closest known key), ignored ones, and two spellings of one key.
function keyWarnings(keys: SortedKeys, at: ConfigLocation): string[] {
  const where = describeLocation(at);
  const warnings = keys.unknown.map((key) => {
    const suggestion = suggestAppKey(key);
    return suggestion === undefined
      ? `unknown key "${key}" in ${where}; it is ignored`
      : `unknown key "${key}" in ${where}; did you mean "${suggestion}"?`;
  });
  for (const { spelled, because } of keys.ignored) warnings.push(`key "${spelled}" in ${where} has no effect: ${because}`);
  for (const { kept, dropped } of keys.conflicts) warnings.push(`"${kept}" and "${dropped}" are the same key with different values in ${where}; using "${kept}"`);
  return warnings;
}

// PM2's default name: the script's basename without its extension; for a command line, its first word's basename.
function defaultName(script: string, at: ConfigLocation, scriptEntry: Entry): string {
  const first = script.trim().split(/\s+/)[0] ?? script;
  const base = basename(first);
  const derived = base.slice(0, base.length - extname(base).length) || base;
  const parsed = parseName(derived);
  if (!parsed.ok) {
    throw configError(at, `the name taken from ${scriptEntry.spelled} ${JSON.stringify(script)} is ${JSON.stringify(derived)}, which is not ${parsed.allowed}; set "name"`, {
      field: 'name',
      value: derived,
      allowed: parsed.allowed,
    });
  }
  return parsed.value;
}

// PM2's append_env_to_name: 'api' started with --env production becomes 'api-production'.
function withEnvSuffix(name: string, append: boolean | undefined, envName: string | undefined): string {
  return append === true && envName !== undefined ? `${name}-${envName}` : name;
}

// True when the app runs on Node (or Bun), which makes given instances default to cluster mode, as in PM2.
function isNodeLike(script: string, interpreter: string | undefined): boolean {
  if (interpreter !== undefined) return /node|bun/.test(basename(interpreter));
  return !/\s/.test(script) && NODE_LIKE_SCRIPT.test(script);
}

// instances 0 or 'max' (one per CPU), which keeps PM2's merged logs.
function meansOnePerCpu(raw: unknown): boolean {
  return toNumber(raw) === 0 || (typeof raw === 'string' && raw.trim().toLowerCase() === 'max');
}

// The env_<name> layer chosen by --env, checking every env_<name> section is an object; warns when the name selects nothing.
function selectEnvSection(keys: SortedKeys, at: ConfigLocation, envName: string | undefined): { layer: EnvLayer; missing?: string } {
  const layers = new Map<string, EnvLayer>();
  for (const [name, entry] of keys.envSections) layers.set(name, envObject(entry.value, at, entry.spelled));
  if (envName === undefined) return { layer: {} };
  const chosen = layers.get(envName);
  if (chosen !== undefined) return { layer: chosen };
  const known = [...layers.keys()].map((n) => `env_${n}`);
  const has = known.length === 0 ? 'it has no env_<name> section' : `it has ${known.join(', ')}`;
  return { layer: {}, missing: `--env ${envName} selects nothing in ${describeLocation(at)}: no env_${envName} (${has})` };
}

// An env object as a layer: strings kept, numbers and booleans turned into strings, null kept (it removes the variable).
function envObject(value: unknown, at: ConfigLocation, field: string): EnvLayer {
  if (!isPlainObject(value)) throw badValue(at, field, value, 'an object of variable names to values');
  const layer: Record<string, string | null> = {};
  for (const [name, v] of Object.entries(value)) {
    if (v === undefined) continue;
    if (v === null || typeof v === 'string') layer[name] = v;
    else if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean') layer[name] = String(v);
    else throw badValue(at, `${field}.${name}`, v, ENV_VALUE_ALLOWED);
  }
  return layer;
}

// log_file: a path, or true for the default combined log, or false for none.
function parseLogFile(value: unknown): Parsed<string | boolean> {
  const bool = parseBoolean(value);
  if (bool.ok) return bool;
  return parseNonEmptyString(value).ok ? { ok: true, value: value as string } : { ok: false, allowed: 'a file path, or true for the default combined log' };
}

// watch: true/false, or paths (an array or a string of words).
function parseWatch(value: unknown): Parsed<boolean | string[]> {
  const bool = parseBoolean(value);
  if (bool.ok) return bool;
  const list = parseStringList(value);
  if (!list.ok) return { ok: false, allowed: 'true, false, or a list of paths to watch' };
  return { ok: true, value: list.value.length === 0 ? false : list.value };
}

// filter_env: true (drop the shell env), false, or name fragments to drop.
function parseFilterEnv(value: unknown): Parsed<boolean | string[]> {
  const bool = parseBoolean(value);
  if (bool.ok) return bool;
  const list = parseStringList(value);
  return list.ok ? list : { ok: false, allowed: 'true, false, or a list of name fragments of shell variables to drop' };
}

// script: a non-empty string.
function parseScript(value: unknown): Parsed<string> {
  return parseNonEmptyString(value).ok ? { ok: true, value: value as string } : { ok: false, allowed: SCRIPT_ALLOWED };
}

// An object (watch_options, then checked key by key in watch-values.ts).
function parseObject(value: unknown): Parsed<Record<string, unknown>> {
  return isPlainObject(value) ? { ok: true, value } : { ok: false, allowed: 'an object' };
}
