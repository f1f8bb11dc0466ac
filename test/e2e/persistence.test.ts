// save, kill, resurrect: the same apps come back (names, count, stopped ones stopped, env and args kept); cleardump forgets them.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect } from 'vitest';
import { isRunning } from '../process/helpers.js';
import { BUILD_TIMEOUT_MS, E2E_TEST_TIMEOUT_MS, describeResult, e2e, ensureFreshBuild, poll, type JlistProcess } from './harness.js';

beforeAll(() => ensureFreshBuild(), BUILD_TIMEOUT_MS);

/** What must survive a save and resurrect: name, status, args and the env the apps were given. */
function shape(procs: readonly JlistProcess[]): unknown[] {
  return procs.map((proc) => ({
    name: proc.name,
    status: proc.pm2_env.status,
    namespace: proc.pm2_env.namespace,
    args: proc.pm2_env.args,
    greeting: proc.pm2_env.env.GREETING,
    exec_interpreter: proc.pm2_env.exec_interpreter,
  }));
}

/** How many times the text occurs in the file (0 when it does not exist). */
function occurrences(file: string, text: string): number {
  return existsSync(file) ? readFileSync(file, 'utf8').split(text).length - 1 : 0;
}

describe.concurrent('save, kill, resurrect', { timeout: E2E_TEST_TIMEOUT_MS }, () => {
  e2e('gives back the same apps: names, count, stopped ones stay stopped, env and args kept', async ({ session }) => {
    await session.ok(['start', 'app.js', '--name', 'api'], { env: { GREETING: 'saved-greeting' } });
    await session.ok(['start', 'app.js', '--name', 'idle', '--namespace', 'batch']);
    await session.ok(['start', 'job.sh', '--', 'arg1', 'arg2']);
    await session.waitForList('three online', (procs) => procs.length === 3 && procs.every((proc) => proc.pm2_env.status === 'online'));
    await session.ok(['stop', 'idle']);
    const saved = await session.jlist();

    const save = await session.ok(['save']);
    expect(save.stdout, describeResult(save)).toContain(join(session.home, 'dump.json'));
    expect(existsSync(join(session.home, 'dump.json'))).toBe(true);

    const daemon = session.daemonPid()!;
    await session.ok(['kill']);
    expect(isRunning(daemon), 'the daemon is gone after kill').toBe(false);
    for (const proc of saved.filter((candidate) => candidate.pid > 0)) expect(isRunning(proc.pid), `${proc.name} stopped by kill`).toBe(false);

    // The dump names the shell env at save time; the resurrecting shell has none of it.
    const resurrect = await session.ok(['resurrect'], { env: { GREETING: undefined } });
    expect(resurrect.stderr, describeResult(resurrect)).toBe('');
    const restored = await session.waitForList('the saved apps back', (procs) => procs.length === 3 && procs.filter((proc) => proc.pm2_env.status === 'online').length === 2);
    expect(session.daemonPid(), 'resurrect started a new daemon').not.toBe(daemon);
    expect(shape(restored)).toEqual(shape(saved));
    expect(restored.find((proc) => proc.name === 'idle')!.pid, 'the stopped app has no process').toBe(0);
    // The env reached the new process, not just the table.
    await poll('a second "app started" line from the resurrected api, with the saved env', () => occurrences(session.logFile('api', 'out'), 'greeting=saved-greeting') >= 2);
    await poll('a second "job started" line with both args', () => occurrences(session.logFile('job', 'out'), 'args=arg1 arg2') >= 2);

    // resurrect again: every saved app is already there, nothing is added.
    await session.ok(['resurrect']);
    expect((await session.jlist()).map((proc) => proc.name)).toEqual(['api', 'idle', 'job']);
  });

  e2e('cleardump forgets the saved list: a later resurrect brings nothing back', async ({ session }) => {
    await session.ok(['start', 'app.js', '--name', 'api']);
    await session.ok(['save']);
    const clear = await session.ok(['cleardump']);
    expect(clear.stderr, describeResult(clear)).toBe('');
    await session.ok(['kill']);
    const resurrect = await session.run(['resurrect']);
    expect(resurrect.code, describeResult(resurrect)).toBe(0);
    expect(await session.jlist()).toEqual([]);
  });

  e2e('save with nothing to save writes nothing and says --force, exiting 0 as PM2 does', async ({ session }) => {
    await session.ok(['ping']);
    // PM2 (API/Startup.js dump): "PM2 is not managing any process, skipping save... To force saving use: pm2 save --force",
    // then exitCli(SUCCESS_EXIT); the dump file is left as it was.
    const skipped = await session.run(['save']);
    expect(skipped.code, describeResult(skipped)).toBe(0);
    expect(`${skipped.stdout}${skipped.stderr}`, describeResult(skipped)).toContain('--force');
    expect(existsSync(join(session.home, 'dump.json')), 'no dump written').toBe(false);
    await session.ok(['save', '--force']);
    expect(existsSync(join(session.home, 'dump.json'))).toBe(true);
  });
});
