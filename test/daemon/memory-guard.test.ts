// max_memory_restart: the pure decision, the guard's timer and in-flight rules, and a real daemon restarting a leaking app.
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import type { Logger } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProcessStatus } from '../../src/client/types.js';
import type { LiveState } from '../../src/daemon/describe.js';
import type { ProcEntry } from '../../src/daemon/entry.js';
import {
  DEFAULT_MEMORY_CHECK_MS,
  MemoryGuard,
  memoryCheckInterval,
  memoryLimitOf,
  memoryWatches,
  overMemoryLimit,
  pidsToSample,
  type MemoryWatch,
} from '../../src/daemon/memory-guard.js';
import { fixture, waitFor } from '../process/helpers.js';
import { appConfig, byName, daemonPerTest, listApps, waitForApps } from './policy-harness.js';

const MB = 1024 * 1024;
const NOW = 1_000_000;

function watch(overrides: Partial<MemoryWatch> = {}): MemoryWatch {
  return { pmId: 0, name: 'api', pid: 100, status: 'online', limitBytes: 100 * MB, startedAt: NOW - 60_000, minUptimeMs: 1000, ...overrides };
}

// A table entry with just what the guard reads.
function entry(pmId: number, limit: unknown, startedAt = NOW - 60_000): ProcEntry {
  return { pmId, name: `app${pmId}`, pmUptime: startedAt, app: { max_memory_restart: limit, min_uptime: 1000 } } as unknown as ProcEntry;
}

