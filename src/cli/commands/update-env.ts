// `--update-env` for running apps: each app is restarted with its stored environment and the shell's over it, as PM2 merges.

import type { WatchChange } from '../../client/api.js';
import type { ArborClient } from '../../client/client.js';
import type { ProcessDescription } from '../../client/types.js';

/** One app and the environment it is restarted with. */
export interface EnvUpdate {
  name: string;
  env: Record<string, string>;
}

// One update per app the processes belong to (first-seen order): the app's stored env with the shell env over it.
export function envUpdates(procs: readonly ProcessDescription[], shellEnv: NodeJS.ProcessEnv): EnvUpdate[] {
  const shell = stringEnv(shellEnv);
  const byName = new Map<string, EnvUpdate>();
  for (const proc of procs) {
    if (!byName.has(proc.name)) byName.set(proc.name, { name: proc.name, env: { ...proc.pm2_env.env, ...shell } });
  }
  return [...byName.values()];
}

// Restarts or reloads every app the targets match, each with its merged environment (and `watch`, the apps' watching
// change, when given); returns the processes acted on.
export async function restartWithShellEnv(
  client: ArborClient,
  verb: 'restart' | 'reload',
  targets: readonly string[],
  shellEnv: NodeJS.ProcessEnv,
  watch?: WatchChange,
): Promise<ProcessDescription[]> {
  const matched: ProcessDescription[] = [];
  for (const target of targets) matched.push(...(await client.describe(target)));
  const acted: ProcessDescription[] = [];
  for (const update of envUpdates(matched, shellEnv)) {
    acted.push(...(await client[verb](update.name, { updateEnv: true, env: update.env, ...(watch === undefined ? {} : { watch }) })));
  }
  return acted;
}

// The shell environment as strings only (unset variables dropped).
export function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) result[key] = value;
  return result;
}
