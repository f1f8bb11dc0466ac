// `arbor stop|restart|reload|delete <targets...>`: ids, names, namespaces, all, /regex/, ecosystem files or '-'.

import type { ArborClient } from '../../client/client.js';
import type { ProcessDescription } from '../../client/types.js';
import { isConfigFile } from '../../config/load.js';
import type { AppConfig } from '../../config/types.js';
import type { ProcessActionRequest } from '../request.js';
import { withClient, type CommandContext } from './context.js';
import { readEcosystem } from './ecosystem.js';
import { printProcessTable, reportAction } from './show-table.js';
import { selectOnly, STDIN_TARGET } from './targets.js';
import { restartWithShellEnv } from './update-env.js';
import { warnIgnoredFlags, warnUnappliedAppFlags } from './ignored-flags.js';

/** The past tense each verb reports with. */
const DONE: Record<ProcessActionRequest['command'], string> = {
  stop: 'stopped',
  restart: 'restarted',
  reload: 'reloaded',
  delete: 'deleted',
};

/** A target as the daemon gets it, or the apps of an ecosystem it named. */
export type ActionTarget = { kind: 'plain'; target: string } | { kind: 'apps'; apps: AppConfig[] };

// Acts on the targets, then prints the process table.
export async function runProcessAction(request: ProcessActionRequest, context: CommandContext): Promise<number> {
  warnIgnoredFlags(request, context);
  const targets: ActionTarget[] = [];
  for (const target of request.targets) targets.push(await resolveTarget(target, request, context));
  warnUnappliedAppFlags(request, targets.some((target) => target.kind === 'apps'), context);
  await withClient(context, async (client) => {
    reportAction(context.out, DONE[request.command], await act(client, request, targets, context));
    await printProcessTable(context.out, client);
  });
  return 0;
}

// An ecosystem file or '-' becomes its apps (those `--only` keeps); anything else goes to the daemon as written.
async function resolveTarget(target: string, request: ProcessActionRequest, context: CommandContext): Promise<ActionTarget> {
  if (target !== STDIN_TARGET && !isConfigFile(target)) return { kind: 'plain', target };
  const config = await readEcosystem(target === STDIN_TARGET ? { kind: 'stdin' } : { kind: 'file', file: target }, request.env, context);
  return { kind: 'apps', apps: selectOnly(config.apps, request.only, config.file ?? '<stdin>').apps };
}

async function act(
  client: ArborClient,
  request: ProcessActionRequest,
  targets: readonly ActionTarget[],
  context: CommandContext,
): Promise<ProcessDescription[]> {
  const verb = request.command;
  if (verb === 'stop' || verb === 'delete') {
    // `stop --watch` stops watching every app it stops, those of ecosystem files too.
    return verb === 'stop' && request.watch === false ? client.stop(namesOf(targets), { watch: false }) : client[verb](namesOf(targets));
  }
  if (request.watch !== undefined && request.watch !== false) return restartWatching(client, verb, request, targets, request.watch, context);
  if (!request.updateEnv) return client[verb](namesOf(targets));
  // --update-env: apps from a file take the file's environment, the others their own with the shell's over it.
  const acted: ProcessDescription[] = [];
  for (const target of targets) {
    if (target.kind === 'plain') {
      acted.push(...(await restartWithShellEnv(client, verb, [target.target], context.env)));
      continue;
    }
    for (const app of target.apps) acted.push(...(await client[verb](app.name, { updateEnv: true, env: app.env })));
  }
  return acted;
}

// The names a target list sends to the daemon: plain targets as written, ecosystem files as their apps' names.
function namesOf(targets: readonly ActionTarget[]): string[] {
  return targets.flatMap((target) => (target.kind === 'plain' ? [target.target] : target.apps.map((app) => app.name)));
}

// `restart|reload --watch`: the running apps named change their watching, all in one call per app so that an app named
// twice toggles once; the apps of ecosystem files are restarted as without the flag (their file's keys win).
async function restartWatching(
  client: ArborClient,
  verb: 'restart' | 'reload',
  request: ProcessActionRequest,
  targets: readonly ActionTarget[],
  watch: 'toggle' | string[],
  context: CommandContext,
): Promise<ProcessDescription[]> {
  const plain = targets.flatMap((target) => (target.kind === 'plain' ? [target.target] : []));
  const fromFiles = targets.flatMap((target) => (target.kind === 'apps' ? target.apps : []));
  const acted: ProcessDescription[] = [];
  if (request.updateEnv) {
    if (plain.length > 0) acted.push(...(await restartWithShellEnv(client, verb, plain, context.env, watch)));
    for (const app of fromFiles) acted.push(...(await client[verb](app.name, { updateEnv: true, env: app.env })));
    return acted;
  }
  if (plain.length > 0) acted.push(...(await client[verb](plain, { watch })));
  if (fromFiles.length > 0) acted.push(...(await client[verb](fromFiles.map((app) => app.name))));
  return acted;
}
