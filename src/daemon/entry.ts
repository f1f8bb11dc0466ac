// One managed process as the daemon tracks it: its app, its id, its counters; status and pid come from the tree.
import type { AppConfig } from '../config/types.js';
import type { LogPaths } from '../logs/paths.js';
import type { ProcessLogWriter } from '../logs/process-log-writer.js';
import type { Exit } from '../process/exit.js';

/** A process in the daemon's table (PM2's pm2_env, minus what the tree knows better). */
export interface ProcEntry {
  pmId: number;
  name: string;
  namespace: string;
  app: AppConfig;
  /** NODE_APP_INSTANCE. */
  instance: number;
  /** Path of the app's supervisor in the tree, e.g. 'root/api'. */
  supervisorPath: string;
  logs: LogPaths;
  /** PM2's pm_pid_path: the pid file written while a process runs; null when pid_file is '/dev/null' or 'NULL'. */
  pidFile: string | null;
  /** Daemon-side writers when the app's logs go through the daemon (--time, json, a combined log). */
  writers: ProcessLogWriter[];
  createdAt: number;
  /** When the current run started (ms since epoch). */
  pmUptime: number;
  /** Times a process of this entry started (every restart, automatic or manual, adds one). */
  starts: number;
  /** `starts` at the last `reset` (restart_time counts from there). */
  restartBase: number;
  unstableRestarts: number;
  prevRestartDelay: number;
  lastExit: Exit | null;
  uniqueId: string;
  /** The IPC channel of the current run (Node apps only). */
  channel: { send(message: unknown): boolean; connected?: boolean } | null;
  /** The app's watch value from before `stop --watch` / `restart --watch` turned watching off, for turning it on again. */
  lastWatch?: true | string[];
}
