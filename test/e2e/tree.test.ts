// The `tree` section: a rest_for_one supervisor over three apps. Killing the middle one restarts it and the one
// started after it; the one started before keeps its pid.
import { beforeAll, describe, expect } from 'vitest';
import { isRunning } from '../process/helpers.js';
import { BUILD_TIMEOUT_MS, E2E_TEST_TIMEOUT_MS, e2e, ensureFreshBuild } from './harness.js';

beforeAll(() => ensureFreshBuild(), BUILD_TIMEOUT_MS);

describe.concurrent('an ecosystem file with a tree section', { timeout: E2E_TEST_TIMEOUT_MS }, () => {
  e2e('rest_for_one: SIGKILL to the middle app restarts it and the last, the first keeps its pid', async ({ session }) => {
    await session.ok(['start', 'tree.config.js']);
    const before = await session.waitForList('db, cache and web online', (procs) => procs.length === 3 && procs.every((proc) => proc.pm2_env.status === 'online' && proc.pid > 0));
    expect(before.map((proc) => proc.name)).toEqual(['db', 'cache', 'web']);
    const [db, cache, web] = before;

    process.kill(cache!.pid, 'SIGKILL');
    const after = await session.waitForList(
      'cache and web restarted with new pids, all online',
      (procs) => procs.length === 3 && procs[1]!.pid !== cache!.pid && procs[2]!.pid !== web!.pid && procs.every((proc) => proc.pm2_env.status === 'online' && proc.pid > 0),
    );
    expect(after.map((proc) => proc.name)).toEqual(['db', 'cache', 'web']);
    expect(after[0]!.pid, 'db, started before cache, is left alone').toBe(db!.pid);
    expect(after.map((proc) => proc.pm2_env.restart_time)).toEqual([0, 1, 1]);
    expect(isRunning(web!.pid), 'the old web process was stopped, not left behind').toBe(false);
    for (const proc of after) expect(isRunning(proc.pid), `${proc.name}'s new pid is alive`).toBe(true);

    // Killing the last one restarts it alone.
    process.kill(after[2]!.pid, 'SIGKILL');
    const last = await session.waitForList('web restarted alone', (procs) => procs[2]!.pid !== after[2]!.pid && procs[2]!.pm2_env.status === 'online' && procs[2]!.pid > 0);
    expect(last.slice(0, 2).map((proc) => proc.pid)).toEqual([db!.pid, after[1]!.pid]);
  });
});
