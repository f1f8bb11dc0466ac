// Reading an ecosystem (a file or JSON on stdin) for a command, and applying it: start the missing apps, and
// restart or reload the ones the daemon already has with the file's environment (startOrRestart; also `start <file>`).

import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { ArborClient } from '../../client/client.js';
import type { ProcessDescription } from '../../client/types.js';
import { parseEcosystem } from '../../config/ecosystem.js';
import { loadEcosystem, parseJsonConfig } from '../../config/load.js';
import { missingPath } from '../../config/config-error.js';
import type { AppConfig, EcosystemConfig } from '../../config/types.js';
import type { CommandContext } from './context.js';
import { reportAction } from './show-table.js';
import { pruneTree, selectOnly } from './targets.js';

/** Where an ecosystem comes from. */
export type EcosystemSource = { kind: 'file'; file: string } | { kind: 'stdin' };

/** How stdin is named in messages. */
export const STDIN_NAME = '<stdin>';

// Loads and validates the ecosystem, printing its warnings; `env` selects the env_<name> blocks.
export async function readEcosystem(source: EcosystemSource, env: string | undefined, context: CommandContext): Promise<EcosystemConfig> {
  const options = { ...(env === undefined ? {} : { env }), shellEnv: context.env };
  let config: EcosystemConfig;
  if (source.kind === 'file') {
    config = await loadEcosystem(resolve(context.cwd, source.file), options);
  } else {
    const loaded = parseJsonConfig(await context.readStdin(), STDIN_NAME);
    config = parseEcosystem(loaded.value, { ...options, baseDir: context.cwd });
    config.warnings.unshift(...loaded.warnings);
  }
  for (const warning of config.warnings) context.out.warn(warning);
  return config;
}

// The names of the ecosystem's apps that `--only` keeps (warning about --only names it does not have).
export function selectedNames(config: EcosystemConfig, only: readonly string[] | undefined, context: CommandContext): string[] {
  const selection = selectOnly(config.apps, only, config.file ?? STDIN_NAME);
  warnUnknownOnly(selection.unknown, config, context);
  return selection.apps.map((app) => app.name);
}

/** How applyEcosystem treats apps the daemon already has. */
export interface ApplyOptions {
  only?: readonly string[];
  /** Start every app even when one of the same name runs (no restarts). */
  force: boolean;
  /** What to do to the apps already there. */
  present: 'restart' | 'reload';
}

// Starts the selected apps the daemon does not have (under the file's tree) and restarts or reloads the others with
// the file's environment; returns every process acted on.
export async function applyEcosystem(
  client: ArborClient,
  config: EcosystemConfig,
  options: ApplyOptions,
  context: CommandContext,
): Promise<ProcessDescription[]> {
  const selection = selectOnly(config.apps, options.only, config.file ?? STDIN_NAME);
  warnUnknownOnly(selection.unknown, config, context);
  checkPaths(config, selection.apps, existsSync);
  const known = options.force ? new Set<string>() : new Set((await client.summary()).map((proc) => proc.name));
  const present = selection.apps.filter((app) => known.has(app.name));
  const missing = selection.apps.filter((app) => !known.has(app.name));

  const acted: ProcessDescription[] = [];
  for (const app of present) {
    const procs = await client[options.present](app.name, { updateEnv: true, env: app.env });
    reportAction(context.out, options.present === 'restart' ? 'restarted' : 'reloaded', procs);
    acted.push(...procs);
  }
  if (missing.length > 0) {
    const tree = config.tree === undefined ? undefined : pruneTree(config.tree, new Set(missing.map((app) => app.name)));
    const procs = await client.start(tree === undefined ? missing : { apps: missing, tree }, options.force ? { force: true } : {});
    reportAction(context.out, 'started', procs);
    acted.push(...procs);
  }
  return acted;
}

// Refuses the ecosystem, before anything is restarted or started, when one of `apps` names a cwd or a script path that
// does not exist: the daemon would refuse that app too, but only after the apps before it had been restarted, and
// without the file and the apps[i] that say where to fix it. Bare words (commands on PATH) and command lines are
// left to the daemon.
export function checkPaths(config: EcosystemConfig, apps: readonly AppConfig[], exists: (path: string) => boolean): void {
  for (const app of apps) {
    const at = { ...(config.file === undefined ? {} : { file: config.file }), path: `apps[${config.apps.indexOf(app)}]`, name: app.name };
    if (!exists(app.cwd)) throw missingPath(at, 'E_CWD_NOT_FOUND', 'cwd', app.cwd);
    if (isAbsolute(app.script) && !/\s/.test(app.script) && !exists(app.script)) throw missingPath(at, 'E_SCRIPT_NOT_FOUND', 'script', app.script);
  }
}

function warnUnknownOnly(unknown: readonly string[], config: EcosystemConfig, context: CommandContext): void {
  if (unknown.length === 0) return;
  context.out.warn(`--only names ${unknown.join(', ')}, which ${config.file ?? STDIN_NAME} does not have (its apps: ${config.apps.map((app) => app.name).join(', ')})`);
}
