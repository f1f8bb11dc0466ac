// PM2's watch as pure policy: what each app watches and ignores, which changes count, and when a change restarts it.
import * as path from 'node:path';
import type { ProcessStatus } from '../client/types.js';
import type { WatchIgnore } from '../config/types.js';
import type { ProcEntry } from './entry.js';
import { planPerApp } from './per-app-plan.js';

type Picomatch = typeof import('picomatch');

/** What PM2 ignores when an app sets no ignore_watch: dotfiles and dot-folders, and node_modules. */
export const DEFAULT_IGNORED = /[/\\]\.|node_modules/;

/** watch_options keys arbor sets itself: ignore rules come from ignore_watch, paths are absolute. */
const OWN_OPTIONS = new Set(['ignored', 'cwd']);

/** One app's watching, as its config asks. `app` is the app's supervisor path (unique even for two copies of a name). */
export interface WatchSpec {
  app: string;
  name: string;
  cwd: string;
  /** The plain watch entries, absolute: folders (watched deeply) and files. */
  paths: string[];
  /** The watch entries that are globs, absolute: chokidar 4 has none, so arbor watches their base folders and matches. */
  globs: string[];
  /** ignore_watch as given (globs or paths relative to cwd), watch_options.ignored, and the watch entries negated with '!'. */
  ignore: WatchIgnore[];
  /** PM2's default ignore applies: the app gives neither ignore_watch nor watch_options.ignored. */
  defaultIgnore: boolean;
  delayMs: number;
  /**
   * What a change must never restart the app for: the arbor home and the app's own log and pid files (with their
   * rotated siblings), wherever they are. Without it, an app logging into the folder it watches restarts forever.
   */
  own: string[];
  /** watch_options for chokidar, less the keys arbor sets itself. */
  options: Record<string, unknown>;
}

