import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureHome, resolveHome } from '../../src/daemon/home.js';
import type { HomePaths } from '../../src/daemon/home.js';
import { acquireDaemonLock, isProcessAlive, lockHolderPid, readPidFile } from '../../src/daemon/lock.js';
import type { DaemonLock } from '../../src/daemon/lock.js';
import { ArborError, isArborError } from '../../src/errors.js';
import { LOCK_RACER_ENTRY, cleanupHome, killAll, makeTempHome, tsxNodeArgs, waitFor } from '../fixtures/daemon-harness.js';

const made: HomePaths[] = [];
const locks: DaemonLock[] = [];
const servers: Server[] = [];
const children: number[] = [];
afterEach(async () => {
  for (const lock of locks.splice(0)) lock.release();
  for (const server of servers.splice(0)) await new Promise((done) => server.close(done));
  await killAll(children.splice(0));
  for (const paths of made.splice(0)) await cleanupHome(paths);
});

async function tempHome(): Promise<HomePaths> {
  const paths = await makeTempHome();
  made.push(paths);
  ensureHome(paths);
  return paths;
}

async function acquire(paths: HomePaths, options?: Parameters<typeof acquireDaemonLock>[1]): Promise<DaemonLock> {
  const lock = await acquireDaemonLock(paths, options);
  locks.push(lock);
  return lock;
}

function generations(paths: HomePaths): number[] {
  return readdirSync(paths.lockDir)
    .filter((name) => /^[0-9]+$/.test(name))
    .map(Number)
    .sort((a, b) => a - b);
}

function writeGeneration(paths: HomePaths, generation: number, content: string): void {
  mkdirSync(paths.lockDir, { recursive: true });
  writeFileSync(join(paths.lockDir, String(generation)), content);
}

// A pid that just exited (reuse within milliseconds is not a concern on a test machine).
function deadPid(): number {
  const result = spawnSync(process.execPath, ['-e', '0']);
  expect(isProcessAlive(result.pid)).toBe(false);
  return result.pid;
}

async function listenOn(socketPath: string): Promise<void> {
  const server = createServer((socket) => socket.destroy());
  servers.push(server);
  await new Promise<void>((done) => server.listen(socketPath, done));
}

