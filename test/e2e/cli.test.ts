// The command line itself: init, --version, --help, and usage errors (exit 2); none of these needs the daemon.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect } from 'vitest';
import { BUILD_TIMEOUT_MS, E2E_TEST_TIMEOUT_MS, PACKAGE_VERSION, describeResult, e2e, ensureFreshBuild } from './harness.js';

beforeAll(() => ensureFreshBuild(), BUILD_TIMEOUT_MS);

describe.concurrent('the arbor command line', { timeout: E2E_TEST_TIMEOUT_MS }, () => {
  e2e('init writes ecosystem.config.js, a file arbor can start, and refuses to overwrite it', async ({ session }) => {
    const file = join(session.project, 'ecosystem.config.js');
    const init = await session.ok(['init']);
    expect(init.stdout, describeResult(init)).toContain('ecosystem.config.js');
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, 'utf8')).toMatch(/apps\s*:/);

    writeFileSync(file, `${readFileSync(file, 'utf8')}\n// edited by the user\n`);
    const edited = readFileSync(file, 'utf8');
    const again = await session.run(['init']);
    expect(again.code, describeResult(again)).toBe(1);
    expect(again.stderr.trim().split('\n'), describeResult(again)).toHaveLength(1);
    expect(again.stderr).toContain('ecosystem.config.js');
    expect(readFileSync(file, 'utf8'), 'the existing file is untouched').toBe(edited);
    expect(session.daemonPid(), 'init needs no daemon').toBeUndefined();

    // `init simple` gives one app; with an app.js beside it, a bare `arbor start` runs it.
    const simpleDir = join(session.project, 'simple');
    mkdirSync(simpleDir);
    copyFileSync(join(session.project, 'app.js'), join(simpleDir, 'app.js'));
    await session.ok(['init', 'simple'], { cwd: simpleDir });
    await session.ok(['start'], { cwd: simpleDir });
    const [app] = await session.waitForList('the template app online', (procs) => procs[0]?.pm2_env.status === 'online');
    expect(app!.name).toBe('app');
    // The daemon's own log is pino JSON only: nothing else (V8 flag warnings included) lands in it.
    const logLines = readFileSync(join(session.home, 'arbor.log'), 'utf8').trim().split('\n');
    expect(logLines.filter((line) => !line.startsWith('{')), 'non-JSON lines in arbor.log').toEqual([]);
  });

  e2e('--version and -v print the package version and exit 0', async ({ session }) => {
    for (const flag of ['--version', '-v']) {
      const result = await session.ok([flag]);
      expect(result.stdout.trim()).toBe(PACKAGE_VERSION);
      expect(result.stderr).toBe('');
    }
    expect(session.daemonPid(), '--version needs no daemon').toBeUndefined();
  });

  e2e('--help prints usage with the PM2 verbs and exits 0', async ({ session }) => {
    for (const args of [['--help'], ['-h'], ['help']]) {
      const result = await session.ok(args);
      expect(result.stdout, describeResult(result)).toMatch(/^Usage: arbor/m);
      for (const verb of ['start', 'stop', 'restart', 'delete', 'logs', 'save', 'resurrect', 'startOrRestart', 'jlist']) {
        expect(result.stdout, `help lists ${verb}`).toMatch(new RegExp(`^\\s+${verb}\\b`, 'm'));
      }
      expect(result.stderr).toBe('');
    }
    const startHelp = await session.ok(['start', '--help']);
    expect(startHelp.stdout).toContain('--name');
    expect(startHelp.stdout).toContain('--max-restarts');
    expect(session.daemonPid(), '--help needs no daemon').toBeUndefined();
  });

  e2e('an unknown command or flag is a usage error: exit 2, the word named on stderr, nothing started', async ({ session }) => {
    for (const args of [['frobnicate'], ['start', 'app.js', '--no-such-flag'], ['scale', 'api', 'lots'], ['logs', '--lines', 'ten']]) {
      const result = await session.run(args);
      expect(result.code, describeResult(result)).toBe(2);
      const word = args.at(-1)!;
      expect(result.stderr.split('\n')[0], describeResult(result)).toContain(word);
      expect(result.stdout, describeResult(result)).toBe('');
    }
    const bare = await session.run([]);
    expect(bare.code, describeResult(bare)).toBe(2);
    expect(bare.stderr).toMatch(/Usage: arbor/);
    expect(session.daemonPid(), 'a usage error starts no daemon').toBeUndefined();
  });
});