// True when a path segment holds glob syntax (*, ?, [..], {..}, extglobs).
function isGlobSegment(segment: string): boolean {
  return /[*?[\]{}]|[!@+]\(/.test(segment);
}

/** A watch entry split where its glob starts: chokidar watches `base`, `glob` (absolute, with /) filters the changes. */
export interface WatchTarget {
  base: string;
  glob: string | null;
}

// Resolves one watch entry against cwd; a glob such as 'src/**/*.ts' watches 'src' and keeps the pattern.
export function watchTarget(cwd: string, entry: string): WatchTarget {
  const absolute = path.resolve(cwd, entry);
  const segments = absolute.split(path.sep);
  const first = segments.findIndex(isGlobSegment);
  if (first === -1) return { base: absolute, glob: null };
  return { base: segments.slice(0, first).join(path.sep) || path.sep, glob: segments.join('/') };
}

// What chokidar is asked to watch for a spec: the plain paths and the base folder of each glob, once each.
export function watchRoots(spec: Pick<WatchSpec, 'paths' | 'globs'>): string[] {
  return [...new Set([...spec.paths, ...spec.globs.map((glob) => watchTarget(path.sep, glob).base)])];
}

// The string entries of watch_options.ignored (PM2 hands it to chokidar, where it replaces ignore_watch).
function ignoredOption(options: Record<string, unknown>): string[] {
  const ignored = options.ignored;
  if (typeof ignored === 'string') return [ignored];
  return Array.isArray(ignored) ? ignored.filter((item): item is string => typeof item === 'string') : [];
}

// The watch specs the entries ask for, one per app (its first process speaks for it); apps without watch have none.
// `home` is the arbor home (logs, pid files, the daemon's own log): never a reason to restart.
export function watchSpecs(entries: readonly ProcEntry[], home?: string): Map<string, WatchSpec> {
  const ownFiles = new Map<string, string[]>();
  for (const entry of entries) {
    const files = [entry.logs.out, entry.logs.err, entry.logs.combined, entry.pidFile].filter((file): file is string => file !== null);
    ownFiles.set(entry.supervisorPath, [...(ownFiles.get(entry.supervisorPath) ?? []), ...files]);
  }
  const specs = new Map<string, WatchSpec>();
  for (const entry of entries) {
    const { watch, cwd } = entry.app;
    if (watch === false || specs.has(entry.supervisorPath)) continue;
    const listed = watch === true ? ['.'] : watch;
    // chokidar 3 (PM2's) took '!path' in the watch list as one more path to ignore.
    const negated = listed.filter((given) => given.startsWith('!')).map((given) => given.slice(1));
    const targets = listed.filter((given) => !given.startsWith('!')).map((given) => watchTarget(cwd, given));
    if (targets.length === 0) continue;
    const options = entry.app.watch_options ?? {};
    const ignored = [...entry.app.ignore_watch, ...ignoredOption(options)];
    specs.set(entry.supervisorPath, {
      app: entry.supervisorPath,
      name: entry.name,
      cwd,
      paths: [...new Set(targets.flatMap((target) => (target.glob === null ? [target.base] : [])))],
      globs: targets.flatMap((target) => (target.glob === null ? [] : [target.glob])),
      ignore: [...ignored, ...negated],
      defaultIgnore: ignored.length === 0,
      delayMs: entry.app.watch_delay,
      own: [...new Set([...(home === undefined ? [] : [home]), ...(ownFiles.get(entry.supervisorPath) ?? [])])],
      options: Object.fromEntries(Object.entries(options).filter(([key]) => !OWN_OPTIONS.has(key))),
    });
  }
  return specs;
}

/** How to bring the running watchers to the wanted specs: a changed spec is closed and opened again. */
export interface WatchPlan {
  close: string[];
  open: WatchSpec[];
}

// The changes from the running watchers (app -> the spec they run) to the wanted ones; an unchanged spec keeps its watcher.
export function planWatchers(running: ReadonlyMap<string, WatchSpec>, wanted: ReadonlyMap<string, WatchSpec>): WatchPlan {
  const { remove, add } = planPerApp(running, wanted, (a, b) => JSON.stringify(a) === JSON.stringify(b));
  return { close: remove, open: add };
}

// The folders that hold a path, innermost first, up to (not including) the root.
function ancestors(file: string, separator: string): string[] {
  const found: string[] = [];
  for (let cut = file.lastIndexOf(separator); cut > 0; cut = file.lastIndexOf(separator, cut - 1)) found.push(file.slice(0, cut));
  return found;
}

// The path below cwd with / separators, or null for a path outside cwd (or cwd itself).
function insideCwd(cwd: string, file: string): string | null {
  const relative = path.relative(cwd, file);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return null;
  return relative.split(path.sep).join('/');
}

// A predicate for chokidar's `ignored`. PM2's default regex (when the app sets no ignore) is applied below cwd, so
// an app that lives in a dot-folder is still watched. Each ignore entry is a glob (dotfiles included; a backslash
// escapes, so PM2's '\\.git' is '.git') taken relative to cwd, or absolute; a folder ignores what is inside it (as in
// PM2, through chokidar 3); an entry also matches a name at any depth, as in .gitignore ('*.log', 'node_modules').
export function ignoreMatcher(spec: Pick<WatchSpec, 'cwd' | 'ignore' | 'defaultIgnore'> & Partial<Pick<WatchSpec, 'own'>>, picomatch: Picomatch): (file: string) => boolean {
  const patterns = spec.ignore.flatMap((entry) => (typeof entry === 'string' ? [entry.replace(/^\.\//, '').replace(/(.)\/+$/, '$1')] : []));
  const regexes = spec.ignore.flatMap((entry) => (typeof entry === 'string' ? [] : [new RegExp(entry.regex, entry.flags)]));
  const matcher = patterns.length === 0 ? null : picomatch(patterns, { dot: true });
  const matches = (candidate: string): boolean => matcher !== null && matcher(candidate);
  const own = spec.own ?? [];
  return (file) => {
    if (file === spec.cwd) return false;
    // The app's own output (a log, its rotated copies 'out.log.1', a pid file) and the arbor home.
    if (own.some((mine) => file === mine || file.startsWith(`${mine}.`) || file.startsWith(`${mine}${path.sep}`))) return true;
    const relative = insideCwd(spec.cwd, file);
    if (spec.defaultIgnore && DEFAULT_IGNORED.test(relative === null ? file : `/${relative}`)) return true;
    // A RegExp sees the absolute path, as in PM2 (chokidar 3), and the path below cwd ('^logs/' works too).
    if (regexes.some((regex) => regex.test(file) || (relative !== null && regex.test(relative)))) return true;
    // Absolute entries; a folder above cwd is no candidate ('**/app' must not ignore all of /srv/app).
    const folders = ancestors(file, path.sep).filter((folder) => relative === null || folder.length > spec.cwd.length);
    if (matches(file) || folders.some(matches)) return true;
    if (relative === null) return matches(path.basename(file));
    const chain = [relative, ...ancestors(relative, '/')];
    return chain.some((inside) => matches(inside) || matches(inside.slice(inside.lastIndexOf('/') + 1)));
  };
}

// Which changes count: all when the app watches plain paths only; with globs, those matching a glob or inside a plain path.
export function changeFilter(spec: Pick<WatchSpec, 'paths' | 'globs'>, picomatch: Picomatch): (file: string) => boolean {
  if (spec.globs.length === 0) return () => true;
  const matches = picomatch(spec.globs, { dot: true });
  return (file) => spec.paths.some((watched) => file === watched || file.startsWith(watched + path.sep)) || matches(file.split(path.sep).join('/'));
}

// True for the processes a file change restarts: all but the ones a user stopped (a fixed file revives an errored app).
export function restartedByChange(status: ProcessStatus): boolean {
  return status !== 'stopped' && status !== 'stopping';
}

/** Where one app's watcher is: idle, waiting watch_delay after a change, or restarting the app. */
export type WatchPhase = { kind: 'idle' } | { kind: 'waiting'; dueAt: number } | { kind: 'restarting' };

/** What happens to a watcher: a file changed, its delay ran out, or the restart it asked for is over. */
export type WatchInput = { type: 'change'; now: number } | { type: 'due'; now: number } | { type: 'restarted' };

/** The next phase, and what to do: wait `waitMs` then send `due`, or restart the app now. */
export interface WatchStep {
  phase: WatchPhase;
  waitMs?: number;
  restart?: true;
}

// PM2's debounce (lib/Watcher.js): the first change restarts the app watch_delay later; changes while that restart is
// waiting or running are dropped, so a burst of writes gives one restart; once it is done, the next change counts.
export function stepWatch(phase: WatchPhase, input: WatchInput, delayMs: number): WatchStep {
  switch (input.type) {
    case 'change':
      return phase.kind === 'idle' ? { phase: { kind: 'waiting', dueAt: input.now + delayMs }, waitMs: delayMs } : { phase };
    case 'due':
      if (phase.kind !== 'waiting') return { phase };
      return input.now >= phase.dueAt ? { phase: { kind: 'restarting' }, restart: true } : { phase, waitMs: phase.dueAt - input.now };
    case 'restarted':
      return phase.kind === 'restarting' ? { phase: { kind: 'idle' } } : { phase };
  }
}
