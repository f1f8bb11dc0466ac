// Telling an app config arbor normalized (what the daemon runs) from anything else that reaches it: PM2's app options
// given to the client, or a hand-made RPC request. Imports nothing, so the client and the daemon can both use it.

import type { AppConfig } from './types.js';

/** The fields the daemon relies on, with what each must be; the first that does not hold is reported. */
const REQUIRED: ReadonlyArray<readonly [keyof AppConfig, string, (value: unknown) => boolean]> = [
  ['name', 'a non-empty string', (value) => typeof value === 'string' && value !== ''],
  ['script', 'a non-empty string', (value) => typeof value === 'string' && value !== ''],
  ['cwd', 'an absolute path', (value) => typeof value === 'string' && value.startsWith('/')],
  ['instances', 'a whole number of at least 1', (value) => Number.isInteger(value) && (value as number) >= 1],
  ['namespace', 'a string', (value) => typeof value === 'string'],
  ['autostart', 'true or false', (value) => typeof value === 'boolean'],
  ['env', 'an object of string values', (value) => isObject(value) && Object.values(value).every((entry) => typeof entry === 'string')],
  ['source', 'where the app came from ({ file?, index? })', isObject],
];

// What keeps `app` from being a normalized app config: the first field that is not as normalization leaves it
// (`field`, its value, what is allowed), or undefined when the fields the daemon relies on are all there.
export function normalizedAppProblem(app: unknown): { field: string; value: unknown; allowed: string } | undefined {
  if (!isObject(app)) return { field: 'app', value: app, allowed: 'an object' };
  for (const [field, allowed, holds] of REQUIRED) {
    if (!holds(app[field])) return { field, value: app[field], allowed };
  }
  return undefined;
}

// True for a config arbor's own normalization made; `source` (where it came from) is what raw PM2 options never have.
export function isNormalizedApp(app: unknown): app is AppConfig {
  return normalizedAppProblem(app) === undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
