// PM2 keys that arbor accepts but does not act on yet: each set one gets a warning, so nobody relies on it unknowingly.
import type { AppConfig } from './types.js';

/** Each key with what a user should know; checked only when the app sets it to something other than the default. */
const NOT_YET: { key: string; isSet: (app: AppConfig) => boolean; note: string }[] = [
  { key: 'treekill', isSet: (app) => !app.treekill, note: 'arbor always signals the whole process group' },
];

// Warnings for the keys of `app` that arbor ignores for now.
export function unsupportedKeyWarnings(app: AppConfig): string[] {
  return NOT_YET.filter((entry) => entry.isSet(app)).map((entry) => `app '${app.name}': ${entry.key} is accepted but ignored: ${entry.note}`);
}
