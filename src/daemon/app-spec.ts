// Turns a PM2-style app (one instance of it) into a worker of the supervision core: pure, no I/O but file lookups.
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { backoffFromPm2 } from '../../strategies/backoff.js';
import type { AppConfig } from '../config/types.js';
import { logPaths, type LogPaths } from '../logs/paths.js';
import { findOnPath, interpreterForScript } from '../process/interpreter.js';
import type { IpcTarget, OutputTarget, WorkerOptions } from '../spec/types.js';

/** One process of an app: which instance, its global id, and where its logs go. */
export interface InstancePlan {
  pmId: number;
  instance: number;
  logs: LogPaths;
}

// The log files of one instance, by PM2's rules.
export function instanceLogs(app: AppConfig, pmId: number, home: string): LogPaths {
  return logPaths({
    home,
    name: app.name,
    id: pmId,
    outFile: app.out_file,
    errorFile: app.error_file,
    logFile: app.log_file,
    mergeLogs: app.merge_logs,
    cwd: app.cwd,
  });
}

// The environment an instance runs with: the app's env plus PM2's per-process variables.
export function instanceEnv(app: AppConfig, pmId: number, instance: number, home: string): Record<string, string> {
  const env: Record<string, string> = { ...app.env, [app.instance_var]: String(instance), pm_id: String(pmId), name: app.name, ARBOR_HOME: home };
  if (app.increment_var) {
    const base = Number(app.env[app.increment_var] ?? 0);
    env[app.increment_var] = String((Number.isFinite(base) ? base : 0) + instance);
  }
  return env;
}

// Where the script runs from: a command line, a file (relative to cwd), or a bare word found on PATH.
function launchOf(app: AppConfig, env: Record<string, string>): Pick<WorkerOptions, 'script' | 'command' | 'interpreter' | 'interpreterArgs' | 'args'> {
  const script = app.script;
  if (/\s/.test(script) && !existsSync(resolve(app.cwd, script))) {
    return { command: app.args.length > 0 ? `${script} ${app.args.map(shellQuote).join(' ')}` : script };
  }
  const local = isAbsolute(script) ? script : resolve(app.cwd, script);
  const onPath = !existsSync(local) && !script.includes('/') ? findOnPath(script, env.PATH ?? process.env.PATH ?? '') : undefined;
  return {
    script: onPath ?? local,
    interpreter: onPath ? 'none' : app.interpreter,
    interpreterArgs: app.interpreter_args,
    args: app.args,
  };
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

// True for apps Node runs: they get an IPC channel (process.send), as under PM2.
export function isNodeApp(app: AppConfig): boolean {
  if (app.interpreter !== undefined) return /(^|\/)(node|nodejs)(\.exe)?$/.test(app.interpreter);
  return !/\s/.test(app.script) && interpreterForScript(app.script) === 'node';
}

// What an app asks for that needs an IPC channel it will not get (not a Node app), and what happens instead: one
// warning per key, for the daemon to log when the app starts.
export function ipcFallbackWarnings(app: AppConfig): string[] {
  if (isNodeApp(app)) return [];
  const warnings: string[] = [];
  if (app.wait_ready) {
    warnings.push(`app "${app.name}": wait_ready needs process.send('ready') from a Node app; it counts as online after listen_timeout (${app.listen_timeout || 3000} ms) instead`);
  }
  if (app.shutdown_with_message) {
    warnings.push(`app "${app.name}": shutdown_with_message needs an IPC channel (Node apps only); it is stopped with ${app.kill_signal ?? 'SIGINT'} instead`);
  }
  return warnings;
}

// A log file the process writes itself: with log_max_size, rotated when it holds that much as each run opens it (the
// running process keeps its descriptor, so nothing the daemon does in between would bind it; an idle daemon does nothing).
function logFile(path: string | null, app: AppConfig): OutputTarget {
  if (path === null) return 'ignore';
  return app.log_max_size > 0 ? { file: path, maxBytes: app.log_max_size, retain: app.log_retain } : path;
}

// The worker options of one instance; `outputs` overrides the log targets (pipes for --time / json logs).
export function workerOptions(
  app: AppConfig,
  plan: InstancePlan,
  home: string,
  outputs?: { stdout: OutputTarget; stderr: OutputTarget },
  ipc?: IpcTarget,
): WorkerOptions {
  const env = instanceEnv(app, plan.pmId, plan.instance, home);
  return {
    id: String(plan.pmId),
    ...launchOf(app, env),
    cwd: app.cwd,
    env,
    // PM2: restart after every exit unless autorestart is off or the code is one of stop_exit_codes.
    restart: !app.autorestart ? 'temporary' : app.stop_exit_codes.length > 0 ? 'transient' : 'permanent',
    normalExitCodes: app.stop_exit_codes,
    shutdown: app.kill_timeout,
    killSignal: app.kill_signal ?? 'SIGINT',
    backoff: backoffFromPm2({
      restartDelay: app.restart_delay,
      expBackoffRestartDelay: app.exp_backoff_restart_delay > 0 ? app.exp_backoff_restart_delay : undefined,
    }),
    unstable: { minUptime: app.min_uptime, maxRestarts: app.max_restarts, window: app.min_uptime * app.max_restarts },
    stdout: outputs?.stdout ?? logFile(plan.logs.out, app),
    stderr: outputs?.stderr ?? logFile(plan.logs.err, app),
    ...(ipc && isNodeApp(app) ? { ipc } : {}),
    // PM2's wait_ready: online on process.send('ready'), or after `listen_timeout || 3000`. Only Node apps get a
    // channel to send it on, so for the others it is the timeout alone (see ipcFallbackWarnings).
    ...(app.wait_ready ? { ready: { message: isNodeApp(app) ? 'ready' : null, timeoutMs: app.listen_timeout || 3000 } } : {}),
    // PM2's shutdown_with_message: 'shutdown' over IPC instead of the kill signal (Node apps; the others get the signal).
    ...(app.shutdown_with_message && isNodeApp(app) ? { shutdownMessage: 'shutdown' } : {}),
    // PM2's treekill: false signals only the main process and lets its children live on.
    killTree: app.treekill,
  };
}
