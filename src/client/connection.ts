// A connection to the daemon: calls matched to replies by id, and subscriptions to the daemon's events.
//
// Loaded by every CLI command, so it imports only node:net and arbor's small protocol and error modules.

import { connect as netConnect } from 'node:net';
import type { Socket } from 'node:net';
import { ArborError, ERROR_CODES } from '../errors.js';
import type { ErrorCode } from '../errors.js';
import { createFrameDecoder, encodeFrame, eventMatches, toServerFrame } from '../daemon/protocol.js';
import type { RpcErrorBody, ServerFrame } from '../daemon/protocol.js';

/** Options of connect. */
export interface ConnectOptions {
  /** How long to wait for the socket to accept (default 2000 ms). */
  timeoutMs?: number;
  /** Default time limit of every call (default: none; a call waits for its reply or for the socket to close). */
  callTimeoutMs?: number;
}

/** Options of one call. */
export interface CallOptions {
  /** Fails the call with E_DAEMON_UNREACHABLE when no reply comes within this time. */
  timeoutMs?: number;
}

/** Receives the daemon's events that match a subscription. */
export type EventListener = (event: string, data: unknown) => void;

/** An open connection to the daemon. */
export interface RpcConnection {
  /** Calls a daemon method; rejects with an ArborError carrying the daemon's code, or E_DAEMON_UNREACHABLE. */
  call<T = unknown>(method: string, params?: unknown, options?: CallOptions): Promise<T>;
  /** Asks the daemon for these events ('name', 'prefix.*' or '*') and hands each to the listener. */
  subscribe(events: string[], onEvent: EventListener): Promise<void>;
  /** Registers a listener told once when the connection closes (error set when it was not closed by us). */
  onClose(listener: (error?: ArborError) => void): void;
  /** True once the connection is closed, by either side. */
  readonly closed: boolean;
  /** Closes the connection; calls still waiting fail with E_DAEMON_UNREACHABLE. */
  close(): Promise<void>;
}

interface PendingCall {
  method: string;
  resolve: (value: unknown) => void;
  reject: (error: ArborError) => void;
  timer: NodeJS.Timeout | undefined;
}