/** A pino stand-in that records what was logged. */
function recordingLogger(): { log: Logger; lines: Array<{ level: string; fields: Record<string, unknown>; msg: string }> } {
  const lines: Array<{ level: string; fields: Record<string, unknown>; msg: string }> = [];
  const at = (level: string) => (fields: Record<string, unknown>, msg: string) => lines.push({ level, fields, msg });
  const log = { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug'), child: () => log } as unknown as Logger;
  return { log, lines };
}

describe('memoryCheckInterval', () => {
  it('is one second unless ARBOR_MEMORY_CHECK_MS names a whole number of at least 10 ms', () => {
    expect(DEFAULT_MEMORY_CHECK_MS).toBe(1000);
    expect(memoryCheckInterval({})).toBe(1000);
    expect(memoryCheckInterval({ ARBOR_MEMORY_CHECK_MS: '250' })).toBe(250);
    for (const bad of ['', 'fast', '5', '-100', '2.5']) expect(memoryCheckInterval({ ARBOR_MEMORY_CHECK_MS: bad })).toBe(1000);
  });
});

describe('memoryLimitOf', () => {
  it('takes positive byte counts and treats anything else as no limit', () => {
    expect(memoryLimitOf({ max_memory_restart: 60 * MB })).toBe(60 * MB);
    for (const none of [undefined, 0, -1, Number.NaN, '60M']) expect(memoryLimitOf({ max_memory_restart: none as number })).toBeUndefined();
  });
});

describe('memoryWatches', () => {
  it('lists only processes whose app has a limit, with their live pid and status', () => {
    const live = (e: ProcEntry): LiveState => ({ status: 'online', pid: 1000 + e.pmId });
    const watches = memoryWatches([entry(0, undefined), entry(1, 60 * MB, 5), entry(2, 0)], live);
    expect(watches).toEqual([{ pmId: 1, name: 'app1', pid: 1001, status: 'online', limitBytes: 60 * MB, startedAt: 5, minUptimeMs: 1000 }]);
  });
});

describe('overMemoryLimit', () => {
  it('restarts an online process above its limit, reporting what was measured', () => {
    const verdicts = overMemoryLimit([watch()], new Map([[100, 101 * MB]]), NOW, new Set());
    expect(verdicts).toEqual([{ pmId: 0, name: 'api', pid: 100, rssBytes: 101 * MB, limitBytes: 100 * MB }]);
  });

  it('leaves a process at or below its limit alone', () => {
    expect(overMemoryLimit([watch()], new Map([[100, 100 * MB]]), NOW, new Set())).toEqual([]);
  });

  it('skips processes that are starting, stopping, stopped or already being restarted', () => {
    const statuses: ProcessStatus[] = ['launching', 'stopping', 'stopped', 'errored', 'waiting restart'];
    const watches = statuses.map((status, index) => watch({ pmId: index, pid: 100 + index, status }));
    const rss = new Map(watches.map((w) => [w.pid!, 500 * MB]));
    expect(overMemoryLimit(watches, rss, NOW, new Set())).toEqual([]);
    expect(overMemoryLimit([watch({ pmId: 7 })], new Map([[100, 500 * MB]]), NOW, new Set([7]))).toEqual([]);
  });

  it('waits until a run has lasted min_uptime, so an app that boots above its limit does not restart as fast as it spawns', () => {
    const young = watch({ startedAt: NOW - 999 });
    expect(overMemoryLimit([young], new Map([[100, 500 * MB]]), NOW, new Set())).toEqual([]);
    expect(overMemoryLimit([young], new Map([[100, 500 * MB]]), NOW + 1, new Set())).toHaveLength(1);
  });

  it('ignores a sample of another pid: the process was restarted since and is judged at the next check', () => {
    expect(overMemoryLimit([watch({ pid: 200 })], new Map([[100, 500 * MB]]), NOW, new Set())).toEqual([]);
  });

  it('only ever picks measured, judged processes above their own limit (property)', () => {
    const status = fc.constantFrom<ProcessStatus>('online', 'launching', 'stopping', 'stopped');
    const watchArb = fc.record({
      pmId: fc.nat(20),
      name: fc.constant('x'),
      pid: fc.option(fc.integer({ min: 1, max: 30 }), { nil: null }),
      status,
      limitBytes: fc.integer({ min: 1, max: 1000 }),
      startedAt: fc.integer({ min: 0, max: NOW }),
      minUptimeMs: fc.integer({ min: 0, max: 5000 }),
    });
    fc.assert(
      fc.property(fc.array(watchArb, { maxLength: 8 }), fc.array(fc.tuple(fc.integer({ min: 1, max: 30 }), fc.nat(2000))), fc.uniqueArray(fc.nat(20)), (watches, samples, busy) => {
        const rss = new Map(samples);
        const inFlight = new Set(busy);
        const verdicts = overMemoryLimit(watches, rss, NOW, inFlight);
        for (const verdict of verdicts) {
          const source = watches.find((w) => w.pmId === verdict.pmId && w.pid === verdict.pid && w.limitBytes === verdict.limitBytes)!;
          expect(source.status).toBe('online');
          expect(inFlight.has(verdict.pmId)).toBe(false);
          expect(NOW - source.startedAt).toBeGreaterThanOrEqual(source.minUptimeMs);
          expect(verdict.rssBytes).toBe(rss.get(verdict.pid));
          expect(verdict.rssBytes).toBeGreaterThan(verdict.limitBytes);
        }
        expect(pidsToSample(watches, inFlight).every((pid) => watches.some((w) => w.pid === pid && w.status === 'online'))).toBe(true);
      }),
    );
  });
});

describe('MemoryGuard', () => {
  const guards: MemoryGuard[] = [];
  afterEach(() => {
    for (const guard of guards.splice(0)) guard.stop();
  });

  function setup(entries: ProcEntry[], options: { rss?: Map<number, number>; restart?: (pmId: number) => Promise<void>; intervalMs?: number } = {}) {
    const { log, lines } = recordingLogger();
    const samples: number[][] = [];
    const restarts: Array<[number, string]> = [];
    const guard = new MemoryGuard(
      {
        log,
        entries: () => entries,
        live: (e) => ({ status: 'online', pid: 1000 + e.pmId }),
        restart: async (pmId, reason) => {
          restarts.push([pmId, reason]);
          await options.restart?.(pmId);
        },
      },
      {
        intervalMs: options.intervalMs ?? 20,
        now: () => NOW,
        sampleRss: async (pids) => {
          samples.push(pids);
          return new Map(pids.map((pid) => [pid, options.rss?.get(pid) ?? 10 * MB]));
        },
      },
    );
    guards.push(guard);
    return { guard, lines, samples, restarts };
  }

  it('runs no timer while no app has a limit (the daemon of plain apps stays idle)', async () => {
    const plain = Array.from({ length: 50 }, (_, i) => entry(i, undefined));
    const { guard, samples } = setup(plain);
    guard.sync(plain);
    expect(guard.active).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(samples).toEqual([]);
  });

  it('checks on a timer while an app has a limit, samples only the limited pids, and stops when the limit goes', async () => {
    const entries = [entry(0, undefined), entry(1, 60 * MB)];
    const { guard, samples } = setup(entries);
    guard.sync(entries);
    expect(guard.active).toBe(true);
    await waitFor('two checks', () => samples.length >= 2);
    expect(new Set(samples.flat())).toEqual(new Set([1001]));
    guard.sync([entries[0]!]);
    expect(guard.active).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 60));
    const count = samples.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(samples.length).toBe(count);
  });

  it('restarts a process over its limit once, logging the measured and allowed bytes, until that restart is done', async () => {
    const entries = [entry(3, 60 * MB)];
    let finish!: () => void;
    const { guard, lines, restarts } = setup(entries, {
      rss: new Map([[1003, 80 * MB]]),
      restart: () => new Promise<void>((resolve) => (finish = resolve)),
    });
    expect(await guard.check()).toHaveLength(1);
    expect(await guard.check()).toEqual([]);
    expect(restarts).toEqual([[3, 'max_memory_restart']]);
    expect(lines).toContainEqual({
      level: 'warn',
      fields: { pm_id: 3, name: 'app3', pid: 1003, rss: 80 * MB, max_memory_restart: 60 * MB },
      msg: 'memory above max_memory_restart: restarting',
    });
    finish();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(await guard.check()).toHaveLength(1);
    expect(restarts).toHaveLength(2);
  });

  it('logs a failed restart instead of throwing, and tries again at a later check', async () => {
    const entries = [entry(4, 60 * MB)];
    const { guard, lines, restarts } = setup(entries, { rss: new Map([[1004, 80 * MB]]), restart: async () => Promise.reject(new Error('tree busy')) });
    await guard.check();
    await waitFor('the failure to be logged', () => lines.some((line) => line.level === 'error' && line.fields.err === 'tree busy'));
    await new Promise((resolve) => setTimeout(resolve, 0));
    await guard.check();
    expect(restarts).toHaveLength(2);
  });

  it('stops for good on stop(): a later sync does not start the timer again', () => {
    const entries = [entry(5, 60 * MB)];
    const { guard } = setup(entries);
    guard.stop();
    guard.sync(entries);
    expect(guard.active).toBe(false);
  });
});

