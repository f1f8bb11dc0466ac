// The daemon's process table over one supervision tree: every RPC that changes or reads apps lands here.
import type { Logger } from 'pino';
import type { ProcessDescription, ProcessStatus, ProcessSummary } from '../client/types.js';
import type { AppConfig, TreeConfig, TreeNode } from '../config/types.js';
import { ArborError } from '../errors.js';
import { flushLogs } from '../logs/flush.js';
import { logFilesOf } from '../logs/paths.js';
import { createProcessLogWriter } from '../logs/process-log-writer.js';
import type { HomePaths } from './home.js';
import { supervisor, worker } from '../spec/builders.js';
import type { ChildDraft, OutputTarget } from '../spec/types.js';
import type { TreeEvent } from '../supervisor/events.js';
import { start, type ChildInfo, type PreparedChild, type Tree } from '../tree.js';
import { instanceLogs, ipcFallbackWarnings, workerOptions } from './app-spec.js';
import { describeEntry, restartTime, type LiveState } from './describe.js';
import { PidFiles, pidFilePath } from './pid-files.js';
import { clearDump, readDump, writeDump, type DumpEntry } from './dump.js';
import { CronRestarts } from './cron-restarts.js';
import { MemoryGuard } from './memory-guard.js';
import { WatchRestarts } from './watch-restarts.js';
import type { ProcEntry } from './entry.js';
import { applyWatchRequest, type WatchRequest } from './watch-request.js';
import { appNotFound, resolveTarget, resolveTargets } from './targets.js';
import { summarizeEntry } from './summary.js';
import { sampleUsage, warmUpUsage } from './usage.js';

/** Where the manager reports to: the bus, and its log. */
export interface ManagerHooks {
  broadcast(event: string, data: unknown): void;
  log: Logger;
  version: string;
}

/** The apps one start call creates, and how their supervisors get ids that nothing else uses. */
interface DraftBatch {
  created: ProcEntry[];
  freeId(name: string, parentPath: string): string;
}

/** A child of one start call, checked and ready to start, with the entries of its instances. */
interface StartUnit {
  child: PreparedChild;
  entries: ProcEntry[];
}

// A tree error about one of `entries`' workers, reworded for the daemon's users: `worker "root/api/3"` becomes
// `app "api"` (pm_ids are not theirs to see before the app exists).
function namingApps(error: unknown, entries: ProcEntry[]): unknown {
  if (!(error instanceof ArborError)) return error;
  let message = error.message;
  for (const entry of entries) message = message.replaceAll(`worker "${entry.supervisorPath}/${entry.pmId}"`, `app "${entry.name}"`);
  return message === error.message ? error : new ArborError(error.code, message, { details: error.details, cause: error.cause });
}

/** Restart intensity of the daemon's own supervisors: PM2 apps are independent, their crash loops end in `errored` instead. */
const APP_SUPERVISOR = { strategy: 'one_for_one', intensity: 1_000_000, period: 1 } as const;

// A unique id for PM2's unique_id field, without loading node:crypto into the daemon (0.7 MB for this alone).
let idCounter = 0;
function uniqueId(): string {
  const random = Math.floor(Math.random() * 0x1_0000_0000).toString(16).padStart(8, '0');
  return `${Date.now().toString(16)}-${process.pid.toString(16)}-${(idCounter++).toString(16)}-${random}`;
}

// Owns the tree, the process table and the log writers of one daemon.
export class Manager {
  readonly #paths: HomePaths;
  readonly #hooks: ManagerHooks;
  #tree!: Tree;
  readonly #entries = new Map<number, ProcEntry>();
  #nextId = 0;
  readonly #pidFiles: PidFiles;
  readonly #memoryGuard: MemoryGuard;
  readonly #cronRestarts: CronRestarts;
  readonly #watchRestarts: WatchRestarts;

  private constructor(paths: HomePaths, hooks: ManagerHooks) {
    this.#paths = paths;
    this.#hooks = hooks;
    this.#pidFiles = new PidFiles((error, path, action) => hooks.log.warn({ err: error.message, path }, `could not ${action} a pid file`));
    // The restart policies see the table and restart through restartForPolicy, like any policy.
    const policyHost = {
      log: hooks.log,
      home: paths.home,
      entries: () => this.entries(),
      live: (entry: ProcEntry) => this.#liveState(entry),
      restart: (pmId: number, reason: string) => this.restartForPolicy(pmId, reason),
    };
    this.#memoryGuard = new MemoryGuard(policyHost);
    this.#cronRestarts = new CronRestarts(policyHost);
    this.#watchRestarts = new WatchRestarts(policyHost);
  }

