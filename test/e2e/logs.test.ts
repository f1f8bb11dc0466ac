// A crash loop ends in `errored`; app output reaches ARBOR_HOME/logs and `arbor logs` prints it in PM2's styles; flush empties it.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { beforeAll, describe, expect } from 'vitest';
import { BUILD_TIMEOUT_MS, E2E_TEST_TIMEOUT_MS, describeResult, e2e, ensureFreshBuild, poll, tableRow } from './harness.js';

beforeAll(() => ensureFreshBuild(), BUILD_TIMEOUT_MS);

/** Lines of `arbor logs` output that carry the `<id>|<name> |` prefix of that process. */
function prefixed(output: string, id: number, name: string): string[] {
  const prefix = new RegExp(`^${id}\\|${name}\\s*\\| (.*)$`);
  return output.split('\n').flatMap((line) => {
    const match = prefix.exec(line);
    return match === null ? [] : [match[1]!];
  });
}

describe.concurrent('a crash loop', { timeout: E2E_TEST_TIMEOUT_MS }, () => {
  e2e('ends errored after --max-restarts unstable restarts; ls shows errored and the restart count', async ({ session }) => {
    const start = await session.run(['start', 'crash.sh', '--max-restarts', '3', '--min-uptime', '1000']);
    expect(start.code, describeResult(start)).toBe(0);
    const [crash] = await session.waitForList('crash to end errored', (procs) => procs[0]?.pm2_env.status === 'errored');
    // PM2 (God.handleExit): each exit before min_uptime is unstable; the third reaches max_restarts and ends in errored
    // without a restart, so two restarts happened.
    expect(crash!.pm2_env.restart_time).toBe(2);
    expect(crash!.pid).toBe(0);
    const ls = await session.ok(['ls']);
    expect(tableRow(ls.stdout, 'crash'), ls.stdout).toMatchObject({ status: 'errored', '↺': '2', pid: '0' });
    // It stays errored: no further restarts come.
    const later = await session.proc('crash');
    expect([later.pm2_env.status, later.pm2_env.restart_time]).toEqual(['errored', 2]);
    expect(readFileSync(session.logFile('crash', 'error'), 'utf8').match(/crash: giving up at once/g), 'three runs logged').toHaveLength(3);

    // A restart gives an errored app a fresh start (PM2: restart works on errored processes).
    await session.ok(['restart', 'crash']);
    const runs = (): number => readFileSync(session.logFile('crash', 'error'), 'utf8').split('giving up').length - 1;
    await session.waitForList('crash to run again and end errored again', (procs) => procs[0]?.pm2_env.status === 'errored' && runs() > 3);
  });
});