// A Node app that holds 8 MB more every 50 ms, up to argv[2] MB (touched pages, so resident).
const LEAKER = `const held = [];
const capMb = Number(process.argv[2] ?? 160);
setInterval(() => { if (held.length * 8 < capMb) held.push(Buffer.alloc(8 * 1024 * 1024, 1)); }, 50);
process.on('SIGINT', () => process.exit(0));
`;

describe('max_memory_restart in the daemon', () => {
  const daemons = daemonPerTest();

  it('restarts an app that allocates past its limit within seconds, counts it and says why; a calm app is left alone', async () => {
    const daemon = await daemons.start({ ARBOR_MEMORY_CHECK_MS: '200' });
    const leaker = path.join(daemon.paths.home, 'leaker.js');
    fs.writeFileSync(leaker, LEAKER);
    const events: Array<{ event: string; reason?: string; process: { name: string } }> = [];
    await daemon.rpc.subscribe(['process:event'], (_name, data) => events.push(data as (typeof events)[number]));
    await daemon.rpc.call('start', {
      apps: [appConfig({ name: 'leaker', script: leaker, max_memory_restart: '60M' }), appConfig({ name: 'calm', script: fixture('graceful-exit.js'), max_memory_restart: '1G' })],
    });
    const first = byName(await listApps(daemon), 'leaker');
    expect(first.pm2_env.max_memory_restart).toBe(60 * MB);

    const procs = await waitForApps(daemon, 'leaker to be restarted twice', (all) => byName(all, 'leaker').pm2_env.restart_time >= 2, 30_000);
    expect(byName(procs, 'leaker').pid).not.toBe(first.pid);
    expect(byName(procs, 'calm').pm2_env.restart_time).toBe(0);
    expect(events.filter((e) => e.event === 'restart' && e.process.name === 'leaker').every((e) => e.reason === 'max_memory_restart')).toBe(true);
    expect(events.some((e) => e.event === 'restart' && e.reason === 'max_memory_restart')).toBe(true);

    const logged = fs
      .readFileSync(daemon.paths.daemonLog, 'utf8')
      .split('\n')
      .filter((line) => line.includes('memory above max_memory_restart'))
      .map((line) => JSON.parse(line) as { name: string; rss: number; max_memory_restart: number });
    expect(logged.length).toBeGreaterThanOrEqual(2);
    expect(logged[0]).toMatchObject({ name: 'leaker', max_memory_restart: 60 * MB });
    expect(logged[0]!.rss).toBeGreaterThan(60 * MB);
  }, 60_000);
});
