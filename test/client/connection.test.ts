import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import { connect } from '../../src/client/connection.js';
import type { RpcConnection } from '../../src/client/connection.js';
import { ensureHome } from '../../src/daemon/home.js';
import type { HomePaths } from '../../src/daemon/home.js';
import { createRpcServer } from '../../src/daemon/rpc-server.js';
import type { RpcServer, RpcServerOptions } from '../../src/daemon/rpc-server.js';
import { ArborError } from '../../src/errors.js';
import { cleanupHome, makeTempHome, waitFor } from '../fixtures/daemon-harness.js';

const made: HomePaths[] = [];
const servers: RpcServer[] = [];
const connections: RpcConnection[] = [];
afterEach(async () => {
  for (const connection of connections.splice(0)) await connection.close();
  for (const server of servers.splice(0)) await server.close();
  for (const paths of made.splice(0)) await cleanupHome(paths);
});

async function serve(handlers: RpcServerOptions['handlers'] = {}): Promise<{ paths: HomePaths; server: RpcServer }> {
  const paths = await makeTempHome();
  made.push(paths);
  ensureHome(paths);
  const server = await createRpcServer({ socketPath: paths.socket, handlers });
  servers.push(server);
  return { paths, server };
}

async function open(socketPath: string, options?: Parameters<typeof connect>[1]): Promise<RpcConnection> {
  const connection = await connect(socketPath, options);
  connections.push(connection);
  return connection;
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

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe('connect', () => {
  it('calls methods and matches concurrent replies to their calls', async () => {
    const { paths } = await serve({
      after: async (params) => {
        const { ms, value } = params as { ms: number; value: string };
        await sleep(ms);
        return value;
      },
    });
    const connection = await open(paths.socket);
    const results = await Promise.all([
      connection.call('after', { ms: 60, value: 'slow' }),
      connection.call('after', { ms: 0, value: 'fast' }),
      connection.call('after', { ms: 30, value: 'middle' }),
      connection.call<{ msg: string }>('ping'),
    ]);
    expect(results).toEqual(['slow', 'fast', 'middle', { msg: 'pong', pid: process.pid }]);
  });

  it("rejects with the daemon's code and details, or E_RPC for a code this client does not know", async () => {
    const { paths } = await serve({
      missing: () => {
        throw new ArborError('E_APP_NOT_FOUND', "no app named 'api'", { details: { value: 'api' } });
      },
      future: () => {
        throw Object.assign(new ArborError('E_RPC', 'from the future'), { code: 'E_FROM_THE_FUTURE' });
      },
    });
    const connection = await open(paths.socket);
    const missing = await rejection(connection.call('missing'));
    expect(missing.code).toBe('E_APP_NOT_FOUND');
    expect(missing.message).toBe("no app named 'api'");
    expect(missing.details).toEqual({ value: 'api' });
    const future = await rejection(connection.call('future'));
    expect(future.code).toBe('E_RPC');
    expect(future.details['remoteCode']).toBe('E_FROM_THE_FUTURE');
    const unknown = await rejection(connection.call('no-such-method'));
    expect(unknown.code).toBe('E_BAD_REQUEST');
  });

  it('fails fast with E_DAEMON_UNREACHABLE when nothing listens', async () => {
    const paths = await makeTempHome();
    made.push(paths);
    const started = Date.now();
    const error = await rejection(connect(paths.socket, { timeoutMs: 2000 }));
    expect(error.code).toBe('E_DAEMON_UNREACHABLE');
    expect(error.message).toContain(paths.socket);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('fails pending calls with E_DAEMON_UNREACHABLE when the daemon goes away mid-call', async () => {
    const { paths, server } = await serve({ hang: () => new Promise(() => {}) });
    const connection = await open(paths.socket);
    const closedWith: Array<ArborError | undefined> = [];
    connection.onClose((error) => closedWith.push(error));
    const pending = connection.call('hang');
    await waitFor(() => server.connections() === 1);
    await server.close();
    servers.length = 0;
    const error = await rejection(pending);
    expect(error.code).toBe('E_DAEMON_UNREACHABLE');
    expect(connection.closed).toBe(true);
    expect(closedWith).toHaveLength(1);
    expect(closedWith[0]?.code).toBe('E_DAEMON_UNREACHABLE');
    expect((await rejection(connection.call('ping'))).code).toBe('E_DAEMON_UNREACHABLE');
  });

  it('times a call out, ignores its late reply and keeps working', async () => {
    const { paths } = await serve({
      late: async () => {
        await sleep(150);
        return 'late';
      },
    });
    const connection = await open(paths.socket);
    const error = await rejection(connection.call('late', undefined, { timeoutMs: 30 }));
    expect(error.code).toBe('E_DAEMON_UNREACHABLE');
    expect(error.message).toContain("'late' within 30 ms");
    await sleep(200);
    expect(await connection.call('ping')).toMatchObject({ msg: 'pong' });
  });

  it('applies callTimeoutMs to every call', async () => {
    const { paths } = await serve({ hang: () => new Promise(() => {}) });
    const connection = await open(paths.socket, { callTimeoutMs: 40 });
    expect((await rejection(connection.call('hang'))).code).toBe('E_DAEMON_UNREACHABLE');
  });

  it('refuses params JSON cannot hold, without sending anything', async () => {
    const { paths } = await serve();
    const connection = await open(paths.socket);
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect((await rejection(connection.call('ping', cyclic))).code).toBe('E_BAD_REQUEST');
    expect(await connection.call('ping')).toMatchObject({ msg: 'pong' });
  });

  it('hands each subscriber the events it asked for', async () => {
    const { paths, server } = await serve();
    const connection = await open(paths.socket);
    const children: string[] = [];
    const everything: string[] = [];
    await connection.subscribe(['child.*'], (event) => children.push(event));
    await connection.subscribe(['app.started'], (event) => everything.push(event));
    server.broadcast('child.exited', { code: 0 });
    server.broadcast('app.started', {});
    server.broadcast('app.deleted', {});
    server.broadcast('child.started', {});
    await waitFor(() => children.length === 2 && everything.length === 1);
    expect(children).toEqual(['child.exited', 'child.started']);
    expect(everything).toEqual(['app.started']);
  });

  it('close() fails what is pending and reports a clean close', async () => {
    const { paths } = await serve({ hang: () => new Promise(() => {}) });
    const connection = await connect(paths.socket);
    const closedWith: Array<ArborError | undefined> = [];
    connection.onClose((error) => closedWith.push(error));
    const pending = connection.call('hang');
    await connection.close();
    expect((await rejection(pending)).code).toBe('E_DAEMON_UNREACHABLE');
    expect(closedWith).toEqual([undefined]);
    await connection.close();
  });

  it('loads nothing but node:net and arbor protocol and error modules', async () => {
    const entry = fileURLToPath(new URL('../../src/client/connection.ts', import.meta.url));
    const result = await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', write: false, metafile: true, logLevel: 'silent' });
    const inputs = Object.keys(result.metafile.inputs).sort();
    expect(inputs).toEqual(['src/client/connection.ts', 'src/daemon/protocol.ts', 'src/errors.ts']);
    const external = Object.values(result.metafile.inputs).flatMap((input) => input.imports.filter((each) => each.external).map((each) => each.path));
    expect([...new Set(external)]).toEqual(['node:net']);
  });
});
