// The daemon's RPC endpoint: newline-delimited JSON over a unix socket, request handlers and event broadcast.
//
// Nothing a client sends can stop the server: bad JSON, unknown methods and handlers that throw or reject all
// become error replies, and a client that leaves before its reply simply does not get one.
//
// Built-in methods:
//   subscribe { events: string[] }  sets which broadcasts the connection receives (replacing earlier ones);
//                                   a pattern is an exact event name, '*' (all), or 'prefix.*' (that prefix).
//                                   Handlers cannot replace it.
//   ping                            { msg: 'pong', pid } unless the handlers supply their own 'ping'.
//
// Slow subscribers: a connection whose unsent output is over `maxBufferedBytes` (default 8 MiB) misses the
// broadcasts sent while it is over; they are counted, and the next event it does receive is preceded by
// { event: 'rpc.dropped', data: { count } }. Replies are never dropped; instead the server stops reading a
// connection's requests while its output is over the limit, and resumes on drain.

import { lstatSync, chmodSync, unlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { ArborError, describeValue } from '../errors.js';
import { isWindowsPipe } from './home.js';
import { createFrameDecoder, encodeFrame, eventMatches, requestIdOf, toErrorBody, toRequest } from './protocol.js';
import type { RpcReply, RpcRequest } from './protocol.js';
import { socketAnswers } from './socket-probe.js';

/** What a handler learns about the caller. */
export interface RpcContext {
  /** A number unique to the connection for the server's lifetime. */
  connectionId: number;
}

/** A request handler: its return value (or resolution) is the reply's result; a throw is the reply's error. */
export type RpcHandler = (params: unknown, ctx: RpcContext) => unknown;

/** Options of createRpcServer. */
export interface RpcServerOptions {
  socketPath: string;
  handlers: Record<string, RpcHandler>;
  /** Told about failures that reach no client: handler bugs (non-ArborError throws), socket and server errors. */
  onError?: (error: unknown) => void;
  /** Unsent output per connection above which broadcasts are dropped and reading pauses (default 8 MiB). */
  maxBufferedBytes?: number;
}

/** A listening RPC server. */
export interface RpcServer {
  /** Sends an event to every connection subscribed to it (encoded once; data JSON cannot hold goes to onError). */
  broadcast(event: string, data: unknown): void;
  /** Stops listening, ends every connection and removes the socket file. */
  close(): Promise<void>;
  /** How many clients are connected. */
  connections(): number;
}

/** The event that tells a slow subscriber how many broadcasts it missed. */
export const DROPPED_EVENT = 'rpc.dropped';

const DEFAULT_MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

interface ClientState {
  readonly id: number;
  readonly socket: Socket;
  patterns: readonly string[];
  dropped: number;
}

// Starts listening on the socket (refusing one another process serves) and answers requests with the handlers.
export async function createRpcServer(options: RpcServerOptions): Promise<RpcServer> {
  const { socketPath, handlers } = options;
  const maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  const report = (error: unknown): void => {
    try {
      options.onError?.(error);
    } catch {
      // A broken error reporter must not take the server down either.
    }
  };
  const clients = new Map<number, ClientState>();
  let nextConnectionId = 1;

  await removeStaleSocket(socketPath);
  const server = createServer((socket) => {
    const client: ClientState = { id: nextConnectionId++, socket, patterns: [], dropped: 0 };
    clients.set(client.id, client);
    serveConnection(client);
  });
  await listen(server, socketPath);
  if (!isWindowsPipe(socketPath)) chmodSync(socketPath, 0o600);
  server.on('error', report);

  function serveConnection(client: ClientState): void {
    const { socket } = client;
    const decoder = createFrameDecoder(
      (frame) => handleFrame(client, frame),
      (error) => send(client, { id: null, error: error.toJSON() }),
    );
    socket.on('data', (chunk: Buffer) => decoder.push(chunk));
    socket.on('drain', () => socket.resume());
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // A client that goes away mid-write is normal; anything else is worth a line in the daemon log.
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') report(error);
    });
    socket.on('close', () => clients.delete(client.id));
  }

  function handleFrame(client: ClientState, frame: unknown): void {
    let request: RpcRequest;
    try {
      request = toRequest(frame);
    } catch (error) {
      send(client, { id: requestIdOf(frame), error: toErrorBody(error) });
      return;
    }
    const { id, method, params } = request;
    // Promise.resolve().then turns a synchronous throw into a rejection, so one path handles both.
    Promise.resolve()
      .then(() => dispatch(client, method, params))
      .then(
        (result) => send(client, { id, result: result ?? null }),
        (error: unknown) => {
          if (!(error instanceof ArborError)) report(error);
          send(client, { id, error: toErrorBody(error) });
        },
      );
  }

  function dispatch(client: ClientState, method: string, params: unknown): unknown {
    if (method === 'subscribe') return subscribe(client, params);
    // Own properties only: 'constructor' or 'toString' must not reach Object.prototype.
    const handler = Object.hasOwn(handlers, method) ? handlers[method] : undefined;
    if (handler !== undefined) return handler(params, { connectionId: client.id });
    if (method === 'ping') return { msg: 'pong', pid: process.pid };
    throw new ArborError('E_BAD_REQUEST', `unknown method ${describeValue(method)}`, {
      details: { field: 'method', value: method, allowed: ['subscribe', 'ping', ...Object.keys(handlers)].join(', ') },
    });
  }

  function subscribe(client: ClientState, params: unknown): { events: readonly string[] } {
    const events = typeof params === 'object' && params !== null ? (params as Record<string, unknown>)['events'] : undefined;
    if (!Array.isArray(events) || !events.every((event) => typeof event === 'string' && event !== '')) {
      throw new ArborError('E_BAD_REQUEST', `subscribe needs events: a list of event names, got ${describeValue(events)}`, {
        details: { field: 'events', value: events, allowed: "event names, 'prefix.*' or '*'" },
      });
    }
    client.patterns = [...(events as string[])];
    return { events: client.patterns };
  }

  function send(client: ClientState, reply: RpcReply): void {
    const { socket } = client;
    if (socket.destroyed || !socket.writable) return;
    let line: string;
    try {
      line = encodeFrame(reply);
    } catch (error) {
      // A result or details that JSON cannot hold (a cycle, a BigInt): the caller still gets an answer.
      const reason = (error as Error).message;
      if ('error' in reply) {
        line = encodeFrame({ id: reply.id, error: { code: reply.error.code, message: reply.error.message, details: {} } });
      } else {
        const failure = new ArborError('E_RPC', `the result could not be encoded as JSON: ${reason}`, { cause: error });
        report(failure);
        line = encodeFrame({ id: reply.id, error: toErrorBody(failure) });
      }
    }
    socket.write(line);
    if (socket.writableLength > maxBufferedBytes) socket.pause();
  }

  return {
    broadcast(event, data) {
      let line: string | undefined;
      for (const client of clients.values()) {
        const { socket } = client;
        if (socket.destroyed || !socket.writable || !eventMatches(client.patterns, event)) continue;
        if (socket.writableLength > maxBufferedBytes) {
          client.dropped += 1;
          continue;
        }
        // Encoded lazily and once: with no subscriber nothing is serialized.
        try {
          line ??= encodeFrame({ event, data });
        } catch (error) {
          report(new ArborError('E_RPC', `event '${event}' could not be encoded as JSON: ${(error as Error).message}`, { cause: error }));
          return;
        }
        if (client.dropped > 0) {
          socket.write(encodeFrame({ event: DROPPED_EVENT, data: { count: client.dropped } }));
          client.dropped = 0;
        }
        socket.write(line);
      }
    },
    async close() {
      const closed = new Promise<void>((resolveClose) => server.close(() => resolveClose()));
      for (const client of clients.values()) client.socket.destroy();
      clients.clear();
      await closed;
      if (!isWindowsPipe(socketPath)) removeIfSocket(socketPath);
    },
    connections: () => clients.size,
  };
}

