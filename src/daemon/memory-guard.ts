// PM2's max_memory_restart: restarts a process whose main pid's resident memory (RSS) passes its app's limit.
import type { Logger } from 'pino';
import type { AppConfig } from '../config/types.js';
import type { ProcessStatus } from '../client/types.js';
import type { LiveState } from './describe.js';
import type { ProcEntry } from './entry.js';
import { sampleUsage } from './usage.js';

/**
 * How often the limits are checked. PM2 checks every 30 s, which users find far too slow (#3333): a leak has 30 s to
 * take the machine down. One check here is one batched pidusage call over the processes that have a limit and nothing
 * else (on Linux: one read of /proc/<pid>/stat per such process, no child process), and the timer exists only while
 * some app sets a limit, so a check every second costs next to nothing and the idle daemon of plain apps pays zero.
 */
export const DEFAULT_MEMORY_CHECK_MS = 1000;

/** The policy's reason, as restartForPolicy announces it on the bus. */
export const MEMORY_RESTART_REASON = 'max_memory_restart';

/** One process of an app with a limit, with what the tree says about it now. */
export interface MemoryWatch {
  pmId: number;
  name: string;
  pid: number | null;
  status: ProcessStatus;
  limitBytes: number;
  /** When the current run started (ms since epoch). */
  startedAt: number;
  /** The app's min_uptime: a run younger than this is not judged yet. */
  minUptimeMs: number;
}

/** A process over its limit, with what was measured. */
export interface MemoryVerdict {
  pmId: number;
  name: string;
  pid: number;
  rssBytes: number;
  limitBytes: number;
}

// The check interval: ARBOR_MEMORY_CHECK_MS when it is a whole number of at least 10 ms (tests shorten it), else 1 s.
export function memoryCheckInterval(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.ARBOR_MEMORY_CHECK_MS;
  const ms = raw === undefined || raw.trim() === '' ? Number.NaN : Number(raw);
  return Number.isInteger(ms) && ms >= 10 ? ms : DEFAULT_MEMORY_CHECK_MS;
}

// The app's limit in bytes, or undefined when it has none (the check is defensive: API clients may skip validation).
export function memoryLimitOf(app: Pick<AppConfig, 'max_memory_restart'>): number | undefined {
  const limit = app.max_memory_restart;
  return typeof limit === 'number' && Number.isFinite(limit) && limit > 0 ? limit : undefined;
}

// The watch list: every process whose app sets a limit, with its live state.
export function memoryWatches(entries: readonly ProcEntry[], live: (entry: ProcEntry) => LiveState): MemoryWatch[] {
  const watches: MemoryWatch[] = [];
  for (const entry of entries) {
    const limitBytes = memoryLimitOf(entry.app);
    if (limitBytes === undefined) continue;
    const { status, pid } = live(entry);
    watches.push({ pmId: entry.pmId, name: entry.name, pid, status, limitBytes, startedAt: entry.pmUptime, minUptimeMs: entry.app.min_uptime });
  }
  return watches;
}

// The pids worth sampling: online processes with a pid, not being restarted already.
export function pidsToSample(watches: readonly MemoryWatch[], inFlight: ReadonlySet<number>): number[] {
  return watches.filter((watch) => isJudged(watch, inFlight)).map((watch) => watch.pid!);
}

/**
 * The processes to restart: online, not already being restarted, measured (by pid: a process that restarted since the
 * sample has a new pid and is left for the next check) above their limit, and up for at least min_uptime. That last
 * rule keeps an app that boots above its limit from being restarted as fast as it can spawn; past its warm-up it costs
 * nothing (the process is judged at the first check after min_uptime).
 */
export function overMemoryLimit(
  watches: readonly MemoryWatch[],
  rssByPid: ReadonlyMap<number, number>,
  now: number,
  inFlight: ReadonlySet<number>,
): MemoryVerdict[] {
  const verdicts: MemoryVerdict[] = [];
  for (const watch of watches) {
    if (!isJudged(watch, inFlight) || now - watch.startedAt < watch.minUptimeMs) continue;
    const rssBytes = rssByPid.get(watch.pid!);
    if (rssBytes === undefined || rssBytes <= watch.limitBytes) continue;
    verdicts.push({ pmId: watch.pmId, name: watch.name, pid: watch.pid!, rssBytes, limitBytes: watch.limitBytes });
  }
  return verdicts;
}

