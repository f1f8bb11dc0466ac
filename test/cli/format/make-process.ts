// Builds a complete ProcessDescription for format tests, with overrides for the fields a test cares about.
import type { Pm2Env, ProcessDescription } from '../../../src/client/types.js';

/** The time every fixture is "now" at: 2024-01-01T00:00:00Z. */
export const NOW = Date.UTC(2024, 0, 1);

export function makeProcess(
  overrides: Partial<Omit<ProcessDescription, 'pm2_env'>> & { pm2_env?: Partial<Pm2Env> } = {},
): ProcessDescription {
  const pmId = overrides.pm_id ?? 0;
  const name = overrides.name ?? 'api';
  const env: Pm2Env = {
    name,
    namespace: 'default',
    status: 'online',
    restart_time: 0,
    unstable_restarts: 0,
    pm_uptime: NOW - 12_000,
    created_at: NOW - 60_000,
    exec_mode: 'fork_mode',
    instances: 1,
    exec_interpreter: 'node',
    pm_exec_path: '/srv/api/server.js',
    pm_cwd: '/srv/api',
    pm_out_log_path: `/home/u/.arbor/logs/${name}-out.log`,
    pm_err_log_path: `/home/u/.arbor/logs/${name}-error.log`,
    pm_pid_path: `/home/u/.arbor/pids/${name}-${pmId}.pid`,
    env: { NODE_ENV: 'production', PORT: '8080' },
    NODE_APP_INSTANCE: 0,
    pm_id: pmId,
    unique_id: '6f1c2a4e-0000-4000-8000-000000000000',
    version: '1.2.3',
    node_version: '20.20.2',
    args: [],
    node_args: [],
    autorestart: true,
    autostart: true,
    kill_timeout: 1600,
    min_uptime: 1000,
    max_restarts: 16,
    restart_delay: 0,
    prev_restart_delay: 0,
    stop_exit_codes: [],
    merge_logs: true,
    watch: false,
    arbor: { supervisor: `root/${name}` },
    ...overrides.pm2_env,
  };
  return {
    pid: overrides.pid ?? 4242,
    name,
    pm_id: pmId,
    monit: overrides.monit ?? { memory: 43_200_000, cpu: 1.5 },
    pm2_env: env,
  };
}
