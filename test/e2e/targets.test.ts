// stop, restart and delete by name, by id, by namespace and `all`; an unknown target fails with one line and changes nothing.
import { beforeAll, describe, expect } from 'vitest';
import { isRunning } from '../process/helpers.js';
import { BUILD_TIMEOUT_MS, E2E_TEST_TIMEOUT_MS, describeResult, e2e, ensureFreshBuild, summarize, type JlistProcess, type Session } from './harness.js';

beforeAll(() => ensureFreshBuild(), BUILD_TIMEOUT_MS);

/** name -> [status, pid] of every process. */
function states(procs: readonly JlistProcess[]): Record<string, [string, number]> {
  return Object.fromEntries(procs.map((proc) => [proc.name, [proc.pm2_env.status, proc.pid]]));
}

// Starts api and admin in namespace `web`, solo and extra in `default` (ids 0..3), all bash jobs (cheap to start
// and stop many times); waits until all are online.
async function startFour(session: Session): Promise<JlistProcess[]> {
  await session.ok(['start', 'job.sh', '--name', 'api', '--namespace', 'web']);
  await session.ok(['start', 'job.sh', '--name', 'admin', '--namespace', 'web']);
  await session.ok(['start', 'job.sh', '--name', 'solo']);
  await session.ok(['start', 'job.sh', '--name', 'extra']);
  return session.waitForList('four apps online', (procs) => procs.length === 4 && procs.every((proc) => proc.pm2_env.status === 'online'));
}

