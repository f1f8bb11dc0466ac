// What one command line runs in, shared by the full CLI (dispatch.ts) and the quick one (quick.ts): the printer for
// its flags, the command context, and the one-line report of a failure with its exit status.

import { exitCodeFor } from '../exit-codes.js';
import { shouldColor } from '../format/colors.js';
import { createOutput, describeFailure, type Output, type TextStream } from '../output.js';
import type { GlobalFlags } from '../request.js';
import type { ArborClient } from '../../client/client.js';
import type { CommandContext } from './context.js';

/** The outside world a command line runs in; process-io.ts gives the real process's. */
export interface CliIo {
  stdout: TextStream;
  stderr: TextStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  readStdin(): Promise<string>;
  onInterrupt(handler: () => void): () => void;
  /** How to reach the daemon (default: the programmatic client's connect with `env`). */
  connect?: (options: { autoStart?: boolean }) => Promise<ArborClient>;
}

// Runs `body` with the printer for the flags `request()` yields (plain until then) and its context; a throw from
// either becomes one line on stderr (plus the stack of an unexpected error) and its exit status. Never rejects.
export async function runReported<R extends GlobalFlags>(
  io: CliIo,
  request: () => R | Promise<R>,
  body: (request: R, context: CommandContext) => Promise<number>,
): Promise<number> {
  let out = outputFor(io, { noColor: false, silent: false });
  try {
    const parsed = await request();
    out = outputFor(io, parsed);
    return await body(parsed, contextFor(io, out));
  } catch (error) {
    const failure = describeFailure(error);
    out.error(failure.line);
    if (failure.stack !== undefined) out.rawError(`${failure.stack}\n`);
    return exitCodeFor(error);
  }
}

function outputFor(io: CliIo, flags: GlobalFlags): Output {
  return createOutput({
    stdout: io.stdout,
    stderr: io.stderr,
    color: shouldColor({ noColorFlag: flags.noColor, env: io.env, isTTY: io.stdout.isTTY === true }),
    errorColor: shouldColor({ noColorFlag: flags.noColor, env: io.env, isTTY: io.stderr.isTTY === true }),
    silent: flags.silent,
  });
}

function contextFor(io: CliIo, out: Output): CommandContext {
  const connect =
    io.connect ??
    (async (options: { autoStart?: boolean }) => {
      const client = await import('../../client/client.js');
      return client.connect({ env: io.env, ...options });
    });
  return { out, env: io.env, cwd: io.cwd, readStdin: io.readStdin, onInterrupt: io.onInterrupt, connect: (options = {}) => connect(options) };
}
