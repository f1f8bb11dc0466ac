// Pure decisions about what a command's arguments name: a config file, stdin, a running app, or a script to start;
// and trimming an ecosystem to `--only` apps (its tree with it).

import { join } from 'node:path';
import { ArborError } from '../../errors.js';
import type { ProcessSummary } from '../../client/types.js';
import type { AppConfig, TreeConfig, TreeNode, TreeSupervisorNode } from '../../config/types.js';

/** The target that means "read an ecosystem as JSON from stdin". */
export const STDIN_TARGET = '-';

/** The files `arbor start` looks for in the working directory when given no target, in this order (PM2 knows the first). */
export const DEFAULT_ECOSYSTEM_FILES: readonly string[] = [
  'ecosystem.config.js',
  'ecosystem.config.cjs',
  'ecosystem.config.mjs',
  'ecosystem.config.ts',
  'ecosystem.config.json',
  'ecosystem.config.yaml',
  'ecosystem.config.yml',
];

// The first default ecosystem file present in dir; E_CONFIG naming every name tried when none is.
export function findDefaultEcosystem(dir: string, exists: (path: string) => boolean): string {
  for (const name of DEFAULT_ECOSYSTEM_FILES) {
    const path = join(dir, name);
    if (exists(path)) return path;
  }
  throw new ArborError(
    'E_CONFIG',
    `no ecosystem file in ${dir} (looked for ${DEFAULT_ECOSYSTEM_FILES.join(', ')}); write one with \`arbor init\`, or name a script: \`arbor start app.js\``,
    { details: { field: 'file', value: dir, allowed: DEFAULT_ECOSYSTEM_FILES.join(', ') } },
  );
}

/** What one `start` argument turned out to be. */
export type StartTarget =
  | { kind: 'stdin' }
  | { kind: 'config'; file: string }
  | { kind: 'running'; target: string }
  | { kind: 'script'; script: string };

// PM2's reading of a start argument: '-', a config file, an existing id/name/namespace (restarted), else a script.
// A name is looked up only when it has no '/' and no extension, as PM2 does, so `app.js` always means the file.
export function classifyStartTarget(
  target: string,
  procs: readonly ProcessSummary[],
  isConfigFile: (path: string) => boolean,
): StartTarget {
  if (target === STDIN_TARGET) return { kind: 'stdin' };
  if (isConfigFile(target)) return { kind: 'config', file: target };
  if (/^\d+$/.test(target)) {
    return procs.some((proc) => proc.pm_id === Number(target)) ? { kind: 'running', target } : { kind: 'script', script: target };
  }
  if (!target.includes('/') && !/\.[^.]+$/.test(target) && namesRunning(target, procs)) return { kind: 'running', target };
  return { kind: 'script', script: target };
}

function namesRunning(target: string, procs: readonly ProcessSummary[]): boolean {
  return procs.some((proc) => proc.name === target || proc.pm2_env.namespace === target);
}

// A process of that name the daemon has but is not running (stopped, errored): PM2 restarts it instead of starting a copy.
export function findStoppedApp(name: string, procs: readonly ProcessSummary[]): ProcessSummary | undefined {
  return procs.find((proc) => proc.name === name && (proc.pm2_env.status === 'stopped' || proc.pm2_env.status === 'errored' || proc.pm2_env.status === 'stopping'));
}

/** The apps of an ecosystem that `--only` keeps, and the `--only` names that match none. */
export interface OnlySelection {
  apps: AppConfig[];
  unknown: string[];
}

// Keeps the apps `--only` names (all when it is absent); E_APP_NOT_FOUND when it keeps none.
export function selectOnly(apps: readonly AppConfig[], only: readonly string[] | undefined, source: string): OnlySelection {
  if (only === undefined) return { apps: [...apps], unknown: [] };
  const wanted = new Set(only);
  const kept = apps.filter((app) => wanted.has(app.name));
  const names = new Set(apps.map((app) => app.name));
  const unknown = only.filter((name) => !names.has(name));
  if (kept.length === 0) {
    throw new ArborError('E_APP_NOT_FOUND', `--only ${only.join(',')} matches no app of ${source} (its apps: ${apps.map((app) => app.name).join(', ')})`, {
      details: { field: '--only', value: only, allowed: apps.map((app) => app.name).join(', ') },
    });
  }
  return { apps: kept, unknown };
}

// The tree limited to the named apps: other app nodes are removed, and so are nested supervisors left with no children.
export function pruneTree(tree: TreeConfig, keep: ReadonlySet<string>): TreeConfig {
  return { root: pruneSupervisor(tree.root, keep) ?? { ...tree.root, children: [] }, unlisted: tree.unlisted.filter((name) => keep.has(name)) };
}

function pruneSupervisor(node: TreeSupervisorNode, keep: ReadonlySet<string>): TreeSupervisorNode | undefined {
  const children = node.children.flatMap((child): TreeNode[] => {
    if (child.kind === 'app') return keep.has(child.app) ? [child] : [];
    const pruned = pruneSupervisor(child, keep);
    return pruned === undefined ? [] : [pruned];
  });
  return children.length === 0 ? undefined : { ...node, children };
}
