// `arbor start [targets...]`: ecosystem files, JSON on stdin, running apps (restarted, as PM2) and scripts.

import { existsSync } from 'node:fs';
import type { ArborClient } from '../../client/client.js';
import type { ProcessSummary } from '../../client/types.js';
import { isConfigFile } from '../../config/load.js';
import { normalizeApp } from '../../config/validate.js';
import type { StartRequest } from '../request.js';
import { withClient, type CommandContext } from './context.js';
import { warnIgnoredFlags } from './ignored-flags.js';
import { applyEcosystem, readEcosystem } from './ecosystem.js';
import { printProcessTable, reportAction } from './show-table.js';
import { restartWithShellEnv } from './update-env.js';
import { classifyStartTarget, findDefaultEcosystem, findStoppedApp, type StartTarget } from './targets.js';

// Starts each target in turn, then prints the process table.
export async function runStart(request: StartRequest, context: CommandContext): Promise<number> {
  warnIgnoredFlags(request, context);
  const targets = request.targets.length === 0 ? [findDefaultEcosystem(context.cwd, existsSync)] : request.targets;
  await withClient(context, async (client) => {
    // The table's fields are all it needs: a fraction of `list`'s bytes (no environments) with many apps running.
    const procs = await client.summary();
    const kinds = targets.map((target): StartTarget =>
      request.scriptIsCommand ? { kind: 'script', script: target } : classifyStartTarget(target, procs, isConfigFile),
    );
    if (kinds.some((kind) => kind.kind === 'config' || kind.kind === 'stdin')) warnFlagsIgnoredForFiles(request, context);
    for (const kind of kinds) await startOne(kind, request, client, procs, context);
    await printProcessTable(context.out, client);
  });
  return 0;
}

async function startOne(
  target: StartTarget,
  request: StartRequest,
  client: ArborClient,
  procs: readonly ProcessSummary[],
  context: CommandContext,
): Promise<void> {
  switch (target.kind) {
    case 'stdin':
    case 'config': {
      const config = await readEcosystem(target.kind === 'stdin' ? { kind: 'stdin' } : { kind: 'file', file: target.file }, request.env, context);
      await applyEcosystem(client, config, { ...(request.only === undefined ? {} : { only: request.only }), force: request.force, present: 'restart' }, context);
      return;
    }
    case 'running': {
      const restarted = request.updateEnv
        ? await restartWithShellEnv(client, 'restart', [target.target], context.env)
        : await client.restart(target.target);
      reportAction(context.out, 'restarted', restarted);
      return;
    }
    case 'script': {
      const { app, warnings } = normalizeApp({ ...request.app, script: target.script }, { index: 0 }, {
        ...(request.env === undefined ? {} : { env: request.env }),
        baseDir: context.cwd,
        shellEnv: context.env,
      });
      for (const warning of warnings) context.out.warn(warning);
      // PM2: starting a script whose app exists but is stopped or errored restarts that app.
      const stopped = request.force ? undefined : findStoppedApp(app.name, procs);
      if (stopped !== undefined) {
        reportAction(context.out, 'restarted', await client.restart(app.name, { updateEnv: true, env: app.env }));
        return;
      }
      reportAction(context.out, 'started', await client.start([app], request.force ? { force: true } : {}));
      return;
    }
  }
}

// App flags (--name, --watch, ...) shape single-script starts; with an ecosystem file only --env, --only and -a count.
function warnFlagsIgnoredForFiles(request: StartRequest, context: CommandContext): void {
  const keys = Object.keys(request.app);
  if (keys.length > 0) context.out.warn(`${keys.join(', ')} from the command line ${keys.length === 1 ? 'is' : 'are'} ignored for ecosystem files: set ${keys.length === 1 ? 'it' : 'them'} in the file`);
}
