// PM2's watch: one chokidar watcher per watching app; a change restarts the app's processes after watch_delay.
import type { Logger } from 'pino';
import type { ProcessStatus } from '../client/types.js';
import type { ProcEntry } from './entry.js';
import {
  changeFilter,
  ignoreMatcher,
  planWatchers,
  restartedByChange,
  stepWatch,
  watchRoots,
  watchSpecs,
  type WatchInput,
  type WatchPhase,
  type WatchSpec,
} from './watch-policy.js';

type Chokidar = typeof import('chokidar');
type FileWatcher = ReturnType<Chokidar['watch']>;
type Picomatch = typeof import('picomatch');
interface WatchModules {
  chokidar: Chokidar;
  picomatch: Picomatch;
}

/** The policy's reason, as restartForPolicy announces it on the bus. */
export const WATCH_RESTART_REASON = 'watch';

/** What the watchers need from the daemon. */
export interface WatchRestartHost {
  entries(): ProcEntry[];
  live(entry: ProcEntry): { status: ProcessStatus };
  restart(pmId: number, reason: string): Promise<void>;
  log: Logger;
  /** The arbor home: changes under it never restart an app. */
  home?: string;
}

interface RunningWatcher {
  spec: WatchSpec;
  watcher: FileWatcher;
  phase: WatchPhase;
  timer: NodeJS.Timeout | null;
  closed: boolean;
}

// Keeps one watcher per watching app; chokidar and picomatch are imported on first need, so other daemons never load them.
export class WatchRestarts {
  readonly #host: WatchRestartHost;
  readonly #watchers = new Map<string, RunningWatcher>();
  #wanted = new Map<string, WatchSpec>();
  #modules: Promise<WatchModules> | null = null;
  #applied: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(host: WatchRestartHost) {
    this.#host = host;
  }

  /** Opens, replaces and closes watchers to match the entries' watch keys (apps added, removed or re-configured). */
  sync(entries: readonly ProcEntry[]): void {
    if (this.#stopped) return;
    this.#wanted = watchSpecs(entries, this.#host.home);
    if (this.#wanted.size === 0 && this.#watchers.size === 0) return;
    this.#applied = this.#applied.then(() => this.#apply());
  }

  /** Resolves once the watchers match the last sync and are ready (their initial scan is done). */
  settled(): Promise<void> {
    return this.#applied;
  }

  /** The apps being watched, with the paths chokidar watches for each. */
  watched(): Map<string, string[]> {
    return new Map([...this.#watchers].map(([app, running]) => [app, watchRoots(running.spec)]));
  }

  /** Closes every watcher for good (daemon shutdown). */
  async stop(): Promise<void> {
    this.#stopped = true;
    const closing = [...this.#watchers.values()].map((running) => this.#close(running));
    this.#watchers.clear();
    await Promise.all(closing);
  }

  // Applies the latest wanted specs; runs one at a time (sync chains them), each applying whatever is wanted now.
  async #apply(): Promise<void> {
    let modules: WatchModules;
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

  async #open(spec: WatchSpec, modules: WatchModules): Promise<void> {
    const roots = watchRoots(spec);
    const log = this.#host.log.child({ app: spec.name, watch: roots });
    let watcher: FileWatcher;
    let counts: (file: string) => boolean;
    try {
      const ignored = ignoreMatcher(spec, modules.picomatch);
      counts = changeFilter(spec, modules.picomatch);
      watcher = modules.chokidar.watch(roots, { ignoreInitial: true, persistent: true, ...spec.options, ignored });
    } catch (error) {
      // Configs are validated by the CLI; a client of the API may skip that, and must not take the daemon down.
      log.warn({ err: (error as Error).message }, 'could not watch: this app is not restarted on file changes');
      return;
    }
    const running: RunningWatcher = { spec, watcher, phase: { kind: 'idle' }, timer: null, closed: false };
    this.#watchers.set(spec.app, running);
    watcher.on('all', (event, file) => {
      if (!counts(file)) return;
      if (running.phase.kind === 'idle') log.info({ event, file }, 'change detected: restarting');
      this.#step(running, { type: 'change', now: Date.now() });
    });
    // EMFILE, a watched path that vanished: reported, never fatal.
    watcher.on('error', (error) => log.warn({ err: (error as Error).message }, 'file watcher error'));
    await new Promise<void>((resolve) => {
      watcher.once('ready', () => resolve());
      watcher.once('error', () => resolve());
    });
    log.info('watching for changes');
  }

  // Feeds one input to the app's debounce policy and carries out what it says: wait, or restart.
  #step(running: RunningWatcher, input: WatchInput): void {
    if (this.#stopped || running.closed) return;
    const step = stepWatch(running.phase, input, running.spec.delayMs);
    running.phase = step.phase;
    if (step.waitMs !== undefined) {
      running.timer = setTimeout(() => {
        running.timer = null;
        this.#step(running, { type: 'due', now: Date.now() });
      }, step.waitMs);
      running.timer.unref();
    }
    if (step.restart) void this.#restartApp(running.spec.app).finally(() => this.#step(running, { type: 'restarted' }));
  }

  // PM2 restarts the app by name (restartProcessName): every process of it, except here the ones a user stopped.
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
    running.closed = true;
    if (running.timer) clearTimeout(running.timer);
    try {
      await running.watcher.close();
    } catch (error) {
      this.#host.log.warn({ err: (error as Error).message, app: running.spec.name }, 'could not close a file watcher');
    }
  }
}

async function loadModules(): Promise<WatchModules> {
  const [chokidar, picomatch] = await Promise.all([import('chokidar'), import('picomatch')]);
  return { chokidar, picomatch: (picomatch as unknown as { default: Picomatch }).default ?? picomatch };
}
