// watch: the specs apps ask for, the watcher plan, ignore_watch matching, and a real daemon restarting on file changes.
import * as fs from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../src/config/types.js';
import type { ProcEntry } from '../../src/daemon/entry.js';
import { ignoreMatcher, planWatchers, restartedByChange, watchSpecs, type WatchSpec } from '../../src/daemon/watch-restarts.js';
import { fixture, makeTempDir, removeDir } from '../process/helpers.js';
import { appConfig, byName, daemonPerTest, listApps, waitForApps } from './policy-harness.js';

// A table entry with just what the watchers read.
function entry(pmId: number, supervisorPath: string, app: Partial<AppConfig>): ProcEntry {
  const name = supervisorPath.slice(supervisorPath.lastIndexOf('/') + 1);
  return {
    pmId,
    name,
    supervisorPath,
    app: { name, cwd: '/srv/app', watch: false, ignore_watch: [], watch_delay: 0, watch_options: undefined, ...app } as AppConfig,
  } as ProcEntry;
}

function spec(overrides: Partial<WatchSpec> = {}): WatchSpec {
  return { app: 'root/api', name: 'api', cwd: '/srv/app', paths: ['/srv/app'], ignore: [], delayMs: 0, options: {}, ...overrides };
}

describe('watchSpecs', () => {
  it('watches cwd for true, the given paths (relative to cwd) for a list, nothing for false; one spec per app', () => {
    const specs = watchSpecs([
      entry(0, 'root/api', { watch: true, watch_delay: 500 }),
      entry(1, 'root/api', { watch: true, watch_delay: 500 }),
      entry(2, 'root/worker', { watch: ['src', '/etc/worker.conf'], ignore_watch: ['*.log'] }),
      entry(3, 'root/quiet', { watch: false }),
    ]);
    expect([...specs.keys()]).toEqual(['root/api', 'root/worker']);
    expect(specs.get('root/api')).toMatchObject({ paths: ['/srv/app'], delayMs: 500, ignore: [] });
    expect(specs.get('root/worker')).toMatchObject({ paths: ['/srv/app/src', '/etc/worker.conf'], ignore: ['*.log'] });
  });
});

describe('planWatchers', () => {
  it('opens new apps, closes removed ones, reopens changed specs and keeps unchanged watchers', () => {
    const running = new Map([
      ['root/kept', spec({ app: 'root/kept' })],
      ['root/gone', spec({ app: 'root/gone' })],
      ['root/changed', spec({ app: 'root/changed', delayMs: 0 })],
    ]);
    const wanted = new Map([
      ['root/kept', spec({ app: 'root/kept' })],
      ['root/changed', spec({ app: 'root/changed', delayMs: 1000 })],
      ['root/new', spec({ app: 'root/new' })],
    ]);
    const plan = planWatchers(running, wanted);
    expect(plan.close.sort()).toEqual(['root/changed', 'root/gone']);
    expect(plan.open.map((opened) => opened.app).sort()).toEqual(['root/changed', 'root/new']);
  });
});

describe('ignoreMatcher', () => {
  it("uses PM2's default without ignore_watch: dotfiles, dot-folders and node_modules", () => {
    const ignored = ignoreMatcher(spec(), picomatch);
    expect(ignored('/srv/app/.git/HEAD')).toBe(true);
    expect(ignored('/srv/app/.env')).toBe(true);
    expect(ignored('/srv/app/node_modules/x/index.js')).toBe(true);
    expect(ignored('/srv/app/src/index.js')).toBe(false);
  });

  it('matches ignore_watch globs against the path relative to cwd, its base name and its folders', () => {
    const ignored = ignoreMatcher(spec({ ignore: ['logs', '*.tmp', 'build/**/*.map', './cache/'] }), picomatch);
    expect(ignored('/srv/app/logs')).toBe(true);
    expect(ignored('/srv/app/logs/today.log')).toBe(true);
    expect(ignored('/srv/app/src/edit.tmp')).toBe(true);
    expect(ignored('/srv/app/build/js/app.js.map')).toBe(true);
    expect(ignored('/srv/app/cache/entry')).toBe(true);
    expect(ignored('/srv/app/build/js/app.js')).toBe(false);
    expect(ignored('/srv/app/src/logs.js')).toBe(false);
    expect(ignored('/srv/app')).toBe(false);
  });
});

