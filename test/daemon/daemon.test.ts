// The real daemon over RPC: apps of every language, PM2's shapes, errors that change nothing, persistence, shutdown.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProcessDescription } from '../../src/client/types.js';
import { ensureDaemon } from '../../src/client/launch-daemon.js';
import type { RpcConnection } from '../../src/client/connection.js';
import { parseEcosystem } from '../../src/config/ecosystem.js';
import { normalizeApp } from '../../src/config/validate.js';
import type { AppConfig } from '../../src/config/types.js';
import type { HomePaths } from '../../src/daemon/home.js';
import { isProcessAlive, readPidFile } from '../../src/daemon/lock.js';
import { cleanupHome, makeTempHome, tsxNodeArgs } from '../fixtures/daemon-harness.js';
import { fixture, isRunning, waitFor } from '../process/helpers.js';

const DAEMON_ENTRY = path.resolve('src/daemon/main.ts');
let paths: HomePaths;
let rpc: RpcConnection;
const pids = new Set<number>();

function app(raw: Record<string, unknown>): AppConfig {
  return normalizeApp(raw, { index: 0 }, { baseDir: process.cwd(), shellEnv: process.env }).app;
}

async function list(): Promise<ProcessDescription[]> {
  const procs = await rpc.call<ProcessDescription[]>('list');
  for (const proc of procs) if (proc.pid) pids.add(proc.pid);
  return procs;
}

async function launch(): Promise<void> {
  const { connection } = await ensureDaemon(paths, { entry: DAEMON_ENTRY, nodeArgs: tsxNodeArgs(), timeoutMs: 15_000 });
  rpc = connection;
}

beforeEach(async () => {
  paths = await makeTempHome();
  await launch();
});

afterEach(async () => {
  const daemon = readPidFile(paths);
  await rpc.call('kill').catch(() => undefined);
  await rpc.close();
  if (daemon) await waitFor('the daemon to exit', () => !isProcessAlive(daemon), 10_000).catch(() => process.kill(daemon, 'SIGKILL'));
  for (const pid of pids) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
  pids.clear();
  await cleanupHome(paths);
});

