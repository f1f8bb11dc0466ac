// What every command runs with: the printer, the environment, stdin, and a way to reach the daemon.
//
// Commands get these injected, so tests run them against a fake client and capture what they print.

import type { ArborClient } from '../../client/client.js';
import type { Output } from '../output.js';

/** Everything a command may touch. */
export interface CommandContext {
  out: Output;
  /** The CLI's environment (also the shell environment apps inherit). */
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Reads all of stdin as text (for `start -`). */
  readStdin(): Promise<string>;
  /** Connects to the daemon, starting it unless autoStart is false. */
  connect(options?: { autoStart?: boolean }): Promise<ArborClient>;
  /** Calls the handler on SIGINT or SIGTERM; returns a function that removes it. */
  onInterrupt(handler: () => void): () => void;
}

// Runs the body with a connected client and always disconnects afterwards.
export async function withClient<T>(
  context: CommandContext,
  body: (client: ArborClient) => Promise<T>,
  options: { autoStart?: boolean } = {},
): Promise<T> {
  const client = await context.connect(options);
  try {
    return await body(client);
  } finally {
    await client.disconnect();
  }
}
