// The real driver's message channel and killTree: what a child sends with process.send reaches the listener, a
// message reaches the child, there is no channel unless asked for, and killTree off signals the leader alone.
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveLaunch } from '../../src/process/interpreter.js';
import type { LaunchRequest } from '../../src/runtime/driver.js';
import { nativeSpawnerStatus } from '../../src/runtime/native-spawner.js';
import { createRealDriver } from '../../src/runtime/real-driver.js';
import type { RealDriverOptions } from '../../src/runtime/real-driver.js';
import { fixture, isRunning, makeTempDir, ProcessReaper, readIfPresent, recordingListener, removeDir, waitFor } from './helpers.js';

// Every test runs against child_process.spawn, and against the native spawner where it is built (CI builds it).
const SPAWNERS: { name: string; spawner: NonNullable<RealDriverOptions['spawner']> }[] = [
  { name: 'child_process', spawner: 'node' },
  ...(nativeSpawnerStatus().spawner ? [{ name: 'native', spawner: 'auto' as const }] : []),
];

const reaper = new ProcessReaper();
let dir: string;
let warnings: string[];

beforeEach(() => {
  dir = makeTempDir('arbor-messages-');
  warnings = [];
});

afterEach(() => {
  reaper.killAll();
  removeDir(dir);
});

function request(script: string, extra: Partial<LaunchRequest> = {}, args: string[] = []): LaunchRequest {
  return {
    id: 'worker',
    launch: resolveLaunch({ script, args, cwd: dir, env: { ...(process.env as Record<string, string>), RECORD_FILE: path.join(dir, 'record') } }, { id: 'worker', baseDir: dir }),
    stdout: 'ignore',
    stderr: 'ignore',
    ...extra,
  };
}

describe.each(SPAWNERS)('real driver messages through $name', ({ spawner }) => {
  it('reports what the child sends, and carries a message to it', async () => {
    const driver = createRealDriver({ onWarning: (message) => warnings.push(message), spawner });
    const received: unknown[] = [];
    const listener = { ...recordingListener(), message: (data: unknown) => received.push(data) };
    const handle = driver.spawn(request(fixture('ready-after.cjs'), { messages: true }), listener);
    reaper.group(await listener.spawnedPid);
    await waitFor("the child's 'ready'", () => received.includes('ready'), 10_000);
    const stopperListener = recordingListener();
    const stopper = driver.spawn(request(fixture('shutdown-message.cjs'), { messages: true }), stopperListener);
    reaper.group(await stopperListener.spawnedPid);
    const record = path.join(dir, 'record');
    await waitFor('its message handler', () => readIfPresent(record) === 'listening', 10_000);
    expect(stopper.send?.('shutdown')).toBe(true);
    await waitFor('the child to act on the message', () => readIfPresent(record) === 'shutdown by message', 10_000);
    expect(await stopperListener.exit).toEqual({ code: 0, signal: null });
    handle.signalGroup('SIGTERM');
    await listener.exit;
    expect(handle.send?.('late')).toBe(false);
    expect(warnings).toEqual([]);
  }, 30_000);

  it('opens no channel unless asked: send answers false and the child cannot send', async () => {
    const driver = createRealDriver({ onWarning: (message) => warnings.push(message), spawner });
    const listener = recordingListener();
    const handle = driver.spawn(request(fixture('ready-after.cjs')), listener);
    reaper.group(await listener.spawnedPid);
    expect(handle.send?.('shutdown')).toBe(false);
    handle.signalGroup('SIGTERM');
    await listener.exit;
  }, 30_000);

  it('with killTree off signals the leader alone and leaves its group alive after it exits', async () => {
    const driver = createRealDriver({ onWarning: (message) => warnings.push(message), spawner });
    const pidFile = path.join(dir, 'grandchild.pid');
    const listener = recordingListener();
    const handle = driver.spawn(request(fixture('spawn-grandchild.sh'), { killTree: false }, [pidFile]), listener);
    const leader = reaper.group(await listener.spawnedPid);
    const grandchild = reaper.pid(Number(await waitFor('the grandchild pid', () => readIfPresent(pidFile), 10_000)));
    handle.signalGroup('SIGTERM');
    await listener.exit;
    expect(isRunning(leader)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(isRunning(grandchild), 'the grandchild lives on').toBe(true);
  }, 30_000);
});
