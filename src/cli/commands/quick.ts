// The command lines `arbor` answers from its small bundle (dist/cli-quick.cjs, see src/cli/quick-main.ts): the
// everyday read-only verbs, which must feel instant. Every other line goes to the full CLI.

import type { BareRequest } from '../request.js';
import type { CommandContext } from './context.js';
import { fastRequest } from './fast-request.js';
import { runReported, type CliIo } from './session.js';

/** A request the quick bundle runs by itself. */
export type QuickRequest = BareRequest & { command: 'list' | 'jlist' | 'ping' | 'kill' };

const QUICK_COMMANDS: ReadonlySet<BareRequest['command']> = new Set(['list', 'jlist', 'ping', 'kill']);

// The request for a line the quick bundle runs by itself; undefined for every other line.
export function quickRequest(argv: readonly string[]): QuickRequest | undefined {
  const request = fastRequest(argv);
  return request !== undefined && QUICK_COMMANDS.has(request.command) ? (request as QuickRequest) : undefined;
}

// Runs a quick request as the full CLI would (same output, same failure report and exit status).
export function runQuick(request: QuickRequest, io: CliIo): Promise<number> {
  return runReported(io, () => request, runQuickCommand);
}

// Hands a quick request to its command module; the full CLI's dispatch uses it too, so both run the same code.
export async function runQuickCommand(request: QuickRequest, context: CommandContext): Promise<number> {
  switch (request.command) {
    case 'list':
    case 'jlist':
      return (await import('./list.js')).runList({ ...request, command: request.command }, context);
    case 'ping':
      return (await import('./daemon.js')).runPing(request, context);
    case 'kill':
      return (await import('./daemon.js')).runKill(request, context);
  }
}
