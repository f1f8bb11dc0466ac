// The combined log (-l / log_file) and the per-process pid files (-p / pid_file): paths, ordering, and the real daemon over RPC.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProcessDescription } from '../../src/client/types.js';
import type { RpcConnection } from '../../src/client/connection.js';
import { normalizeApp } from '../../src/config/validate.js';
import type { AppConfig } from '../../src/config/types.js';
import type { HomePaths } from '../../src/daemon/home.js';
import { isProcessAlive, readPidFile } from '../../src/daemon/lock.js';
import { PidFiles, pidFilePath } from '../../src/daemon/pid-files.js';
import { makeTempDir, removeDir, waitFor } from '../process/helpers.js';
import { daemonPerTest } from './policy-harness.js';

describe('pidFilePath', () => {
  const base = { pidsDir: '/home/u/.arbor/pids', name: 'my api', pmId: 3, cwd: '/srv/app' };

  it('defaults to <home>/pids/<name>-<pm_id>.pid with the name made file-safe as for logs', () => {
    expect(pidFilePath(base)).toBe('/home/u/.arbor/pids/my-api-3.pid');
  });

  it('resolves pid_file against the cwd and inserts -<pm_id> before the extension (PM2 does it even with merged logs)', () => {
    expect(pidFilePath({ ...base, pidFile: 'run/api.pid' })).toBe('/srv/app/run/api-3.pid');
    expect(pidFilePath({ ...base, pidFile: '/var/run/api.pid' })).toBe('/var/run/api-3.pid');
    expect(pidFilePath({ ...base, pidFile: '/var/run/api' })).toBe('/var/run/api-3');
  });

  it("writes none for '/dev/null' and 'NULL'", () => {
    expect(pidFilePath({ ...base, pidFile: '/dev/null' })).toBeNull();
    expect(pidFilePath({ ...base, pidFile: 'NULL' })).toBeNull();
  });
});

describe('PidFiles', () => {
  let dir: string;
  beforeEach(() => {
    dir = makeTempDir('arbor-pids-');
  });
  afterEach(() => removeDir(dir));

  it('applies writes and removals of one file in call order, however fast they come', async () => {
    const errors: string[] = [];
    const files = new PidFiles((error) => errors.push(error.message));
    const file = path.join(dir, 'api-0.pid');
    for (let round = 0; round < 20; round += 1) {
      files.write(file, 1000 + round);
      files.remove(file);
    }
    await files.settled();
    expect(fs.existsSync(file)).toBe(false);
    files.remove(file); // removing a missing file is no failure
    files.write(file, 4242);
    await files.settled();
    expect(fs.readFileSync(file, 'utf8')).toBe('4242');
    expect(errors).toEqual([]);
  });

  it('creates a missing directory, reports what it cannot do, and carries on with later operations', async () => {
    const failures: string[] = [];
    const files = new PidFiles((_error, file, action) => failures.push(`${action} ${path.basename(file)}`));
    const nested = path.join(dir, 'run', 'deep', 'api-1.pid');
    files.write(nested, 77);
    fs.writeFileSync(path.join(dir, 'not-a-dir'), '');
    const impossible = path.join(dir, 'not-a-dir', 'api-2.pid');
    files.write(impossible, 78);
    files.write(path.join(dir, 'after.pid'), 79);
    await files.settled();
    expect(fs.readFileSync(nested, 'utf8')).toBe('77');
    expect(failures).toEqual(['write api-2.pid']);
    expect(fs.readFileSync(path.join(dir, 'after.pid'), 'utf8')).toBe('79');
    files.write(null, 1); // disabled: nothing to do
    await files.settled();
  });
});

