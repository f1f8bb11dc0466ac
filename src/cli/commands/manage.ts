// `arbor reset`, `scale`, `sendSignal`, `flush` and `reloadLogs`: small actions on running apps and their logs.

import type { BareRequest, OptionalTargetRequest, ScaleRequest, SendSignalRequest, TargetRequest } from '../request.js';
import { withClient, type CommandContext } from './context.js';
import { describeApps, printProcessTable, reportAction } from './show-table.js';

// Zeroes the restart counters of the target's processes, then prints the process table.
export async function runReset(request: TargetRequest & { command: 'reset' }, context: CommandContext): Promise<number> {
  await withClient(context, async (client) => {
    reportAction(context.out, 'reset the restart counters of', await client.reset(request.target));
    await printProcessTable(context.out, client);
  });
  return 0;
}

// Sets or changes an app's number of processes, then prints the process table.
export async function runScale(request: ScaleRequest, context: CommandContext): Promise<number> {
  const change = request.change.kind === 'set' ? request.change.instances : { delta: request.change.delta };
  await withClient(context, async (client) => {
    const procs = await client.scale(request.target, change);
    context.out.info(`scaled ${request.target} to ${procs.length} ${procs.length === 1 ? 'process' : 'processes'}`);
    await printProcessTable(context.out, client);
  });
  return 0;
}

// Sends a signal to the main process of each of the target's processes.
export async function runSendSignal(request: SendSignalRequest, context: CommandContext): Promise<number> {
  const procs = await withClient(context, (client) => client.sendSignal(request.signal, request.target));
  for (const app of describeApps(procs)) context.out.info(`sent ${request.signal} to ${app}`);
  return 0;
}

// Truncates the target's log files (every app's and the daemon's when no target).
export async function runFlush(request: OptionalTargetRequest & { command: 'flush' }, context: CommandContext): Promise<number> {
  const target = request.target;
  const { files } = await withClient(context, (client) => client.flush(target));
  for (const file of files) context.out.info(`flushed ${file}`);
  if (files.length === 0) context.out.info('no log files to flush');
  return 0;
}

// Reopens every log file (after an outside tool rotated them).
export async function runReloadLogs(_request: BareRequest, context: CommandContext): Promise<number> {
  const { files } = await withClient(context, (client) => client.reloadLogs());
  context.out.info(`reopened ${files.length} log ${files.length === 1 ? 'file' : 'files'}`);
  return 0;
}
