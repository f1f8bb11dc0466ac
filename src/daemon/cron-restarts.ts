// PM2's cron_restart: one croner job per app restarts every process of the app (stopped ones too) on its schedule.
import type { Logger } from 'pino';
import { CRON_OPTIONS } from '../config/values.js';
import type { ProcEntry } from './entry.js';
import { planPerApp } from './per-app-plan.js';

type Croner = typeof import('croner');
type CronJob = InstanceType<Croner['Cron']>;

/** The policy's reason, as restartForPolicy announces it on the bus. */
export const CRON_RESTART_REASON = 'cron_restart';

/** One app's schedule. `app` is the app's supervisor path: unique even for two copies started under one name. */
export interface CronSchedule {
  app: string;
  name: string;
  pattern: string;
}

/** How to bring the running jobs to the wanted schedules: a changed pattern is stopped and started again. */
export interface CronPlan {
  stop: string[];
  start: CronSchedule[];
}

// The schedules the entries ask for, one per app (its first process speaks for it); apps without cron_restart have none.
export function cronSchedules(entries: readonly ProcEntry[]): Map<string, CronSchedule> {
  const schedules = new Map<string, CronSchedule>();
  for (const entry of entries) {
    const pattern = entry.app.cron_restart;
    if (schedules.has(entry.supervisorPath) || typeof pattern !== 'string' || pattern.trim() === '' || pattern.trim() === '0') continue;
    schedules.set(entry.supervisorPath, { app: entry.supervisorPath, name: entry.name, pattern: pattern.trim() });
  }
  return schedules;
}

// The changes from the running jobs (app -> pattern) to the wanted schedules; an unchanged pattern keeps its job.
export function planCronJobs(running: ReadonlyMap<string, string>, wanted: ReadonlyMap<string, CronSchedule>): CronPlan {
  const { remove, add } = planPerApp(running, wanted, (pattern, schedule) => pattern === schedule.pattern);
  return { stop: remove, start: add };
}

/** What the cron jobs need from the daemon. */
export interface CronRestartHost {
  entries(): ProcEntry[];
  restart(pmId: number, reason: string): Promise<void>;
  log: Logger;
}

// Keeps one croner job per app with cron_restart; croner is imported on first need, so other daemons never load it.
export class CronRestarts {
  readonly #host: CronRestartHost;
  /** Running jobs by app; `job` is null for a pattern croner refused (kept so it is reported once, not at every sync). */
  readonly #jobs = new Map<string, { pattern: string; job: CronJob | null }>();
  #wanted = new Map<string, CronSchedule>();
  #croner: Promise<Croner> | null = null;
  #applied: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(host: CronRestartHost) {
    this.#host = host;
  }

  /** Starts, replaces and stops jobs to match the entries' cron_restart (apps added, removed or re-configured). */
  sync(entries: readonly ProcEntry[]): void {
    if (this.#stopped) return;
    this.#wanted = cronSchedules(entries);
    if (this.#wanted.size === 0 && this.#jobs.size === 0) return;
    this.#applied = this.#apply();
  }

  /** Resolves once the jobs match the last sync (croner may still be loading right after it). */
  settled(): Promise<void> {
    return this.#applied;
  }

  /** The apps with a running job and their patterns. */
  scheduled(): Map<string, string> {
    return new Map([...this.#jobs].filter(([, { job }]) => job !== null).map(([app, { pattern }]) => [app, pattern]));
  }

  /** Stops every job for good (daemon shutdown); a restart already under way runs to its end. */
  stop(): void {
    this.#stopped = true;
    for (const { job } of this.#jobs.values()) job?.stop();
    this.#jobs.clear();
    this.#wanted.clear();
  }

  // Applies the latest wanted schedules; safe to run several times at once (each applies whatever is wanted now).
  async #apply(): Promise<void> {
    let croner: Croner;
    try {
      croner = await (this.#croner ??= import('croner'));
    } catch (error) {
      this.#croner = null;
      this.#host.log.error({ err: (error as Error).message }, 'could not load croner: cron_restart is not applied');
      return;
    }
    if (this.#stopped) return;
    const running = new Map([...this.#jobs].map(([app, { pattern }]) => [app, pattern]));
    const plan = planCronJobs(running, this.#wanted);
    for (const app of plan.stop) {
      this.#jobs.get(app)?.job?.stop();
      this.#jobs.delete(app);
    }
    for (const schedule of plan.start) this.#jobs.set(schedule.app, { pattern: schedule.pattern, job: this.#startJob(croner, schedule) });
  }

  #startJob(croner: Croner, schedule: CronSchedule): CronJob | null {
    const log = this.#host.log.child({ app: schedule.name, cron_restart: schedule.pattern });
    try {
      // protect: a tick that comes while the previous one is still restarting is skipped, never run on top of it.
      const job = new croner.Cron(schedule.pattern, { ...CRON_OPTIONS, protect: true, unref: true }, () => this.#tick(schedule.app));
      log.info({ next: job.nextRun()?.toISOString() ?? null }, 'cron restart scheduled');
      return job;
    } catch (error) {
      // Configs are validated by the CLI; a client of the API may skip that, and must not take the daemon down.
      log.warn({ err: (error as Error).message }, 'cron_restart refused by croner: this app is not restarted on a schedule');
      return null;
    }
  }

  // PM2 restarts each process of the app (restartProcessId), running or stopped; one after the other here.
  async #tick(app: string): Promise<void> {
    for (const entry of this.#host.entries().filter((candidate) => candidate.supervisorPath === app)) {
      if (this.#stopped) return;
      try {
        await this.#host.restart(entry.pmId, CRON_RESTART_REASON);
      } catch (error) {
        this.#host.log.error({ pm_id: entry.pmId, name: entry.name, err: (error as Error).message }, 'cron restart failed');
      }
    }
  }
}
