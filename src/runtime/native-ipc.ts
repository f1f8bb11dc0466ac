// The parent's end of a Node IPC channel on a unix socket the native spawner handed to a child as fd 3: what
// child_process gives a Node child with stdio 'ipc' (process.send / process.on('message') in the child).
//
// The child's Node reads NODE_CHANNEL_FD and NODE_CHANNEL_SERIALIZATION_MODE from its environment; in 'json' mode each
// message is one line of JSON (JSON escapes every newline inside a message). Node's own messages (a `cmd` starting
// with NODE_, used to pass handles and by node:cluster) are not ours: they are dropped, and handles are not supported.
import { EventEmitter } from 'node:events';
import * as net from 'node:net';
import { StringDecoder } from 'node:string_decoder';

/** The environment a Node child needs to open its end of the channel as fd 3. */
export const IPC_CHILD_ENV = { NODE_CHANNEL_FD: '3', NODE_CHANNEL_SERIALIZATION_MODE: 'json' } as const;

/** A child's IPC channel: 'message' for each message it sends, 'disconnect' once closed. */
export interface IpcChannel extends EventEmitter {
  readonly connected: boolean;
  /** Sends a message; false when the channel is closed or its buffer is full (it is still sent then). Throws for undefined. */
  send(message: unknown): boolean;
  /** Closes the channel now (the driver does once the child has exited: nothing it sends arrives after its exit). */
  disconnect(): void;
}

// Wraps our end (`fd`) of the socket pair; `onBadMessage` hears about a line that is not JSON.
export function openIpcChannel(fd: number, onBadMessage: (line: string) => void): IpcChannel {
  const socket = new net.Socket({ fd, readable: true, writable: true });
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let connected = true;
  const channel = new EventEmitter() as IpcChannel;

  const close = (): void => {
    if (!connected) return;
    connected = false;
    socket.destroy();
    channel.emit('disconnect');
  };
  socket.on('data', (chunk: Buffer) => {
    pending += decoder.write(chunk);
    let newline = pending.indexOf('\n');
    while (newline !== -1) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      deliver(line);
      newline = pending.indexOf('\n');
    }
  });
  const deliver = (line: string): void => {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      onBadMessage(line);
      return;
    }
    if (isNodeInternal(message)) return;
    channel.emit('message', message);
  };
  socket.on('error', close);
  socket.on('close', close);
  socket.on('end', close);

  Object.defineProperty(channel, 'connected', { get: () => connected });
  channel.send = (message: unknown): boolean => {
    if (message === undefined) throw new TypeError('an IPC message cannot be undefined');
    if (!connected) return false;
    return socket.write(`${JSON.stringify(message)}\n`);
  };
  channel.disconnect = close;
  return channel;
}

function isNodeInternal(message: unknown): boolean {
  if (typeof message !== 'object' || message === null) return false;
  const cmd = (message as { cmd?: unknown }).cmd;
  return typeof cmd === 'string' && cmd.startsWith('NODE_');
}
