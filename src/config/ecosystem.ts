// A whole ecosystem value (what a file exports, or JSON from stdin) into an EcosystemConfig: apps, tree, warnings.

import { closest } from './closest.js';
import { badValue, configError, describeLocation, type ConfigLocation } from './config-error.js';
import { resolveAppKey } from './keys.js';
import { normalizeTree } from './tree.js';
import type { AppConfig, EcosystemConfig } from './types.js';
import { normalizeAppDetailed } from './validate.js';
import { isPlainObject } from './values.js';

/** What parsing an ecosystem needs besides the value. */
export interface EcosystemOptions {
  /** Absolute path of the file the value came from (for messages and `source`). */
  file?: string;
  /** `--env <name>`. */
  env?: string;
  shellEnv?: NodeJS.ProcessEnv;
  /** Directory relative paths are taken from (the file's directory). */
  baseDir: string;
  cpuCount?: number;
}

const TOP_LEVEL_KEYS = ['apps', 'pm2', 'tree', 'deploy', 'static'];
const TOP_LEVEL_ALLOWED = '{ apps: [...] } (or pm2: [...]), an array of apps, or a single app object';

/** The top level taken apart. */
interface TopLevel {
  apps: unknown[];
  tree: unknown;
  deploy: unknown;
  warnings: string[];
}

// Validates every app and the tree; throws E_CONFIG for a bad value, duplicate names or an unusable top level.
export function parseEcosystem(raw: unknown, options: EcosystemOptions): EcosystemConfig {
  const fileAt: ConfigLocation = options.file === undefined ? { path: '' } : { file: options.file, path: '' };
  const top = splitTopLevel(raw, fileAt);
  const deployEnv = chooseDeployEnv(top.deploy, options.env);
  const warnings = [...top.warnings];
  const missingEnv: string[] = [];
  const apps: AppConfig[] = [];
  const firstIndexByName = new Map<string, number>();

  for (const [index, rawApp] of top.apps.entries()) {
    const normalized = normalizeAppDetailed(rawApp, options.file === undefined ? { index } : { file: options.file, index }, {
      baseDir: options.baseDir,
      ...(options.env === undefined ? {} : { env: options.env }),
      ...(options.shellEnv === undefined ? {} : { shellEnv: options.shellEnv }),
      ...(options.cpuCount === undefined ? {} : { cpuCount: options.cpuCount }),
      ...(deployEnv === undefined ? {} : { deployEnv }),
    });
    const { app } = normalized;
    const earlier = firstIndexByName.get(app.name);
    if (earlier !== undefined) {
      const at: ConfigLocation = { ...fileAt, path: `apps[${index}]`, name: app.name };
      throw configError(at, (where) => `${where}: name "${app.name}" is already used by apps[${earlier}]; app names must be unique in a file`, {
        field: 'name', value: app.name, allowed: 'a name no other app in the file uses',
      });
    }
    firstIndexByName.set(app.name, index);
    apps.push(app);
    warnings.push(...normalized.warnings);
    if (normalized.missingEnvWarning !== undefined) missingEnv.push(normalized.missingEnvWarning);
  }

  // An --env name some app (or the deploy section) uses is fine for the apps without it; one nobody uses is worth one warning.
  if (options.env !== undefined && missingEnv.length === apps.length && deployEnv === undefined) {
    warnings.push(`--env ${options.env} selects nothing: no app in ${describeLocation(fileAt)} has env_${options.env}`);
  }

  const config: EcosystemConfig = { apps, warnings };
  if (top.tree !== undefined) config.tree = normalizeTree(top.tree, apps, options.file);
  if (options.file !== undefined) config.file = options.file;
  return config;
}

// Finds the apps: `apps`, else `pm2`, else a bare array, else a bare single app object.
function splitTopLevel(raw: unknown, fileAt: ConfigLocation): TopLevel {
  if (Array.isArray(raw)) return { apps: nonEmpty(raw, 'apps', fileAt), tree: undefined, deploy: undefined, warnings: [] };
  if (!isPlainObject(raw)) throw badValue(fileAt, 'the ecosystem', raw, TOP_LEVEL_ALLOWED);

  const keys = Object.keys(raw);
  const looksLikeApp = keys.some((k) => resolveAppKey(k)?.spec.key === 'script');
  if (raw.apps === undefined && raw.pm2 === undefined && looksLikeApp) return { apps: [raw], tree: undefined, deploy: undefined, warnings: [] };

  const warnings: string[] = [];
  for (const key of keys) {
    if (TOP_LEVEL_KEYS.includes(key)) continue;
    const suggestion = closest(key, TOP_LEVEL_KEYS);
    warnings.push(`unknown top-level key "${key}" in ${describeLocation(fileAt)}; ${suggestion === undefined ? 'it is ignored' : `did you mean "${suggestion}"?`}`);
  }
  if (raw.static !== undefined) warnings.push(`the "static" section of ${describeLocation(fileAt)} has no effect: arbor does not serve static files`);

  const field = raw.apps !== undefined ? 'apps' : raw.pm2 !== undefined ? 'pm2' : undefined;
  if (field === undefined) {
    const hint = keys.length === 0 ? 'it is empty' : `it has ${keys.map((k) => `"${k}"`).join(', ')}`;
    throw configError(fileAt, `no apps found (${hint}); expected ${TOP_LEVEL_ALLOWED}`, { field: 'apps', value: undefined, allowed: TOP_LEVEL_ALLOWED });
  }
  if (field === 'apps' && raw.pm2 !== undefined) warnings.push(`both "apps" and "pm2" are set in ${describeLocation(fileAt)}; using "apps"`);
  const value = raw[field];
  const list = Array.isArray(value) ? value : isPlainObject(value) ? [value] : undefined;
  if (list === undefined) throw badValue(fileAt, field, value, 'an array of app objects');
  return { apps: nonEmpty(list, field, fileAt), tree: raw.tree, deploy: raw.deploy, warnings };
}

function nonEmpty(apps: unknown[], field: string, fileAt: ConfigLocation): unknown[] {
  if (apps.length === 0) throw badValue(fileAt, field, apps, 'an array holding at least one app');
  return apps;
}

// PM2's lowest env layer: deploy.<env>.env, when --env names a deploy target that has one.
function chooseDeployEnv(deploy: unknown, envName: string | undefined): Record<string, unknown> | undefined {
  if (envName === undefined || !isPlainObject(deploy)) return undefined;
  const target = deploy[envName];
  return isPlainObject(target) && isPlainObject(target.env) ? target.env : undefined;
}