  /** Starts the daemon's root supervisor (empty). */
  static async create(paths: HomePaths, hooks: ManagerHooks): Promise<Manager> {
    const manager = new Manager(paths, hooks);
    manager.#tree = await start(supervisor({ id: 'root', ...APP_SUPERVISOR }, []), {
      // A plain copy: reading process.env goes through a native interceptor, ~1 ms per app when merged at each start.
      env: { ...process.env },
      logger: hooks.log,
      onEvent: (event) => manager.#onTreeEvent(event),
    });
    return manager;
  }

  /** All entries in pm_id order. */
  entries(): ProcEntry[] {
    return [...this.#entries.values()].sort((a, b) => a.pmId - b.pmId);
  }

  /** Starts apps: each becomes a supervisor of its instances; a tree section nests them. */
  async startApps(apps: AppConfig[], tree: TreeConfig | undefined, force: boolean): Promise<ProcessDescription[]> {
    for (const app of apps) {
      if (!force && this.#appNames().has(app.name)) {
        throw new ArborError('E_NAME_CLASH', `an app named '${app.name}' already exists; use restart, or start with -f to run a second copy`, {
          details: { field: 'name', value: app.name },
        });
      }
    }
    warmUpUsage();
    const started: ProcEntry[] = [];
    const batch: DraftBatch = { created: started, freeId: this.#supervisorIdPicker() };
    const byName = new Map(apps.map((app) => [app.name, app]));
    const drafts: (() => ChildDraft)[] = tree
      ? [() => this.#treeDraft(tree.root, byName, 'root', batch), ...tree.unlisted.map((name) => () => this.#appDraft(byName.get(name)!, 'root', batch))]
      : apps.map((app) => () => this.#appDraft(app, 'root', batch));
    const units = this.#prepareAll(drafts, batch);
    try {
      for (const unit of units) await this.#startUnit(unit);
    } finally {
      this.#entriesChanged();
    }
    await this.#pidFiles.settled();
    return this.describe(started);
  }

  // Drafts and checks every child of a start before any of them starts: a mistake in one app (a missing script, an
  // interpreter not found) then starts nothing and takes no pm_id. Synchronous, so no other request takes an id meanwhile.
  #prepareAll(drafts: (() => ChildDraft)[], batch: DraftBatch): StartUnit[] {
    const firstId = this.#nextId;
    const units: StartUnit[] = [];
    for (const draft of drafts) {
      const before = batch.created.length;
      try {
        const child = this.#tree.prepareChild(draft(), 'root');
        units.push({ child, entries: batch.created.slice(before) });
      } catch (error) {
        const failing = batch.created.slice(before);
        for (const entry of batch.created) this.#forget(entry);
        batch.created.length = 0;
        this.#nextId = firstId;
        throw namingApps(error, failing);
      }
    }
    return units;
  }

  // Starts one prepared child; if it fails to start, its entries go (the ones started before it stay, running and listed).
  async #startUnit(unit: StartUnit): Promise<void> {
    try {
      await this.#tree.startPrepared(unit.child);
    } catch (error) {
      for (const entry of unit.entries) this.#forget(entry);
      throw namingApps(error, unit.entries);
    }
  }

  // A supervisor for the app whose workers are its instances (none yet when autostart is off).
  #appDraft(app: AppConfig, parentPath: string, batch: DraftBatch): ChildDraft {
    const id = batch.freeId(app.name, parentPath);
    const path = `${parentPath}/${id}`;
    for (const warning of ipcFallbackWarnings(app)) this.#hooks.log.warn({ name: app.name }, warning);
    const workers: ChildDraft[] = [];
    for (let instance = 0; instance < app.instances; instance += 1) {
      const entry = this.#newEntry(app, instance, path);
      batch.created.push(entry);
      if (app.autostart) workers.push(worker(this.#workerOptions(entry)));
    }
    return supervisor({ id, ...APP_SUPERVISOR }, workers);
  }

  #treeDraft(node: TreeNode, apps: Map<string, AppConfig>, parentPath: string, batch: DraftBatch): ChildDraft {
    if (node.kind === 'app') {
      // Inside a tree an app's crash is its supervisor's business: the app's own supervisor escalates at once
      // (intensity 0), so the tree's strategy decides who restarts and the tree's intensity bounds crash loops.
      const draft = this.#appDraft(apps.get(node.app)!, parentPath, batch);
      if (draft.kind === 'supervisor') Object.assign(draft.options, { intensity: 0, restart: node.restart ?? 'permanent', significant: node.significant ?? false });
      return draft;
    }
    const id = node.options.id;
    return supervisor(node.options, node.children.map((child) => this.#treeDraft(child, apps, `${parentPath}/${id}`, batch)));
  }

  #newEntry(app: AppConfig, instance: number, supervisorPath: string): ProcEntry {
    const pmId = this.#nextId++;
    const entry: ProcEntry = {
      pmId,
      name: app.name,
      namespace: app.namespace,
      app,
      instance,
      supervisorPath,
      logs: instanceLogs(app, pmId, this.#paths.home),
      pidFile: pidFilePath({ pidsDir: this.#paths.pidsDir, name: app.name, pmId, pidFile: app.pid_file, cwd: app.cwd }),
      writers: [],
      createdAt: Date.now(),
      pmUptime: Date.now(),
      starts: 0,
      restartBase: 0,
      unstableRestarts: 0,
      prevRestartDelay: 0,
      lastExit: null,
      uniqueId: uniqueId(),
      channel: null,
    };
    this.#entries.set(pmId, entry);
    return entry;
  }

  #workerOptions(entry: ProcEntry): ReturnType<typeof workerOptions> {
    return workerOptions(entry.app, { pmId: entry.pmId, instance: entry.instance, logs: entry.logs }, this.#paths.home, this.#outputs(entry), {
      attach: (channel) => {
        entry.channel = channel as ProcEntry['channel'];
        // PM2's process:msg: whatever the app sends with process.send reaches the bus.
        channel.on('message', (raw) =>
          this.#hooks.broadcast('process:msg', { process: { pm_id: entry.pmId, name: entry.name, namespace: entry.namespace }, at: Date.now(), raw }),
        );
      },
    });
  }

  // --time, json and combined logs go through the daemon (a second copy of each line needs it); plain logs go straight to the files.
  #outputs(entry: ProcEntry): { stdout: OutputTarget; stderr: OutputTarget } | undefined {
    const app = entry.app;
    if (!app.time && app.log_type !== 'json' && entry.logs.combined === null) return undefined;
    for (const writer of entry.writers.splice(0)) void writer.close();
    const writer = createProcessLogWriter({
      paths: entry.logs,
      transform: app.log_type === 'json' ? 'json' : app.time ? 'timestamp' : 'none',
      dateFormat: app.log_date_format,
      appName: entry.name,
      processId: entry.pmId,
      maxBytes: app.log_max_size > 0 ? app.log_max_size : undefined,
      retain: app.log_retain,
      onLine: (type, line) =>
        this.#hooks.broadcast(`log:${type}`, { process: { pm_id: entry.pmId, name: entry.name, namespace: entry.namespace }, at: Date.now(), data: line }),
    });
    entry.writers.push(writer);
    return { stdout: { pipe: (stream) => writer.attach('out', stream) }, stderr: { pipe: (stream) => writer.attach('err', stream) } };
  }

  /** Stops the targets; they stay in the list, stopped. `watch: false` also stops watching their apps. */
  async stop(targets: string[], watch?: false): Promise<ProcessDescription[]> {
    const chosen = resolveTargets(targets, this.entries());
    if (watch === false) this.#changeWatch(chosen, watch);
    for (const entry of chosen) await this.#terminate(entry);
    await this.#pidFiles.settled();
    this.#announce(chosen, 'stop');
    return this.describe(chosen);
  }

  /** Restarts the targets (stopped ones start); with `env`, the new environment replaces the stored one; `watch` changes their apps' watching. */
  async restart(targets: string[], env?: Record<string, string>, watch?: WatchRequest): Promise<ProcessDescription[]> {
    const chosen = resolveTargets(targets, this.entries());
    if (watch !== undefined) this.#changeWatch(chosen, watch);
    for (const entry of chosen) {
      // PM2 counts a restart only when a running process is replaced; a stopped one is simply started.
      const { status } = this.#liveState(entry);
      const wasRunning = status !== 'stopped' && status !== 'errored';
      await this.#terminate(entry);
      if (env) entry.app = { ...entry.app, env };
      if (!wasRunning && entry.starts > 0) entry.restartBase += 1;
      await this.#startEntry(entry, env !== undefined);
    }
    await this.#pidFiles.settled();
    this.#announce(chosen, 'restart');
    return this.describe(chosen);
  }

  /**
   * Restarts one process because a policy asked (memory limit, cron, file change): counted in restart_time like a
   * crash restart, announced on the bus as `restart` with the reason. A process that is gone or being deleted is skipped.
   */
  async restartForPolicy(pmId: number, reason: string): Promise<void> {
    const entry = this.#entries.get(pmId);
    if (!entry) return;
    const { status } = this.#liveState(entry);
    const wasRunning = status !== 'stopped' && status !== 'errored';
    this.#hooks.log.info({ pm_id: pmId, name: entry.name, reason }, 'restarting for a policy');
    await this.#terminate(entry);
    if (!this.#entries.has(pmId)) return;
    if (!wasRunning && entry.starts > 0) entry.restartBase += 1;
    await this.#startEntry(entry, false);
    this.#broadcastProcess(entry, 'restart', false, { reason });
  }

  /** Stops the targets and removes them from the list. */
  async delete(targets: string[]): Promise<ProcessDescription[]> {
    const chosen = resolveTargets(targets, this.entries());
    const described = this.describe(chosen).map((description) => ({ ...description, pm2_env: { ...description.pm2_env, status: 'stopped' as const } }));
    for (const entry of chosen) {
      await this.#terminate(entry);
      if (this.#live(entry)) await this.#tree.deleteChild(String(entry.pmId), entry.supervisorPath);
      this.#forget(entry);
      await this.#dropEmptySupervisor(entry.supervisorPath);
    }
    this.#entriesChanged();
    await this.#pidFiles.settled();
    this.#announce(chosen, 'delete');
    return described;
  }

  /** Zeroes the restart counters of the targets. */
  reset(target: string): ProcessDescription[] {
    const chosen = resolveTarget(target, this.entries());
    for (const entry of chosen) {
      entry.restartBase = Math.max(0, entry.starts - 1);
      entry.unstableRestarts = 0;
    }
    return this.describe(chosen);
  }

  /** Sets the number of processes of an app (new ones get the next ids; the newest go first). */
  async scale(name: string, change: { instances?: number; delta?: number }): Promise<ProcessDescription[]> {
    const current = this.entries().filter((entry) => entry.name === name);
    if (current.length === 0) throw appNotFound(name, this.entries());
    const wanted = change.instances ?? current.length + (change.delta ?? 0);
    if (!Number.isInteger(wanted) || wanted < 0) {
      throw new ArborError('E_BAD_REQUEST', `scale needs a whole number of instances >= 0, got ${wanted}`, { details: { field: 'instances', value: wanted } });
    }
    if (wanted < current.length) await this.delete(current.slice(wanted).map((entry) => String(entry.pmId)));
    const base = current[0]!;
    const used = new Set(current.map((entry) => entry.instance));
    for (let count = current.length; count < wanted; count += 1) {
      let instance = 0;
      while (used.has(instance)) instance += 1;
      used.add(instance);
      const entry = this.#newEntry({ ...base.app, instances: wanted }, instance, base.supervisorPath);
      await this.#tree.startChild(worker(this.#workerOptions(entry)), entry.supervisorPath).catch((error: unknown) => {
        this.#forget(entry);
        throw error;
      });
    }
    this.#entriesChanged();
    await this.#pidFiles.settled();
    return this.describe(this.entries().filter((entry) => entry.name === name));
  }

  /** Sends a message to each target's process over its IPC channel (PM2's sendDataToProcessId); Node apps only. */
  sendData(target: string, data: unknown): ProcessDescription[] {
    const chosen = resolveTarget(target, this.entries());
    for (const entry of chosen) {
      const channel = entry.channel;
      if (this.#liveState(entry).status !== 'online' || !channel || channel.connected === false) {
        throw new ArborError('E_BAD_REQUEST', `cannot send data to ${entry.name} (id ${entry.pmId}): it is not online with an IPC channel (only Node apps have one)`, {
          details: { field: 'target', value: target },
        });
      }
      channel.send(data);
    }
    return this.describe(chosen);
  }

  /** Sends a signal to each target's main process. */
  sendSignal(signal: string, target: string): ProcessDescription[] {
    const chosen = resolveTarget(target, this.entries());
    for (const entry of chosen) {
      const pid = this.#liveState(entry).pid;
      if (pid === null) continue;
      try {
        process.kill(pid, signal);
      } catch (cause) {
        throw new ArborError('E_BAD_REQUEST', `cannot send ${signal} to ${entry.name} (pid ${pid}): ${(cause as Error).message}`, { cause, details: { field: 'signal', value: signal } });
      }
    }
    return this.describe(chosen);
  }

  /** The jlist objects of the given entries (default all), with one batched CPU/memory sample. */
  describe(entries: ProcEntry[] = this.entries()): ProcessDescription[] {
    const live = this.#liveStates(entries);
    const usage = this.#lastUsage;
    return entries.map((entry, index) => describeEntry(entry, live[index]!, usage.get(live[index]!.pid ?? -1), this.#hooks.version));
  }

  /** The `ls` view of every entry, with the last CPU/memory sample. */
  summarize(): ProcessSummary[] {
    const entries = this.entries();
    const live = this.#liveStates(entries);
    return entries.map((entry, index) => summarizeEntry(entry, live[index]!, this.#lastUsage.get(live[index]!.pid ?? -1)));
  }

  #lastUsage = new Map<number, { memory: number; cpu: number }>();

  /** Refreshes CPU/memory of the running processes in one batched call; `list` calls it first. */
  async refreshUsage(): Promise<void> {
    const pids = this.#liveStates(this.entries())
      .map((live) => live.pid)
      .filter((pid): pid is number => pid !== null);
    this.#lastUsage = await sampleUsage(pids);
  }

  /** The jlist objects of what a target names. */
  describeTarget(target: string): ProcessDescription[] {
    return this.describe(resolveTarget(target, this.entries()));
  }

  /** Log files of the targets (all when none). */
  logFiles(target?: string): { pm_id: number; name: string; namespace: string; out: string | null; err: string | null }[] {
    const chosen = target === undefined ? this.entries() : resolveTarget(target, this.entries());
    return chosen.map((entry) => ({ pm_id: entry.pmId, name: entry.name, namespace: entry.namespace, out: entry.logs.out, err: entry.logs.err }));
  }

  /** Truncates log files, combined logs included (all, plus the daemon's own log, when no target). */
  flush(target?: string): string[] {
    const chosen = target === undefined ? this.entries() : resolveTarget(target, this.entries());
    const files = chosen.flatMap((entry) => logFilesOf(entry.logs));
    if (target === undefined) files.push(this.#paths.daemonLog);
    flushLogs(files);
    return files;
  }

  /** Reopens the daemon-side log writers (after an outside tool moved the files). */
  reloadLogs(): string[] {
    for (const entry of this.#entries.values()) for (const writer of entry.writers) writer.reopen();
    return this.entries().flatMap((entry) => logFilesOf(entry.logs));
  }

  /** Saves the app list (one entry per app, running or stopped). */
  save(force: boolean): { file: string; count: number; skipped?: boolean } {
    const apps = this.#dumpEntries();
    // PM2 keeps the previous dump rather than overwrite it with an empty list (unless forced): no error, nothing written.
    if (apps.length === 0 && !force) return { file: this.#paths.dumpFile, count: 0, skipped: true };
    writeDump(this.#paths.dumpFile, this.#paths.dumpBackup, apps);
    return { file: this.#paths.dumpFile, count: apps.length };
  }

  /** Starts the saved apps that are not in the list yet; saved-as-stopped apps come back stopped. */
  async resurrect(): Promise<ProcessDescription[]> {
    const { apps, warnings } = readDump(this.#paths.dumpFile, this.#paths.dumpBackup);
    for (const warning of warnings) this.#hooks.log.warn(warning);
    const names = this.#appNames();
    const restored: ProcessDescription[] = [];
    for (const saved of apps) {
      if (names.has(saved.app.name)) continue;
      const app = saved.status === 'stopped' ? { ...saved.app, autostart: false } : saved.app;
      const started = await this.startApps([app], undefined, false);
      if (saved.status === 'stopped') for (const entry of this.entries().filter((e) => e.name === app.name)) entry.app = saved.app;
      restored.push(...started);
    }
    return restored;
  }

  /** Removes the dump file. */
  clearDump(): string {
    clearDump(this.#paths.dumpFile);
    return this.#paths.dumpFile;
  }

  /** Saves the list (when there is one) and stops everything, in reverse start order. */
  async shutdown(save: boolean): Promise<number> {
    const count = this.#entries.size;
    if (save && count > 0) {
      try {
        this.save(false);
      } catch (error) {
        this.#hooks.log.error({ err: (error as Error).message }, 'could not save the process list');
      }
    }
    this.#memoryGuard.stop();
    this.#cronRestarts.stop();
    await this.#watchRestarts.stop();
    await this.#tree.stop();
    for (const entry of this.#entries.values()) for (const writer of entry.writers) await writer.close();
    for (const entry of this.#entries.values()) this.#pidFiles.remove(entry.pidFile);
    await this.#pidFiles.settled();
    return count;
  }

  #dumpEntries(): DumpEntry[] {
    const byName = new Map<string, DumpEntry>();
    for (const entry of this.entries()) {
      const running = this.#liveState(entry).status !== 'stopped';
      const known = byName.get(entry.name);
      if (!known) {
        byName.set(entry.name, { app: { ...entry.app, instances: 1 }, status: running ? 'online' : 'stopped' });
        continue;
      }
      known.app.instances += 1;
      if (running) known.status = 'online';
    }
    return [...byName.values()];
  }

  async #terminate(entry: ProcEntry): Promise<void> {
    const live = this.#liveState(entry);
    if (live.status === 'stopped' || live.status === 'errored') {
      if (this.#live(entry) && live.status === 'errored') await this.#tree.terminateChild(String(entry.pmId), entry.supervisorPath);
      return;
    }
    await this.#tree.terminateChild(String(entry.pmId), entry.supervisorPath);
  }

  async #startEntry(entry: ProcEntry, respec: boolean): Promise<void> {
    const id = String(entry.pmId);
    if (this.#live(entry) && respec) await this.#tree.deleteChild(id, entry.supervisorPath);
    entry.pmUptime = Date.now();
    if (this.#live(entry)) await this.#tree.restartChild(id, entry.supervisorPath);
    else await this.#tree.startChild(worker(this.#workerOptions(entry)), entry.supervisorPath);
  }

  async #dropEmptySupervisor(path: string): Promise<void> {
    if ([...this.#entries.values()].some((entry) => entry.supervisorPath === path)) return;
    const cut = path.lastIndexOf('/');
    const parent = path.slice(0, cut);
    const id = path.slice(cut + 1);
    try {
      await this.#tree.terminateChild(id, parent);
      await this.#tree.deleteChild(id, parent);
    } catch (error) {
      this.#hooks.log.warn({ err: (error as Error).message, path }, 'could not remove an empty app supervisor');
    }
  }

  #forget(entry: ProcEntry): void {
    this.#entries.delete(entry.pmId);
    this.#pidFiles.remove(entry.pidFile);
    for (const writer of entry.writers.splice(0)) void writer.close();
  }

  // True when the tree still holds the worker (a stopped temporary worker is gone from it).
  #live(entry: ProcEntry): boolean {
    return this.#childInfo(entry) !== undefined;
  }

  #childInfo(entry: ProcEntry): ChildInfo | undefined {
    try {
      return workerOf(this.#tree.children(entry.supervisorPath), entry);
    } catch {
      return undefined;
    }
  }

  #liveState(entry: ProcEntry): LiveState {
    return liveStateOf(this.#childInfo(entry));
  }

  // The live states of many entries from one walk of the tree: linear in the entries, where #liveState for each
  // would look every app's supervisor up among all of them (ls and jlist with 1000 apps).
  #liveStates(entries: readonly ProcEntry[]): LiveState[] {
    const byPath = this.#tree.childrenByPath();
    return entries.map((entry) => liveStateOf(workerOf(byPath.get(entry.supervisorPath) ?? [], entry)));
  }

  #appNames(): Set<string> {
    return new Set([...this.#entries.values()].map((entry) => entry.name));
  }

  // Picks app supervisor ids for one batch: unused by any app and by the parent's children (`name`, else `name~2`...).
  // What is taken is gathered once per batch, not once per app, so starting n apps stays O(n).
  #supervisorIdPicker(): DraftBatch['freeId'] {
    const used = new Set<string>();
    for (const entry of this.#entries.values()) used.add(entry.supervisorPath.slice(entry.supervisorPath.lastIndexOf('/') + 1));
    const childIds = new Map<string, Set<string>>();
    const childrenOf = (parentPath: string): Set<string> => {
      let ids = childIds.get(parentPath);
      if (ids === undefined) {
        ids = new Set();
        try {
          for (const child of this.#tree.children(parentPath)) ids.add(child.id);
        } catch {
          // the parent is being created in the same draft
        }
        childIds.set(parentPath, ids);
      }
      return ids;
    };
    return (name, parentPath) => {
      const siblings = childrenOf(parentPath);
      let id = name;
      for (let copy = 2; used.has(id) || siblings.has(id); copy += 1) id = `${name}~${copy}`;
      used.add(id);
      return id;
    };
  }

  // Applies a --watch request to the apps of the chosen processes (watching is per app: all its processes change, as
  // the app's first process decides), then lets the watchers follow.
  #changeWatch(chosen: readonly ProcEntry[], request: WatchRequest): void {
    for (const app of new Set(chosen.map((entry) => entry.supervisorPath))) {
      const processes = this.entries().filter((entry) => entry.supervisorPath === app);
      const first = processes[0];
      if (!first) continue;
      const next = applyWatchRequest({ watch: first.app.watch, lastWatch: first.lastWatch }, request);
      for (const entry of processes) {
        entry.app = { ...entry.app, watch: next.watch };
        entry.lastWatch = next.lastWatch;
      }
    }
    this.#entriesChanged();
  }

  // Tells every per-app policy (memory limit, cron, file watching) that apps were added, removed or re-configured.
  #entriesChanged(): void {
    const entries = this.entries();
    this.#memoryGuard.sync(entries);
    this.#cronRestarts.sync(entries);
    this.#watchRestarts.sync(entries);
  }

  #announce(entries: ProcEntry[], event: string): void {
    for (const entry of entries) this.#broadcastProcess(entry, event, true);
  }

  #broadcastProcess(entry: ProcEntry, event: string, manually: boolean, extra: Record<string, unknown> = {}): void {
    const live = this.#liveState(entry);
    this.#hooks.broadcast('process:event', {
      event,
      manually,
      process: { pm_id: entry.pmId, name: entry.name, namespace: entry.namespace, status: live.status, pid: live.pid, restart_time: restartTime(entry) },
      at: Date.now(),
      ...extra,
    });
  }

  // Keeps the table in step with the tree and puts PM2's process events on the bus.
  #onTreeEvent(event: TreeEvent): void {
    if (!/^\d+$/.test(event.id)) return;
    const entry = this.#entries.get(Number(event.id));
    if (!entry || entry.supervisorPath !== event.supervisor) return;
    switch (event.type) {
      case 'child.started':
        entry.starts += 1;
        entry.pmUptime = Date.now();
        if (event.pid !== null) this.#pidFiles.write(entry.pidFile, event.pid);
        this.#broadcastProcess(entry, 'online', false);
        return;
      case 'child.exited':
        entry.lastExit = event.exit;
        // PM2 removes the pid file at every exit; the next start writes it again.
        this.#pidFiles.remove(entry.pidFile);
        if (event.exit.uptimeMs < entry.app.min_uptime && event.exit.reason !== 'normal') entry.unstableRestarts += 1;
        this.#broadcastProcess(entry, 'exit', false, { exit: event.exit });
        return;
      case 'child.restarting':
        entry.prevRestartDelay = event.delayMs;
        return;
      case 'child.errored':
        this.#broadcastProcess(entry, 'restart overlimit', false);
        return;
      case 'child.stopped':
        if (event.exit) entry.lastExit = event.exit;
        this.#pidFiles.remove(entry.pidFile);
        return;
      default:
        return;
    }
  }
}

// The entry's worker among its app supervisor's children (the worker's id is the pm_id).
function workerOf(children: readonly ChildInfo[], entry: ProcEntry): ChildInfo | undefined {
  return children.find((child) => child.id === String(entry.pmId));
}

// A worker's status and pid as the table shows them; a worker the tree no longer holds is stopped.
function liveStateOf(child: ChildInfo | undefined): LiveState {
  return child === undefined ? { status: 'stopped', pid: null } : { status: child.status as ProcessStatus, pid: child.pid };
}
