// `arbor startOrRestart|startOrReload|startOrGracefulReload <file>`: start the file's missing apps, and restart or
// reload the others with the file's environment.

import type { StartOrRequest } from '../request.js';
import { withClient, type CommandContext } from './context.js';
import { applyEcosystem, readEcosystem } from './ecosystem.js';
import { warnIgnoredFlags } from './ignored-flags.js';
import { printProcessTable } from './show-table.js';
import { STDIN_TARGET } from './targets.js';

// Applies the ecosystem file, then prints the process table.
export async function runStartOr(request: StartOrRequest, context: CommandContext): Promise<number> {
  warnIgnoredFlags(request, context);
  const config = await readEcosystem(request.file === STDIN_TARGET ? { kind: 'stdin' } : { kind: 'file', file: request.file }, request.env, context);
  await withClient(context, async (client) => {
    await applyEcosystem(
      client,
      config,
      {
        ...(request.only === undefined ? {} : { only: request.only }),
        force: request.force,
        present: request.command === 'startOrRestart' ? 'restart' : 'reload',
      },
      context,
    );
    await printProcessTable(context.out, client);
  });
  return 0;
}