describe('the daemon with a combined log and pid files', () => {
  const daemons = daemonPerTest();
  let paths: HomePaths;
  let rpc: RpcConnection;
  let appDir: string;
  let pids: Set<number>;

  function app(raw: Record<string, unknown>): AppConfig {
    return normalizeApp(raw, { index: 0 }, { baseDir: appDir, shellEnv: process.env }).app;
  }

  async function list(): Promise<ProcessDescription[]> {
    const procs = await rpc.call<ProcessDescription[]>('list');
    for (const proc of procs) if (proc.pid) pids.add(proc.pid);
    return procs;
  }

  const readText = (file: string): string | undefined => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined);
  const linesIn = (file: string): string[] => (readText(file) ?? '').split('\n').filter((line) => line !== '');

  beforeEach(async () => {
    const daemon = await daemons.start();
    ({ paths, rpc, pids } = daemon);
    appDir = path.join(paths.home, 'app');
    fs.mkdirSync(appDir);
    // Twenty lines on each stream, alternating, then idle until stopped.
    fs.writeFileSync(
      path.join(appDir, 'talk.js'),
      [
        'let n = 0;',
        'const timer = setInterval(() => {',
        '  process.stdout.write(`out ${n}\\n`);',
        '  process.stderr.write(`err ${n}\\n`);',
        '  if (++n === 20) clearInterval(timer);',
        '}, 1);',
        'setInterval(() => {}, 60_000);',
      ].join('\n'),
    );
  });

  it('writes each stdout line to the out file and the combined log, each stderr line to the error file and the combined log', async () => {
    await rpc.call('start', { apps: [app({ name: 'talk', script: 'talk.js', log_file: 'logs/all.log', merge_logs: false })] });
    const [proc] = await list();
    const combined = path.join(appDir, 'logs', 'all-0.log');
    expect(proc!.pm2_env.pm_log_path).toBe(combined);
    const out = path.join(paths.logsDir, 'talk-out-0.log');
    const err = path.join(paths.logsDir, 'talk-error-0.log');
    await waitFor('all forty lines in the combined log', () => linesIn(combined).length === 40, 10_000);
    await waitFor('twenty lines in each stream file', () => linesIn(out).length === 20 && linesIn(err).length === 20, 5_000);

    const expected = (type: string): string[] => Array.from({ length: 20 }, (_, n) => `${type} ${n}`);
    expect(linesIn(out)).toEqual(expected('out'));
    expect(linesIn(err)).toEqual(expected('err'));
    const lines = linesIn(combined);
    expect(lines.filter((line) => line.startsWith('out '))).toEqual(expected('out'));
    expect(lines.filter((line) => line.startsWith('err '))).toEqual(expected('err'));

    // flush empties the combined log too; the app keeps running and its next lines land in the emptied files.
    const flushed = await rpc.call<{ files: string[] }>('flush', { target: 'talk' });
    expect(flushed.files).toEqual(expect.arrayContaining([out, err, combined]));
    expect(readText(combined)).toBe('');
    await rpc.call('restart', { targets: ['talk'] });
    await waitFor('the restarted run in the flushed files', () => linesIn(combined).length === 40 && linesIn(out).length === 20, 10_000);
    expect(linesIn(out)).toEqual(expected('out'));
  }, 40_000);

  it('keeps a pid file per process: written at start, rewritten by a restart, removed by stop and by delete', async () => {
    await rpc.call('start', {
      apps: [
        app({ name: 'talk', script: 'talk.js' }),
        app({ name: 'custom', script: 'talk.js', pid_file: 'run/custom.pid' }),
        app({ name: 'none', script: 'talk.js', pid_file: '/dev/null' }),
      ],
    });
    const procs = await list();
    const defaultFile = path.join(paths.pidsDir, 'talk-0.pid');
    const customFile = path.join(appDir, 'run', 'custom-1.pid');
    expect(procs.map((proc) => proc.pm2_env.pm_pid_path)).toEqual([defaultFile, customFile, '/dev/null']);
    // Start answers once the files are written.
    expect(readText(defaultFile)).toBe(String(procs[0]!.pid));
    expect(readText(customFile)).toBe(String(procs[1]!.pid));
    expect(fs.readdirSync(paths.pidsDir).sort()).toEqual(['talk-0.pid']);

    const firstPid = procs[0]!.pid;
    await rpc.call('restart', { targets: ['talk'] });
    const restarted = (await list())[0]!;
    expect(restarted.pid).not.toBe(firstPid);
    expect(readText(defaultFile)).toBe(String(restarted.pid));

    await rpc.call('stop', { targets: ['talk'] });
    expect(fs.existsSync(defaultFile)).toBe(false);
    await rpc.call('restart', { targets: ['talk'] });
    expect(readText(defaultFile)).toBe(String((await list())[0]!.pid));

    await rpc.call('delete', { targets: ['talk', 'custom'] });
    expect(fs.existsSync(defaultFile)).toBe(false);
    expect(fs.existsSync(customFile)).toBe(false);
  }, 40_000);

  it('rewrites the pid file when the process crashes and is restarted, and removes every pid file when the daemon is killed', async () => {
    fs.writeFileSync(path.join(appDir, 'crash.js'), 'setTimeout(() => process.exit(3), 300);\n');
    await rpc.call('start', { apps: [app({ name: 'crash', script: 'crash.js', min_uptime: 100 }), app({ name: 'talk', script: 'talk.js' })] });
    const crashFile = path.join(paths.pidsDir, 'crash-0.pid');
    const firstPid = (await list())[0]!.pid;
    expect(readText(crashFile)).toBe(String(firstPid));
    const nextPid = await waitFor(
      'a new pid in the pid file after the crash',
      () => {
        const text = readText(crashFile);
        return text !== undefined && text !== '' && text !== String(firstPid) ? Number(text) : undefined;
      },
      10_000,
    );
    expect(nextPid).toBeGreaterThan(0);
    pids.add(nextPid);

    const daemon = readPidFile(paths);
    await rpc.call('kill');
    if (daemon) await waitFor('the daemon to exit', () => !isProcessAlive(daemon), 10_000);
    expect(fs.readdirSync(paths.pidsDir)).toEqual([]);
  }, 40_000);
});