function isJudged(watch: MemoryWatch, inFlight: ReadonlySet<number>): boolean {
  return watch.status === 'online' && watch.pid !== null && !inFlight.has(watch.pmId);
}

/** What the guard needs from the daemon. */
export interface MemoryGuardHost {
  entries(): ProcEntry[];
  live(entry: ProcEntry): LiveState;
  restart(pmId: number, reason: string): Promise<void>;
  log: Logger;
}

/** Test seams: the interval, the RSS sampler and the clock. */
export interface MemoryGuardOptions {
  intervalMs?: number;
  sampleRss?: (pids: number[]) => Promise<Map<number, number>>;
  now?: () => number;
}

// RSS by pid through the batched pidusage sample the list command uses (PM2 reads memory with pidusage too).
async function sampleRss(pids: number[]): Promise<Map<number, number>> {
  const usage = await sampleUsage(pids);
  return new Map([...usage].map(([pid, { memory }]) => [pid, memory]));
}

// Checks the limits on an unref'd timer that runs only while some app has a limit; one restart per process at a time.
export class MemoryGuard {
  readonly #host: MemoryGuardHost;
  readonly #intervalMs: number;
  readonly #sampleRss: (pids: number[]) => Promise<Map<number, number>>;
  readonly #now: () => number;
  readonly #inFlight = new Set<number>();
  #timer: NodeJS.Timeout | null = null;
  #checking = false;
  #active = false;
  #stopped = false;

  constructor(host: MemoryGuardHost, options: MemoryGuardOptions = {}) {
    this.#host = host;
    this.#intervalMs = options.intervalMs ?? memoryCheckInterval();
    this.#sampleRss = options.sampleRss ?? sampleRss;
    this.#now = options.now ?? Date.now;
  }

  /** True while the checks are scheduled. */
  get active(): boolean {
    return this.#active;
  }

  /** Starts the checks when some entry's app sets a limit, stops them when none does. */
  sync(entries: readonly ProcEntry[]): void {
    this.#active = !this.#stopped && entries.some((entry) => memoryLimitOf(entry.app) !== undefined);
    if (!this.#active && this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    if (this.#active && this.#timer === null && !this.#checking) this.#schedule();
  }

  /** Stops the checks for good (daemon shutdown); restarts already asked for run to their end. */
  stop(): void {
    this.#stopped = true;
    this.sync([]);
  }

  /** One check: samples the limited processes and restarts those over their limit; resolves once the restarts are asked for. */
  async check(): Promise<MemoryVerdict[]> {
    const pids = pidsToSample(this.#watches(), this.#inFlight);
    if (pids.length === 0) return [];
    const rss = await this.#sampleRss(pids);
    if (this.#stopped) return [];
    // Judged against the table as it is after the sample: a process restarted meanwhile has a new pid, not in `rss`.
    const verdicts = overMemoryLimit(this.#watches(), rss, this.#now(), this.#inFlight);
    for (const verdict of verdicts) this.#restart(verdict);
    return verdicts;
  }

  #watches(): MemoryWatch[] {
    return memoryWatches(this.#host.entries(), (entry) => this.#host.live(entry));
  }

  #schedule(): void {
    this.#timer = setTimeout(() => void this.#tick(), this.#intervalMs);
    this.#timer.unref();
  }

  // A chain of timeouts rather than an interval: a slow sample never overlaps the next one.
  async #tick(): Promise<void> {
    this.#timer = null;
    this.#checking = true;
    try {
      await this.check();
    } catch (error) {
      this.#host.log.warn({ err: (error as Error).message }, 'memory check failed');
    } finally {
      this.#checking = false;
    }
    if (this.#active && this.#timer === null) this.#schedule();
  }

  #restart(verdict: MemoryVerdict): void {
    this.#inFlight.add(verdict.pmId);
    this.#host.log.warn(
      { pm_id: verdict.pmId, name: verdict.name, pid: verdict.pid, rss: verdict.rssBytes, max_memory_restart: verdict.limitBytes },
      'memory above max_memory_restart: restarting',
    );
    void this.#host
      .restart(verdict.pmId, MEMORY_RESTART_REASON)
      .catch((error: unknown) => this.#host.log.error({ pm_id: verdict.pmId, err: (error as Error).message }, 'memory restart failed'))
      .finally(() => this.#inFlight.delete(verdict.pmId));
  }
}