describe.concurrent('logs', { timeout: E2E_TEST_TIMEOUT_MS }, () => {
  e2e('reach the files, and `arbor logs --nostream` prints them with the id|name prefix, --raw without, --err only stderr', async ({ session }) => {
    await session.ok(['start', 'app.js', '--name', 'api']);
    const [api] = await session.waitForList('api online', (procs) => procs[0]?.pm2_env.status === 'online');
    session.track(api!.pid);
    const outFile = session.logFile('api', 'out');
    const errFile = session.logFile('api', 'error');
    await session.waitForLog(outFile, 'app started');
    await session.waitForLog(errFile, 'app warning on stderr');
    // Seven more stdout lines: the app logs each SIGUSR2 it receives.
    for (let count = 1; count <= 7; count += 1) {
      process.kill(api!.pid, 'SIGUSR2');
      await poll(`SIGUSR2 line ${count} in ${outFile}`, () => readFileSync(outFile, 'utf8').split('received SIGUSR2').length - 1 >= count, 5_000, 20);
    }

    const logs = await session.ok(['logs', 'api', '--nostream', '--lines', '5'], { timeoutMs: 10_000 });
    const shown = prefixed(logs.stdout, 0, 'api');
    // The last 5 lines of the out file, then the err file's one line.
    expect(shown, logs.stdout).toEqual([...Array(5).fill('received SIGUSR2'), 'app warning on stderr']);
    expect(logs.stdout).not.toContain('app started');

    const raw = await session.ok(['logs', 'api', '--nostream', '--lines', '5', '--raw'], { timeoutMs: 10_000 });
    expect(raw.stdout.split('\n').filter((line) => line !== ''), describeResult(raw)).toEqual(Array(5).fill('received SIGUSR2'));
    expect(`${raw.stdout}${raw.stderr}`, 'no prefix with --raw').not.toMatch(/\d\|api/);
    expect(`${raw.stdout}${raw.stderr}`).toContain('app warning on stderr');

    const errOnly = await session.ok(['logs', 'api', '--nostream', '--err', '--lines', '5'], { timeoutMs: 10_000 });
    expect(prefixed(errOnly.stdout, 0, 'api'), errOnly.stdout).toEqual(['app warning on stderr']);
    expect(errOnly.stdout).not.toContain('received SIGUSR2');

    const outOnly = await session.ok(['logs', 'api', '--nostream', '--out', '--lines', '2'], { timeoutMs: 10_000 });
    expect(prefixed(outOnly.stdout, 0, 'api'), outOnly.stdout).toEqual(['received SIGUSR2', 'received SIGUSR2']);
  });

  e2e('`arbor logs api` prints the history, then follows new lines as they are written, until Ctrl-C', async ({ session }) => {
    await session.ok(['start', 'app.js', '--name', 'api']);
    const [api] = await session.waitForList('api online', (procs) => procs[0]?.pm2_env.status === 'online');
    await session.waitForLog(session.logFile('api', 'out'), 'app started');
    const follower = session.follow(['logs', 'api', '--lines', '1']);
    await poll('the history line', () => prefixed(follower.output(), 0, 'api').some((line) => line.startsWith('app started')), 20_000);
    process.kill(api!.pid, 'SIGUSR2');
    await poll('the new line, followed', () => prefixed(follower.output(), 0, 'api').includes('received SIGUSR2'), 15_000);
    const ended = await follower.interrupt();
    expect(ended.timedOut, 'Ctrl-C ends arbor logs').toBe(false);
    expect(ended.code, describeResult(ended)).toBe(0);
  });

  e2e('`arbor flush api` empties the files, and what the app writes next lands in them', async ({ session }) => {
    await session.ok(['start', 'app.js', '--name', 'api']);
    await session.ok(['start', 'job.sh', '--name', 'keep']);
    const procs = await session.waitForList('both online', (list) => list.length === 2 && list.every((proc) => proc.pm2_env.status === 'online'));
    await session.waitForLog(session.logFile('api', 'out'), 'app started');
    await session.waitForLog(session.logFile('api', 'error'), 'app warning');
    await session.waitForLog(session.logFile('keep', 'out'), 'job started');

    await session.ok(['flush', 'api']);
    expect(statSync(session.logFile('api', 'out')).size, 'api out log flushed').toBe(0);
    expect(statSync(session.logFile('api', 'error')).size, 'api error log flushed').toBe(0);
    expect(readFileSync(session.logFile('keep', 'out'), 'utf8'), 'another app\'s log is left alone').toContain('job started');
    const logs = await session.ok(['logs', 'api', '--nostream', '--lines', '5'], { timeoutMs: 10_000 });
    expect(prefixed(logs.stdout, 0, 'api'), logs.stdout).toEqual([]);

    // The app still writes to the (truncated) file: the line starts the file, with no hole of NUL bytes before it.
    process.kill(procs[0]!.pid, 'SIGUSR2');
    const content = await session.waitForLog(session.logFile('api', 'out'), 'received SIGUSR2');
    expect(content).toBe('received SIGUSR2\n');

    await session.ok(['flush']);
    expect(statSync(session.logFile('keep', 'out')).size, 'flush with no target empties every app log').toBe(0);
  });
});

describe.concurrent('combined log and pid file flags', { timeout: E2E_TEST_TIMEOUT_MS }, () => {
  e2e('-l writes both streams to the combined file, -p writes the pid, and neither is reported as ignored', async ({ session }) => {
    const start = await session.run(['start', 'app.js', '--name', 'api', '-l', 'all.log', '-p', 'api.pid']);
    expect(start.code, describeResult(start)).toBe(0);
    expect(start.stderr, 'no "accepted but ignored" warning').not.toMatch(/ignored/);
    const [api] = await session.waitForList('api online', (procs) => procs[0]?.pm2_env.status === 'online');
    session.track(api!.pid);
    const combined = api!.pm2_env.pm_log_path as string;
    const pidFile = api!.pm2_env.pm_pid_path as string;
    expect(combined.endsWith('all.log'), combined).toBe(true);
    expect(pidFile.endsWith('api-0.pid'), pidFile).toBe(true);
    await session.waitForLog(combined, 'app warning on stderr');
    expect(readFileSync(combined, 'utf8')).toContain('app started');
    await session.waitForLog(session.logFile('api', 'out'), 'app started');
    await poll('the pid file', () => readFileSync(pidFile, 'utf8').trim() === String(api!.pid), 5_000, 20);

    await session.ok(['stop', 'api']);
    await poll('the pid file to be removed at stop', () => !existsSync(pidFile), 5_000, 20);
  });
});
