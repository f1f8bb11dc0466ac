// Runs one command line: parse, pick the command's module (imported only then, so `ls` loads little), report failures.

import { EXIT_USAGE } from '../exit-codes.js';
import type { CliRequest } from '../request.js';
import type { CommandContext } from './context.js';
import { fastRequest } from './fast-request.js';
import { runQuickCommand } from './quick.js';
import { runReported, type CliIo } from './session.js';

export type { CliIo } from './session.js';

// Parses argv (the words after `arbor`) and runs the command; resolves to the exit status, never rejects.
export function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  // commander is loaded only for lines the fast path does not know (see fast-request.ts).
  return runReported(
    io,
    async (): Promise<CliRequest> => fastRequest(argv) ?? (await import('../parse.js')).parseCommandLine(argv, { helpWidth: io.stdout.columns ?? 80 }),
    dispatch,
  );
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
    case 'ping':
    case 'kill':
      return runQuickCommand({ ...request, command: request.command }, context);
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
