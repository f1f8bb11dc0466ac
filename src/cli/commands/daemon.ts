// `arbor ping` (starting the daemon if needed) and `arbor kill` (stopping every app and the daemon).

import { isArborError } from '../../errors.js';
import type { BareRequest } from '../request.js';
import { withClient, type CommandContext } from './context.js';

/** What `ping` prints, exactly as PM2 prints its reply. */
export const PONG = "{ msg: 'pong' }";

// Pings the daemon (starting it when none runs) and prints PM2's reply.
export async function runPing(_request: BareRequest, context: CommandContext): Promise<number> {
  await withClient(context, (client) => client.ping());
  context.out.data(PONG);
  return 0;
}

// Stops every app and the daemon and waits until it has exited; with no daemon running there is nothing to do.
export async function runKill(_request: BareRequest, context: CommandContext): Promise<number> {
  let client;
  try {
    client = await context.connect({ autoStart: false });
  } catch (error) {
    if (!isArborError(error, 'E_DAEMON_UNREACHABLE')) throw error;
    context.out.info('no daemon is running');
    return 0;
  }
  try {
    const { stopped } = await client.killDaemon();
    context.out.info(`daemon killed (${stopped} ${stopped === 1 ? 'process' : 'processes'} stopped)`);
  } finally {
    await client.disconnect();
  }
  return 0;
}
