// What the client's start() takes for an app: PM2's app options, as in an ecosystem file ({ name, script, instances,
// env, ... }), or an AppConfig arbor already normalized (the CLI's). The first kind is normalized here, on the client's
// side, as the CLI does it: relative paths from the client's cwd, PM2's env merge over the client's environment.

import type { AppConfig } from '../config/types.js';
import { isNormalizedApp } from '../config/normalized.js';

/** One app for start(): PM2's options, or a normalized AppConfig. */
export type AppInput = AppConfig | Record<string, unknown>;

/** Where the apps given as PM2 options are read from. */
export interface AppInputContext {
  cwd: string;
  /** The shell environment PM2 merges under each app's own env. */
  env: NodeJS.ProcessEnv;
  /** Called with each warning (an unknown key, with the closest known one). */
  onWarning: (warning: string) => void;
}

// The apps as the daemon takes them; throws the config error (app, field, value, what is allowed) of the first bad one.
export async function normalizeAppInputs(apps: readonly AppInput[], context: AppInputContext): Promise<AppConfig[]> {
  // Loaded at the first app that needs it: the CLI hands over normalized apps and never pays for the validator here.
  let normalizeApp: typeof import('../config/validate.js').normalizeApp | undefined;
  const configs: AppConfig[] = [];
  for (const [index, app] of apps.entries()) {
    if (isNormalizedApp(app)) {
      configs.push(app);
      continue;
    }
    normalizeApp ??= (await import('../config/validate.js')).normalizeApp;
    const { app: normalized, warnings } = normalizeApp(app, { index }, { baseDir: context.cwd, shellEnv: context.env });
    for (const warning of warnings) context.onWarning(warning);
    configs.push(normalized);
  }
  return configs;
}
