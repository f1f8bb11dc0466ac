import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, type ArborClient } from '../../src/client/client.js';
import { chooseDaemonEntry, packageRoot, packageVersion, type DaemonEntryContext } from '../../src/client/daemon-entry.js';
import type { TreeConfig } from '../../src/config/types.js';
import { normalizeApp } from '../../src/config/validate.js';
import { ensureHome } from '../../src/daemon/home.js';
import type { HomePaths } from '../../src/daemon/home.js';
import { isProcessAlive, readPidFile } from '../../src/daemon/lock.js';
import { createRpcServer, type RpcServer } from '../../src/daemon/rpc-server.js';
import { ArborError, isArborError } from '../../src/errors.js';
import { cleanupHome, killAll, makeTempHome, waitFor } from '../fixtures/daemon-harness.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const homes: HomePaths[] = [];
const servers: RpcServer[] = [];
const clients: ArborClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.disconnect();
  for (const server of servers.splice(0)) await server.close();
  for (const paths of homes.splice(0)) await cleanupHome(paths);
});

/** Every request the in-process daemon received. */
type Received = Array<{ method: string; params: unknown }>;

// An in-process daemon whose methods record their params and answer `answer(method, params)`.
async function serve(answer: (method: string, params: unknown) => unknown = () => []): Promise<{ paths: HomePaths; received: Received; server: RpcServer }> {
  const paths = await makeTempHome();
  homes.push(paths);
  ensureHome(paths);
  const received: Received = [];
  const methods = ['ping', 'start', 'stop', 'restart', 'reload', 'delete', 'list', 'describe', 'reset', 'scale', 'sendSignal', 'save', 'resurrect', 'cleardump', 'flush', 'reloadLogs', 'logFiles', 'sendData'];
  const handlers = Object.fromEntries(
    methods.map((method) => [
      method,
      (params: unknown) => {
        received.push({ method, params });
        return answer(method, params);
      },
    ]),
  );
  const server = await createRpcServer({ socketPath: paths.socket, handlers });
  servers.push(server);
  return { paths, received, server };
}

async function open(paths: HomePaths): Promise<ArborClient> {
  const client = await connect({ home: paths.home, autoStart: false });
  clients.push(client);
  return client;
}

describe('connect', () => {
  it('fails with E_DAEMON_UNREACHABLE without autoStart when no daemon answers', async () => {
    const paths = await makeTempHome();
    homes.push(paths);
    const error = await connect({ home: paths.home, autoStart: false, timeoutMs: 500 }).catch((caught: unknown) => caught);
    expect(isArborError(error, 'E_DAEMON_UNREACHABLE')).toBe(true);
  });

  it('takes the home option over ARBOR_HOME', async () => {
    const { paths } = await serve();
    const client = await connect({ home: paths.home, autoStart: false, env: { ARBOR_HOME: '/nonexistent/elsewhere' } });
    clients.push(client);
    expect(client.home.home).toBe(paths.home);
    expect(client.started).toBe(false);
  });
});

