// `arbor describe <app>`: one process as a key/value table, in `pm2 describe`'s order, plus arbor's last exit.
import type { LastExit, ProcessDescription } from '../../client/types.js';
import { createPalette } from './colors.js';
import { humanUptime } from './humanize.js';
import { paintStatus } from './status.js';
import { cleanText, renderTable } from './table.js';

/** How to render a description. */
export interface DescribeOptions {
  color: boolean;
  /** The current time in epoch ms, for the uptime (default: Date.now()). */
  now?: number;
}

const NOT_AVAILABLE = 'N/A';

function orNotAvailable(text: string | undefined): string {
  return text === undefined || text === '' ? NOT_AVAILABLE : cleanText(text);
}

function isoOrNotAvailable(epochMs: number | null): string {
  if (epochMs === null || !Number.isFinite(epochMs) || epochMs <= 0) return NOT_AVAILABLE;
  return new Date(epochMs).toISOString();
}

// Describes an exit in one phrase: 'crash (code 1) after 212ms', 'killed (signal SIGKILL) after 3m'.
export function describeExit(exit: LastExit): string {
  const how = exit.signal !== null ? `signal ${exit.signal}` : `code ${exit.code ?? 'unknown'}`;
  const after = exit.uptimeMs < 1000 ? `${Math.max(0, Math.round(exit.uptimeMs))}ms` : humanUptime(exit.uptimeMs);
  return `${cleanText(exit.reason)} (${how}) after ${after}`;
}

// Renders the title line and the key/value table of one process.
export function formatDescribe(proc: ProcessDescription, options: DescribeOptions = { color: false }): string {
  const palette = createPalette(options.color);
  const now = options.now ?? Date.now();
  const env = proc.pm2_env;
  const watching = env.watch === true || (Array.isArray(env.watch) && env.watch.length > 0);

  const rows: [string, string][] = [
    ['status', paintStatus(env.status, palette)],
    ['name', cleanText(env.name)],
    ['namespace', cleanText(env.namespace)],
    ['version', orNotAvailable(env.version)],
    ['restarts', String(env.restart_time)],
    ['uptime', env.status === 'online' ? humanUptime(now - env.pm_uptime) : '0'],
    ['script path', cleanText(env.pm_exec_path)],
    ['script args', orNotAvailable(env.args.join(' '))],
    ['error log path', orNotAvailable(env.pm_err_log_path)],
    ['out log path', orNotAvailable(env.pm_out_log_path)],
  ];
  if (env.pm_log_path !== undefined) rows.push(['log path', orNotAvailable(env.pm_log_path)]);
  rows.push(
    ['pid path', orNotAvailable(env.pm_pid_path)],
    ['interpreter', orNotAvailable(env.exec_interpreter)],
    ['interpreter args', orNotAvailable(env.node_args.join(' '))],
    ['script id', String(env.pm_id)],
    ['exec cwd', orNotAvailable(env.pm_cwd)],
    ['exec mode', env.exec_mode],
    ['node.js version', orNotAvailable(env.node_version)],
    ['node env', orNotAvailable(env.env['NODE_ENV'])],
    ['watch & reload', watching ? palette.green('✔') : palette.red('✘')],
    ['unstable restarts', String(env.unstable_restarts)],
    ['created at', isoOrNotAvailable(env.created_at)],
    ['supervisor', cleanText(env.arbor.supervisor)],
    ['last exit', env.arbor.last_exit === undefined ? NOT_AVAILABLE : describeExit(env.arbor.last_exit)],
  );

  const title = ` Describing process with id ${env.pm_id} - name ${cleanText(env.name)} `;
  const table = renderTable({ head: null, rows: rows.map(([key, value]) => [palette.bold(key), value]) });
  return `${palette.bold(title)}\n${table}`;
}
