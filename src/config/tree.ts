// arbor's `tree` section: nested supervisors over the file's apps, validated into a TreeConfig.

import type { AutoShutdown, RestartType, Shutdown, StrategyName, SupervisorOptions } from '../spec/types.js';
import { closest } from './closest.js';
import { badValue, configError, type ConfigLocation } from './config-error.js';
import { camelCase } from './keys.js';
import type { AppConfig, TreeAppNode, TreeConfig, TreeNode, TreeSupervisorNode } from './types.js';
import { isPlainObject, parseBoolean, parseDuration, parseInteger, parseName, type Parsed } from './values.js';

const STRATEGIES: readonly StrategyName[] = ['one_for_one', 'one_for_all', 'rest_for_one'];
const RESTART_TYPES: readonly RestartType[] = ['permanent', 'transient', 'temporary'];
const AUTO_SHUTDOWNS: readonly AutoShutdown[] = ['never', 'any_significant', 'all_significant'];
const SUPERVISOR_KEYS = ['supervisor', 'strategy', 'intensity', 'period', 'auto_shutdown', 'restart', 'significant', 'shutdown', 'children'];
const APP_NODE_KEYS = ['app', 'restart', 'significant'];
const CHILD_ALLOWED = 'an app name, { app: "<name>", restart?, significant? }, or { supervisor: "<id>", strategy?, ..., children: [...] }';

/** Facts gathered while walking the tree, for the checks that span it. */
interface Walk {
  file: string | undefined;
  apps: ReadonlyMap<string, AppConfig>;
  /** App name -> the path where the tree first names it. */
  placedApps: Map<string, string>;
  /** Supervisor id -> its path. */
  supervisorIds: Map<string, string>;
}

// Validates the tree section against the file's apps; throws E_CONFIG naming the path in the tree, the field and the value.
export function normalizeTree(raw: unknown, apps: readonly AppConfig[], file?: string): TreeConfig {
  const walk: Walk = { file, apps: new Map(apps.map((a) => [a.name, a])), placedApps: new Map(), supervisorIds: new Map() };
  const root = supervisorNode(raw, 'tree', walk, true);
  const unlisted = apps.map((a) => a.name).filter((name) => !walk.placedApps.has(name));
  return { root, unlisted };
}

function location(walk: Walk, path: string, name?: string): ConfigLocation {
  const at: ConfigLocation = { path };
  if (walk.file !== undefined) at.file = walk.file;
  if (name !== undefined) at.name = name;
  return at;
}

// One supervisor node (the top one may leave out `supervisor`, its id then is 'root').
function supervisorNode(raw: unknown, path: string, walk: Walk, isTop: boolean): TreeSupervisorNode {
  if (!isPlainObject(raw)) {
    const allowed = isTop ? 'an object: { strategy?, intensity?, period?, children: [...] }' : CHILD_ALLOWED;
    throw badValue(location(walk, ''), path, raw, allowed);
  }
  const fields = canonicalFields(raw, SUPERVISOR_KEYS, location(walk, path));
  const rawId = fields.get('supervisor');
  const id = rawId === undefined && isTop ? 'root' : read(fields, 'supervisor', parseName, location(walk, path));
  if (id === undefined) throw configError(location(walk, path), 'a nested supervisor needs an id: supervisor: "<name>"', { field: 'supervisor', value: undefined, allowed: 'a name' });
  const at = location(walk, path, id);
  claimSupervisorId(id, path, walk);

  const options: SupervisorOptions = { id };
  const strategy = read(fields, 'strategy', oneOf(STRATEGIES), at);
  if (strategy !== undefined) options.strategy = strategy;
  const intensity = read(fields, 'intensity', (v) => parseInteger(v, 0), at);
  if (intensity !== undefined) options.intensity = intensity;
  const period = read(fields, 'period', (v) => parseInteger(v, 1), at);
  if (period !== undefined) options.period = period;
  const autoShutdown = read(fields, 'auto_shutdown', oneOf(AUTO_SHUTDOWNS), at);
  if (autoShutdown !== undefined) options.autoShutdown = autoShutdown;
  const restart = read(fields, 'restart', oneOf(RESTART_TYPES), at);
  if (restart !== undefined) options.restart = restart;
  const significant = read(fields, 'significant', parseBoolean, at);
  if (significant !== undefined) options.significant = significant;
  const shutdown = read(fields, 'shutdown', parseShutdown, at);
  if (shutdown !== undefined) options.shutdown = shutdown;
  if (significant === true) requireNonPermanent(restart ?? 'permanent', at);

  const rawChildren = fields.get('children');
  if (rawChildren === undefined) throw configError(at, 'children is required: an array of app names and nested supervisors', { field: 'children', value: undefined, allowed: 'an array' });
  if (!Array.isArray(rawChildren)) throw badValue(at, 'children', rawChildren, 'an array of app names and nested supervisors');
  const children = rawChildren.map((child, i) => childNode(child, `${path}.children[${i}]`, walk));
  for (const [i, child] of children.entries()) {
    const significantChild = child.kind === 'app' ? child.significant : child.options.significant;
    if (significantChild === true && (autoShutdown ?? 'never') === 'never') {
      throw configError(location(walk, `${path}.children[${i}]`, child.kind === 'app' ? child.app : child.options.id),
        `significant: true needs its supervisor (${id}) to set auto_shutdown to "any_significant" or "all_significant"`,
        { field: 'significant', value: true, allowed: 'false while the supervisor\'s auto_shutdown is "never"' });
    }
  }
  return { kind: 'supervisor', options, children };
}