async function rejection(promise: Promise<unknown>): Promise<ArborError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ArborError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('acquireDaemonLock', () => {
  it('takes a free home: generation 1, arbor.pid holds our pid; release clears the pid file', async () => {
    const paths = await tempHome();
    const lock = await acquire(paths);
    expect(lock.generation).toBe(1);
    expect(lock.pid).toBe(process.pid);
    expect(readFileSync(paths.pidFile, 'utf8')).toBe(`${process.pid}\n`);
    lock.release();
    lock.release(); // idempotent
    expect(readPidFile(paths)).toBeUndefined();
    const next = await acquire(paths);
    expect(next.generation).toBe(2);
    expect(generations(paths)).toEqual([2]);
  });

  it('tells who holds the lock while the holder lives', async () => {
    const paths = await tempHome();
    expect(lockHolderPid(paths)).toBeUndefined();
    const lock = await acquire(paths);
    expect(lockHolderPid(paths)).toBe(process.pid);
    expect(lockHolderPid(paths, () => false)).toBeUndefined();
    lock.release();
    expect(lockHolderPid(paths)).toBeUndefined();
  });

  it('refuses a second holder while the first is alive and starting (no socket yet)', async () => {
    const paths = await tempHome();
    await acquire(paths);
    const error = await rejection(acquireDaemonLock(paths));
    expect(error.code).toBe('E_DAEMON_RUNNING');
    expect(error.details['pid']).toBe(process.pid);
    expect(error.message).toContain(paths.home);
  });

  it('refuses a second holder when the holder is alive and its socket answers, however old the lock', async () => {
    const paths = await tempHome();
    writeGeneration(paths, 4, JSON.stringify({ pid: process.pid, acquiredAt: 0 }));
    await listenOn(paths.socket);
    const error = await rejection(acquireDaemonLock(paths));
    expect(error.code).toBe('E_DAEMON_RUNNING');
    expect(generations(paths)).toEqual([4]);
  });

  it('takes over a lock whose pid is dead', async () => {
    const paths = await tempHome();
    writeGeneration(paths, 7, JSON.stringify({ pid: deadPid(), acquiredAt: Date.now() }));
    const lock = await acquire(paths);
    expect(lock.generation).toBe(8);
    expect(generations(paths)).toEqual([8]);
    expect(readPidFile(paths)).toBe(process.pid);
  });

  it.each([['garbage', 'not json'], ['empty', ''], ['a bad pid', JSON.stringify({ pid: -1, acquiredAt: 0 })]])(
    'takes over a lock file holding %s',
    async (_label, content) => {
      const paths = await tempHome();
      writeGeneration(paths, 3, content);
      expect((await acquire(paths)).generation).toBe(4);
    },
  );

  it('takes over a live pid whose socket is silent after the start grace (a pid reused after reboot)', async () => {
    const paths = await tempHome();
    writeGeneration(paths, 2, JSON.stringify({ pid: process.pid, acquiredAt: Date.now() - 60_000 }));
    const lock = await acquire(paths, { startGraceMs: 10_000 });
    expect(lock.generation).toBe(3);
  });

  it('ignores stale pid-file contents: arbor.pid is informational', async () => {
    const paths = await tempHome();
    writeFileSync(paths.pidFile, `${process.pid}\n`);
    expect((await acquire(paths)).generation).toBe(1);
  });

  it('lets exactly one of several concurrent acquirers in one process win', async () => {
    const paths = await tempHome();
    writeGeneration(paths, 1, JSON.stringify({ pid: deadPid(), acquiredAt: 0 }));
    const pids = [101, 102, 103, 104, 105, 106, 107, 108];
    const outcomes = await Promise.allSettled(
      pids.map((pid) => acquireDaemonLock(paths, { pid, isProcessAlive: (candidate) => pids.includes(candidate) })),
    );
    const winners = outcomes.filter((outcome) => outcome.status === 'fulfilled').map((outcome) => outcome.value);
    expect(winners).toHaveLength(1);
    locks.push(...winners);
    const winner = winners[0]!;
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') {
        expect(isArborError(outcome.reason, 'E_DAEMON_RUNNING')).toBe(true);
        expect((outcome.reason as ArborError).details['pid']).toBe(winner.pid);
      }
    }
    expect(generations(paths)).toEqual([winner.generation]);
    expect(readPidFile(paths)).toBe(winner.pid);
  });

  it('never has two holders at once, whatever the interleaving of racers and releases (property)', async () => {
    const root = await tempHome();
    let run = 0;
    type Seed = 'none' | 'dead' | 'garbage' | 'released' | 'reused-pid';
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(fc.record({ attempts: fc.integer({ min: 1, max: 2 }), releases: fc.boolean() }), { minLength: 2, maxLength: 5 }),
        fc.constantFrom<Seed>('none', 'dead', 'garbage', 'released', 'reused-pid'),
        async (scheduler, racers, seed) => {
          run += 1;
          const paths = resolveHome({ ARBOR_HOME: join(root.home, `run-${run}`) });
          ensureHome(paths);
          const now = 1_000_000;
          const reusedPid = 999;
          if (seed === 'dead') writeGeneration(paths, 5, JSON.stringify({ pid: 4242, acquiredAt: now }));
          if (seed === 'garbage') writeGeneration(paths, 5, '{"pid":');
          if (seed === 'released') writeGeneration(paths, 5, JSON.stringify({ released: true, pid: 4242 }));
          if (seed === 'reused-pid') writeGeneration(paths, 5, JSON.stringify({ pid: reusedPid, acquiredAt: now - 60_000 }));
          const alive = new Set([...racers.map((_, index) => 1000 + index), reusedPid]);
          const holders = new Set<DaemonLock>();
          let maxHolders = 0;

          const contend = async (pid: number, racer: { attempts: number; releases: boolean }): Promise<void> => {
            for (let attempt = 0; attempt < racer.attempts; attempt += 1) {
              let lock: DaemonLock;
              try {
                lock = await acquireDaemonLock(paths, {
                  pid,
                  now: () => now,
                  isProcessAlive: (candidate) => alive.has(candidate),
                  socketAnswers: () => scheduler.schedule(Promise.resolve(false), `probe ${pid}`),
                  pause: (step) => scheduler.schedule(Promise.resolve(), `${pid} ${step}`),
                });
              } catch (error) {
                expect((error as ArborError).code).toBe('E_DAEMON_RUNNING');
                await scheduler.schedule(Promise.resolve(), `${pid} retry`);
                continue;
              }
              holders.add(lock);
              maxHolders = Math.max(maxHolders, holders.size);
              if (!racer.releases) return;
              await scheduler.schedule(Promise.resolve(), `${pid} release`);
              holders.delete(lock);
              lock.release();
              return;
            }
          };

          await scheduler.waitFor(Promise.all(racers.map((racer, index) => contend(1000 + index, racer))));
          expect(maxHolders).toBe(1);
          const [holder] = [...holders];
          if (holder !== undefined) {
            expect(generations(paths)).toEqual([holder.generation]);
            expect(readPidFile(paths)).toBe(holder.pid);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('lets exactly one of several processes racing for the same home win', async () => {
    const paths = await tempHome();
    writeGeneration(paths, 1, JSON.stringify({ pid: deadPid(), acquiredAt: 0 }));
    const racers = Array.from({ length: 4 }, () => {
      const child = spawn(process.execPath, [...tsxNodeArgs(), LOCK_RACER_ENTRY], {
        env: { ...process.env, ARBOR_HOME: paths.home },
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      children.push(child.pid!);
      let output = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      return { child, output: () => output };
    });
    await waitFor(() => racers.every((racer) => racer.output().includes('ready\n')), 15_000);
    for (const racer of racers) racer.child.stdin.write('go\n');
    await waitFor(() => racers.every((racer) => /(won|lost) /.test(racer.output())), 10_000);
    const results = racers.map((racer) => racer.output().split('\n')[1]);
    expect(results.filter((line) => line?.startsWith('won '))).toHaveLength(1);
    expect(results.filter((line) => line === 'lost E_DAEMON_RUNNING')).toHaveLength(racers.length - 1);
    const winner = racers[results.findIndex((line) => line?.startsWith('won '))]!;
    expect(readPidFile(paths)).toBe(winner.child.pid);
    // The winner releases on stdin end; then the home is free again.
    winner.child.stdin.end();
    await waitFor(() => !isProcessAlive(winner.child.pid!), 5000);
    expect(readPidFile(paths)).toBeUndefined();
    expect((await acquire(paths)).generation).toBeGreaterThan(1);
  });
});
