// PM2's `restart --watch` (toggle, or paths) and `stop --watch` (off) in a real daemon over RPC, and the refusal of bad values.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProcessDescription } from '../../src/client/types.js';
import { applyWatchRequest } from '../../src/daemon/watch-request.js';
import { fixture, makeTempDir, removeDir, waitFor } from '../process/helpers.js';
import { appConfig, byName, daemonPerTest, listApps, waitForApps, type PolicyDaemon } from './policy-harness.js';

const NAME = 'toggled';

// How many times the daemon logged that the app's watcher finished its initial scan.
function watcherOpenings(daemon: PolicyDaemon): number {
  const log = fs.existsSync(daemon.paths.daemonLog) ? fs.readFileSync(daemon.paths.daemonLog, 'utf8') : '';
  return log.split('\n').filter((line) => line.includes('"msg":"watching for changes"') && line.includes(`"app":"${NAME}"`)).length;
}

// Resolves once a watcher opened after `before` openings is ready (changes before that are not seen).
async function waitForWatcher(daemon: PolicyDaemon, before: number): Promise<void> {
  await waitFor(`watcher ${before + 1} of ${NAME} to be ready`, () => watcherOpenings(daemon) > before, 15_000);
}

// Lets time pass for a change that must have no effect: longer than watch_delay plus a restart on this slow machine.
function quietPeriod(ms = 1_500): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function current(daemon: PolicyDaemon): Promise<ProcessDescription> {
  return byName(await listApps(daemon), NAME);
}

// Waits until the app is online after `restarts` restarts in all.
async function waitForRestarts(daemon: PolicyDaemon, restarts: number, what: string): Promise<void> {
  await waitForApps(daemon, what, (procs) => byName(procs, NAME).pm2_env.restart_time === restarts && byName(procs, NAME).pm2_env.status === 'online');
}

describe('applyWatchRequest', () => {
  it('turns watching off remembering the value, and on again with it (or the cwd when there is none)', () => {
    expect(applyWatchRequest({ watch: ['src'] }, 'toggle')).toEqual({ watch: false, lastWatch: ['src'] });
    expect(applyWatchRequest({ watch: false, lastWatch: ['src'] }, 'toggle')).toEqual({ watch: ['src'], lastWatch: ['src'] });
    expect(applyWatchRequest({ watch: false }, 'toggle')).toEqual({ watch: true });
    expect(applyWatchRequest({ watch: true }, false)).toEqual({ watch: false, lastWatch: true });
  });

  it('keeps what it has when asked for what is already so, and counts an empty list as not watching', () => {
    expect(applyWatchRequest({ watch: false, lastWatch: ['a'] }, false)).toEqual({ watch: false, lastWatch: ['a'] });
    expect(applyWatchRequest({ watch: ['a'] }, true)).toEqual({ watch: ['a'] });
    expect(applyWatchRequest({ watch: [] }, 'toggle')).toEqual({ watch: true });
    expect(applyWatchRequest({ watch: true }, ['x', 'y'])).toEqual({ watch: ['x', 'y'] });
  });
});

