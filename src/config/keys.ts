// The app keys arbor knows: canonical PM2 names, their aliases and camelCase forms, and what kind of value each takes.

import { closest } from './closest.js';

/** The kind of value a key takes (what `values.ts` parses it with). */
export type ValueKind =
  | 'string'
  | 'name'
  | 'path'
  | 'log_path'
  | 'boolean'
  | 'integer'
  | 'port'
  | 'duration'
  | 'size'
  | 'string_list'
  | 'integer_list'
  | 'instances'
  | 'exec_mode'
  | 'env'
  | 'object'
  | 'watch'
  | 'filter_env'
  | 'log_type'
  | 'signal'
  | 'cron'
  | 'var_name'
  | 'ignored';

/** One known key. */
export interface KeySpec {
  /** The canonical (AppConfig / pm2_env) name. */
  key: string;
  /** Other spellings PM2 accepts, besides the camelCase form of each. */
  aliases: readonly string[];
  kind: ValueKind;
  /** For ignored keys: why the key has no effect in arbor. Set: the user is told; unset: ignored silently. */
  ignoredBecause?: string;
}

function spec(key: string, kind: ValueKind, aliases: readonly string[] = [], ignoredBecause?: string): KeySpec {
  return ignoredBecause === undefined ? { key, aliases, kind } : { key, aliases, kind, ignoredBecause };
}

/** Every app key, in the order they are documented (pm2.md §2, plus arbor's log rotation and kill_signal). */
export const APP_KEYS: readonly KeySpec[] = [
  spec('script', 'string', ['exec', 'cmd', 'command']),
  spec('name', 'name'),
  spec('namespace', 'name'),
  spec('cwd', 'path'),
  spec('args', 'string_list'),
  spec('interpreter', 'string', ['exec_interpreter']),
  spec('interpreter_args', 'string_list', ['node_args']),
  spec('exec_mode', 'exec_mode'),
  spec('instances', 'instances'),
  spec('force', 'boolean'),
  spec('out_file', 'log_path', ['out', 'output', 'out_log']),
  spec('error_file', 'log_path', ['error', 'err', 'err_file', 'err_log']),
  spec('log_file', 'log_path', ['log']),
  spec('merge_logs', 'boolean', ['combine_logs']),
  spec('disable_logs', 'boolean'),
  spec('log_type', 'log_type'),
  spec('log_date_format', 'string'),
  spec('time', 'boolean'),
  spec('log_max_size', 'size', ['max_size']),
  spec('log_retain', 'integer', ['retain']),
  spec('pid_file', 'path', ['pid']),
  spec('env', 'env'),
  spec('filter_env', 'filter_env'),
  spec('append_env_to_name', 'boolean'),
  spec('port', 'port'),
  spec('autostart', 'boolean'),
  spec('autorestart', 'boolean'),
  spec('stop_exit_codes', 'integer_list'),
  spec('max_memory_restart', 'size'),
  spec('restart_delay', 'duration'),
  spec('exp_backoff_restart_delay', 'duration'),
  spec('min_uptime', 'duration'),
  spec('max_restarts', 'integer'),
  spec('cron_restart', 'cron', ['cron']),
  spec('kill_timeout', 'duration'),
  spec('kill_signal', 'signal'),
  spec('kill_retry_time', 'duration'),
  spec('shutdown_with_message', 'boolean'),
  spec('treekill', 'boolean'),
  spec('wait_ready', 'boolean'),
  spec('listen_timeout', 'duration'),
  spec('watch', 'watch'),
  spec('ignore_watch', 'string_list'),
  spec('watch_delay', 'duration'),
  spec('watch_options', 'object'),
  spec('increment_var', 'var_name'),
  spec('instance_var', 'var_name'),
  // PM2 keys with no effect in arbor. Told: they would change what runs; silent: monitoring/SaaS switches.
  spec('uid', 'ignored', ['user'], 'arbor runs apps as the user that runs the daemon; start the daemon as that user instead'),
  spec('gid', 'ignored', [], 'arbor runs apps with the group of the daemon; start the daemon with that group instead'),
  spec('name_prefix', 'ignored', [], 'arbor does not prefix names; put the prefix in "name"'),
  spec('vizion', 'ignored'),
  spec('pmx', 'ignored'),
  spec('automation', 'ignored'),
  spec('trace', 'ignored'),
  spec('disable_trace', 'ignored'),
  spec('io', 'ignored'),
  spec('windowsHide', 'ignored'),
  spec('source_map_support', 'ignored'),
  spec('disable_source_map_support', 'ignored'),
  spec('v8', 'ignored'),
  spec('event_loop_inspector', 'ignored'),
  spec('deep_monitoring', 'ignored'),
  spec('post_update', 'ignored'),
  spec('install_url', 'ignored'),
  spec('username', 'ignored'),
  spec('write', 'ignored'),
  spec('execute_command', 'ignored'),
];

/** Keys matching this pattern hold the environment chosen by `--env <name>`. */
export const ENV_SECTION_PATTERN = /^env_(\S+)$/;

// snake_case to camelCase the way PM2 does it (single-letter segments stay lower case): max_memory_restart -> maxMemoryRestart.
export function camelCase(key: string): string {
  return key
    .split('_')
    .map((part, i) => (i !== 0 && part.length > 1 ? part[0]!.toUpperCase() + part.slice(1) : part))
    .join('');
}

/** A spelling found in a file, resolved: the key spec and how early this spelling ranks among the key's spellings. */
export interface ResolvedKey {
  spec: KeySpec;
  /** 0 for the canonical name, then aliases in table order, camelCase forms after their plain form. */
  rank: number;
}

const BY_SPELLING: ReadonlyMap<string, ResolvedKey> = buildSpellingIndex(APP_KEYS);

function buildSpellingIndex(specs: readonly KeySpec[]): Map<string, ResolvedKey> {
  const index = new Map<string, ResolvedKey>();
  for (const keySpec of specs) {
    const plain = [keySpec.key, ...keySpec.aliases];
    const spellings = plain.flatMap((s) => [s, camelCase(s)]);
    spellings.forEach((spelling, rank) => {
      if (!index.has(spelling)) index.set(spelling, { spec: keySpec, rank });
    });
  }
  return index;
}

// Resolves any accepted spelling of an app key (canonical, alias, camelCase); undefined when unknown.
export function resolveAppKey(spelling: string): ResolvedKey | undefined {
  return BY_SPELLING.get(spelling);
}

// Every spelling arbor accepts for an app key (for suggestions and docs).
export function allAppKeySpellings(): string[] {
  return [...BY_SPELLING.keys()];
}

// The known spelling nearest to an unknown key, for "did you mean ...?".
export function suggestAppKey(unknown: string): string | undefined {
  return closest(unknown, allAppKeySpellings());
}
