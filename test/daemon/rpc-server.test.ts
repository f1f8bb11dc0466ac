import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, statSync, writeFileSync } from 'node:fs';
import { connect as netConnect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureHome } from '../../src/daemon/home.js';
import type { HomePaths } from '../../src/daemon/home.js';
import { createFrameDecoder, encodeFrame } from '../../src/daemon/protocol.js';
import { DROPPED_EVENT, createRpcServer } from '../../src/daemon/rpc-server.js';
import type { RpcServer, RpcServerOptions } from '../../src/daemon/rpc-server.js';
import { ArborError } from '../../src/errors.js';
import { cleanupHome, makeTempHome, waitFor } from '../fixtures/daemon-harness.js';

const made: HomePaths[] = [];
const servers: RpcServer[] = [];
const sockets: Socket[] = [];
const plainServers: Server[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const server of servers.splice(0)) await server.close();
  for (const server of plainServers.splice(0)) await new Promise((done) => server.close(done));
  for (const paths of made.splice(0)) await cleanupHome(paths);
});

async function tempHome(): Promise<HomePaths> {
  const paths = await makeTempHome();
  made.push(paths);
  ensureHome(paths);
  return paths;
}

async function startServer(options: Partial<RpcServerOptions> & { socketPath: string }): Promise<RpcServer> {
  const server = await createRpcServer({ handlers: {}, ...options });
  servers.push(server);
  return server;
}