describe('ArborClient methods', () => {
  it('send each method with the params of the contract', async () => {
    const { paths, received } = await serve();
    const client = await open(paths);
    const app = normalizeApp({ name: 'api', script: 'api.js' }, { index: 0 }, { baseDir: '/srv', shellEnv: {} }).app;
    const tree = { root: { kind: 'supervisor', options: { id: 'root' }, children: [] }, unlisted: ['api'] } as TreeConfig;
    await client.start([app]);
    await client.start({ apps: [app], tree }, { force: true });
    await client.stop('api');
    await client.stop('api', { watch: false });
    await client.restart(['a', 'b'], { updateEnv: true, env: { X: '1' } });
    await client.restart('a', { watch: 'toggle' });
    await client.reload('all');
    await client.reload('all', { watch: ['src', 'lib'] });
    await client.delete(['/^w/']);
    await client.list();
    await client.describe('0');
    await client.reset('all');
    await client.scale('api', 3);
    await client.scale('api', { delta: -1 });
    await client.sendSignal('SIGUSR2', 'api');
    await client.dump({ force: true });
    await client.resurrect();
    await client.cleardump();
    await client.flush();
    await client.flush('api');
    await client.reloadLogs();
    await client.logFiles('api');
    await client.sendData('api', { hello: 1 });
    await client.call('describe', { target: 'x' });
    expect(received).toEqual([
      { method: 'start', params: { apps: [app] } },
      { method: 'start', params: { apps: [app], tree, force: true } },
      { method: 'stop', params: { targets: ['api'] } },
      { method: 'stop', params: { targets: ['api'], watch: false } },
      { method: 'restart', params: { targets: ['a', 'b'], updateEnv: true, env: { X: '1' } } },
      { method: 'restart', params: { targets: ['a'], watch: 'toggle' } },
      { method: 'reload', params: { targets: ['all'] } },
      { method: 'reload', params: { targets: ['all'], watch: ['src', 'lib'] } },
      { method: 'delete', params: { targets: ['/^w/'] } },
      { method: 'list', params: undefined },
      { method: 'describe', params: { target: '0' } },
      { method: 'reset', params: { target: 'all' } },
      { method: 'scale', params: { name: 'api', instances: 3 } },
      { method: 'scale', params: { name: 'api', delta: -1 } },
      { method: 'sendSignal', params: { signal: 'SIGUSR2', target: 'api' } },
      { method: 'save', params: { force: true } },
      { method: 'resurrect', params: undefined },
      { method: 'cleardump', params: undefined },
      { method: 'flush', params: {} },
      { method: 'flush', params: { target: 'api' } },
      { method: 'reloadLogs', params: undefined },
      { method: 'logFiles', params: { target: 'api' } },
      { method: 'sendData', params: { target: 'api', data: { hello: 1 } } },
      { method: 'describe', params: { target: 'x' } },
    ]);
  });

  it("normalizes PM2's app options on the client's side: paths from its cwd, env over its environment, warnings to onWarning", async () => {
    const { paths, received } = await serve();
    const env = { PATH: '/usr/bin', FROM_SHELL: 'yes' };
    const client = await connect({ home: paths.home, autoStart: false, env });
    clients.push(client);
    const warnings: string[] = [];
    await client.start([{ name: 'api', script: './api.js', instances: '2', env: { PORT: 3000 }, max_memory_restart: '200M', colour: 1 }], { onWarning: (warning) => warnings.push(warning) });
    const sent = (received[0]!.params as { apps: Array<Record<string, unknown>> }).apps[0]!;
    expect(sent).toMatchObject({ name: 'api', script: join(process.cwd(), 'api.js'), cwd: process.cwd(), instances: 2, max_memory_restart: 200 * 1024 * 1024 });
    expect(sent.env).toMatchObject({ FROM_SHELL: 'yes', PORT: '3000' });
    expect(warnings).toEqual([expect.stringContaining('unknown key "colour"')]);

    // A bad option fails before anything is sent, naming the app, the field and the value.
    const error = await client.start([{ name: 'bad', script: 'api.js', instances: 'lots' }]).catch((caught: unknown) => caught);
    expect(isArborError(error)).toBe(true);
    expect((error as ArborError).message).toMatch(/instances.*"lots"/);
    expect((error as ArborError).message).toContain('(bad)');
    expect(received).toHaveLength(1);
  });

  it("rejects with an ArborError carrying the daemon's code and message", async () => {
    const { paths } = await serve((method) => {
      if (method === 'stop') throw new ArborError('E_APP_NOT_FOUND', 'no process matches "ghost"', { details: { field: 'target', value: 'ghost' } });
      return [];
    });
    const client = await open(paths);
    const error = await client.stop('ghost').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ArborError);
    expect((error as ArborError).code).toBe('E_APP_NOT_FOUND');
    expect((error as ArborError).message).toBe('no process matches "ghost"');
    expect((error as ArborError).details).toEqual({ field: 'target', value: 'ghost' });
  });
});

describe('bus', () => {
  it("re-emits the daemon's process and log events by name and under '*', and tells when the connection ends", async () => {
    const { paths, server } = await serve();
    const client = await open(paths);
    const bus = await client.bus();
    expect(await client.bus()).toBe(bus);
    const named: unknown[] = [];
    const all: Array<[string, unknown]> = [];
    bus.on('process:event', (data) => named.push(data));
    bus.on('log:err', (data) => named.push(data));
    bus.on('*', (event, data) => all.push([event, data]));
    const event = { event: 'online', manually: false, process: { pm_id: 0, name: 'api', namespace: 'default', status: 'online', pid: 5, restart_time: 0 }, at: 1 };
    const line = { process: { pm_id: 0, name: 'api', namespace: 'default' }, at: 2, data: 'oops' };
    server.broadcast('process:event', event);
    server.broadcast('log:err', line);
    server.broadcast('not:subscribed', {});
    await waitFor(() => all.length === 2, 2000);
    expect(named).toEqual([event, line]);
    expect(all).toEqual([
      ['process:event', event],
      ['log:err', line],
    ]);

    const closed = new Promise<unknown>((resolveClosed) => bus.once('close', resolveClosed));
    await server.close();
    servers.splice(servers.indexOf(server), 1);
    expect(isArborError(await closed, 'E_DAEMON_UNREACHABLE')).toBe(true);
  });
});

// A daemon entry written into the home: takes the lock, answers ping with its pid, and exits shortly after `kill`.
async function writeKillableDaemon(paths: HomePaths): Promise<string> {
  const module = (path: string) => pathToFileURL(resolve(ROOT, path)).href;
  const file = join(paths.home, 'killable-daemon.mts');
  await writeFile(
    file,
    `import { ensureHome, resolveHome } from ${JSON.stringify(module('src/daemon/home.ts'))};
import { acquireDaemonLock } from ${JSON.stringify(module('src/daemon/lock.ts'))};
import { createRpcServer } from ${JSON.stringify(module('src/daemon/rpc-server.ts'))};
const paths = resolveHome();
ensureHome(paths);
const lock = await acquireDaemonLock(paths);
const server = await createRpcServer({
  socketPath: paths.socket,
  handlers: {
    ping: () => ({ msg: 'pong', pid: process.pid, version: 'test' }),
    kill: () => {
      setTimeout(async () => { await server.close(); lock.release(); process.exit(0); }, 150);
      return { stopped: 0 };
    },
  },
});
`,
  );
  return file;
}