describe.concurrent('targets of stop, restart and delete', { timeout: E2E_TEST_TIMEOUT_MS }, () => {
  e2e('stop and restart by name, by id, by namespace and all', async ({ session }) => {
    const initial = await startFour(session);
    const pid = (name: string, procs: readonly JlistProcess[] = initial): number => procs.find((proc) => proc.name === name)!.pid;
    expect(initial.map((proc) => [proc.pm_id, proc.name, proc.pm2_env.namespace])).toEqual([
      [0, 'api', 'web'],
      [1, 'admin', 'web'],
      [2, 'solo', 'default'],
      [3, 'extra', 'default'],
    ]);

    // By name.
    await session.ok(['stop', 'api']);
    let procs = await session.jlist();
    expect(states(procs)).toEqual({ api: ['stopped', 0], admin: ['online', pid('admin')], solo: ['online', pid('solo')], extra: ['online', pid('extra')] });
    expect(isRunning(pid('api')), 'the stopped app is no longer running').toBe(false);
    await session.ok(['restart', 'api']);
    procs = await session.waitForList('api online again', (list) => list[0]!.pm2_env.status === 'online');
    expect(pid('api', procs)).not.toBe(pid('api'));

    // By id.
    await session.ok(['stop', '2']);
    procs = await session.jlist();
    expect(states(procs).solo).toEqual(['stopped', 0]);
    expect(procs.filter((proc) => proc.pm2_env.status === 'online').map((proc) => proc.name)).toEqual(['api', 'admin', 'extra']);
    await session.ok(['restart', '2']);
    procs = await session.waitForList('solo online again', (list) => list[2]!.pm2_env.status === 'online');
    expect(pid('solo', procs)).not.toBe(pid('solo'));

    // By namespace.
    const beforeNamespace = procs;
    await session.ok(['stop', 'web']);
    procs = await session.jlist();
    expect(states(procs)).toEqual({
      api: ['stopped', 0],
      admin: ['stopped', 0],
      solo: ['online', pid('solo', beforeNamespace)],
      extra: ['online', pid('extra', beforeNamespace)],
    });
    await session.ok(['restart', 'web']);
    procs = await session.waitForList('the web namespace online again', (list) => list.every((proc) => proc.pm2_env.status === 'online'));
    expect(pid('solo', procs), 'restarting a namespace leaves the others alone').toBe(pid('solo', beforeNamespace));

    // all.
    const beforeAll = procs;
    await session.ok(['stop', 'all']);
    procs = await session.jlist();
    expect(procs.map((proc) => [proc.name, proc.pm2_env.status, proc.pid])).toEqual([
      ['api', 'stopped', 0],
      ['admin', 'stopped', 0],
      ['solo', 'stopped', 0],
      ['extra', 'stopped', 0],
    ]);
    for (const proc of beforeAll) expect(isRunning(proc.pid), `${proc.name} (${proc.pid}) stopped by stop all`).toBe(false);
    await session.ok(['restart', 'all']);
    procs = await session.waitForList('every app online after restart all', (list) => list.every((proc) => proc.pm2_env.status === 'online' && proc.pid > 0));
    expect(procs.map((proc) => proc.name)).toEqual(['api', 'admin', 'solo', 'extra']);

    // restart all on running apps: every pid changes and every restart count goes up by one.
    const running = procs;
    await session.ok(['restart', 'all']);
    procs = await session.waitForList('every app online after the second restart all', (list) => list.every((proc) => proc.pm2_env.status === 'online'));
    for (const [index, proc] of procs.entries()) {
      expect(proc.pid, `${proc.name} got a new pid`).not.toBe(running[index]!.pid);
      expect(proc.pm2_env.restart_time, `${proc.name}'s restart count`).toBe(running[index]!.pm2_env.restart_time + 1);
    }
  });

  e2e('delete by name, by id, by namespace and all removes them from the list and stops them', async ({ session }) => {
    const initial = await startFour(session);
    await session.ok(['start', 'job.sh', '--name', 'last']);
    const all = await session.waitForList('five apps online', (procs) => procs.length === 5 && procs.every((proc) => proc.pm2_env.status === 'online'));
    const gone = (names: string[]): void => {
      for (const proc of all.filter((candidate) => names.includes(candidate.name))) expect(isRunning(proc.pid), `${proc.name} (${proc.pid}) was deleted`).toBe(false);
    };

    await session.ok(['delete', 'api']);
    expect((await session.jlist()).map((proc) => proc.name)).toEqual(['admin', 'solo', 'extra', 'last']);
    gone(['api']);

    await session.ok(['delete', String(initial[2]!.pm_id)]);
    expect((await session.jlist()).map((proc) => proc.name)).toEqual(['admin', 'extra', 'last']);
    gone(['solo']);

    await session.ok(['del', 'web']);
    expect((await session.jlist()).map((proc) => proc.name)).toEqual(['extra', 'last']);
    gone(['admin']);

    await session.ok(['delete', 'all']);
    expect(await session.jlist()).toEqual([]);
    gone(['extra', 'last']);
    expect((await session.ok(['ping'])).stdout, 'the daemon outlives its apps').toContain('pong');
  });

  e2e('an unknown target exits 1 with one line on stderr naming it, and changes nothing', async ({ session }) => {
    await session.ok(['start', 'job.sh', '--name', 'api']);
    await session.ok(['start', 'job.sh', '--name', 'other', '--namespace', 'jobs']);
    const before = summarize(await session.waitForList('both online', (procs) => procs.length === 2 && procs.every((proc) => proc.pm2_env.status === 'online')));

    for (const args of [
      ['stop', 'nope'],
      ['restart', 'nope'],
      ['delete', 'nope'],
      ['stop', '42'],
      ['restart', '/^zzz/'],
      ['describe', 'nope'],
      ['env', '42'],
      ['reset', 'nope'],
      ['sendSignal', 'SIGUSR2', 'nope'],
      ['scale', 'nope', '2'],
    ]) {
      const target = args[args.length - (args[0] === 'scale' ? 2 : 1)]!;
      const result = await session.run(args);
      expect(result.code, describeResult(result)).toBe(1);
      const lines = result.stderr.trim().split('\n');
      expect(lines, `one line on stderr\n${describeResult(result)}`).toHaveLength(1);
      expect(lines[0], describeResult(result)).toContain(target);
    }
    expect(summarize(await session.jlist()), 'nothing changed').toEqual(before);
  });

  e2e('starting the same script under a name already in use fails and changes nothing; -f starts a second copy', async ({ session }) => {
    await session.ok(['start', 'job.sh', '--name', 'api']);
    const before = summarize(await session.waitForList('api online', (procs) => procs[0]?.pm2_env.status === 'online'));
    const again = await session.run(['start', 'job.sh', '--name', 'api']);
    expect(again.code, describeResult(again)).toBe(1);
    expect(again.stderr.trim().split('\n'), describeResult(again)).toHaveLength(1);
    expect(again.stderr).toContain('api');
    expect(again.stderr).toContain('-f');
    expect(summarize(await session.jlist())).toEqual(before);
    await session.ok(['start', 'job.sh', '--name', 'api', '-f']);
    const two = await session.waitForList('two api processes', (procs) => procs.length === 2 && procs.every((proc) => proc.pm2_env.status === 'online'));
    expect(two.map((proc) => [proc.pm_id, proc.name])).toEqual([[0, 'api'], [1, 'api']]);
  });

  e2e('the hint after an unknown target lists the apps that do exist (scale too)', async ({ session }) => {
    await session.ok(['start', 'job.sh', '--name', 'api']);
    const stop = await session.run(['stop', 'nope']);
    expect(stop.stderr, describeResult(stop)).toContain('api');
    const scale = await session.run(['scale', 'nope', '2']);
    expect(scale.code, describeResult(scale)).toBe(1);
    // api exists: a hint saying there are no apps at all sends the user the wrong way.
    expect(scale.stderr, describeResult(scale)).not.toContain('apps: none');
    expect(scale.stderr, describeResult(scale)).toContain('api');
  });

  e2e('restarting a stopped app does not count as a restart, as in PM2', async ({ session }) => {
    await session.ok(['start', 'job.sh', '--name', 'api']);
    await session.waitForList('api online', (procs) => procs[0]?.pm2_env.status === 'online');
    await session.ok(['stop', 'api']);
    await session.ok(['restart', 'api']);
    // PM2's God.restartProcessId adds 1 to restart_time only when it stops an online process first;
    // a stopped one is just started (`pm2 stop api && pm2 restart api` leaves ↺ at 0).
    let [api] = await session.waitForList('api online again', (procs) => procs[0]?.pm2_env.status === 'online');
    expect(api!.pm2_env.restart_time).toBe(0);
    await session.ok(['restart', 'api']);
    [api] = await session.waitForList('api online after a real restart', (procs) => procs[0]?.pm2_env.status === 'online');
    expect(api!.pm2_env.restart_time).toBe(1);
  });
});
