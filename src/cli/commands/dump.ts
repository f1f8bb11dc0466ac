// `arbor save|dump`, `arbor resurrect` and `arbor cleardump`: the saved process list.

import type { BareRequest, SaveRequest } from '../request.js';
import { withClient, type CommandContext } from './context.js';
import { printProcessTable, reportAction } from './show-table.js';

// Saves the process list (refused when empty unless --force) and says where.
export async function runSave(request: SaveRequest, context: CommandContext): Promise<number> {
  const { file, count, skipped } = await withClient(context, (client) => client.dump(request.force ? { force: true } : {}));
  if (skipped) {
    context.out.warn(`no app is managed: nothing saved, ${file} left as it was (use --force to save an empty list)`);
    return 0;
  }
  context.out.info(`saved ${count} ${count === 1 ? 'app' : 'apps'} to ${file}`);
  return 0;
}

// Starts the saved apps that are not running, then prints the process table.
export async function runResurrect(_request: BareRequest, context: CommandContext): Promise<number> {
  await withClient(context, async (client) => {
    context.out.info(`resurrecting from ${client.home.dumpFile}`);
    const procs = await client.resurrect();
    reportAction(context.out, 'resurrected', procs);
    await printProcessTable(context.out, client);
  });
  return 0;
}

// Empties the saved process list.
export async function runClearDump(_request: BareRequest, context: CommandContext): Promise<number> {
  const { file } = await withClient(context, (client) => client.cleardump());
  context.out.info(`cleared ${file}`);
  return 0;
}
