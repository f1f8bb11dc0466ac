// The PM2-compatible process description the daemon returns from `list` (the `jlist` JSON shape).

/**
 * A process status, spelled exactly as PM2 spells it (note the space in 'waiting restart').
 * PM2 never uses 'one-launch-status'; it is kept so any PM2 status round-trips.
 */
export type ProcessStatus =
  | 'online'
  | 'stopping'
  | 'stopped'
  | 'launching'
  | 'errored'
  | 'waiting restart'
  | 'one-launch-status';

/** How PM2 names the two execution modes. */
export type ExecMode = 'fork_mode' | 'cluster_mode';

/** Why a process last ended, as arbor records it (OTP-style exit data). */
export interface LastExit {
  /** Exit code, or null when a signal ended the process. */
  code: number | null;
  /** The signal that ended the process, or null. */
  signal: string | null;
  /** arbor's classification of the exit, e.g. 'normal', 'crash', 'killed', 'stopped'. */
  reason: string;
  /** How long the process had run, in ms. */
  uptimeMs: number;
}

/** arbor's additions to `pm2_env`, kept under one key so PM2 tools ignore them. */
export interface ArborEnvExtras {
  /** The supervision path of the process's supervisor, e.g. 'root/app'. */
  supervisor: string;
  /** The last exit, absent until the process has exited once. */
  last_exit?: LastExit;
}

/**
 * `pm2_env` as PM2 fills it: the resolved app config plus runtime state.
 * PM2 also copies every env var to the top level of `pm2_env`; a daemon that does the same adds them by spreading,
 * so they are not declared here (read them from `env`).
 */
export interface Pm2Env {
  name: string;
  namespace: string;
  status: ProcessStatus;
  /** Restarts since the process was added or last reset. */
  restart_time: number;
  /** Restarts counted as unstable (exited before min_uptime). */
  unstable_restarts: number;
  /** Epoch ms of the latest spawn. */
  pm_uptime: number;
  /** Epoch ms of the first launch; PM2 sets it to null after a restart overlimit. */
  created_at: number | null;
  exec_mode: ExecMode;
  instances: number;
  /** The interpreter name or path; 'none' when the script runs itself. */
  exec_interpreter: string;
  /** Absolute path of the script (or the command line for a command string). */
  pm_exec_path: string;
  pm_cwd: string;
  pm_out_log_path: string;
  pm_err_log_path: string;
  /** The combined log, present only when one was asked for. */
  pm_log_path?: string;
  pm_pid_path: string;
  /** Exit code of the last exit; absent until the process has exited once. */
  exit_code?: number;
  env: Record<string, string>;
  /** This instance's number among processes of the same name (0-based). */
  NODE_APP_INSTANCE: number;
  pm_id: number;
  /** A UUID that stays with the process across restarts. */
  unique_id: string;
  /** The app's package.json version, or 'N/A'. */
  version: string;
  node_version: string;
  args: string[];
  node_args: string[];
  autorestart: boolean;
  autostart: boolean;
  kill_timeout: number;
  min_uptime: number;
  max_restarts: number;
  restart_delay: number;
  /** Initial exponential backoff delay in ms; absent when exponential backoff is off. */
  exp_backoff_restart_delay?: number;
  /** The backoff delay used for the last restart (0 when reset). */
  prev_restart_delay: number;
  stop_exit_codes: number[];
  merge_logs: boolean;
  /** Watching: false, true, or the watched paths. */
  watch: boolean | string[];
  /** Memory limit in bytes, absent when none is set. */
  max_memory_restart?: number;
  /** The cron pattern that restarts the app (PM2: cron_restart). */
  cron_restart?: string;
  log_date_format?: string;
  arbor: ArborEnvExtras;
}

/** One entry of `arbor jlist`: PM2's process description object. */
export interface ProcessDescription {
  /** The OS pid, 0 when the process is not running. */
  pid: number;
  name: string;
  pm_id: number;
  /** RSS bytes and CPU percent (to 0.1); both 0 unless the process is online. */
  monit: { memory: number; cpu: number };
  pm2_env: Pm2Env;
}

/** The pm2_env fields the process table shows. */
export type Pm2EnvSummary = Pick<Pm2Env, 'namespace' | 'exec_mode' | 'status' | 'pm_uptime' | 'restart_time' | 'watch'>;

/**
 * One process as `ls` shows it: the fields of ProcessDescription the table reads, with the same values. A tenth of
 * the bytes of a description (which carries the whole environment twice), so `ls` stays fast with many processes.
 */
export interface ProcessSummary {
  pid: number;
  name: string;
  pm_id: number;
  monit: { memory: number; cpu: number };
  pm2_env: Pm2EnvSummary;
}
