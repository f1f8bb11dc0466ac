// Runs one command line: parse, pick the command's module (imported only then, so `ls` loads little), report failures.

import { EXIT_USAGE, exitCodeFor } from '../exit-codes.js';
import { shouldColor } from '../format/colors.js';
import { createOutput, describeFailure, type Output, type TextStream } from '../output.js';
import type { CliRequest } from '../request.js';
import type { ArborClient } from '../../client/client.js';
import type { CommandContext } from './context.js';
import { fastRequest } from './fast-request.js';

/** The outside world a command line runs in; main.ts passes the real process's. */
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

// Parses argv (the words after `arbor`) and runs the command; resolves to the exit status, never rejects.
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let out = outputFor(io, { noColor: false, silent: false });
  try {
    // commander is loaded only for lines the fast path does not know (see fast-request.ts).
    const request = fastRequest(argv) ?? (await import('../parse.js')).parseCommandLine(argv, { helpWidth: io.stdout.columns ?? 80 });
    out = outputFor(io, request);
    return await dispatch(request, contextFor(io, out));
  } catch (error) {
    const failure = describeFailure(error);
    out.error(failure.line);
    if (failure.stack !== undefined) out.rawError(`${failure.stack}\n`);
    return exitCodeFor(error);
  }
}

function outputFor(io: CliIo, flags: { noColor: boolean; silent: boolean }): Output {
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

// Hands the request to its command module.
async function dispatch(request: CliRequest, context: CommandContext): Promise<number> {
  switch (request.command) {
    case 'help':
      if (request.requested) context.out.raw(request.text);
      else context.out.rawError(request.text);
      return request.requested ? 0 : EXIT_USAGE;
    case 'version':
      context.out.data((await import('../../client/daemon-entry.js')).packageVersion());
      return 0;
    case 'list':
    case 'jlist':
      return (await import('./list.js')).runList({ ...request, command: request.command }, context);
    case 'prettylist':
      return (await import('./inspect.js')).runPrettyList(request, context);
    case 'describe':
    case 'env':
      return (await import('./inspect.js')).runDescribe({ ...request, command: request.command }, context);
    case 'pid':
      return (await import('./inspect.js')).runPid({ ...request, command: request.command }, context);
    case 'id':
      return (await import('./inspect.js')).runId({ ...request, command: request.command }, context);
    case 'start':
      return (await import('./start.js')).runStart(request, context);
    case 'stop':
    case 'restart':
    case 'reload':
    case 'delete':
      return (await import('./process-action.js')).runProcessAction(request, context);
    case 'startOrRestart':
    case 'startOrReload':
    case 'startOrGracefulReload':
      return (await import('./start-or.js')).runStartOr(request, context);
    case 'logs':
      return (await import('./logs.js')).runLogs(request, context);
    case 'ping':
      return (await import('./daemon.js')).runPing(request, context);
    case 'kill':
      return (await import('./daemon.js')).runKill(request, context);
    case 'save':
      return (await import('./dump.js')).runSave(request, context);
    case 'resurrect':
      return (await import('./dump.js')).runResurrect(request, context);
    case 'cleardump':
      return (await import('./dump.js')).runClearDump(request, context);
    case 'reset':
      return (await import('./manage.js')).runReset({ ...request, command: request.command }, context);
    case 'scale':
      return (await import('./manage.js')).runScale(request, context);
    case 'sendSignal':
      return (await import('./manage.js')).runSendSignal(request, context);
    case 'flush':
      return (await import('./manage.js')).runFlush({ ...request, command: request.command }, context);
    case 'reloadLogs':
      return (await import('./manage.js')).runReloadLogs(request, context);
    case 'init':
      return (await import('./init.js')).runInit(request, context);
  }
}
