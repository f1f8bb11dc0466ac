// `arbor list|ls|l|ps|status` (the process table) and `arbor jlist` (the PM2 JSON, on one line).
//
// `ls` is the command people feel: this module imports only the context types and the table formatter.

import { formatList } from '../format/list.js';
import type { BareRequest } from '../request.js';
import { withClient, type CommandContext } from './context.js';

// Prints the process table, or the process list as one line of JSON.
export async function runList(request: BareRequest & { command: 'list' | 'jlist' }, context: CommandContext): Promise<number> {
  const { out } = context;
  if (request.command === 'jlist') out.data(JSON.stringify(await withClient(context, (client) => client.list())));
  else out.data(formatList(await withClient(context, (client) => client.summary()), { color: out.color, ...(out.width === undefined ? {} : { width: out.width }) }));
  return 0;
}
