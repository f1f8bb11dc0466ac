// Which processes a target names: 'all', a pm_id, an app name, a namespace, or a /regex/ over names (PM2's rules).
import { ArborError } from '../errors.js';

/** The facts a target is matched against. */
export interface Targetable {
  pmId: number;
  name: string;
  namespace: string;
}

// The entries a target names, in pm_id order; throws E_APP_NOT_FOUND when it names none.
export function resolveTarget<T extends Targetable>(target: string, entries: readonly T[]): T[] {
  const matches = matchTarget(target, entries);
  if (matches.length === 0) throw appNotFound(target, entries);
  return matches;
}

// The error for a target that names nothing, listing the apps there are.
export function appNotFound(target: string, entries: readonly Targetable[]): ArborError {
  const known = [...new Set(entries.map((entry) => entry.name))].join(', ') || 'none';
  return new ArborError('E_APP_NOT_FOUND', `no process matches '${target}' (apps: ${known})`, { details: { field: 'target', value: target } });
}

// Resolves several targets into one list without duplicates, in pm_id order.
export function resolveTargets<T extends Targetable>(targets: readonly string[], entries: readonly T[]): T[] {
  if (targets.length === 0) throw new ArborError('E_BAD_REQUEST', 'no target given (use an id, a name, a namespace, all or /regex/)', { details: { field: 'targets' } });
  const chosen = new Set<T>();
  for (const target of targets) for (const entry of resolveTarget(target, entries)) chosen.add(entry);
  return [...chosen].sort((a, b) => a.pmId - b.pmId);
}

function matchTarget<T extends Targetable>(target: string, entries: readonly T[]): T[] {
  if (target === 'all') return [...entries];
  if (/^\d+$/.test(target)) return entries.filter((entry) => entry.pmId === Number(target));
  const regex = /^\/(.+)\/([a-z]*)$/.exec(target);
  if (regex) {
    let pattern: RegExp;
    try {
      pattern = new RegExp(regex[1]!, regex[2]);
    } catch (cause) {
      throw new ArborError('E_BAD_REQUEST', `target ${target} is not a valid regular expression`, { cause, details: { field: 'target', value: target } });
    }
    return entries.filter((entry) => pattern.test(entry.name));
  }
  const byName = entries.filter((entry) => entry.name === target);
  return byName.length > 0 ? byName : entries.filter((entry) => entry.namespace === target);
}