describe('restartedByChange', () => {
  it('restarts running, crashed-out and waiting processes, never the ones a user stopped', () => {
    expect(restartedByChange('online')).toBe(true);
    expect(restartedByChange('errored')).toBe(true);
    expect(restartedByChange('waiting restart')).toBe(true);
    expect(restartedByChange('stopped')).toBe(false);
    expect(restartedByChange('stopping')).toBe(false);
  });
});

describe('watch in the daemon', () => {
  const daemons = daemonPerTest();
  let dir: string | undefined;

  afterEach(() => {
    if (dir) removeDir(dir);
    dir = undefined;
  });

  it('restarts once after a burst of writes, never for ignored paths, and not after the app is deleted', async () => {
    dir = makeTempDir('arbor-watch-');
    fs.mkdirSync(path.join(dir, 'src'));
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.mkdirSync(path.join(dir, 'logs'));
    const daemon = await daemons.start();
    const app = appConfig({ name: 'watched', script: fixture('hello.sh'), args: ['0', '60000'], cwd: dir, watch: ['.'], ignore_watch: ['logs', 'node_modules', '.*'], watch_delay: 300 });
    await daemon.rpc.call('start', { apps: [app] });
    const [first] = await waitForApps(daemon, 'watched online', (procs) => byName(procs, 'watched').pm2_env.status === 'online');
    // chokidar's initial scan must be over before a change counts: give it a moment (it is not observable over RPC).
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    // Ignored paths: a log folder, node_modules and a dotfile.
    fs.writeFileSync(path.join(dir, 'logs', 'out.log'), 'x');
    fs.writeFileSync(path.join(dir, 'node_modules', 'dep.js'), 'x');
    fs.writeFileSync(path.join(dir, '.env'), 'x');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(byName(await listApps(daemon), 'watched').pm2_env.restart_time, 'ignored paths restart nothing').toBe(0);

    // A burst of writes within watch_delay: one restart.
    for (let write = 0; write < 5; write += 1) fs.writeFileSync(path.join(dir, 'src', `file-${write}.js`), `// ${write}`);
    const [restarted] = await waitForApps(daemon, 'one restart', (procs) => byName(procs, 'watched').pm2_env.restart_time === 1 && byName(procs, 'watched').pm2_env.status === 'online');
    expect(restarted!.pid).not.toBe(first!.pid);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(byName(await listApps(daemon), 'watched').pm2_env.restart_time, 'the burst gave one restart').toBe(1);
    // Once that restart is done, the next change counts again.
    fs.writeFileSync(path.join(dir, 'src', 'later.js'), 'x');
    await waitForApps(daemon, 'a second restart', (procs) => byName(procs, 'watched').pm2_env.restart_time === 2 && byName(procs, 'watched').pm2_env.status === 'online');

    // A stopped app stays stopped whatever changes.
    await daemon.rpc.call('stop', { targets: ['watched'] });
    fs.writeFileSync(path.join(dir, 'src', 'after-stop.js'), 'x');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(byName(await listApps(daemon), 'watched').pm2_env.status).toBe('stopped');

    // Deleted: the watcher is closed, so a change starts nothing.
    await daemon.rpc.call('delete', { targets: ['watched'] });
    fs.writeFileSync(path.join(dir, 'src', 'after-delete.js'), 'x');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await listApps(daemon)).toEqual([]);
  }, 60_000);

  it('keeps the daemon up when a watched path does not exist', async () => {
    const daemon = await daemons.start();
    const app = appConfig({ name: 'ghostly', script: fixture('hello.sh'), args: ['0', '60000'], watch: ['/nonexistent/arbor-watch-path'] });
    await daemon.rpc.call('start', { apps: [app] });
    await waitForApps(daemon, 'ghostly online', (procs) => byName(procs, 'ghostly').pm2_env.status === 'online');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await daemon.rpc.call('ping')).toMatchObject({ msg: 'pong' });
    expect(byName(await listApps(daemon), 'ghostly').pm2_env.status).toBe('online');
  }, 30_000);
});