describe('autoStart and killDaemon', () => {
  it('starts the daemon named by ARBOR_DAEMON_ENTRY, and killDaemon resolves once its process is gone', async () => {
    const paths = await makeTempHome();
    homes.push(paths);
    ensureHome(paths);
    const entry = await writeKillableDaemon(paths);
    let pid: number | undefined;
    try {
      const client = await connect({ home: paths.home, env: { ...process.env, ARBOR_DAEMON_ENTRY: entry }, timeoutMs: 15_000 });
      clients.push(client);
      expect(client.started).toBe(true);
      pid = (await client.ping()).pid;
      expect(isProcessAlive(pid)).toBe(true);
      expect(await client.killDaemon()).toEqual({ stopped: 0 });
      expect(isProcessAlive(pid)).toBe(false);
    } finally {
      const pids = [pid, readPidFile(paths)].filter((each): each is number => each !== undefined);
      await killAll(pids);
    }
  }, 30_000);
});

describe('chooseDaemonEntry', () => {
  const TSX = 'file:///root/node_modules/tsx/dist/loader.mjs';
  const context = (present: string[], overrides: Partial<DaemonEntryContext> = {}): DaemonEntryContext => ({
    root: '/root',
    fromSource: false,
    override: undefined,
    cwd: '/work',
    exists: (path) => present.includes(path),
    tsxLoader: () => TSX,
    ...overrides,
  });
  const all = ['/root/dist/daemon.js', '/root/dist/src/daemon/main.js', '/root/src/daemon/main.ts'];

  it('prefers the bundle, then the tsc output, then the source through tsx', () => {
    expect(chooseDaemonEntry(context(all))).toEqual({ entry: '/root/dist/daemon.js', nodeArgs: ['--lite-mode', '--no-expose-wasm', '--optimize-for-size', '--expose-gc'] });
    expect(chooseDaemonEntry(context(all.slice(1)))).toEqual({ entry: '/root/dist/src/daemon/main.js', nodeArgs: ['--lite-mode', '--no-expose-wasm', '--optimize-for-size', '--expose-gc'] });
    expect(chooseDaemonEntry(context(all.slice(2)))).toEqual({ entry: '/root/src/daemon/main.ts', nodeArgs: ['--lite-mode', '--no-expose-wasm', '--optimize-for-size', '--expose-gc', '--import', TSX] });
  });

  it('runs the source when the client itself runs from source, so tests never use a stale build', () => {
    expect(chooseDaemonEntry(context(all, { fromSource: true }))).toEqual({ entry: '/root/src/daemon/main.ts', nodeArgs: ['--lite-mode', '--no-expose-wasm', '--optimize-for-size', '--expose-gc', '--import', TSX] });
  });

  it('takes ARBOR_DAEMON_ENTRY first, relative to cwd, through tsx when it is TypeScript', () => {
    expect(chooseDaemonEntry(context([...all, '/work/fake.ts'], { override: 'fake.ts' }))).toEqual({ entry: '/work/fake.ts', nodeArgs: ['--lite-mode', '--no-expose-wasm', '--optimize-for-size', '--expose-gc', '--import', TSX] });
    expect(chooseDaemonEntry(context([...all, '/opt/d.js'], { override: '/opt/d.js' }))).toEqual({ entry: '/opt/d.js', nodeArgs: ['--lite-mode', '--no-expose-wasm', '--optimize-for-size', '--expose-gc'] });
  });

  it('fails with E_DAEMON_UNREACHABLE for a missing override or when nothing is there', () => {
    expect(() => chooseDaemonEntry(context(all, { override: 'gone.js' }))).toThrow(/ARBOR_DAEMON_ENTRY names a file that does not exist/);
    expect(() => chooseDaemonEntry(context([]))).toThrow(/cannot find arbor's daemon under \/root/);
  });
});

describe('packageRoot and packageVersion', () => {
  it("find arbor's root from a file inside it, and its version", async () => {
    expect(packageRoot(join(ROOT, 'src', 'client', 'client.ts'))).toBe(resolve(ROOT));
    const manifest = (await import('../../package.json', { with: { type: 'json' } })).default as { version: string };
    expect(packageVersion(resolve(ROOT))).toBe(manifest.version);
  });

  it('fails with E_DAEMON_UNREACHABLE outside any arbor package', () => {
    expect(() => packageRoot('/definitely/not/here.js')).toThrow(/cannot find arbor's package.json/);
  });
});