describe('restart --watch and stop --watch in the daemon', () => {
  const daemons = daemonPerTest();
  let dir: string | undefined;

  afterEach(() => {
    if (dir) removeDir(dir);
    dir = undefined;
  });

  it('toggles watching on and off, takes paths, and stop --watch turns it off through plain restarts', async () => {
    dir = makeTempDir('arbor-watch-toggle-');
    fs.mkdirSync(path.join(dir, 'src'));
    const daemon = await daemons.start();
    await daemon.rpc.call('start', { apps: [appConfig({ name: NAME, script: fixture('hello.sh'), args: ['0', '60000'], cwd: dir, watch_delay: 200 })] });
    await waitForRestarts(daemon, 0, 'the app online');
    expect((await current(daemon)).pm2_env.watch).toBe(false);

    // Not watching: a bare --watch turns it on, watching the cwd; a change restarts the app.
    const on = await daemon.rpc.call<ProcessDescription[]>('restart', { targets: [NAME], watch: 'toggle' });
    expect(on.map((proc) => proc.pm2_env.watch)).toEqual([true]);
    await waitForRestarts(daemon, 1, 'the manual restart');
    await waitForWatcher(daemon, 0);
    fs.writeFileSync(path.join(dir, 'src', 'a.js'), 'x');
    await waitForRestarts(daemon, 2, 'a restart for the change');

    // Watching: the same call turns it off; a change restarts nothing.
    const off = await daemon.rpc.call<ProcessDescription[]>('restart', { targets: [NAME], watch: 'toggle' });
    expect(off.map((proc) => proc.pm2_env.watch)).toEqual([false]);
    await waitForRestarts(daemon, 3, 'the manual restart');
    await quietPeriod(500);
    fs.writeFileSync(path.join(dir, 'src', 'b.js'), 'x');
    await quietPeriod();
    expect((await current(daemon)).pm2_env.restart_time, 'no restart once watching is off').toBe(3);

    // Paths: watched from now on.
    const paths = await daemon.rpc.call<ProcessDescription[]>('reload', { targets: [NAME], watch: ['src'] });
    expect(paths.map((proc) => proc.pm2_env.watch)).toEqual([['src']]);
    await waitForWatcher(daemon, 1);
    await waitForRestarts(daemon, 4, 'the manual reload');
    fs.writeFileSync(path.join(dir, 'src', 'c.js'), 'x');
    await waitForRestarts(daemon, 5, 'a restart for a change in src');

    // stop --watch: stopped and not watching, and a plain restart keeps it so.
    const stopped = await daemon.rpc.call<ProcessDescription[]>('stop', { targets: [NAME], watch: false });
    expect(stopped.map((proc) => [proc.pm2_env.status, proc.pm2_env.watch])).toEqual([['stopped', false]]);
    await daemon.rpc.call('restart', { targets: [NAME] });
    await waitForApps(daemon, 'the app online again', (procs) => byName(procs, NAME).pm2_env.status === 'online');
    const restarts = (await current(daemon)).pm2_env.restart_time;
    expect((await current(daemon)).pm2_env.watch).toBe(false);
    await quietPeriod(500);
    fs.writeFileSync(path.join(dir, 'src', 'd.js'), 'x');
    await quietPeriod();
    expect((await current(daemon)).pm2_env.restart_time, 'no restart after stop --watch').toBe(restarts);

    // Toggled on again, the app watches what it watched before (src), not its whole cwd.
    const again = await daemon.rpc.call<ProcessDescription[]>('restart', { targets: [NAME], watch: 'toggle' });
    expect(again.map((proc) => proc.pm2_env.watch)).toEqual([['src']]);
    await waitForWatcher(daemon, 2);
  }, 90_000);

  it('refuses a bad watch value with E_BAD_REQUEST naming it, changes nothing, and keeps answering', async () => {
    dir = makeTempDir('arbor-watch-toggle-bad-');
    const daemon = await daemons.start();
    await daemon.rpc.call('start', { apps: [appConfig({ name: NAME, script: fixture('hello.sh'), args: ['0', '60000'], cwd: dir })] });
    await waitForRestarts(daemon, 0, 'the app online');

    const refused = [
      ['restart', 'yes'],
      ['restart', []],
      ['reload', [1]],
      ['reload', ['']],
      ['restart', false],
      ['stop', true],
      ['stop', 'toggle'],
    ] as const;
    for (const [method, watch] of refused) {
      await expect(daemon.rpc.call(method, { targets: [NAME], watch }), `${method} watch=${JSON.stringify(watch)}`).rejects.toMatchObject({
        code: 'E_BAD_REQUEST',
        details: { field: 'watch', value: watch },
      });
    }
    await expect(daemon.rpc.call('ping')).resolves.toMatchObject({ msg: 'pong' });
    const after = await current(daemon);
    expect([after.pm2_env.status, after.pm2_env.restart_time, after.pm2_env.watch]).toEqual(['online', 0, false]);
  }, 60_000);
});
