// A PM2 user's first session: start a node app, a python script and a bash script, then look at them with
// ls, jlist, prettylist, describe, env, pid and id.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect } from 'vitest';
import { isRunning } from '../process/helpers.js';
import { ANSI, BUILD_TIMEOUT_MS, E2E_TEST_TIMEOUT_MS, REPO_ROOT, describeResult, e2e, ensureFreshBuild, tableRow, type JlistProcess, type Session } from './harness.js';

beforeAll(() => ensureFreshBuild(), BUILD_TIMEOUT_MS);

// Starts api (node, with GREETING from the shell), worker (python) and job (bash, with an argument); waits until all are online.
async function startThree(session: Session): Promise<JlistProcess[]> {
  const api = await session.ok(['start', 'app.js', '--name', 'api'], { env: { GREETING: 'from-the-shell' } });
  expect(tableRow(api.stdout, 'api')?.status, describeResult(api)).toBe('online');
  await session.ok(['start', 'worker.py']);
  await session.ok(['start', 'job.sh', '--', 'arg1']);
  return session.waitForList('api, worker and job online', (procs) => procs.length === 3 && procs.every((proc) => proc.pm2_env.status === 'online' && proc.pid > 0));
}

describe.concurrent('starting a node app, a python script and a bash script', { timeout: E2E_TEST_TIMEOUT_MS }, () => {
  e2e('lists the three online with their pids, as a plain table when stdout is a pipe', async ({ session }) => {
    const procs = await startThree(session);
    expect(procs.map((proc) => [proc.pm_id, proc.name])).toEqual([[0, 'api'], [1, 'worker'], [2, 'job']]);
    for (const proc of procs) expect(isRunning(proc.pid), `${proc.name}'s pid ${proc.pid} is a live process`).toBe(true);

    // No NO_COLOR and no FORCE_COLOR: colour must be off only because stdout is not a terminal.
    const ls = await session.ok(['ls'], { env: { NO_COLOR: undefined, FORCE_COLOR: undefined } });
    expect(ls.stdout, 'ls piped has no ANSI escapes').not.toMatch(ANSI);
    for (const proc of procs) {
      const row = tableRow(ls.stdout, proc.name);
      expect(row, `ls has a row for ${proc.name}\n${ls.stdout}`).toBeDefined();
      expect(row).toMatchObject({ id: String(proc.pm_id), pid: String(proc.pid), status: 'online' });
    }
    for (const alias of ['list', 'status']) {
      const same = await session.ok([alias]);
      expect(tableRow(same.stdout, 'job')?.status, `arbor ${alias}`).toBe('online');
    }
  });

  e2e('jlist is PM2 JSON: status, restart_time, paths, interpreter and env of each process', async ({ session }) => {
    await startThree(session);
    const raw = await session.ok(['jlist']);
    expect(raw.stdout, 'jlist has no ANSI escapes').not.toMatch(ANSI);
    const procs = JSON.parse(raw.stdout) as JlistProcess[];
    const byName = new Map(procs.map((proc) => [proc.name, proc]));
    const expected = [
      { name: 'api', interpreter: /^node$/, args: [] },
      { name: 'worker', interpreter: /^python3?$/, args: [] },
      { name: 'job', interpreter: /^bash$/, args: ['arg1'] },
    ];
    for (const { name, interpreter, args } of expected) {
      const proc = byName.get(name)!;
      expect(proc.pid).toBeGreaterThan(0);
      expect(proc.monit).toEqual({ memory: expect.any(Number), cpu: expect.any(Number) });
      expect(proc.pm2_env).toMatchObject({
        status: 'online',
        restart_time: 0,
        unstable_restarts: 0,
        namespace: 'default',
        exec_mode: 'fork_mode',
        pm_cwd: session.project,
        pm_out_log_path: session.logFile(name, 'out'),
        pm_err_log_path: session.logFile(name, 'error'),
        args,
      });
      expect(proc.pm2_env.exec_interpreter).toMatch(interpreter);
      expect(proc.pm2_env.env, `${name}'s env holds the shell environment`).toMatchObject({ ARBOR_HOME: session.home });
    }
    expect(byName.get('api')!.pm2_env.env.GREETING, 'the shell variable given to `start` is in the app env').toBe('from-the-shell');
    // The app really got it, and job really got its argument.
    await session.waitForLog(session.logFile('api', 'out'), 'greeting=from-the-shell');
    await session.waitForLog(session.logFile('job', 'out'), 'job started args=arg1');
  });

  e2e('jlist gives pm_exec_path as the absolute path of the script, as PM2 does', async ({ session }) => {
    const procs = await startThree(session);
    // PM2 (Common.prepareAppConf): pm_exec_path = path.resolve(cwd, script). Tools read it to find the script.
    expect(procs.map((proc) => [proc.name, proc.pm2_env.pm_exec_path])).toEqual([
      ['api', join(session.project, 'app.js')],
      ['worker', join(session.project, 'worker.py')],
      ['job', join(session.project, 'job.sh')],
    ]);
  });

  e2e('prettylist, describe, env, pid and id answer about the running apps', async ({ session }) => {
    const procs = await startThree(session);
    const api = procs.find((proc) => proc.name === 'api')!;

    const pretty = await session.ok(['prettylist']);
    for (const name of ['api', 'worker', 'job']) expect(pretty.stdout).toContain(`name: '${name}'`);
    expect(pretty.stdout).toContain(`pid: ${api.pid}`);
    expect(pretty.stdout).toContain("status: 'online'");

    const described = await session.ok(['describe', 'api']);
    expect(described.stdout).toMatch(/status\s*│\s*online/);
    expect(described.stdout).toContain(session.logFile('api', 'out'));
    expect(described.stdout).toContain(session.logFile('api', 'error'));
    expect(described.stdout).not.toContain("name │ worker");
    const byAlias = await session.ok(['show', '0']);
    expect(byAlias.stdout).toMatch(/name\s*│\s*api/);

    const env = await session.ok(['env', '0']);
    expect(env.stdout.split('\n')).toContain('GREETING: from-the-shell');
    expect(env.stdout.split('\n')).toContain(`ARBOR_HOME: ${session.home}`);

    expect((await session.ok(['pid', 'api'])).stdout.trim()).toBe(String(api.pid));
    expect((await session.ok(['pid'])).stdout.trim().split('\n')).toEqual(procs.map((proc) => String(proc.pid)));
    expect((await session.ok(['id', 'api'])).stdout.trim()).toBe('[ 0 ]');
    expect((await session.ok(['id', 'job'])).stdout.trim()).toBe('[ 2 ]');
  });

  e2e('runs the bundled daemon (dist/daemon.js) one per ARBOR_HOME, answering ping', async ({ session }) => {
    const ping = await session.ok(['ping']);
    expect(ping.stdout.trim()).toBe("{ msg: 'pong' }");
    const daemon = session.daemonPid();
    expect(daemon, 'ARBOR_HOME/arbor.pid names the daemon').toBeDefined();
    if (process.platform === 'linux') {
      const cmdline = readFileSync(`/proc/${daemon}/cmdline`, 'utf8').split('\0');
      expect(cmdline, 'the CLI launched the bundled daemon next to it').toContain(join(REPO_ROOT, 'dist', 'daemon.js'));
    }
    await session.ok(['ping']);
    expect(session.daemonPid(), 'a second command reuses the daemon').toBe(daemon);
  });
});
