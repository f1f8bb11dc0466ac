// wait_ready / listen_timeout and shutdown_with_message through the daemon: an app is `launching` until it sends
// 'ready' (the start request returns then), and a 'shutdown' message stops an app that ignores SIGINT.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProcessDescription } from '../../src/client/types.js';
import { fixture, makeTempDir, readIfPresent, removeDir, waitFor } from '../process/helpers.js';
import { appConfig, byName, daemonPerTest, listApps } from './policy-harness.js';

let dir: string | undefined;

afterEach(() => {
  if (dir) removeDir(dir);
  dir = undefined;
});

describe('readiness in the daemon', () => {
  const daemons = daemonPerTest();

  it("shows launching until the app sends 'ready', and the start returns once it has", async () => {
    const daemon = await daemons.start();
    const app = appConfig({ name: 'web', script: fixture('ready-after.cjs'), env: { READY_DELAY_MS: '1500' }, wait_ready: true, listen_timeout: 20_000 });
    const began = Date.now();
    const starting = daemon.rpc.call<ProcessDescription[]>('start', { apps: [app] });
    let sawLaunching = false;
    while (Date.now() - began < 1_200) {
      const procs = await listApps(daemon);
      if (procs.length > 0 && byName(procs, 'web').pm2_env.status === 'launching' && byName(procs, 'web').pid > 0) sawLaunching = true;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(sawLaunching, 'launching while not ready').toBe(true);
    const [started] = await starting;
    expect(Date.now() - began).toBeGreaterThanOrEqual(1_500);
    expect(started!.pm2_env.status).toBe('online');
  }, 30_000);

  it("stops an app that ignores SIGINT with the 'shutdown' message", async () => {
    const daemon = await daemons.start();
    dir = makeTempDir('arbor-shutdown-');
    const record = path.join(dir, 'record.txt');
    const app = appConfig({ name: 'deaf', script: fixture('shutdown-message.cjs'), env: { RECORD_FILE: record }, shutdown_with_message: true, kill_timeout: 20_000 });
    await daemon.rpc.call('start', { apps: [app] });
    await listApps(daemon);
    await waitFor('its message handler', () => readIfPresent(record) === 'listening', 10_000);
    const began = Date.now();
    await daemon.rpc.call('stop', { targets: ['deaf'] });
    expect(Date.now() - began).toBeLessThan(10_000);
    expect(fs.readFileSync(record, 'utf8')).toBe('shutdown by message');
  }, 30_000);
});
