// PM2's process description (jlist) for one entry, from the entry and what the tree says about it.
import type { Pm2Env, ProcessDescription, ProcessStatus } from '../client/types.js';
import { interpreterForScript } from '../process/interpreter.js';
import type { ProcEntry } from './entry.js';

/** What the tree reports about one process right now. */
export interface LiveState {
  status: ProcessStatus;
  pid: number | null;
}

/** Every instance runs as its own process until cluster mode lands: the mode that actually runs. */
export const RUNNING_EXEC_MODE = 'fork_mode';

// PM2's monit: the last CPU/memory sample of an online process, zeros otherwise.
export function monitOf(live: LiveState, usage: { memory: number; cpu: number } | undefined): { memory: number; cpu: number } {
  return live.status === 'online' && usage ? { memory: usage.memory, cpu: usage.cpu } : { memory: 0, cpu: 0 };
}

// PM2's restart_time: every start after the first, automatic or manual, since the last reset.
export function restartTime(entry: ProcEntry): number {
  return Math.max(0, entry.starts - 1 - entry.restartBase);
}

// Builds the jlist object: pm2_env carries the resolved config, the state, and (like PM2) every env var at the top level too.
export function describeEntry(entry: ProcEntry, live: LiveState, usage: { memory: number; cpu: number } | undefined, version: string): ProcessDescription {
  const app = entry.app;
  const env = { ...app.env, NODE_APP_INSTANCE: String(entry.instance), pm_id: String(entry.pmId), name: entry.name };
  const pm2Env: Pm2Env = {
    ...env,
    name: entry.name,
    namespace: entry.namespace,
    status: live.status,
    restart_time: restartTime(entry),
    unstable_restarts: entry.unstableRestarts,
    pm_uptime: entry.pmUptime,
    created_at: entry.createdAt,
    exec_mode: RUNNING_EXEC_MODE,
    instances: app.instances,
    exec_interpreter: app.interpreter ?? (/\s/.test(app.script) ? 'sh' : interpreterForScript(app.script)),
    pm_exec_path: app.script,
    pm_cwd: app.cwd,
    pm_out_log_path: entry.logs.out ?? '/dev/null',
    pm_err_log_path: entry.logs.err ?? '/dev/null',
    ...(entry.logs.combined ? { pm_log_path: entry.logs.combined } : {}),
    pm_pid_path: entry.pidFile ?? '/dev/null',
    ...(entry.lastExit?.code !== null && entry.lastExit?.code !== undefined ? { exit_code: entry.lastExit.code } : {}),
    env,
    NODE_APP_INSTANCE: entry.instance,
    pm_id: entry.pmId,
    unique_id: entry.uniqueId,
    version,
    node_version: process.versions.node,
    args: app.args,
    node_args: app.interpreter_args,
    autorestart: app.autorestart,
    autostart: app.autostart,
    kill_timeout: app.kill_timeout,
    min_uptime: app.min_uptime,
    max_restarts: app.max_restarts,
    restart_delay: app.restart_delay,
    ...(app.exp_backoff_restart_delay > 0 ? { exp_backoff_restart_delay: app.exp_backoff_restart_delay } : {}),
    prev_restart_delay: entry.prevRestartDelay,
    stop_exit_codes: app.stop_exit_codes,
    merge_logs: app.merge_logs,
    watch: app.watch,
    ...(app.max_memory_restart !== undefined ? { max_memory_restart: app.max_memory_restart } : {}),
    ...(app.cron_restart !== undefined ? { cron_restart: app.cron_restart } : {}),
    ...(app.log_date_format !== undefined ? { log_date_format: app.log_date_format } : {}),
    arbor: { supervisor: entry.supervisorPath, ...(entry.lastExit ? { last_exit: entry.lastExit } : {}) },
  };
  return {
    pid: live.pid ?? 0,
    name: entry.name,
    pm_id: entry.pmId,
    monit: monitOf(live, usage),
    pm2_env: pm2Env,
  };
}

