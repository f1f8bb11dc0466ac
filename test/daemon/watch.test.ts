// watch in a real daemon over RPC: a burst of writes gives one restart; ignored paths, stopped and deleted apps give none.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture, makeTempDir, removeDir, waitFor } from '../process/helpers.js';
import { appConfig, byName, daemonPerTest, listApps, waitForApps, type PolicyDaemon } from './policy-harness.js';

// Resolves once the daemon logged that the app's watcher finished its initial scan (changes before that are not seen).
async function waitForWatching(daemon: PolicyDaemon, name: string): Promise<void> {
  await waitFor(`the watcher of ${name} to be ready`, () => {
    const log = fs.existsSync(daemon.paths.daemonLog) ? fs.readFileSync(daemon.paths.daemonLog, 'utf8') : '';
    return log.split('\n').some((line) => line.includes('"msg":"watching for changes"') && line.includes(`"app":"${name}"`));
  }, 15_000);
}

// Lets time pass for a change that must have no effect: longer than watch_delay plus a restart on this slow machine.
function quietPeriod(ms = 1_500): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function restartTime(daemon: PolicyDaemon, name: string): Promise<number> {
  return byName(await listApps(daemon), name).pm2_env.restart_time;
}

describe('watch in the daemon', () => {
  const daemons = daemonPerTest();
  let dir: string | undefined;

  afterEach(() => {
    if (dir) removeDir(dir);
    dir = undefined;
  });

  it('restarts once after a burst of writes, never for ignored paths, a stopped app or a deleted one', async () => {
    dir = makeTempDir('arbor-watch-');
    for (const folder of ['src', 'node_modules', 'logs']) fs.mkdirSync(path.join(dir, folder));
    const daemon = await daemons.start();
    const app = appConfig({ name: 'watched', script: fixture('hello.sh'), args: ['0', '60000'], cwd: dir, watch: true, ignore_watch: ['logs', 'node_modules', '.*'], watch_delay: 300 });
    await daemon.rpc.call('start', { apps: [app] });
    const [first] = await waitForApps(daemon, 'watched online', (procs) => byName(procs, 'watched').pm2_env.status === 'online');
    await waitForWatching(daemon, 'watched');

    // Ignored paths: a log folder, node_modules and a dotfile.
    fs.writeFileSync(path.join(dir, 'logs', 'out.log'), 'x');
    fs.writeFileSync(path.join(dir, 'node_modules', 'dep.js'), 'x');
    fs.writeFileSync(path.join(dir, '.env'), 'x');
    await quietPeriod();
    expect(await restartTime(daemon, 'watched'), 'ignored paths restart nothing').toBe(0);

    // A burst of writes within watch_delay: one restart.
    for (let write = 0; write < 5; write += 1) fs.writeFileSync(path.join(dir, 'src', `file-${write}.js`), `// ${write}`);
    const [restarted] = await waitForApps(daemon, 'one restart', (procs) => byName(procs, 'watched').pm2_env.restart_time === 1 && byName(procs, 'watched').pm2_env.status === 'online');
    expect(restarted!.pid).not.toBe(first!.pid);
    await quietPeriod();
    expect(await restartTime(daemon, 'watched'), 'the burst gave one restart').toBe(1);
    // Once that restart is done, the next change counts again.
    fs.writeFileSync(path.join(dir, 'src', 'later.js'), 'x');
    await waitForApps(daemon, 'a second restart', (procs) => byName(procs, 'watched').pm2_env.restart_time === 2 && byName(procs, 'watched').pm2_env.status === 'online');

    // A stopped app stays stopped whatever changes.
    await daemon.rpc.call('stop', { targets: ['watched'] });
    fs.writeFileSync(path.join(dir, 'src', 'after-stop.js'), 'x');
    await quietPeriod();
    expect(byName(await listApps(daemon), 'watched').pm2_env.status).toBe('stopped');

    // Deleted: the watcher is closed, so a change starts nothing.
    await daemon.rpc.call('delete', { targets: ['watched'] });
    fs.writeFileSync(path.join(dir, 'src', 'after-delete.js'), 'x');
    await quietPeriod();
    expect(await listApps(daemon)).toEqual([]);
  }, 60_000);

  it('watches globs (chokidar 4 has none) and ignores by RegExp, as PM2 configs write them', async () => {
    dir = makeTempDir('arbor-watch-glob-');
    fs.mkdirSync(path.join(dir, 'src', 'deep'), { recursive: true });
    const daemon = await daemons.start();
    const app = appConfig({ name: 'globbed', script: fixture('hello.sh'), args: ['0', '60000'], cwd: dir, watch: ['./src/**/*.js'], ignore_watch: [/\.skip\.js$/], watch_delay: 200 });
    await daemon.rpc.call('start', { apps: [app] });
    await waitForApps(daemon, 'globbed online', (procs) => byName(procs, 'globbed').pm2_env.status === 'online');
    await waitForWatching(daemon, 'globbed');

    fs.writeFileSync(path.join(dir, 'src', 'notes.txt'), 'not a .js file');
    fs.writeFileSync(path.join(dir, 'src', 'deep', 'fixture.skip.js'), 'ignored by the RegExp');
    fs.writeFileSync(path.join(dir, 'top.js'), 'outside the glob');
    await quietPeriod();
    expect(await restartTime(daemon, 'globbed'), 'changes outside the glob or ignored restart nothing').toBe(0);

    fs.writeFileSync(path.join(dir, 'src', 'deep', 'module.js'), 'x');
    await waitForApps(daemon, 'a restart', (procs) => byName(procs, 'globbed').pm2_env.restart_time === 1 && byName(procs, 'globbed').pm2_env.status === 'online');
  }, 60_000);

  it('keeps the daemon up when a watched path does not exist', async () => {
    const daemon = await daemons.start();
    const app = appConfig({ name: 'ghostly', script: fixture('hello.sh'), args: ['0', '60000'], watch: ['/nonexistent/arbor-watch-path'] });
    await daemon.rpc.call('start', { apps: [app] });
    await waitForApps(daemon, 'ghostly online', (procs) => byName(procs, 'ghostly').pm2_env.status === 'online');
    await waitForWatching(daemon, 'ghostly');
    expect(await daemon.rpc.call('ping')).toMatchObject({ msg: 'pong' });
    expect(byName(await listApps(daemon), 'ghostly').pm2_env.status).toBe('online');
  }, 30_000);
});
