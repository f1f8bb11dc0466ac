// `arbor describe`, `env`, `prettylist`, `pid` and `id`: read-only views of processes.

import { ArborError } from '../../errors.js';
import type { ProcessDescription } from '../../client/types.js';
import { formatDescribe } from '../format/describe.js';
import { formatEnv } from '../format/env.js';
import { formatPrettyList } from '../format/pretty-list.js';
import type { BareRequest, OptionalTargetRequest, TargetRequest } from '../request.js';
import { withClient, type CommandContext } from './context.js';

// Prints every process the target matches as a key/value table (describe) or its environment (env).
export async function runDescribe(request: TargetRequest & { command: 'describe' | 'env' }, context: CommandContext): Promise<number> {
  const procs = await withClient(context, (client) => client.describe(request.target));
  if (procs.length === 0) throw notFound(request.target);
  const { out } = context;
  const render = request.command === 'describe' ? (proc: ProcessDescription) => formatDescribe(proc, { color: out.color }) : (proc: ProcessDescription) => formatEnv(proc, { color: out.color });
  out.data(procs.map(render).join('\n\n'));
  return 0;
}

// Prints every process description as an inspect dump.
export async function runPrettyList(_request: BareRequest, context: CommandContext): Promise<number> {
  const procs = await withClient(context, (client) => client.list());
  context.out.data(formatPrettyList(procs, { color: context.out.color }));
  return 0;
}

// The pids to print for `pid`: running processes only (a stopped one has pid 0, and `kill 0` would signal the caller's group).
export function runningPids(procs: readonly ProcessDescription[]): number[] {
  return [...procs].sort((a, b) => a.pm_id - b.pm_id).flatMap((proc) => (proc.pid > 0 ? [proc.pid] : []));
}

// Prints the pids of the target's processes (every process when no target), one per line.
export async function runPid(request: OptionalTargetRequest & { command: 'pid' }, context: CommandContext): Promise<number> {
  const target = request.target;
  const procs = await withClient(context, (client) => (target === undefined ? client.list() : client.describe(target)));
  const pids = runningPids(procs);
  if (pids.length > 0) context.out.data(pids.join('\n'));
  return 0;
}

// PM2's `id <name>` output: the ids of the processes with exactly that name, as Node prints an array ('[ 0, 1 ]', '[]').
export function formatIds(procs: readonly ProcessDescription[], name: string): string {
  const ids = procs.filter((proc) => proc.name === name).map((proc) => proc.pm_id).sort((a, b) => a - b);
  return ids.length === 0 ? '[]' : `[ ${ids.join(', ')} ]`;
}

// Prints the ids of the processes named so (an empty array when none is, as PM2).
export async function runId(request: TargetRequest & { command: 'id' }, context: CommandContext): Promise<number> {
  const procs = await withClient(context, (client) => client.list());
  context.out.data(formatIds(procs, request.target));
  return 0;
}

function notFound(target: string): ArborError {
  return new ArborError('E_APP_NOT_FOUND', `no process matches ${JSON.stringify(target)}`, {
    details: { field: 'target', value: target, allowed: 'an id, a name, a namespace, all or /regex/ (see `arbor ls`)' },
  });
}
