// The daemon's own costs: no file descriptor leaks while it runs apps, lists them and sits idle, and the cheap `ls`
// view (summary) says exactly what the full jlist descriptions say.
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ProcessDescription, ProcessSummary } from '../../src/client/types.js';
import { readPidFile } from '../../src/daemon/lock.js';
import { fixture } from '../process/helpers.js';
import { appConfig, daemonPerTest, listApps } from './policy-harness.js';

function openFds(pid: number): number {
  return fs.readdirSync(`/proc/${pid}/fd`).length;
}

const daemons = daemonPerTest();

describe.runIf(process.platform === 'linux')('daemon resources', () => {
  it('holds a bounded number of file descriptors after starting apps, listing them and idling', async () => {
    const daemon = await daemons.start();
    const daemonPid = readPidFile(daemon.paths)!;
    const apps = Array.from({ length: 5 }, (_, index) => appConfig({ name: `idle-${index}`, script: fixture('hello.sh'), args: ['0', '60000'] }));
    await daemon.rpc.call('start', { apps });
    for (let round = 0; round < 3; round += 1) await listApps(daemon);
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
    const daemon = await daemons.start();
    const make = (name: string) => appConfig({ name, script: fixture('hello.sh'), args: ['0', '60000'], namespace: 'views' });
    await daemon.rpc.call('start', { apps: [make('kept'), make('halted')] });
    await daemon.rpc.call('stop', { targets: ['halted'] });
    const full: ProcessDescription[] = await listApps(daemon);
    const summary = await daemon.rpc.call<ProcessSummary[]>('summary');
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