describe('the daemon', () => {
  it('runs node, python and bash apps and lists them in PM2 jlist shape', async () => {
    await rpc.call('start', {
      apps: [
        app({ name: 'web', script: fixture('graceful-exit.js') }),
        app({ name: 'py', script: fixture('hello.py'), args: ['0', '60000'] }),
        app({ name: 'sh', script: fixture('hello.sh'), args: ['0', '60000'], namespace: 'scripts' }),
      ],
    });
    const procs = await list();
    expect(procs.map((p) => [p.pm_id, p.name, p.pm2_env.status])).toEqual([[0, 'web', 'online'], [1, 'py', 'online'], [2, 'sh', 'online']]);
    const web = procs[0]!;
    expect(web.pid).toBeGreaterThan(0);
    expect(web.monit).toEqual({ memory: expect.any(Number), cpu: expect.any(Number) });
    expect(web.pm2_env).toMatchObject({
      namespace: 'default',
      restart_time: 0,
      unstable_restarts: 0,
      exec_mode: 'fork_mode',
      instances: 1,
      pm_exec_path: fixture('graceful-exit.js'),
      pm_out_log_path: path.join(paths.logsDir, 'web-out.log'),
      pm_err_log_path: path.join(paths.logsDir, 'web-error.log'),
      NODE_APP_INSTANCE: 0,
      pm_id: 0,
      autorestart: true,
      kill_timeout: 1600,
    });
    expect(procs[2]!.pm2_env.namespace).toBe('scripts');
    await waitFor('bash output in its log file', () => fs.existsSync(path.join(paths.logsDir, 'sh-out.log')) && fs.readFileSync(path.join(paths.logsDir, 'sh-out.log'), 'utf8').includes('hello from bash'));
    await waitFor('bash stderr in its error file', () => fs.readFileSync(path.join(paths.logsDir, 'sh-error.log'), 'utf8').includes('oops'));
    await waitFor('python output in its log file', () => fs.existsSync(path.join(paths.logsDir, 'py-out.log')) && fs.readFileSync(path.join(paths.logsDir, 'py-out.log'), 'utf8').includes('hello from python'), 10_000);
  });

  it('stops, restarts and deletes by name, id, namespace, all and regex', async () => {
    await rpc.call('start', { apps: [app({ name: 'a1', script: fixture('graceful-exit.js'), instances: 2 }), app({ name: 'b1', script: fixture('graceful-exit.js'), namespace: 'ns' })] });
    const before = await list();
    expect((await rpc.call<ProcessDescription[]>('stop', { targets: ['a1'] })).map((p) => p.pm2_env.status)).toEqual(['stopped', 'stopped']);
    for (const proc of before.slice(0, 2)) await waitFor('a stopped process to be gone', () => !isRunning(proc.pid));
    const restarted = await rpc.call<ProcessDescription[]>('restart', { targets: ['0'] });
    expect(restarted.map((p) => [p.pm_id, p.pm2_env.status, p.pm2_env.restart_time])).toEqual([[0, 'online', 0]]);
    expect((await rpc.call<ProcessDescription[]>('stop', { targets: ['ns'] })).map((p) => p.name)).toEqual(['b1']);
    expect((await rpc.call<ProcessDescription[]>('restart', { targets: ['/^a/'] })).map((p) => p.pm_id)).toEqual([0, 1]);
    await rpc.call('delete', { targets: ['all'] });
    expect(await list()).toEqual([]);
    for (const proc of before) expect(isRunning(proc.pid)).toBe(false);
  });

  it('with force runs apps of one name side by side, in one start and across starts', async () => {
    const twin = (): AppConfig => app({ name: 'twin', script: fixture('graceful-exit.js') });
    await rpc.call('start', { apps: [twin(), twin()], force: true });
    await rpc.call('start', { apps: [twin()], force: true });
    const procs = await list();
    expect(procs.map((proc) => [proc.name, proc.pm_id, proc.pm2_env.status])).toEqual([
      ['twin', 0, 'online'],
      ['twin', 1, 'online'],
      ['twin', 2, 'online'],
    ]);
    expect(new Set(procs.map((proc) => proc.pid)).size).toBe(3);
    await rpc.call('delete', { targets: ['twin'] });
    expect(await list()).toEqual([]);
  });

  it('ends a crash-looping app in errored, restart_time and unstable_restarts counted', async () => {
    await rpc.call('start', { apps: [app({ name: 'loop', script: fixture('exit-with.js'), args: ['1', '20'], min_uptime: 1000, max_restarts: 4 })] });
    const errored = await waitForStatus('loop', 'errored');
    expect(errored.pm2_env.restart_time).toBe(3);
    expect(errored.pm2_env.unstable_restarts).toBe(4);
    expect(errored.pm2_env.exit_code).toBe(1);
    expect(errored.pid).toBe(0);
  });

  it('refuses bad requests with a code and stays up, changing nothing', async () => {
    await rpc.call('start', { apps: [app({ name: 'keep', script: fixture('graceful-exit.js') })] });
    await expect(rpc.call('stop', { targets: ['nope'] })).rejects.toMatchObject({ code: 'E_APP_NOT_FOUND' });
    await expect(rpc.call('start', { apps: [app({ name: 'keep', script: fixture('graceful-exit.js') })] })).rejects.toMatchObject({ code: 'E_NAME_CLASH' });
    await expect(rpc.call('start', { apps: 'not a list' })).rejects.toMatchObject({ code: 'E_BAD_REQUEST' });
    await expect(rpc.call('start', { apps: [{ ...app({ name: 'gone', script: fixture('graceful-exit.js') }), script: '/nonexistent/app.js' }] })).rejects.toMatchObject({ code: 'E_SCRIPT_NOT_FOUND' });
    // PM2's options sent raw (the client normalizes them; a hand-made request does not) are refused, not half-run.
    await expect(rpc.call('start', { apps: [{ name: 'raw', script: fixture('graceful-exit.js') }] })).rejects.toMatchObject({
      code: 'E_BAD_REQUEST',
      message: expect.stringContaining('apps[0] (raw) is not a validated app config: cwd must be an absolute path, got undefined'),
    });
    await expect(rpc.call('start', { apps: [{ ...app({ name: 'half', script: fixture('graceful-exit.js') }), instances: 'lots' }] })).rejects.toMatchObject({
      code: 'E_BAD_REQUEST',
      details: { field: 'apps[0].instances', value: 'lots' },
    });
    await expect(rpc.call('no-such-method')).rejects.toMatchObject({ code: 'E_BAD_REQUEST' });
    await expect(rpc.call('scale', { name: 'keep' })).rejects.toMatchObject({ code: 'E_BAD_REQUEST' });
    expect(await rpc.call('ping')).toMatchObject({ msg: 'pong' });
    expect((await list()).map((p) => [p.name, p.pm2_env.status])).toEqual([['keep', 'online']]);
  });

  it('checks every app of a start before starting any: one missing script starts none of them and takes no pm_id', async () => {
    const marker = `arbor-unstarted-${process.pid}-${Date.now()}`;
    const good = app({ name: 'good', script: fixture('exit-with.js'), args: ['0', '60000', marker] });
    const missing = { ...app({ name: 'missing', script: fixture('exit-with.js') }), script: '/nonexistent/missing.js' };
    await expect(rpc.call('start', { apps: [good, missing] })).rejects.toMatchObject({
      code: 'E_SCRIPT_NOT_FOUND',
      message: 'app "missing" has script "/nonexistent/missing.js" (string) but /nonexistent/missing.js does not exist',
    });
    const inTree = parseEcosystem(
      {
        apps: [{ name: 'good', script: fixture('exit-with.js'), args: ['0', '60000', marker] }, { name: 'gone', script: '/nonexistent/gone.js' }],
        tree: { strategy: 'one_for_all', children: ['good', 'gone'] },
      },
      { baseDir: process.cwd(), shellEnv: process.env },
    );
    await expect(rpc.call('start', { apps: inTree.apps, tree: inTree.tree })).rejects.toMatchObject({ code: 'E_SCRIPT_NOT_FOUND', message: expect.stringContaining('app "gone"') });
    expect(await list()).toEqual([]);
    const cmdline = (pid: string) => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        return '';
      }
    };
    const running = fs.readdirSync('/proc').filter((pid) => /^\d+$/.test(pid) && cmdline(pid).includes(marker));
    expect(running).toEqual([]);
    const [started] = await rpc.call<ProcessDescription[]>('start', { apps: [app({ name: 'next', script: fixture('graceful-exit.js') })] });
    expect(started).toMatchObject({ name: 'next', pm_id: 0 });
    await list();
  });

  it('runs a tree section: rest_for_one over apps restarts only the younger ones', async () => {
    const config = parseEcosystem(
      {
        apps: [
          { name: 'db', script: fixture('graceful-exit.js') },
          { name: 'api', script: fixture('graceful-exit.js') },
          { name: 'web', script: fixture('graceful-exit.js') },
        ],
        tree: { strategy: 'rest_for_one', intensity: 5, period: 10, children: ['db', 'api', 'web'] },
      },
      { baseDir: process.cwd(), shellEnv: process.env },
    );
    await rpc.call('start', { apps: config.apps, tree: config.tree });
    const before = await list();
    expect(before.map((p) => p.pm2_env.arbor.supervisor)).toEqual(['root/root/db', 'root/root/api', 'root/root/web']);
    process.kill(before[1]!.pid, 'SIGKILL');
    const after = await waitForList((procs) => procs[1]!.pid !== before[1]!.pid && procs[2]!.pid !== before[2]!.pid && procs.every((p) => p.pm2_env.status === 'online'));
    expect(after[0]!.pid).toBe(before[0]!.pid);
  });

  it('sendData reaches a Node app over its IPC channel, and what it sends comes back on the bus as process:msg', async () => {
    const messages: unknown[] = [];
    await rpc.subscribe(['process:msg'], (_event, data) => messages.push((data as { raw: unknown }).raw));
    await rpc.call('start', { apps: [app({ name: 'echo', script: fixture('echo-ipc.js') }), app({ name: 'shell', script: fixture('hello.sh'), args: ['0', '60000'] })] });
    await waitFor('the app to say it is ready over IPC', () => messages.some((m) => (m as { type?: string }).type === 'ready'));
    await rpc.call('sendData', { target: 'echo', data: { type: 'process:msg', data: { hello: 'world' }, topic: 'greeting' } });
    await waitFor('the echo', () => messages.some((m) => (m as { type?: string }).type === 'echo'));
    expect(messages.find((m) => (m as { type?: string }).type === 'echo')).toEqual({ type: 'echo', data: { type: 'process:msg', data: { hello: 'world' }, topic: 'greeting' } });
    await expect(rpc.call('sendData', { target: 'shell', data: { x: 1 } })).rejects.toMatchObject({ code: 'E_BAD_REQUEST' });
    await expect(rpc.call('sendData', { target: 'nope', data: { x: 1 } })).rejects.toMatchObject({ code: 'E_APP_NOT_FOUND' });
    await list();
  });

  it('writes --time logs through the daemon with a timestamp prefix', async () => {
    await rpc.call('start', { apps: [app({ name: 'stamped', script: fixture('hello.sh'), args: ['0', '60000'], time: true })] });
    const file = path.join(paths.logsDir, 'stamped-out.log');
    await waitFor('a timestamped line', () => fs.existsSync(file) && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d: hello from bash$/m.test(fs.readFileSync(file, 'utf8')));
    await list();
  });

  it('save, kill, resurrect gives back the same apps; stopped ones stay stopped', async () => {
    await rpc.call('start', {
      apps: [app({ name: 'one', script: fixture('graceful-exit.js'), env: { GREETING: 'hi' } }), app({ name: 'two', script: fixture('graceful-exit.js'), instances: 2 })],
    });
    await rpc.call('stop', { targets: ['one'] });
    await list();
    expect(await rpc.call('save', {})).toMatchObject({ count: 2 });
    await rpc.call('kill');
    await rpc.close();
    const daemon = readPidFile(paths);
    if (daemon) await waitFor('the old daemon to exit', () => !isProcessAlive(daemon), 10_000);
    await launch();
    const restored = await rpc.call<ProcessDescription[]>('resurrect');
    expect(restored.map((p) => [p.name, p.pm2_env.status])).toEqual([['one', 'stopped'], ['two', 'online'], ['two', 'online']]);
    expect(restored[0]!.pm2_env.env.GREETING).toBe('hi');
    expect(await rpc.call<ProcessDescription[]>('resurrect')).toEqual([]);
    await list();
  });

  it('falls back to dump.json.bak when dump.json is corrupt', async () => {
    await rpc.call('start', { apps: [app({ name: 'first', script: fixture('graceful-exit.js') })] });
    await rpc.call('save', {});
    await rpc.call('start', { apps: [app({ name: 'second', script: fixture('graceful-exit.js') })] });
    await rpc.call('save', {});
    fs.writeFileSync(paths.dumpFile, '{ not json');
    await rpc.call('delete', { targets: ['all'] });
    const restored = await rpc.call<ProcessDescription[]>('resurrect');
    expect(restored.map((p) => p.name)).toEqual(['first']);
    await list();
  });

  it('on SIGTERM saves the list and stops every app before exiting', async () => {
    await rpc.call('start', { apps: [app({ name: 'term', script: fixture('graceful-exit.js') })] });
    const [proc] = await list();
    const daemon = readPidFile(paths)!;
    process.kill(daemon, 'SIGTERM');
    await waitFor('the daemon to exit', () => !isProcessAlive(daemon), 10_000);
    expect(isRunning(proc!.pid)).toBe(false);
    expect(JSON.parse(fs.readFileSync(paths.dumpFile, 'utf8')).apps.map((a: { app: { name: string } }) => a.app.name)).toEqual(['term']);
    await launch();
  });
});

async function waitForList(ok: (procs: ProcessDescription[]) => boolean, timeoutMs = 10_000): Promise<ProcessDescription[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const procs = await list();
    if (ok(procs)) return procs;
    if (Date.now() > deadline) throw new Error(`timed out; last list: ${JSON.stringify(procs.map((p) => [p.name, p.pid, p.pm2_env.status]))}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function waitForStatus(name: string, status: string): Promise<ProcessDescription> {
  const procs = await waitForList((all) => all.some((p) => p.name === name && p.pm2_env.status === status));
  return procs.find((p) => p.name === name)!;
}
