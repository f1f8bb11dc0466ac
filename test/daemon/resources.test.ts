// The daemon's own costs: no file descriptor leaks while it runs apps, lists them and sits idle, and the cheap `ls`
// view (summary) says exactly what the full jlist descriptions say.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureDaemon } from '../../src/client/launch-daemon.js';
import type { RpcConnection } from '../../src/client/connection.js';
import type { ProcessDescription, ProcessSummary } from '../../src/client/types.js';
import { normalizeApp } from '../../src/config/validate.js';
import type { HomePaths } from '../../src/daemon/home.js';
import { isProcessAlive, readPidFile } from '../../src/daemon/lock.js';
import { cleanupHome, makeTempHome, tsxNodeArgs } from '../fixtures/daemon-harness.js';
import { fixture, isRunning, waitFor } from '../process/helpers.js';

const DAEMON_ENTRY = path.resolve('src/daemon/main.ts');
let paths: HomePaths;
let rpc: RpcConnection;
let daemonPid: number;
const appPids = new Set<number>();

function openFds(pid: number): number {
  return fs.readdirSync(`/proc/${pid}/fd`).length;
}

beforeEach(async () => {
  paths = await makeTempHome();
  rpc = (await ensureDaemon(paths, { entry: DAEMON_ENTRY, nodeArgs: tsxNodeArgs(), timeoutMs: 15_000 })).connection;
  daemonPid = readPidFile(paths)!;
});

afterEach(async () => {
  await rpc.call('kill').catch(() => undefined);
  await rpc.close();
  await waitFor('the daemon to exit', () => !isProcessAlive(daemonPid), 10_000).catch(() => process.kill(daemonPid, 'SIGKILL'));
  for (const pid of appPids) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
  appPids.clear();
  await cleanupHome(paths);
});

describe.runIf(process.platform === 'linux')('daemon resources', () => {
  it('holds a bounded number of file descriptors after starting apps, listing them and idling', async () => {
    const apps = Array.from({ length: 5 }, (_, index) =>
      normalizeApp({ name: `idle-${index}`, script: fixture('hello.sh'), args: ['0', '60000'] }, { index }, { baseDir: process.cwd(), shellEnv: process.env }).app,
    );
    await rpc.call('start', { apps });
    for (let round = 0; round < 3; round += 1) {
      for (const proc of await rpc.call<ProcessDescription[]>('list')) if (proc.pid) appPids.add(proc.pid);
    }
    // Past the usage warm-up (500 ms after ready) and a few list samples: the count must have settled.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const settled = openFds(daemonPid);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const later = openFds(daemonPid);
    expect(later).toBeLessThanOrEqual(settled + 2);
    // Sockets, the event loop, log fds and one /proc stat fd per sampled app: far below a hundred.
    expect(later).toBeLessThan(100);
  }, 30_000);
});

describe('the summary view', () => {
  it('gives every table field the value the full description has, for running and stopped processes', async () => {
    const make = (name: string, index: number) =>
      normalizeApp({ name, script: fixture('hello.sh'), args: ['0', '60000'], namespace: 'views' }, { index }, { baseDir: process.cwd(), shellEnv: process.env }).app;
    await rpc.call('start', { apps: [make('kept', 0), make('halted', 1)] });
    await rpc.call('stop', { targets: ['halted'] });
    const full = await rpc.call<ProcessDescription[]>('list');
    for (const proc of full) if (proc.pid) appPids.add(proc.pid);
    const summary = await rpc.call<ProcessSummary[]>('summary');
    expect(summary.map((proc) => proc.pm2_env.status).sort()).toEqual(['online', 'stopped']);
    expect(summary).toEqual(
      full.map((proc) => ({
        pid: proc.pid,
        name: proc.name,
        pm_id: proc.pm_id,
        monit: { memory: expect.any(Number), cpu: expect.any(Number) },
        pm2_env: {
          namespace: proc.pm2_env.namespace,
          exec_mode: proc.pm2_env.exec_mode,
          status: proc.pm2_env.status,
          pm_uptime: proc.pm2_env.pm_uptime,
          restart_time: proc.pm2_env.restart_time,
          watch: proc.pm2_env.watch,
        },
      })),
    );
    // A stopped process shows no usage in either view.
    const stopped = summary.find((proc) => proc.name === 'halted')!;
    expect(stopped.monit).toEqual({ memory: 0, cpu: 0 });
    expect(JSON.stringify(summary).length).toBeLessThan(JSON.stringify(full).length / 4);
  }, 30_000);
});