// A socket file left by a daemon that died is removed; one that a live process still serves is an error.
async function removeStaleSocket(socketPath: string): Promise<void> {
  if (isWindowsPipe(socketPath)) return;
  let stat;
  try {
    stat = lstatSync(socketPath);
  } catch {
    return;
  }
  if (!stat.isSocket()) {
    throw new ArborError('E_HOME_UNUSABLE', `${socketPath} exists and is not a socket; remove it or choose another ARBOR_HOME`, {
      details: { field: 'socket', value: socketPath, allowed: 'a socket file or nothing' },
    });
  }
  if (await socketAnswers(socketPath, 1000)) {
    throw new ArborError('E_DAEMON_RUNNING', `another process already serves ${socketPath}`, {
      details: { field: 'socket', value: socketPath },
    });
  }
  removeIfSocket(socketPath);
}

function removeIfSocket(socketPath: string): void {
  try {
    if (lstatSync(socketPath).isSocket()) unlinkSync(socketPath);
  } catch {
    // Already gone.
  }
}

function listen(server: Server, socketPath: string): Promise<void> {
  return new Promise((resolveListen, rejectListen) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      rejectListen(
        new ArborError('E_HOME_UNUSABLE', `cannot listen on ${socketPath}: ${error.code ?? error.message}`, {
          cause: error,
          details: { field: 'socket', value: socketPath },
        }),
      );
    };
    server.once('error', onError);
    server.listen(socketPath, () => {
      server.off('error', onError);
      resolveListen();
    });
  });
}
