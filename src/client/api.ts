// The daemon's RPC methods with their parameters and results: the one contract the client, the CLI and the daemon share.
import type { AppConfig, TreeConfig } from '../config/types.js';
import type { ProcessDescription, ProcessSummary } from './types.js';

/**
 * A target names processes: 'all', a pm_id ('3'), an app name, a namespace, or a /regex/ over names.
 * The CLI turns an ecosystem file into the names of its apps before asking.
 */
export type Target = string;

/**
 * How restart and reload change an app's watching: 'toggle' (PM2's bare `restart --watch`: watching stops, or starts
 * again), true (watching starts again if it was off), or these paths (watched from now on). Watching starts again
 * with the app's last watch value that was not false, or its cwd when it never had one.
 */
export type WatchChange = 'toggle' | true | string[];

/** One process's log files, for `arbor logs` (the CLI reads and follows them itself). */
export interface LogFiles {
  pm_id: number;
  name: string;
  namespace: string;
  out: string | null;
  err: string | null;
}

/** Every RPC method: `params` sent, `result` received. */
export interface DaemonApi {
  ping: { params: undefined; result: { msg: 'pong'; pid: number; version: string } };
  /** Starts apps (each with `instances` processes); a `tree` section nests them under supervisors. Names already in use fail with E_NAME_CLASH unless `force`. */
  start: { params: { apps: AppConfig[]; tree?: TreeConfig; force?: boolean }; result: ProcessDescription[] };
  /** Stops the targets; `watch: false` also stops watching their apps (PM2's `stop --watch`). */
  stop: { params: { targets: Target[]; watch?: false }; result: ProcessDescription[] };
  /** Restarts (stop then start) the targets; `env` replaces the stored environment when `updateEnv`; `watch` changes their apps' watching. */
  restart: { params: { targets: Target[]; updateEnv?: boolean; env?: Record<string, string>; watch?: WatchChange }; result: ProcessDescription[] };
  /** Until cluster mode lands, a reload is a restart one process at a time. */
  reload: { params: { targets: Target[]; updateEnv?: boolean; env?: Record<string, string>; watch?: WatchChange }; result: ProcessDescription[] };
  delete: { params: { targets: Target[] }; result: ProcessDescription[] };
  list: { params: undefined; result: ProcessDescription[] };
  /** What `ls` shows: the table's fields of each description, same values, a fraction of the bytes. */
  summary: { params: undefined; result: ProcessSummary[] };
  describe: { params: { target: Target }; result: ProcessDescription[] };
  /** Zeroes restart_time and unstable_restarts. */
  reset: { params: { target: Target }; result: ProcessDescription[] };
  /** Sets an app's number of processes, or changes it by a delta. */
  scale: { params: { name: string; instances?: number; delta?: number }; result: ProcessDescription[] };
  /** Sends `data` to each target's process over its IPC channel (Node apps: process.on('message')). */
  sendData: { params: { target: Target; data: unknown }; result: ProcessDescription[] };
  /** Sends a signal to each target's main process. */
  sendSignal: { params: { signal: string; target: Target }; result: ProcessDescription[] };
  /** Writes the process list to dump.json (atomically; the previous one kept as .bak). Refuses an empty list unless `force`. */
  /** `skipped`: nothing was managed and `force` was not given, so the previous dump was left as it was. */
  save: { params: { force?: boolean }; result: { file: string; count: number; skipped?: boolean } };
  /** Starts the saved apps that are not running already (stopped ones stay stopped). */
  resurrect: { params: undefined; result: ProcessDescription[] };
  cleardump: { params: undefined; result: { file: string } };
  /** Truncates the targets' log files (all apps and the daemon log when no target). */
  flush: { params: { target?: Target }; result: { files: string[] } };
  reloadLogs: { params: undefined; result: { files: string[] } };
  logFiles: { params: { target?: Target }; result: LogFiles[] };
  /** Stops every app and then the daemon (after replying). */
  kill: { params: undefined; result: { stopped: number } };
}

/** A method name. */
export type DaemonMethod = keyof DaemonApi;

/** The events the daemon broadcasts. */
export interface DaemonEvents {
  /** PM2's bus event: event is start, online, exit, restart, stop, delete, restart overlimit, ... */
  'process:event': { event: string; manually: boolean; process: { pm_id: number; name: string; namespace: string; status: string; pid: number | null; restart_time: number }; at: number; exit?: { code: number | null; signal: string | null; reason: string; uptimeMs: number } };
  /** What an app sent with process.send (PM2's process:msg). */
  'process:msg': { process: { pm_id: number; name: string; namespace: string }; at: number; raw: unknown };
  'log:out': { process: { pm_id: number; name: string; namespace: string }; at: number; data: string };
  'log:err': { process: { pm_id: number; name: string; namespace: string }; at: number; data: string };
}
