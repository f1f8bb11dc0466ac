// cron_restart: validation of patterns in configs, the job plan, the croner jobs, and a real daemon on a per-second cron.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { normalizeApp } from '../../src/config/validate.js';
import { CronRestarts, cronSchedules, planCronJobs, type CronSchedule } from '../../src/daemon/cron-restarts.js';
import type { ProcEntry } from '../../src/daemon/entry.js';
import { ArborError } from '../../src/errors.js';
import { fixture, waitFor } from '../process/helpers.js';
import { appConfig, byName, daemonPerTest, listApps, waitForApps } from './policy-harness.js';

const FILE = '/srv/ecosystem.config.js';

function normalize(raw: Record<string, unknown>) {
  return normalizeApp({ script: 'app.js', name: 'api', ...raw }, { file: FILE, index: 0 }, { baseDir: '/srv', shellEnv: {} }).app;
}

function refusal(raw: Record<string, unknown>): ArborError {
  try {
    normalize(raw);
  } catch (error) {
    if (error instanceof ArborError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(raw)} to be refused`);
}

// A table entry with just what the cron jobs read.
function entry(pmId: number, supervisorPath: string, cron: unknown, name = supervisorPath.slice(supervisorPath.lastIndexOf('/') + 1)): ProcEntry {
  return { pmId, name, supervisorPath, app: { cron_restart: cron } } as unknown as ProcEntry;
}

/** A pino stand-in that records what was logged. */
function recordingLogger(): { log: Logger; lines: Array<{ level: string; fields: Record<string, unknown>; msg: string }> } {
  const lines: Array<{ level: string; fields: Record<string, unknown>; msg: string }> = [];
  const make = (bound: Record<string, unknown>): Logger => {
    const at = (level: string) => (fields: Record<string, unknown>, msg: string) => lines.push({ level, fields: { ...bound, ...fields }, msg });
    return { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug'), child: (more: Record<string, unknown>) => make({ ...bound, ...more }) } as unknown as Logger;
  };
  return { log: make({}), lines };
}

describe('cron_restart in configs', () => {
  it('keeps valid patterns, including PM2-style stepping and seconds', () => {
    expect(normalize({ cron_restart: '0 3 * * *' }).cron_restart).toBe('0 3 * * *');
    expect(normalize({ cron_restart: '*/10 * * * * *' }).cron_restart).toBe('*/10 * * * * *');
    expect(normalize({ cron_restart: '5/5 * * * *' }).cron_restart).toBe('5/5 * * * *');
    expect(normalize({ cron: '@daily' }).cron_restart).toBe('@daily');
  });

  it('turns 0, "0" and false into no schedule, as PM2 does', () => {
    for (const off of [0, '0', false]) expect(normalize({ cron_restart: off }).cron_restart).toBeUndefined();
  });

  it("refuses a pattern croner rejects, naming app, field, value and what is allowed, with croner's error as the cause", () => {
    const error = refusal({ cron_restart: '61 * * * *' });
    expect(error.code).toBe('E_CONFIG');
    expect(error.message).toContain('cron_restart must be a cron pattern of 5 or 6 fields');
    expect(error.message).toContain('Invalid value for minute: 61');
    expect(error.message).toContain('got "61 * * * *" (string) in apps[0] (api) of /srv/ecosystem.config.js');
    expect(error.details).toMatchObject({ app: 'api', field: 'cron_restart', value: '61 * * * *' });
    expect(String(error.details.allowed)).toContain('0 for none');
    expect((error.cause as Error).message).toBe('CronPattern: Invalid value for minute: 61');
  });

  it('refuses the spelling the user wrote (the cron alias), dates, the wrong number of fields and patterns that never fire', () => {
    expect(refusal({ cron: 'every day' }).details.field).toBe('cron');
    for (const bad of ['2030-01-01T00:00:00', '* * *', '* * * * * * *', '@reboot', 5, true]) expect(refusal({ cron_restart: bad }).details.field).toBe('cron_restart');
    expect(refusal({ cron_restart: '0 0 30 2 *' }).message).toContain('never fires');
  });
});

describe('cronSchedules', () => {
  it('gives one schedule per app (its supervisor path), skipping apps without a pattern', () => {
    const entries = [entry(0, 'root/api', '* * * * *'), entry(1, 'root/api', '* * * * *'), entry(2, 'root/web', undefined), entry(3, 'root/api~2', '0 3 * * *', 'api'), entry(4, 'root/off', '0')];
    expect([...cronSchedules(entries).values()]).toEqual([
      { app: 'root/api', name: 'api', pattern: '* * * * *' },
      { app: 'root/api~2', name: 'api', pattern: '0 3 * * *' },
    ]);
  });
});

describe('planCronJobs', () => {
  const wanted = (...schedules: CronSchedule[]) => new Map(schedules.map((s) => [s.app, s]));
  const api = { app: 'root/api', name: 'api', pattern: '* * * * *' };

  it('starts new apps, stops removed ones, replaces changed patterns and keeps unchanged jobs', () => {
    expect(planCronJobs(new Map(), wanted(api))).toEqual({ stop: [], start: [api] });
    expect(planCronJobs(new Map([['root/api', '* * * * *']]), wanted())).toEqual({ stop: ['root/api'], start: [] });
    expect(planCronJobs(new Map([['root/api', '0 3 * * *']]), wanted(api))).toEqual({ stop: ['root/api'], start: [api] });
    expect(planCronJobs(new Map([['root/api', '* * * * *']]), wanted(api))).toEqual({ stop: [], start: [] });
  });
});

describe('CronRestarts', () => {
  const jobs: CronRestarts[] = [];
  afterEach(() => {
    for (const job of jobs.splice(0)) job.stop();
  });

  function setup(table: ProcEntry[], restart: (pmId: number) => Promise<void> = async () => undefined) {
    const { log, lines } = recordingLogger();
    const restarts: Array<[number, string]> = [];
    const cron = new CronRestarts({
      log,
      entries: () => table,
      restart: async (pmId, reason) => {
        restarts.push([pmId, reason]);
        await restart(pmId);
      },
    });
    jobs.push(cron);
    return { cron, lines, restarts };
  }

  it('restarts every process of the app on each tick, and nothing of other apps', async () => {
    const table = [entry(0, 'root/tick', '* * * * * *'), entry(1, 'root/tick', '* * * * * *'), entry(2, 'root/other', undefined)];
    const { cron, restarts } = setup(table);
    cron.sync(table);
    await cron.settled();
    expect(cron.scheduled()).toEqual(new Map([['root/tick', '* * * * * *']]));
    await waitFor('a tick', () => restarts.length >= 2, 5000);
    expect(restarts.slice(0, 2)).toEqual([
      [0, 'cron_restart'],
      [1, 'cron_restart'],
    ]);
  });

  it('removes the job with the app and replaces it when the pattern changes', async () => {
    const table = [entry(0, 'root/api', '0 3 * * *')];
    const { cron } = setup(table);
    cron.sync(table);
    await cron.settled();
    cron.sync([entry(0, 'root/api', '0 4 * * *')]);
    await cron.settled();
    expect(cron.scheduled()).toEqual(new Map([['root/api', '0 4 * * *']]));
    cron.sync([]);
    await cron.settled();
    expect(cron.scheduled()).toEqual(new Map());
  });

  it('never runs a tick on top of a restart still under way', async () => {
    const table = [entry(0, 'root/slow', '* * * * * *')];
    let running = 0;
    let most = 0;
    const { cron, restarts } = setup(table, async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      running -= 1;
    });
    cron.sync(table);
    await waitFor('two restarts', () => restarts.length >= 2, 8000);
    expect(most).toBe(1);
  }, 15_000);

  it('logs a pattern croner refuses (from a client that skipped validation) once, and keeps the daemon going', async () => {
    const table = [entry(0, 'root/bad', '99 * * * *')];
    const { cron, lines } = setup(table);
    cron.sync(table);
    await cron.settled();
    cron.sync(table);
    await cron.settled();
    expect(cron.scheduled()).toEqual(new Map());
    expect(lines.filter((line) => line.level === 'warn')).toEqual([
      expect.objectContaining({ fields: expect.objectContaining({ app: 'bad', cron_restart: '99 * * * *', err: expect.stringContaining('Invalid value for minute: 99') }) }),
    ]);
  });

  it('schedules nothing after stop()', async () => {
    const table = [entry(0, 'root/api', '* * * * * *')];
    const { cron } = setup(table);
    cron.sync(table);
    cron.stop();
    await cron.settled();
    cron.sync(table);
    await cron.settled();
    expect(cron.scheduled()).toEqual(new Map());
  });
});

// Prints one line with the time and exits: a periodic job run by cron_restart with autorestart off.
const ONE_SHOT = "process.stdout.write(`ran ${Date.now()}\\n`);\n";

describe('cron_restart in the daemon', () => {
  const daemons = daemonPerTest();

  it('restarts a running app every second, starts a stopped autorestart:false app each tick, and survives a stop', async () => {
    const daemon = await daemons.start();
    const oneShot = path.join(daemon.paths.home, 'one-shot.js');
    fs.writeFileSync(oneShot, ONE_SHOT);
    const reasons: unknown[] = [];
    await daemon.rpc.subscribe(['process:event'], (_name, data) => {
      const event = data as { event: string; reason?: string };
      if (event.event === 'restart') reasons.push(event.reason);
    });
    await daemon.rpc.call('start', {
      apps: [
        appConfig({ name: 'ticker', script: fixture('graceful-exit.js'), cron_restart: '* * * * * *' }),
        appConfig({ name: 'periodic', script: oneShot, autorestart: false, cron_restart: '* * * * * *' }),
      ],
    });
    const first = byName(await listApps(daemon), 'ticker');
    expect(first.pm2_env).toMatchObject({ cron_restart: '* * * * * *' });

    await waitForApps(daemon, 'ticker to be restarted twice', (procs) => byName(procs, 'ticker').pm2_env.restart_time >= 2);
    const runs = (): number => (fs.existsSync(path.join(daemon.paths.logsDir, 'periodic-out.log')) ? fs.readFileSync(path.join(daemon.paths.logsDir, 'periodic-out.log'), 'utf8').split('\n').filter((line) => line.startsWith('ran ')).length : 0);
    await waitFor('the periodic job to run three times', () => runs() >= 3, 15_000);
    expect(reasons.length).toBeGreaterThan(0);
    expect(reasons.every((reason) => reason === 'cron_restart')).toBe(true);

    // PM2: stop leaves the cron job in place, so the next tick starts the app again.
    await daemon.rpc.call('stop', { targets: ['ticker'] });
    await waitForApps(daemon, 'the cron to start the stopped ticker', (procs) => byName(procs, 'ticker').pm2_env.status === 'online', 10_000);

    // Deleting the app removes its job: the periodic job runs no more.
    await daemon.rpc.call('delete', { targets: ['periodic'] });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = runs();
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(runs()).toBe(after);
  }, 60_000);
});
