// PM2's watch: one chokidar watcher per watching app; a change restarts the app's processes after watch_delay.
import * as path from 'node:path';
import type { Logger } from 'pino';
import type { ProcessStatus } from '../client/types.js';
import type { ProcEntry } from './entry.js';

type Chokidar = typeof import('chokidar');
type FileWatcher = ReturnType<Chokidar['watch']>;
type Picomatch = typeof import('picomatch');

/** The policy's reason, as restartForPolicy announces it on the bus. */
export const WATCH_RESTART_REASON = 'watch';

/** What PM2 ignores when an app sets no ignore_watch: dotfiles and dot-folders, and node_modules. */
export const DEFAULT_IGNORED = /[/\\]\.|node_modules/;

/** One app's watching, as its config asks. `app` is the app's supervisor path (unique even for two copies of a name). */
export interface WatchSpec {
  app: string;
  name: string;
  cwd: string;
  /** Absolute paths to watch. */
  paths: string[];
  /** ignore_watch as given (globs or paths relative to cwd); empty means PM2's default. */
  ignore: string[];
  delayMs: number;
  options: Record<string, unknown>;
}

// The watch specs the entries ask for, one per app (its first process speaks for it); apps without watch have none.
export function watchSpecs(entries: readonly ProcEntry[]): Map<string, WatchSpec> {
  const specs = new Map<string, WatchSpec>();
  for (const entry of entries) {
    const { watch, cwd } = entry.app;
    if (watch === false || specs.has(entry.supervisorPath)) continue;
    const paths = watch === true ? [cwd] : watch.map((given) => path.resolve(cwd, given));
    if (paths.length === 0) continue;
    specs.set(entry.supervisorPath, {
      app: entry.supervisorPath,
      name: entry.name,
      cwd,
      paths,
      ignore: entry.app.ignore_watch,
      delayMs: entry.app.watch_delay,
      options: entry.app.watch_options ?? {},
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
  const same = (a: WatchSpec | undefined, b: WatchSpec | undefined): boolean => a !== undefined && b !== undefined && JSON.stringify(a) === JSON.stringify(b);
  const plan: WatchPlan = { close: [], open: [] };
  for (const [app, spec] of running) if (!same(spec, wanted.get(app))) plan.close.push(app);
  for (const [app, spec] of wanted) if (!same(running.get(app), spec)) plan.open.push(spec);
  return plan;
}

// A predicate for chokidar's `ignored`: PM2's default regex, or the ignore_watch entries as globs (dotfiles included)
// matched against the path relative to cwd, its base name, and each of its parent folders.
export function ignoreMatcher(spec: Pick<WatchSpec, 'cwd' | 'ignore'>, picomatch: Picomatch): (file: string) => boolean {
  if (spec.ignore.length === 0) return (file) => DEFAULT_IGNORED.test(file);
  const patterns = spec.ignore.map((pattern) => pattern.replace(/^\.\//, '').replace(/\/+$/, ''));
  const matches = picomatch(patterns, { dot: true });
  return (file) => {
    const relative = path.relative(spec.cwd, file);
    if (relative === '') return false;
    if (matches(relative) || matches(path.basename(relative)) || matches(file)) return true;
    // A pattern naming a folder ignores what is inside it.
    const parts = relative.split(path.sep);
    for (let depth = 1; depth < parts.length; depth += 1) if (matches(parts.slice(0, depth).join('/'))) return true;
    return false;
  };
}

// True for the processes a file change restarts: all but the ones a user stopped (a fixed file revives an errored app).
export function restartedByChange(status: ProcessStatus): boolean {
  return status !== 'stopped' && status !== 'stopping';
}

/** What the watchers need from the daemon. */
export interface WatchRestartHost {
  entries(): ProcEntry[];
  live(entry: ProcEntry): { status: ProcessStatus };
  restart(pmId: number, reason: string): Promise<void>;
  log: Logger;
}

interface RunningWatcher {
  spec: WatchSpec;
  watcher: FileWatcher;
  pending: boolean;
  timer: NodeJS.Timeout | null;
}

// Keeps one watcher per watching app; chokidar and picomatch are imported on first need, so other daemons never load them.
export class WatchRestarts {
  readonly #host: WatchRestartHost;
  readonly #watchers = new Map<string, RunningWatcher>();
  #wanted = new Map<string, WatchSpec>();
  #modules: Promise<{ chokidar: Chokidar; picomatch: Picomatch }> | null = null;
  #applied: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(host: WatchRestartHost) {
    this.#host = host;
  }

  /** Opens, replaces and closes watchers to match the entries' watch keys (apps added, removed or re-configured). */
  sync(entries: readonly ProcEntry[]): void {
    if (this.#stopped) return;
    this.#wanted = watchSpecs(entries);
    if (this.#wanted.size === 0 && this.#watchers.size === 0) return;
    this.#applied = this.#applied.then(() => this.#apply());
  }

  /** Resolves once the watchers match the last sync and are ready (their initial scan is done). */
  settled(): Promise<void> {
    return this.#applied;
  }

  /** The apps being watched, with the paths. */
  watched(): Map<string, string[]> {
    return new Map([...this.#watchers].map(([app, running]) => [app, running.spec.paths]));
  }

  /** Closes every watcher for good (daemon shutdown). */
  async stop(): Promise<void> {
    this.#stopped = true;
    const closing = [...this.#watchers.values()].map((running) => this.#close(running));
    this.#watchers.clear();
    await Promise.all(closing);
  }

  async #apply(): Promise<void> {
    let modules: { chokidar: Chokidar; picomatch: Picomatch };
    try {
      modules = await (this.#modules ??= loadModules());
    } catch (error) {
      this.#modules = null;
      this.#host.log.error({ err: (error as Error).message }, 'could not load chokidar: watch is not applied');
      return;
    }
    if (this.#stopped) return;
    const plan = planWatchers(new Map([...this.#watchers].map(([app, running]) => [app, running.spec])), this.#wanted);
    for (const app of plan.close) {
      const running = this.#watchers.get(app);
      this.#watchers.delete(app);
      if (running) await this.#close(running);
    }
    await Promise.all(plan.open.map((spec) => this.#open(spec, modules)));
  }

  async #open(spec: WatchSpec, modules: { chokidar: Chokidar; picomatch: Picomatch }): Promise<void> {
    const log = this.#host.log.child({ app: spec.name, watch: spec.paths });
    const ignored = ignoreMatcher(spec, modules.picomatch);
    const watcher = modules.chokidar.watch(spec.paths, { ignoreInitial: true, persistent: true, ...spec.options, ignored });
    const running: RunningWatcher = { spec, watcher, pending: false, timer: null };
    this.#watchers.set(spec.app, running);
    watcher.on('all', (event, file) => this.#changed(running, event, file, log));
    // EMFILE, a watched path that vanished: reported, never fatal.
    watcher.on('error', (error) => log.warn({ err: (error as Error).message }, 'file watcher error'));
    await new Promise<void>((resolve) => {
      watcher.once('ready', () => resolve());
      watcher.once('error', () => resolve());
    });
    log.info('watching for changes');
  }

  #changed(running: RunningWatcher, event: string, file: string, log: Logger): void {
    // As PM2 (lib/Watcher.js): the first change restarts after watch_delay; changes that come while that restart is
    // pending or running are dropped, so a burst of writes gives one restart.
    if (this.#stopped || this.#watchers.get(running.spec.app) !== running || running.pending) return;
    running.pending = true;
    log.info({ event, file }, 'change detected: restarting');
    running.timer = setTimeout(() => {
      running.timer = null;
      void this.#restartApp(running.spec.app).finally(() => {
        running.pending = false;
      });
    }, running.spec.delayMs);
    running.timer.unref();
  }

  async #restartApp(app: string): Promise<void> {
    for (const entry of this.#host.entries().filter((candidate) => candidate.supervisorPath === app)) {
      if (this.#stopped || !restartedByChange(this.#host.live(entry).status)) continue;
      try {
        await this.#host.restart(entry.pmId, WATCH_RESTART_REASON);
      } catch (error) {
        this.#host.log.error({ pm_id: entry.pmId, name: entry.name, err: (error as Error).message }, 'watch restart failed');
      }
    }
  }

  async #close(running: RunningWatcher): Promise<void> {
    if (running.timer) clearTimeout(running.timer);
    try {
      await running.watcher.close();
    } catch (error) {
      this.#host.log.warn({ err: (error as Error).message, app: running.spec.name }, 'could not close a file watcher');
    }
  }
}

async function loadModules(): Promise<{ chokidar: Chokidar; picomatch: Picomatch }> {
  const [chokidar, picomatch] = await Promise.all([import('chokidar'), import('picomatch')]);
  return { chokidar, picomatch: (picomatch as unknown as { default: Picomatch }).default ?? picomatch };
}
