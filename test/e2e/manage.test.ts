// scale, reset and sendSignal on a running app.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect } from 'vitest';
import { isRunning } from '../process/helpers.js';
import { BUILD_TIMEOUT_MS, E2E_TEST_TIMEOUT_MS, describeResult, e2e, ensureFreshBuild, poll } from './harness.js';

beforeAll(() => ensureFreshBuild(), BUILD_TIMEOUT_MS);

describe.concurrent('scale, reset and sendSignal', { timeout: E2E_TEST_TIMEOUT_MS }, () => {
  e2e('scale api 3 runs three processes of api; scale api 1 stops the extra two', async ({ session }) => {
    await session.ok(['start', 'app.js', '--name', 'api'], { env: { GREETING: 'scaled' } });
    const [first] = await session.waitForList('api online', (procs) => procs[0]?.pm2_env.status === 'online');

    const up = await session.ok(['scale', 'api', '3']);
    expect(up.stdout, describeResult(up)).toContain('api');
    const three = await session.waitForList('three api processes online', (procs) => procs.length === 3 && procs.every((proc) => proc.pm2_env.status === 'online' && proc.pid > 0));
    expect(three.map((proc) => proc.name)).toEqual(['api', 'api', 'api']);
    expect(new Set(three.map((proc) => proc.pid)).size, 'three distinct processes').toBe(3);
    expect(three[0]!.pid, 'the first process is kept').toBe(first!.pid);
    // PM2 gives each instance the lowest free NODE_APP_INSTANCE, and the new ones the same env.
    expect(three.map((proc) => proc.pm2_env.NODE_APP_INSTANCE)).toEqual([0, 1, 2]);
    for (const proc of three) expect(proc.pm2_env.env.GREETING).toBe('scaled');
    expect((await session.ok(['id', 'api'])).stdout.trim()).toBe(`[ ${three.map((proc) => proc.pm_id).join(', ')} ]`);

    await session.ok(['scale', 'api', '1']);
    const one = await session.waitForList('one api process left', (procs) => procs.length === 1);
    expect(one[0]!.pid).toBe(first!.pid);
    for (const proc of three.slice(1)) await poll(`scaled-down api ${proc.pid} to exit`, () => !isRunning(proc.pid), 5_000);

    await session.ok(['scale', 'api', '+1']);
    await session.waitForList('two api processes after +1', (procs) => procs.length === 2 && procs.every((proc) => proc.pm2_env.status === 'online'));
  });

  e2e('reset api zeroes its restart count and leaves it running', async ({ session }) => {
    await session.ok(['start', 'app.js', '--name', 'api']);
    await session.ok(['start', 'app.js', '--name', 'other']);
    await session.ok(['restart', 'all']);
    await session.ok(['restart', 'all']);
    const before = await session.waitForList('both restarted twice', (procs) => procs.every((proc) => proc.pm2_env.status === 'online' && proc.pm2_env.restart_time === 2));

    await session.ok(['reset', 'api']);
    const after = await session.jlist();
    expect(after.map((proc) => [proc.name, proc.pm2_env.restart_time, proc.pm2_env.status, proc.pid])).toEqual([
      ['api', 0, 'online', before[0]!.pid],
      ['other', 2, 'online', before[1]!.pid],
    ]);
    // Counting starts again from there.
    await session.ok(['restart', 'api']);
    const [api] = await session.waitForList('api online', (procs) => procs[0]?.pm2_env.status === 'online');
    expect(api!.pm2_env.restart_time).toBe(1);
  });

  e2e('sendSignal SIGUSR2 api delivers the signal to the app, which keeps running', async ({ session }) => {
    await session.ok(['start', 'app.js', '--name', 'api']);
    const [api] = await session.waitForList('api online', (procs) => procs[0]?.pm2_env.status === 'online');
    const out = session.logFile('api', 'out');
    await session.waitForLog(out, 'app started');

    const sent = await session.ok(['sendSignal', 'SIGUSR2', 'api']);
    expect(sent.stderr, describeResult(sent)).toBe('');
    await session.waitForLog(out, 'received SIGUSR2');
    await session.ok(['sendSignal', 'SIGHUP', '0']);
    await session.waitForLog(out, 'received SIGHUP');
    const after = await session.proc('api');
    expect([after.pid, after.pm2_env.status, after.pm2_env.restart_time]).toEqual([api!.pid, 'online', 0]);
    expect(readFileSync(out, 'utf8').match(/received SIGUSR2/g)).toHaveLength(1);

    const bad = await session.run(['sendSignal', 'SIGNOPE', 'api']);
    expect(bad.code, describeResult(bad)).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('SIGNOPE');
    expect((await session.proc('api')).pid, 'a bad signal name changes nothing').toBe(api!.pid);
  });
});
