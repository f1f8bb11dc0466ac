import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RpcConnection } from '../../src/client/connection.js';
import { ensureDaemon } from '../../src/client/launch-daemon.js';
import type { HomePaths } from '../../src/daemon/home.js';
import { isProcessAlive, readPidFile } from '../../src/daemon/lock.js';
import { ArborError } from '../../src/errors.js';
import { FAKE_DAEMON_ENTRY, cleanupHome, makeTempHome, recordedPids, tsxNodeArgs, waitFor } from '../fixtures/daemon-harness.js';

const made: HomePaths[] = [];
const connections: RpcConnection[] = [];
afterEach(async () => {
  for (const connection of connections.splice(0)) await connection.close();
  for (const paths of made.splice(0)) await cleanupHome(paths);
});

async function tempHome(extra?: string): Promise<HomePaths> {
  const paths = await makeTempHome(extra);
  made.push(paths);
  return paths;
}

async function ensure(paths: HomePaths, env: NodeJS.ProcessEnv = {}, timeoutMs = 15_000) {
  const result = await ensureDaemon(paths, { entry: FAKE_DAEMON_ENTRY, nodeArgs: tsxNodeArgs(), env: { ...process.env, ...env }, timeoutMs });
  connections.push(result.connection);
  return result;
}

describe('ensureDaemon', () => {
  it('starts the daemon when none answers, then reuses it', async () => {
    const paths = await tempHome();
    const first = await ensure(paths);
    expect(first.started).toBe(true);
    const { pid } = await first.connection.call<{ pid: number }>('ping');
    expect(pid).not.toBe(process.pid);
    expect(readPidFile(paths)).toBe(pid);
    expect(statSync(paths.socket).mode & 0o777).toBe(0o600);
    expect(readFileSync(paths.daemonLog, 'utf8')).toContain(`listening pid ${pid}`);
    const second = await ensure(paths);
    expect(second.started).toBe(false);
    expect(await second.connection.call('ping')).toMatchObject({ pid });
    expect(await second.connection.call('echo', { hello: 'daemon' })).toEqual({ hello: 'daemon' });
  });

  it('ends with one daemon when two clients race to start it, both connected to it', async () => {
    const paths = await tempHome();
    // The delay between taking the lock and listening keeps the race open for the second daemon.
    const [one, two] = await Promise.all([ensure(paths, { FAKE_DAEMON_DELAY_MS: '300' }), ensure(paths, { FAKE_DAEMON_DELAY_MS: '300' })]);
    expect(one.started && two.started).toBe(true);
    const pidOne = (await one.connection.call<{ pid: number }>('ping')).pid;
    const pidTwo = (await two.connection.call<{ pid: number }>('ping')).pid;
    expect(pidOne).toBe(pidTwo);
    const spawned = await recordedPids(paths);
    expect(spawned).toHaveLength(2);
    const loser = spawned.find((pid) => pid !== pidOne)!;
    await waitFor(() => !isProcessAlive(loser), 5000);
    expect(readFileSync(paths.daemonLog, 'utf8')).toContain(`a daemon (pid ${pidOne}) already holds the lock`);
  });

  it('reaches a daemon whose socket had to move to the temp dir', async () => {
    const paths = await tempHome('long-'.repeat(20));
    expect(paths.socket.startsWith(paths.home)).toBe(false);
    const { connection } = await ensure(paths);
    expect(await connection.call('ping')).toMatchObject({ msg: 'pong' });
  });

  it('fails fast with E_DAEMON_UNREACHABLE naming the daemon log when the daemon dies at start', async () => {
    const paths = await tempHome();
    const entry = join(paths.home, 'no-such-daemon.js');
    const started = Date.now();
    const error = await ensureDaemon(paths, { entry, timeoutMs: 10_000 }).then(
      () => expect.unreachable(),
      (failure: unknown) => failure as ArborError,
    );
    expect(error.code).toBe('E_DAEMON_UNREACHABLE');
    expect(error.message).toContain(paths.daemonLog);
    expect(error.message).toMatch(/exited \(code 1\)/);
    // No daemon holds the lock, so there is nothing to wait for: well before the 10 s timeout.
    expect(Date.now() - started).toBeLessThan(3000);
    expect(readFileSync(paths.daemonLog, 'utf8')).toContain('no-such-daemon.js');
  });

  it('fails with E_DAEMON_UNREACHABLE after the timeout when the daemon never answers', async () => {
    const paths = await tempHome();
    const started = Date.now();
    const error = await ensureDaemon(paths, {
      entry: FAKE_DAEMON_ENTRY,
      nodeArgs: tsxNodeArgs(),
      env: { ...process.env, FAKE_DAEMON_DELAY_MS: '60000' },
      timeoutMs: 1500,
    }).then(
      () => expect.unreachable(),
      (failure: unknown) => failure as ArborError,
    );
    expect(error.code).toBe('E_DAEMON_UNREACHABLE');
    expect(error.message).toContain('did not answer within 1500 ms');
    expect(error.message).toContain(paths.daemonLog);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1490);
  });

  it('a stopped daemon leaves a home the next ensureDaemon can start again', async () => {
    const paths = await tempHome();
    const first = await ensure(paths);
    const { pid } = await first.connection.call<{ pid: number }>('ping');
    await first.connection.call('stop');
    await waitFor(() => !isProcessAlive(pid), 5000);
    expect(readPidFile(paths)).toBeUndefined();
    const second = await ensure(paths);
    expect(second.started).toBe(true);
    expect((await second.connection.call<{ pid: number }>('ping')).pid).not.toBe(pid);
  });
});
