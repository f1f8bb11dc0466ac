// The parent's end of a Node IPC channel the native spawner opens: one JSON message per line, Node's own messages
// dropped, a line that is not JSON reported, and a real Node child's process.send / process.on('message').
import * as fs from 'node:fs';
import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openIpcChannel } from '../../src/runtime/native-ipc.js';
import type { IpcChannel } from '../../src/runtime/native-ipc.js';
import { nativeSpawnerStatus } from '../../src/runtime/native-spawner.js';
import { waitFor } from './helpers.js';

const native = nativeSpawnerStatus().spawner;
const opened: { channel: IpcChannel; peer: net.Socket }[] = [];

afterEach(() => {
  for (const { channel, peer } of opened.splice(0)) {
    channel.disconnect();
    peer.destroy();
  }
});

// A channel on one end of a socket pair and a plain socket on the other, standing in for the child.
function pair(bad: string[] = []) {
  const [ours, theirs] = native!.socketpair();
  const channel = openIpcChannel(ours, (line) => bad.push(line));
  const peer = new net.Socket({ fd: theirs, readable: true, writable: true });
  opened.push({ channel, peer });
  return { channel, peer };
}

describe.runIf(native !== null)('native IPC channel', () => {
  it('delivers each JSON line as a message, split across writes, and drops Node internal ones', async () => {
    const bad: string[] = [];
    const { channel } = pair(bad);
    const received: unknown[] = [];
    channel.on('message', (message) => received.push(message));
    const { peer } = opened[0]!;
    peer.write('{"type":"process:msg","data":{"text":"two\\nlines"}}\n{"cmd":"NODE_HANDLE_ACK"}\n"rea');
    peer.write('dy"\nnot json\n42\n');
    await waitFor('four lines', () => received.length === 3 && bad.length === 1);
    expect(received).toEqual([{ type: 'process:msg', data: { text: 'two\nlines' } }, 'ready', 42]);
    expect(bad).toEqual(['not json']);
  });

  it('sends one JSON line per message, false once disconnected, and throws for undefined', async () => {
    const { channel, peer } = pair();
    let text = '';
    peer.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    expect(channel.send({ type: 'shutdown', text: 'a\nb' })).toBe(true);
    expect(channel.send('x')).toBe(true);
    await waitFor('both lines', () => text.split('\n').length === 3);
    expect(text).toBe('{"type":"shutdown","text":"a\\nb"}\n"x"\n');
    expect(() => channel.send(undefined)).toThrow(/undefined/);
    let disconnected = false;
    channel.on('disconnect', () => (disconnected = true));
    peer.end();
    await waitFor('the disconnect', () => disconnected);
    expect(channel.connected).toBe(false);
    expect(channel.send('late')).toBe(false);
  });

  it('leaves no fd open once disconnected', async () => {
    const before = fs.readdirSync('/proc/self/fd').length;
    const { channel, peer } = pair();
    channel.disconnect();
    peer.destroy();
    await waitFor('the fds to close', () => fs.readdirSync('/proc/self/fd').length <= before);
  });
});