/** A client speaking raw frames, so the tests can send anything. */
interface RawClient {
  socket: Socket;
  frames: unknown[];
  send(frame: unknown): void;
  next(predicate?: (frame: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
}

async function rawClient(socketPath: string): Promise<RawClient> {
  const socket = netConnect(socketPath);
  sockets.push(socket);
  await new Promise<void>((done, fail) => socket.once('connect', done).once('error', fail));
  const frames: unknown[] = [];
  const decoder = createFrameDecoder((frame) => frames.push(frame), (error) => frames.push({ decodeError: error.message }));
  socket.on('data', (chunk: Buffer) => decoder.push(chunk));
  const taken = new Set<number>();
  return {
    socket,
    frames,
    send: (frame) => socket.write(typeof frame === 'string' || Buffer.isBuffer(frame) ? frame : encodeFrame(frame as never)),
    // The first frame not yet taken that matches; frames that do not match stay for later calls.
    async next(predicate = () => true, timeoutMs = 3000) {
      let found: Record<string, unknown> | undefined;
      await waitFor(() => {
        const index = frames.findIndex((frame, at) => !taken.has(at) && predicate(frame as Record<string, unknown>));
        if (index === -1) return false;
        taken.add(index);
        found = frames[index] as Record<string, unknown>;
        return true;
      }, timeoutMs, 5);
      return found!;
    },
  };
}

const byId = (id: number) => (frame: Record<string, unknown>) => frame['id'] === id;

describe('createRpcServer', () => {
  it('listens with mode 0o600, answers a handler and the default ping', async () => {
    const paths = await tempHome();
    await startServer({ socketPath: paths.socket, handlers: { add: (params) => (params as number[]).reduce((a, b) => a + b, 0) } });
    expect(statSync(paths.socket).mode & 0o777).toBe(0o600);
    const client = await rawClient(paths.socket);
    client.send({ id: 1, method: 'add', params: [1, 2, 3] });
    client.send({ id: 2, method: 'ping' });
    expect(await client.next(byId(1))).toEqual({ id: 1, result: 6 });
    expect(await client.next(byId(2))).toEqual({ id: 2, result: { msg: 'pong', pid: process.pid } });
  });

  it('lets handlers supply ping, answers undefined as null and passes the connection id', async () => {
    const paths = await tempHome();
    const seen: number[] = [];
    await startServer({
      socketPath: paths.socket,
      handlers: {
        ping: () => ({ msg: 'pong', pid: process.pid, version: '9.9.9' }),
        nothing: (_params, ctx) => {
          seen.push(ctx.connectionId);
        },
      },
    });
    const first = await rawClient(paths.socket);
    const second = await rawClient(paths.socket);
    first.send({ id: 1, method: 'ping' });
    first.send({ id: 2, method: 'nothing' });
    second.send({ id: 1, method: 'nothing' });
    expect(await first.next(byId(1))).toEqual({ id: 1, result: { msg: 'pong', pid: process.pid, version: '9.9.9' } });
    expect(await first.next(byId(2))).toEqual({ id: 2, result: null });
    await second.next(byId(1));
    expect(new Set(seen).size).toBe(2);
  });

  it('answers garbage bytes with an error and keeps serving the same connection', async () => {
    const paths = await tempHome();
    await startServer({ socketPath: paths.socket, handlers: { echo: (params) => params } });
    const client = await rawClient(paths.socket);
    client.send(Buffer.from([0xff, 0x00, 0x7b, 0x0a]));
    client.send('[1,2]\n');
    client.send('{"id":"seven","method":"echo"}\n');
    client.send('{"id":8}\n');
    client.send({ id: 9, method: 'echo', params: 'still here' });
    const errors = [await client.next(), await client.next(), await client.next(), await client.next()];
    expect(errors.map((frame) => (frame['error'] as { code: string }).code)).toEqual(['E_BAD_REQUEST', 'E_BAD_REQUEST', 'E_BAD_REQUEST', 'E_BAD_REQUEST']);
    expect(errors.map((frame) => frame['id'])).toEqual([null, null, null, 8]);
    expect(await client.next(byId(9))).toEqual({ id: 9, result: 'still here' });
  });

  it('answers an unknown method, including Object.prototype names, with E_BAD_REQUEST', async () => {
    const paths = await tempHome();
    await startServer({ socketPath: paths.socket, handlers: { ls: () => [] } });
    const client = await rawClient(paths.socket);
    for (const [id, method] of [[1, 'nope'], [2, 'constructor'], [3, 'toString'], [4, '__proto__']] as const) {
      client.send({ id, method });
      const reply = await client.next(byId(id));
      expect(reply['error']).toMatchObject({ code: 'E_BAD_REQUEST', details: { field: 'method', value: method } });
    }
  });

  it('turns throwing and rejecting handlers into error replies; an ArborError keeps its code and details', async () => {
    const paths = await tempHome();
    const reported: unknown[] = [];
    await startServer({
      socketPath: paths.socket,
      onError: (error) => reported.push(error),
      handlers: {
        arbor: () => {
          throw new ArborError('E_APP_NOT_FOUND', "no app named 'api'", { details: { value: 'api' } });
        },
        bug: () => {
          throw new TypeError('cannot read properties of undefined');
        },
        rejects: async () => {
          throw new Error('async failure');
        },
        weird: () => {
          throw 42;
        },
        bigint: () => 10n,
      },
    });
    const client = await rawClient(paths.socket);
    ['arbor', 'bug', 'rejects', 'weird', 'bigint'].forEach((method, index) => client.send({ id: index + 1, method }));
    expect((await client.next(byId(1)))['error']).toEqual({ code: 'E_APP_NOT_FOUND', message: "no app named 'api'", details: { value: 'api' } });
    expect((await client.next(byId(2)))['error']).toEqual({ code: 'E_RPC', message: 'cannot read properties of undefined', details: {} });
    expect((await client.next(byId(3)))['error']).toEqual({ code: 'E_RPC', message: 'async failure', details: {} });
    expect((await client.next(byId(4)))['error']).toEqual({ code: 'E_RPC', message: 'a handler threw 42 (number)', details: {} });
    expect((await client.next(byId(5)))['error']).toMatchObject({ code: 'E_RPC', message: expect.stringContaining('could not be encoded') });
    // Handler bugs reach onError; the ArborError is an answer, not a bug.
    expect(reported).toHaveLength(4);
    client.send({ id: 6, method: 'ping' });
    expect((await client.next(byId(6)))['result']).toMatchObject({ msg: 'pong' });
  });

  it('survives a half frame followed by a disconnect, and a client that leaves before its reply', async () => {
    const paths = await tempHome();
    const reported: unknown[] = [];
    let answered = 0;
    const server = await startServer({
      socketPath: paths.socket,
      onError: (error) => reported.push(error),
      handlers: {
        slow: async () => {
          await new Promise((done) => setTimeout(done, 100));
          answered += 1;
          return 'x'.repeat(100_000);
        },
      },
    });
    const half = await rawClient(paths.socket);
    half.send('{"id":1,"meth');
    half.socket.destroy();
    const leaver = await rawClient(paths.socket);
    leaver.send({ id: 1, method: 'slow' });
    await waitFor(() => server.connections() === 1);
    leaver.socket.destroy();
    await waitFor(() => answered === 1);
    await waitFor(() => server.connections() === 0);
    const client = await rawClient(paths.socket);
    client.send({ id: 5, method: 'ping' });
    expect((await client.next(byId(5)))['result']).toMatchObject({ msg: 'pong' });
    expect(reported).toEqual([]);
  });

  it('sends broadcasts only to connections subscribed to them', async () => {
    const paths = await tempHome();
    const server = await startServer({ socketPath: paths.socket });
    const all = await rawClient(paths.socket);
    const children = await rawClient(paths.socket);
    const none = await rawClient(paths.socket);
    all.send({ id: 1, method: 'subscribe', params: { events: ['*'] } });
    children.send({ id: 1, method: 'subscribe', params: { events: ['child.*', 'app.deleted'] } });
    expect(await all.next(byId(1))).toEqual({ id: 1, result: { events: ['*'] } });
    await children.next(byId(1));
    server.broadcast('child.exited', { code: 1 });
    server.broadcast('app.started', { name: 'api' });
    server.broadcast('app.deleted', { name: 'api' });
    server.broadcast('end', null);
    await all.next((frame) => frame['event'] === 'end');
    expect(all.frames.filter((frame) => 'event' in (frame as object)).map((frame) => (frame as { event: string }).event)).toEqual([
      'child.exited',
      'app.started',
      'app.deleted',
      'end',
    ]);
    expect(await children.next((frame) => 'event' in frame)).toEqual({ event: 'child.exited', data: { code: 1 } });
    expect(await children.next((frame) => 'event' in frame)).toEqual({ event: 'app.deleted', data: { name: 'api' } });
    none.send({ id: 1, method: 'ping' });
    await none.next(byId(1));
    expect(none.frames.some((frame) => 'event' in (frame as object))).toBe(false);
    expect(children.frames.some((frame) => (frame as { event?: string }).event === 'end')).toBe(false);
  });

  it('reports an event JSON cannot hold instead of throwing, and keeps broadcasting', async () => {
    const paths = await tempHome();
    const reported: unknown[] = [];
    const server = await startServer({ socketPath: paths.socket, onError: (error) => reported.push(error) });
    const client = await rawClient(paths.socket);
    client.send({ id: 1, method: 'subscribe', params: { events: ['*'] } });
    await client.next(byId(1));
    expect(() => server.broadcast('bad', { size: 1n })).not.toThrow();
    expect(reported).toHaveLength(1);
    expect((reported[0] as ArborError).message).toContain("event 'bad'");
    server.broadcast('good', 1);
    expect(await client.next((frame) => 'event' in frame)).toEqual({ event: 'good', data: 1 });
  });

  it('keeps subscribe built in and validates it', async () => {
    const paths = await tempHome();
    await startServer({ socketPath: paths.socket, handlers: { subscribe: () => 'hijacked' } });
    const client = await rawClient(paths.socket);
    client.send({ id: 1, method: 'subscribe', params: { events: 'all' } });
    client.send({ id: 2, method: 'subscribe', params: { events: ['a', 3] } });
    client.send({ id: 3, method: 'subscribe' });
    client.send({ id: 4, method: 'subscribe', params: { events: [] } });
    for (const id of [1, 2, 3]) expect((await client.next(byId(id)))['error']).toMatchObject({ code: 'E_BAD_REQUEST', details: { field: 'events' } });
    expect(await client.next(byId(4))).toEqual({ id: 4, result: { events: [] } });
  });

  it('drops events for a subscriber that does not read, counts them, and reports the count', async () => {
    const paths = await tempHome();
    const limit = 256 * 1024;
    const server = await startServer({ socketPath: paths.socket, maxBufferedBytes: limit });
    const slow = await rawClient(paths.socket);
    slow.send({ id: 1, method: 'subscribe', params: { events: ['tick'] } });
    await slow.next(byId(1));
    slow.socket.pause();
    const payload = 'p'.repeat(64 * 1024);
    const sent = 400; // about 26 MB if nothing were dropped
    for (let index = 0; index < sent; index += 1) server.broadcast('tick', { index, payload });
    slow.socket.resume();
    // The count is reported before the next event that gets through once the buffer has drained: keep
    // broadcasting small ticks until the report has arrived.
    let total = sent;
    await waitFor(() => {
      server.broadcast('tick', { index: total, payload: '' });
      total += 1;
      return slow.frames.some((frame) => (frame as { event?: string }).event === DROPPED_EVENT);
    }, 5000);
    const last = total - 1;
    await slow.next((frame) => (frame['data'] as { index?: number } | undefined)?.index === last, 5000);
    const events = slow.frames.filter((frame) => 'event' in (frame as object)) as Array<{ event: string; data: { index?: number; count?: number } }>;
    const delivered = events.filter((frame) => frame.event === 'tick').length;
    const dropped = events.filter((frame) => frame.event === DROPPED_EVENT).reduce((sum, frame) => sum + frame.data.count!, 0);
    expect(dropped).toBeGreaterThan(0);
    expect(delivered + dropped).toBe(total);
    // What was delivered stays in order, and the report comes right before the first event after the gap.
    const indexes = events.filter((frame) => frame.event === 'tick').map((frame) => frame.data.index!);
    expect(indexes).toEqual([...indexes].sort((a, b) => a - b));
    const reportAt = events.findIndex((frame) => frame.event === DROPPED_EVENT);
    expect(events[reportAt + 1]!.data.index).toBe(events[reportAt - 1]!.data.index! + events[reportAt]!.data.count! + 1);
  });

  it('replaces a stale socket file left by a dead daemon', async () => {
    const paths = await tempHome();
    const script = `require('net').createServer().listen(${JSON.stringify(paths.socket)}, () => process.kill(process.pid, 'SIGKILL'))`;
    spawnSync(process.execPath, ['-e', script]);
    expect(lstatSync(paths.socket).isSocket()).toBe(true);
    await startServer({ socketPath: paths.socket });
    const client = await rawClient(paths.socket);
    client.send({ id: 1, method: 'ping' });
    await client.next(byId(1));
  });

  it('refuses a socket another process serves, and a path that is not a socket', async () => {
    const paths = await tempHome();
    const other = createServer((socket) => socket.destroy());
    plainServers.push(other);
    await new Promise<void>((done) => other.listen(paths.socket, done));
    await expect(createRpcServer({ socketPath: paths.socket, handlers: {} })).rejects.toMatchObject({ code: 'E_DAEMON_RUNNING' });
    await new Promise((done) => other.close(done));
    plainServers.length = 0;
    writeFileSync(paths.socket, 'not a socket');
    await expect(createRpcServer({ socketPath: paths.socket, handlers: {} })).rejects.toMatchObject({ code: 'E_HOME_UNUSABLE' });
  });

  it('close() ends every connection and removes the socket file', async () => {
    const paths = await tempHome();
    const server = await createRpcServer({ socketPath: paths.socket, handlers: {} });
    const client = await rawClient(paths.socket);
    const ended = new Promise<void>((done) => client.socket.once('close', () => done()));
    await waitFor(() => server.connections() === 1);
    await server.close();
    await ended;
    expect(server.connections()).toBe(0);
    expect(existsSync(paths.socket)).toBe(false);
  });
});