interface Subscription {
  patterns: readonly string[];
  onEvent: EventListener;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 2000;

// Opens a connection to the daemon's socket; E_DAEMON_UNREACHABLE when nothing accepts in time.
export function connect(socketPath: string, options: ConnectOptions = {}): Promise<RpcConnection> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  return new Promise((resolveConnect, rejectConnect) => {
    const socket = netConnect(socketPath);
    const fail = (reason: string, cause?: unknown): void => {
      clearTimeout(timer);
      socket.destroy();
      rejectConnect(
        new ArborError('E_DAEMON_UNREACHABLE', `cannot connect to the daemon at ${socketPath}: ${reason}`, {
          cause,
          details: { socket: socketPath },
        }),
      );
    };
    const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms`), timeoutMs);
    socket.once('error', (error: NodeJS.ErrnoException) => fail(error.code ?? error.message, error));
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolveConnect(openConnection(socket, socketPath, options.callTimeoutMs));
    });
  });
}

function openConnection(socket: Socket, socketPath: string, defaultCallTimeoutMs: number | undefined): RpcConnection {
  const pending = new Map<number, PendingCall>();
  const subscriptions: Subscription[] = [];
  const closeListeners: Array<(error?: ArborError) => void> = [];
  let nextId = 1;
  let closed = false;
  let closedByUs = false;
  let closeError: ArborError | undefined;

  const decoder = createFrameDecoder(
    (frame) => receive(toServerFrame(frame)),
    (error) => breakConnection(new ArborError('E_RPC', `the daemon sent a broken frame: ${error.message}`, { cause: error })),
  );
  socket.setNoDelay(true);
  socket.on('data', (chunk: Buffer) => decoder.push(chunk));
  socket.on('error', (error: NodeJS.ErrnoException) => {
    closeError ??= unreachable(`the connection to ${socketPath} failed: ${error.code ?? error.message}`, error);
  });
  socket.on('close', () => {
    closed = true;
    const error = closedByUs ? undefined : (closeError ?? unreachable(`the daemon closed the connection at ${socketPath}`));
    for (const [id, call] of pending) {
      pending.delete(id);
      clearTimeout(call.timer);
      call.reject(error ?? unreachable(`the connection was closed before '${call.method}' was answered`));
    }
    for (const listener of closeListeners.splice(0)) listener(error);
  });

  function receive(frame: ServerFrame | undefined): void {
    if (frame === undefined) return;
    if ('event' in frame) {
      for (const subscription of subscriptions) {
        if (eventMatches(subscription.patterns, frame.event)) deliver(subscription.onEvent, frame.event, frame.data);
      }
      return;
    }
    // A reply with id null answers a request the daemon could not parse; ours are always well formed.
    if (frame.id === null) return;
    const call = pending.get(frame.id);
    if (call === undefined) return; // Timed out earlier: the late reply has nobody to go to.
    pending.delete(frame.id);
    clearTimeout(call.timer);
    if ('error' in frame) call.reject(fromErrorBody(frame.error));
    else call.resolve(frame.result);
  }

  function breakConnection(error: ArborError): void {
    closeError ??= error;
    socket.destroy();
  }

  function call<T>(method: string, params?: unknown, options: CallOptions = {}): Promise<T> {
    if (closed || socket.destroyed) {
      return Promise.reject(closeError ?? unreachable(`the connection to ${socketPath} is closed; '${method}' was not sent`));
    }
    const id = nextId++;
    let line: string;
    try {
      line = encodeFrame(params === undefined ? { id, method } : { id, method, params });
    } catch (error) {
      return Promise.reject(new ArborError('E_BAD_REQUEST', `the params of '${method}' cannot be encoded as JSON`, { cause: error }));
    }
    return new Promise<T>((resolveCall, rejectCall) => {
      const timeoutMs = options.timeoutMs ?? defaultCallTimeoutMs;
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              pending.delete(id);
              rejectCall(unreachable(`the daemon did not answer '${method}' within ${timeoutMs} ms`));
            }, timeoutMs);
      pending.set(id, { method, resolve: resolveCall as (value: unknown) => void, reject: rejectCall, timer });
      socket.write(line);
    });
  }

  return {
    call,
    async subscribe(events, onEvent) {
      const subscription: Subscription = { patterns: [...events], onEvent };
      subscriptions.push(subscription);
      // The daemon keeps one set per connection, so it is sent the union of every listener's patterns.
      const union = [...new Set(subscriptions.flatMap((each) => each.patterns))];
      try {
        await call('subscribe', { events: union });
      } catch (error) {
        subscriptions.splice(subscriptions.indexOf(subscription), 1);
        throw error;
      }
    },
    onClose(listener) {
      if (closed) listener(closedByUs ? undefined : closeError);
      else closeListeners.push(listener);
    },
    get closed() {
      return closed;
    },
    close() {
      if (closed) return Promise.resolve();
      closedByUs = true;
      return new Promise<void>((resolveClose) => {
        socket.once('close', () => resolveClose());
        socket.destroy();
      });
    },
  };
}

// Rebuilds the daemon's error with its own code (E_RPC when this client does not know the code).
function fromErrorBody(body: RpcErrorBody): ArborError {
  const known = Object.hasOwn(ERROR_CODES, body.code);
  const code = (known ? body.code : 'E_RPC') as ErrorCode;
  const details = known ? body.details : { ...body.details, remoteCode: body.code };
  return new ArborError(code, body.message, { details });
}

function unreachable(message: string, cause?: unknown): ArborError {
  return new ArborError('E_DAEMON_UNREACHABLE', message, cause === undefined ? {} : { cause });
}

// A listener that throws must not break the stream of frames; its error surfaces as an uncaught exception.
function deliver(onEvent: EventListener, event: string, data: unknown): void {
  try {
    onEvent(event, data);
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}