// One child: an app name, an app node, or a nested supervisor.
function childNode(raw: unknown, path: string, walk: Walk): TreeNode {
  if (typeof raw === 'string') return appNode({ app: raw }, path, walk);
  if (isPlainObject(raw) && 'app' in raw && !('supervisor' in raw) && !('children' in raw)) return appNode(raw, path, walk);
  if (isPlainObject(raw) && !('app' in raw)) return supervisorNode(raw, path, walk, false);
  throw badValue(location(walk, ''), path, raw, CHILD_ALLOWED);
}

function appNode(raw: Record<string, unknown>, path: string, walk: Walk): TreeAppNode {
  const fields = canonicalFields(raw, APP_NODE_KEYS, location(walk, path));
  const name = fields.get('app');
  if (typeof name !== 'string' || !walk.apps.has(name)) {
    const names = [...walk.apps.keys()];
    const suggestion = typeof name === 'string' ? closest(name, names) : undefined;
    const hint = suggestion === undefined ? `the apps are ${names.map((n) => JSON.stringify(n)).join(', ')}` : `did you mean "${suggestion}"?`;
    throw configError(location(walk, path), (where) => `${where} names app ${JSON.stringify(name)}, which is not in apps; ${hint}`, {
      field: 'app', value: name, allowed: names.join(', '),
    });
  }
  const earlier = walk.placedApps.get(name);
  if (earlier !== undefined) {
    throw configError(location(walk, path, name), (where) => `${where}: app "${name}" is already placed at ${earlier}; each app may appear once in the tree`, {
      field: 'app', value: name, allowed: 'each app at most once',
    });
  }
  walk.placedApps.set(name, path);
  const at = location(walk, path, name);
  const node: TreeAppNode = { kind: 'app', app: name };
  const restart = read(fields, 'restart', oneOf(RESTART_TYPES), at);
  if (restart !== undefined) node.restart = restart;
  const significant = read(fields, 'significant', parseBoolean, at);
  if (significant !== undefined) node.significant = significant;
  if (significant === true) requireNonPermanent(restart ?? (walk.apps.get(name)!.autorestart ? 'permanent' : 'temporary'), at);
  return node;
}

// OTP's bad_combination: a significant child must be able to stop for good (transient or temporary).
function requireNonPermanent(restart: RestartType, at: ConfigLocation): void {
  if (restart !== 'permanent') return;
  throw configError(at, 'significant: true needs restart "transient" or "temporary" (a permanent child is always restarted, so it never ends its supervisor)', {
    field: 'restart', value: restart, allowed: '"transient" or "temporary" when significant is true',
  });
}

function claimSupervisorId(id: string, path: string, walk: Walk): void {
  const clash = walk.supervisorIds.get(id) ?? (walk.apps.has(id) ? 'an app' : undefined);
  if (clash !== undefined) {
    throw configError(location(walk, path, id), (where) => `${where}: supervisor id "${id}" is already used by ${clash}; supervisor ids and app names must all differ`, {
      field: 'supervisor', value: id, allowed: 'a name not used by another supervisor or app',
    });
  }
  walk.supervisorIds.set(id, path);
}

// The node's keys by canonical name (camelCase accepted); an unknown key is an error naming the closest known one.
function canonicalFields(raw: Record<string, unknown>, known: readonly string[], at: ConfigLocation): Map<string, unknown> {
  const fields = new Map<string, unknown>();
  for (const [spelled, value] of Object.entries(raw)) {
    const key = known.find((k) => k === spelled || camelCase(k) === spelled);
    if (key === undefined) {
      const suggestion = closest(spelled, known);
      const hint = suggestion === undefined ? `the keys are ${known.join(', ')}` : `did you mean "${suggestion}"?`;
      throw configError(at, (where) => `unknown key "${spelled}" in ${where}; ${hint}`, { field: spelled, value, allowed: known.join(', ') });
    }
    if (value !== undefined && value !== null) fields.set(key, value);
  }
  return fields;
}

function read<T>(fields: Map<string, unknown>, field: string, parse: (value: unknown) => Parsed<T>, at: ConfigLocation): T | undefined {
  if (!fields.has(field)) return undefined;
  const value = fields.get(field);
  const parsed = parse(value);
  if (!parsed.ok) throw badValue(at, field, value, parsed.allowed);
  return parsed.value;
}

function oneOf<T extends string>(choices: readonly T[]): (value: unknown) => Parsed<T> {
  const allowed = choices.length === 2 ? choices.map((c) => `"${c}"`).join(' or ') : `${choices.slice(0, -1).map((c) => `"${c}"`).join(', ')} or "${choices.at(-1)!}"`;
  return (value) => (typeof value === 'string' && (choices as readonly string[]).includes(value) ? { ok: true, value: value as T } : { ok: false, allowed });
}

// OTP shutdown: "brutal_kill", "infinity", or ms (a duration) before SIGKILL.
function parseShutdown(value: unknown): Parsed<Shutdown> {
  if (value === 'brutal_kill' || value === 'infinity') return { ok: true, value };
  const ms = parseDuration(value);
  return ms.ok ? ms : { ok: false, allowed: '"brutal_kill", "infinity", or a duration in ms (a number or a string like "5s")' };
}
