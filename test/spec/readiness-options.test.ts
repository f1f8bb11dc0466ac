// Readiness, shutdown messages and killTree at the boundary: worker options validated with clear errors, and PM2's
// wait_ready / listen_timeout / shutdown_with_message / treekill mapped onto them (with the non-Node fallbacks).
import { describe, expect, it } from 'vitest';
import { normalizeApp } from '../../src/config/validate.js';
import { instanceLogs, ipcFallbackWarnings, workerOptions } from '../../src/daemon/app-spec.js';
import { worker, supervisor } from '../../src/index.js';
import { validateTree } from '../../src/spec/validate.js';
import type { WorkerOptions, WorkerSpec } from '../../src/spec/types.js';

const context = { baseDir: process.cwd() };

function spec(extra: Partial<WorkerOptions>): WorkerSpec {
  const tree = validateTree(supervisor({ id: 'root' }, [worker({ id: 'w', command: 'sim', ...extra })]), context);
  return (tree as { children: WorkerSpec[] }).children[0]!;
}

function refusal(extra: Partial<WorkerOptions>): { code: string; message: string; details: Record<string, unknown> } {
  try {
    spec(extra);
  } catch (error) {
    return error as { code: string; message: string; details: Record<string, unknown> };
  }
  throw new Error('the worker was accepted');
}

const app = (raw: Record<string, unknown>) => normalizeApp({ name: 'web', ...raw }, { index: 0 }, { baseDir: process.cwd(), shellEnv: process.env }).app;
const optionsOf = (raw: Record<string, unknown>) => {
  const config = app(raw);
  return workerOptions(config, { pmId: 0, instance: 0, logs: instanceLogs(config, 0, '/tmp/arbor-home') }, '/tmp/arbor-home');
};

describe('worker readiness options', () => {
  it('fills the defaults: no readiness, no shutdown message, the whole tree killed', () => {
    expect(spec({})).toMatchObject({ ready: null, shutdownMessage: null, killTree: true });
  });

  it("fills PM2's message and timeout into an empty ready", () => {
    expect(spec({ ready: {} }).ready).toEqual({ message: 'ready', timeoutMs: 3000 });
    expect(spec({ ready: { message: 'up', timeoutMs: 0 } }).ready).toEqual({ message: 'up', timeoutMs: 0 });
    expect(spec({ ready: { message: null, timeoutMs: 500 } }).ready).toEqual({ message: null, timeoutMs: 500 });
  });

  it.each([
    [{ ready: 'yes' as never }, 'ready', '{ message?, timeoutMs? }'],
    [{ ready: { timeoutMs: -5 } }, 'ready.timeoutMs', 'a number of milliseconds >= 0'],
    [{ ready: { timeoutMs: Infinity } }, 'ready.timeoutMs', 'a number of milliseconds >= 0'],
    [{ ready: { message: '' } }, 'ready.message', 'a non-empty string, or null for the timeout alone'],
    [{ ready: { message: 7 as never } }, 'ready.message', 'a non-empty string, or null for the timeout alone'],
    [{ shutdownMessage: '' }, 'shutdownMessage', "a non-empty string such as 'shutdown'"],
    [{ killTree: 'no' as never }, 'killTree', 'true or false'],
  ])('refuses %j naming the field and what is allowed', (extra, field, allowed) => {
    const error = refusal(extra);
    expect(error.code).toBe('E_INVALID_SPEC');
    expect(error.details).toMatchObject({ field, allowed });
    expect(error.message).toContain("worker 'root/w'");
  });
});

describe('PM2 keys onto worker options', () => {
  it('maps wait_ready and listen_timeout for a Node app, with listen_timeout 0 meaning 3000 as in PM2', () => {
    expect(optionsOf({ script: 'server.js', wait_ready: true, listen_timeout: 8000 }).ready).toEqual({ message: 'ready', timeoutMs: 8000 });
    expect(optionsOf({ script: 'server.js', wait_ready: true, listen_timeout: 0 }).ready).toEqual({ message: 'ready', timeoutMs: 3000 });
    expect(optionsOf({ script: 'server.js' }).ready).toBeUndefined();
  });

  it('gives a non-Node app the timeout alone, and the kill signal instead of the shutdown message, with warnings', () => {
    const raw = { script: 'worker.py', wait_ready: true, listen_timeout: 2000, shutdown_with_message: true, kill_signal: 'SIGTERM' };
    const options = optionsOf(raw);
    expect(options.ready).toEqual({ message: null, timeoutMs: 2000 });
    expect(options.shutdownMessage).toBeUndefined();
    expect(ipcFallbackWarnings(app(raw))).toEqual([
      `app "web": wait_ready needs process.send('ready') from a Node app; it counts as online after listen_timeout (2000 ms) instead`,
      'app "web": shutdown_with_message needs an IPC channel (Node apps only); it is stopped with SIGTERM instead',
    ]);
  });

  it('has no warnings for a Node app or an app that asks for neither', () => {
    expect(ipcFallbackWarnings(app({ script: 'server.js', wait_ready: true, shutdown_with_message: true }))).toEqual([]);
    expect(ipcFallbackWarnings(app({ script: 'worker.py' }))).toEqual([]);
  });

  it("maps shutdown_with_message to the 'shutdown' message and treekill to killTree", () => {
    expect(optionsOf({ script: 'server.js', shutdown_with_message: true })).toMatchObject({ shutdownMessage: 'shutdown', killTree: true });
    expect(optionsOf({ script: 'server.js', treekill: false }).killTree).toBe(false);
  });
});
