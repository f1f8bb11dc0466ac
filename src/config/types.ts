// The shapes the configuration layer produces: normalized apps (PM2's snake_case keys) and arbor's tree section.

import type { RestartType, SupervisorOptions } from '../spec/types.js';

/** PM2's execution modes: one process per instance, or instances sharing a listening socket. */
export type ExecMode = 'fork_mode' | 'cluster_mode';

/** How log lines are written: as the app printed them, or one JSON object per line. */
export type LogType = 'raw' | 'json';

/** One ignore_watch entry: a glob or path, or a RegExp carried as its source and flags (RPC is JSON). */
export type WatchIgnore = string | { regex: string; flags: string };

/** One app, validated, every default filled; keys and meanings follow PM2 (they are echoed in `jlist`'s pm2_env). */
export interface AppConfig {
  name: string;
  /** As written, except that a relative path containing '/' is made absolute against `cwd`; a bare word ('npm', 'app.js') is kept for the launcher to look up in `cwd`, then on PATH; a string with spaces is a command line. */
  script: string;
  args: string[];
  /** Absolute; defaults to the config file's directory. */
  cwd: string;
  /** undefined: chosen from the script's extension when the app is launched; 'none' runs the script itself. A relative path containing '/' is made absolute against `cwd`, as for `script`. */
  interpreter: string | undefined;
  interpreter_args: string[];
  exec_mode: ExecMode;
  /** At least 1: 'max', 0 and negative counts are already resolved against the CPU count. */
  instances: number;
  namespace: string;
  /** The complete environment of the process: shell env < `env` (and `port`) < `env_<name>`. */
  env: Record<string, string>;
  autorestart: boolean;
  autostart: boolean;
  /** Exit codes that count as a deliberate stop (no restart). */
  stop_exit_codes: number[];
  max_restarts: number;
  /** ms; PM2 refuses less than 100. */
  min_uptime: number;
  /** ms */
  restart_delay: number;
  /** Initial backoff in ms (0: off; PM2 grows it by 1.5 up to 15 s). */
  exp_backoff_restart_delay: number;
  /** ms between the kill signal and SIGKILL. */
  kill_timeout: number;
  /** Set only when the file names one; the daemon's default is SIGINT, as PM2's. */
  kill_signal?: NodeJS.Signals;
  /** ms between liveness polls while stopping (PM2's kill_retry_time). */
  kill_retry_time: number;
  /** Stop with process.send('shutdown') instead of a signal. */
  shutdown_with_message: boolean;
  /** Signal the whole process group (true) or the main pid only. */
  treekill: boolean;
  /** Bytes of RSS above which the app is restarted; undefined: no limit. */
  max_memory_restart: number | undefined;
  /** Absolute paths, or '/dev/null' / 'NULL' kept as written (that stream is discarded); undefined: the daemon's default path. */
  out_file: string | undefined;
  error_file: string | undefined;
  /** The combined log; true: at the daemon's default path; undefined: none. */
  log_file: string | true | undefined;
  /** One log file for all instances (no `-<id>` suffix). */
  merge_logs: boolean;
  /** Prefix each line with a timestamp (`log_date_format`, or ISO-like when unset). */
  time: boolean;
  log_date_format: string | undefined;
  log_type: LogType;
  /** arbor's built-in rotation: rotate a log file when it exceeds this many bytes (0: never). */
  log_max_size: number;
  /** Rotated files kept per log. */
  log_retain: number;
  pid_file: string | undefined;
  /** false, true (watch `cwd`), or paths relative to `cwd`. */
  watch: boolean | string[];
  /** Globs and paths (relative to `cwd`) not to watch, and RegExps from JS files as source and flags. */
  ignore_watch: WatchIgnore[];
  /** ms between a change and the restart. */
  watch_delay: number;
  /** Passed through to the file watcher. */
  watch_options: Record<string, unknown> | undefined;
  /** Wait for process.send('ready') before the app counts as online. */
  wait_ready: boolean;
  /** ms to wait for 'ready' (or a listening socket) before going on anyway. */
  listen_timeout: number;
  /** An env variable that gets base + instance number in each instance. */
  increment_var: string | undefined;
  /** The env variable holding the instance number. */
  instance_var: string;
  /** A cron pattern; undefined: no scheduled restart. */
  cron_restart: string | undefined;
  /** Start even if a process with the same script already runs. */
  force: boolean;
  /** Where the app came from: the config file and its index in `apps`. */
  source: { file?: string; index?: number };
}

/** An app placed in the tree, by name; its restart type and significance as a child of its supervisor. */
export interface TreeAppNode {
  kind: 'app';
  /** The name of an app in `apps`. */
  app: string;
  /** undefined: derived from the app (autorestart false = temporary, otherwise permanent). */
  restart?: RestartType;
  significant?: boolean;
}

/** A supervisor in the tree: options ready for `supervisor()` and its children in start order. */
export interface TreeSupervisorNode {
  kind: 'supervisor';
  /** Only the fields the file sets; the spec layer fills OTP's defaults. */
  options: SupervisorOptions;
  children: TreeNode[];
}

/** Any node of the tree section. */
export type TreeNode = TreeAppNode | TreeSupervisorNode;

/** arbor's `tree` section: how this file's apps nest under supervisors. */
export interface TreeConfig {
  /** The top supervisor (id 'root' unless the file names it with `supervisor`). */
  root: TreeSupervisorNode;
  /** Apps the tree does not name, in file order: they run as children of the root after the listed ones. */
  unlisted: string[];
}

/** A loaded ecosystem file. */
export interface EcosystemConfig {
  apps: AppConfig[];
  tree?: TreeConfig;
  /** Things worth telling the user that did not stop the load (unknown keys, an unused --env name). */
  warnings: string[];
  /** The absolute path of the file, when loaded from one. */
  file?: string;
}
