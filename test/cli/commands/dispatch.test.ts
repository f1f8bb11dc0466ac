// Runs whole command lines through runCli against a fake client: what each command asks the daemon and prints.
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/commands/dispatch.js';
import { PONG } from '../../../src/cli/commands/daemon.js';
import type { AppConfig, TreeConfig } from '../../../src/config/types.js';
import { ArborError } from '../../../src/errors.js';
import { waitFor } from '../../fixtures/daemon-harness.js';
import { makeProcess } from '../format/make-process.js';
import { captureIo, fakeClient, type FakeState } from './fake-client.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'arbor-cli-'));
  await writeFile(join(dir, 'app.js'), 'setInterval(() => {}, 1000);\n');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(argv: string[], state: FakeState = { procs: [] }, extra: { stdin?: string; connectError?: ArborError; env?: NodeJS.ProcessEnv } = {}) {
  const fake = fakeClient(state);
  const captured = captureIo({ cwd: dir, client: fake.client, ...extra });
  const code = await runCli(argv, captured.io);
  return { code, out: captured.stdout(), err: captured.stderr(), calls: fake.calls, fake, captured };
}

const callsOf = (calls: { method: string; args: unknown[] }[], method: string) => calls.filter((call) => call.method === method).map((call) => call.args);

const ECOSYSTEM = `module.exports = {
  apps: [
    { name: 'a', script: './app.js', env: { X: '1' }, env_prod: { X: 'prod' } },
    { name: 'b', script: './app.js' },
    { name: 'c', script: './app.js' },
  ],
  tree: { strategy: 'one_for_all', children: ['a', { supervisor: 'inner', children: ['b'] }] },
};
`;

describe('listing', () => {
  it('ls prints the table of the listed processes, then disconnects', async () => {
    const result = await run(['ls'], { procs: [makeProcess({ name: 'alpha' }), makeProcess({ pm_id: 1, name: 'beta' })] });
    expect(result.code).toBe(0);
    expect(result.out).toContain('alpha');
    expect(result.out).toContain('beta');
    expect(result.out).not.toContain('\u001b[');
    expect(result.err).toBe('');
    expect(result.fake.disconnected()).toBe(1);
    expect(result.captured.connects).toEqual([{}]);
  });

  it('jlist prints the list as one line of JSON', async () => {
    const procs = [makeProcess({ name: 'alpha' })];
    const result = await run(['jlist'], { procs });
    expect(result.out.endsWith('\n')).toBe(true);
    expect(result.out.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(result.out)).toEqual(procs);
  });

  it('pid prints running pids one per line, and id the ids PM2-style', async () => {
    const procs = [makeProcess({ pm_id: 0, name: 'api', pid: 11 }), makeProcess({ pm_id: 1, name: 'api', pid: 12 })];
    expect((await run(['pid', 'api'], { procs })).out).toBe('11\n12\n');
    expect((await run(['pid'], { procs })).out).toBe('11\n12\n');
    expect((await run(['id', 'api'], { procs })).out).toBe('[ 0, 1 ]\n');
  });

  it('describe and env print each matching process', async () => {
    const procs = [makeProcess({ pm_id: 4, name: 'api' })];
    expect((await run(['describe', 'api'], { procs })).out).toContain('Describing process with id 4 - name api');
    expect((await run(['env', '4'], { procs })).out).toContain('PORT: 8080');
  });
});

describe('failures', () => {
  it('prints one [arbor] line for an ArborError and exits with its status', async () => {
    const result = await run(['describe', 'ghost'], { procs: [] });
    expect(result.code).toBe(1);
    expect(result.err).toBe('[arbor] no process matches ["ghost"]\n');
    expect(result.out).toBe('');
  });

  it('exits 2 on a usage error, on one line that points to --help', async () => {
    const result = await run(['bogus']);
    expect(result.code).toBe(2);
    expect(result.err.split('\n').filter((line) => line !== '')).toHaveLength(1);
    expect(result.err).toMatch(/^\[arbor\] unknown command 'bogus'.*\(see `arbor --help`\)\n$/);
  });

  it('prints the stack of an unexpected error (a bug) and exits 1', async () => {
    const bug = new TypeError('cannot read x of undefined');
    const result = await run(['ls'], { procs: [], failures: { summary: bug as unknown as ArborError } });
    expect(result.code).toBe(1);
    expect(result.err).toContain('[arbor] unexpected error (a bug in arbor, please report it): cannot read x of undefined');
    expect(result.err).toContain('TypeError: cannot read x of undefined\n    at ');
  });

  it('reports the daemon code of a failed call, e.g. E_NAME_CLASH', async () => {
    const clash = new ArborError('E_NAME_CLASH', 'an app named "app" is already running; add -f to start another');
    const result = await run(['start', 'app.js'], { procs: [], failures: { start: clash } });
    expect(result.code).toBe(1);
    expect(result.err).toBe(`[arbor] ${clash.message}\n`);
  });
});

describe('help, version, ping, kill', () => {
  it('prints asked-for help to stdout (exit 0) and help for no verb to stderr (exit 2)', async () => {
    const asked = await run(['--help']);
    expect(asked.code).toBe(0);
    expect(asked.out).toContain('Usage: arbor');
    const none = await run([]);
    expect(none.code).toBe(2);
    expect(none.err).toContain('Usage: arbor');
  });

  it("prints package.json's version", async () => {
    const manifest = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect((await run(['--version'])).out).toBe(`${manifest.version}\n`);
  });

  it("ping prints PM2's reply", async () => {
    const result = await run(['ping']);
    expect(result.out).toBe(`${PONG}\n`);
    expect(callsOf(result.calls, 'ping')).toHaveLength(1);
  });

  it('kill stops the daemon, and with none running says so without starting one', async () => {
    const killed = await run(['kill'], { procs: [makeProcess()] });
    expect(killed.out).toBe('[arbor] daemon killed (1 process stopped)\n');
    expect(killed.captured.connects).toEqual([{ autoStart: false }]);
    const none = await run(['kill'], { procs: [] }, { connectError: new ArborError('E_DAEMON_UNREACHABLE', 'nothing there') });
    expect(none.code).toBe(0);
    expect(none.out).toBe('[arbor] no daemon is running\n');
  });
});

describe('start', () => {
  it('starts a script with the flags as app keys, then prints the table', async () => {
    const result = await run(['start', 'app.js', '--name', 'web', '-i', '2', '-x', '--', '--port', '80']);
    expect(result.code).toBe(0);
    const [[apps, options]] = callsOf(result.calls, 'start') as [[AppConfig[], { force?: boolean }]];
    expect(apps).toHaveLength(1);
    expect(apps[0]).toMatchObject({ name: 'web', script: join(dir, 'app.js'), instances: 2, exec_mode: 'fork_mode', args: ['--port', '80'], cwd: dir });
    expect(options).toEqual({});
    expect(result.out).toMatch(/^\[arbor\] started web \(0\)\n┌/);
    expect(callsOf(result.calls, 'list')).toHaveLength(0); // no environments needed
    expect(callsOf(result.calls, 'summary')).toHaveLength(2); // what is running, then the table
  });

  it('starts a command line as one app named after its first word', async () => {
    const result = await run(['start', 'sleep 30']);
    const [[apps]] = callsOf(result.calls, 'start') as [[AppConfig[]]];
    expect(apps[0]).toMatchObject({ name: 'sleep', script: 'sleep 30' });
  });

  it('passes -f on as force', async () => {
    const result = await run(['start', 'app.js', '-f']);
    expect(callsOf(result.calls, 'start')[0]?.[1]).toEqual({ force: true });
  });

  it('restarts a running app named as the target instead of starting a script (PM2)', async () => {
    const result = await run(['start', 'api'], { procs: [makeProcess({ name: 'api' })] });
    expect(callsOf(result.calls, 'restart')).toEqual([['api', undefined]]);
    expect(callsOf(result.calls, 'start')).toEqual([]);
  });

  it('restarts the stopped app a script start would clash with (PM2)', async () => {
    const result = await run(['start', 'app.js'], { procs: [makeProcess({ name: 'app', pm2_env: { status: 'stopped' } })] });
    const restarts = callsOf(result.calls, 'restart') as [string, { updateEnv: boolean; env: Record<string, string> }][];
    expect(restarts).toHaveLength(1);
    expect(restarts[0]?.[0]).toBe('app');
    expect(restarts[0]?.[1].updateEnv).toBe(true);
    expect(callsOf(result.calls, 'start')).toEqual([]);
  });

  it('applies an ecosystem file: restarts present apps with their env, starts the rest under the pruned tree', async () => {
    await writeFile(join(dir, 'ecosystem.config.js'), ECOSYSTEM);
    const result = await run(['start', '--env', 'prod'], { procs: [makeProcess({ name: 'a' })] });
    expect(result.code).toBe(0);
    const restarts = callsOf(result.calls, 'restart') as [string, { updateEnv: boolean; env: Record<string, string> }][];
    expect(restarts.map(([name, options]) => [name, options.updateEnv, options.env['X']])).toEqual([['a', true, 'prod']]);
    const [[input]] = callsOf(result.calls, 'start') as [[{ apps: AppConfig[]; tree: TreeConfig }]];
    expect(input.apps.map((app) => app.name)).toEqual(['b', 'c']);
    expect(input.tree.root.children).toEqual([{ kind: 'supervisor', options: { id: 'inner' }, children: [{ kind: 'app', app: 'b' }] }]);
    expect(input.tree.unlisted).toEqual(['c']);
    expect(result.out).toContain('[arbor] restarted a (0)\n');
  });

  it('keeps only --only apps and warns about app flags, which config files ignore', async () => {
    await writeFile(join(dir, 'apps.config.js'), ECOSYSTEM);
    const result = await run(['start', 'apps.config.js', '--only', 'c', '--name', 'zz']);
    const [[input]] = callsOf(result.calls, 'start') as [[{ apps: AppConfig[] }]];
    expect(input.apps.map((app) => app.name)).toEqual(['c']);
    expect(result.err).toBe('[arbor] warning: name from the command line is ignored for ecosystem files: set it in the file\n');
  });

  it('reads an ecosystem as JSON from stdin with -', async () => {
    const result = await run(['start', '-'], { procs: [] }, { stdin: JSON.stringify({ apps: [{ name: 'piped', script: 'app.js' }] }) });
    const [[apps]] = callsOf(result.calls, 'start') as [[AppConfig[]]];
    expect(apps.map((app) => [app.name, app.script, app.cwd])).toEqual([['piped', join(dir, 'app.js'), dir]]);
  });

  it('fails with E_CONFIG when no target is given and no ecosystem file exists', async () => {
    const result = await run(['start']);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^\[arbor\] no ecosystem file in .* write one with `arbor init`/);
    expect(result.calls).toEqual([]);
  });

  it('warns about ignored PM2 flags, and prints nothing else with --silent', async () => {
    const result = await run(['start', 'app.js', '--no-vizion', '-s']);
    expect(result.code).toBe(0);
    expect(result.out).toBe('');
    expect(result.err).toBe('[arbor] warning: --no-vizion is ignored: arbor does not collect version-control metadata\n');
  });
});

describe('stop, restart, reload, delete, startOr*', () => {
  it('sends plain targets in one call and prints the table', async () => {
    const result = await run(['stop', 'api', '3'], { procs: [makeProcess({ name: 'api' }), makeProcess({ pm_id: 3, name: 'w' })] });
    expect(callsOf(result.calls, 'stop')).toEqual([[['api', '3']]]);
    expect(result.out).toContain('[arbor] stopped api (0)\n[arbor] stopped w (3)\n');
  });

  it('turns an ecosystem file into its app names, --only applied', async () => {
    await writeFile(join(dir, 'ecosystem.config.js'), ECOSYSTEM);
    const procs = ['a', 'b', 'c'].map((name, index) => makeProcess({ name, pm_id: index }));
    expect(callsOf((await run(['delete', 'ecosystem.config.js'], { procs })).calls, 'delete')).toEqual([[['a', 'b', 'c']]]);
    expect(callsOf((await run(['stop', 'ecosystem.config.js', '--only', 'b'], { procs })).calls, 'stop')).toEqual([[['b']]]);
  });

  it("restarts with -a: each app with its stored env and the shell's over it", async () => {
    const procs = [makeProcess({ name: 'api', pm2_env: { env: { KEEP: 'k', X: 'old' } } })];
    const result = await run(['restart', 'api', '-a'], { procs }, { env: { X: 'new', NO_COLOR: '1' } });
    expect(callsOf(result.calls, 'describe')).toEqual([['api']]);
    expect(callsOf(result.calls, 'restart')).toEqual([['api', { updateEnv: true, env: { KEEP: 'k', X: 'new', NO_COLOR: '1' } }]]);
  });

  it('stop --watch asks the daemon to stop watching too; a plain stop does not', async () => {
    const procs = [makeProcess({ name: 'api' })];
    const stops = async (argv: string[]) => {
      const fake = fakeClient({ procs });
      const seen: unknown[][] = [];
      const stop = fake.client.stop;
      fake.client.stop = (targets, options) => {
        seen.push([targets, options]);
        return stop(targets, options);
      };
      const captured = captureIo({ cwd: dir, client: fake.client });
      expect(await runCli(argv, captured.io)).toBe(0);
      return seen;
    };
    expect(await stops(['stop', 'api', '--watch'])).toEqual([[['api'], { watch: false }]]);
    expect(await stops(['stop', 'api'])).toEqual([[['api'], undefined]]);
  });

  it.each(['restart', 'reload'] as const)('%s --watch toggles the named apps in one call; --watch a,b sends the paths', async (verb) => {
    const procs = [makeProcess({ name: 'api' }), makeProcess({ pm_id: 1, name: 'web' })];
    const toggled = await run([verb, 'api', 'web', '--watch'], { procs });
    expect(callsOf(toggled.calls, verb)).toEqual([[['api', 'web'], { watch: 'toggle' }]]);
    expect(toggled.err).toBe('');
    const paths = await run([verb, 'api', '--watch', 'src,lib'], { procs });
    expect(callsOf(paths.calls, verb)).toEqual([[['api'], { watch: ['src', 'lib'] }]]);
    expect(callsOf((await run([verb, 'api'], { procs })).calls, verb)).toEqual([[['api'], undefined]]);
  });

  it('restart --watch leaves the apps of an ecosystem file as they are, and says so', async () => {
    await writeFile(join(dir, 'ecosystem.config.js'), ECOSYSTEM);
    const procs = ['a', 'b', 'c', 'api'].map((name, index) => makeProcess({ name, pm_id: index }));
    const result = await run(['restart', 'ecosystem.config.js', 'api', '--watch'], { procs });
    expect(callsOf(result.calls, 'restart')).toEqual([
      [['api'], { watch: 'toggle' }],
      [['a', 'b', 'c'], undefined],
    ]);
    expect(result.err).toBe('[arbor] warning: --watch is ignored for the apps of ecosystem files: set watch in the file\n');
  });

  it('restart -a --watch sends the merged env and the watch change once per app', async () => {
    const procs = [makeProcess({ name: 'api', pm2_env: { env: { KEEP: 'k' } } }), makeProcess({ pm_id: 1, name: 'api' })];
    const result = await run(['restart', 'api', '0', '-a', '--watch'], { procs }, { env: { X: 'new' } });
    expect(callsOf(result.calls, 'restart')).toEqual([['api', { updateEnv: true, env: { KEEP: 'k', X: 'new' }, watch: 'toggle' }]]);
  });

  it('restart warns about the app flags it does not apply', async () => {
    const result = await run(['restart', 'api', '--max-memory-restart', '1G', '--watch'], { procs: [makeProcess({ name: 'api' })] });
    expect(callsOf(result.calls, 'restart')).toEqual([[['api'], { watch: 'toggle' }]]);
    expect(result.err).toBe('[arbor] warning: max_memory_restart from the command line is ignored by restart: the apps keep their stored config\n');
  });

  it('startOrReload reloads present apps with the file env and starts the others', async () => {
    await writeFile(join(dir, 'ecosystem.config.js'), ECOSYSTEM);
    const result = await run(['startOrReload', 'ecosystem.config.js'], { procs: [makeProcess({ name: 'b' })] });
    const reloads = callsOf(result.calls, 'reload') as [string, { updateEnv: boolean }][];
    expect(reloads.map(([name, options]) => [name, options.updateEnv])).toEqual([['b', true]]);
    const [[input]] = callsOf(result.calls, 'start') as [[{ apps: AppConfig[] }]];
    expect(input.apps.map((app) => app.name)).toEqual(['a', 'c']);
  });

  it('refuses an ecosystem naming a missing script or cwd before restarting or starting anything, naming the file and apps[i]', async () => {
    const config = (second: string) => `module.exports = { apps: [{ name: 'a', script: './app.js' }, ${second}] };\n`;
    await writeFile(join(dir, 'ecosystem.config.js'), config(`{ name: 'b', script: './gone.js' }`));
    const missingScript = await run(['startOrRestart', 'ecosystem.config.js'], { procs: [makeProcess({ name: 'a' })] });
    expect(missingScript.code).toBe(1);
    expect(missingScript.err).toBe(`[arbor] script ${join(dir, 'gone.js')} does not exist in apps[1] (b) of ${join(dir, 'ecosystem.config.js')}\n`);
    expect(missingScript.calls.filter((call) => ['restart', 'reload', 'start'].includes(call.method))).toEqual([]);

    await writeFile(join(dir, 'ecosystem.config.js'), config(`{ name: 'b', script: 'app.js', cwd: 'nowhere' }`));
    const missingCwd = await run(['start', 'ecosystem.config.js']);
    expect(missingCwd.err).toBe(`[arbor] cwd ${join(dir, 'nowhere')} does not exist in apps[1] (b) of ${join(dir, 'ecosystem.config.js')}\n`);
    expect(callsOf(missingCwd.calls, 'start')).toEqual([]);

    // A bare word may be a command on PATH, and a command line runs through the shell: both are the daemon's to check.
    await writeFile(join(dir, 'ecosystem.config.js'), config(`{ name: 'b', script: 'sleep' }, { name: 'c', script: 'sleep 1000' }`));
    const commands = await run(['start', 'ecosystem.config.js']);
    expect(commands.code).toBe(0);
    expect(callsOf(commands.calls, 'start')).toHaveLength(1);
  });

  it('fails with E_APP_NOT_FOUND (exit 1) when the daemon matches nothing', async () => {
    const result = await run(['restart', 'ghost']);
    expect(result.code).toBe(1);
    expect(result.err).toBe('[arbor] no process matches ["ghost"]\n');
  });
});

describe('other verbs', () => {
  it('scale sends a count or a delta', async () => {
    const procs = [makeProcess({ name: 'api' })];
    expect(callsOf((await run(['scale', 'api', '3'], { procs })).calls, 'scale')).toEqual([['api', 3]]);
    expect(callsOf((await run(['scale', 'api', '-1'], { procs })).calls, 'scale')).toEqual([['api', { delta: -1 }]]);
  });

  it('save passes --force and says where it saved', async () => {
    const result = await run(['save', '--force'], { procs: [makeProcess()] });
    expect(callsOf(result.calls, 'dump')).toEqual([[{ force: true }]]);
    expect(result.out).toBe('[arbor] saved 1 app to /tmp/arbor-fake-home/dump.json\n');
  });

  it('init writes ecosystem.config.js in the working directory once', async () => {
    expect((await run(['init'])).out).toBe(`[arbor] wrote ${join(dir, 'ecosystem.config.js')}\n`);
    const again = await run(['init']);
    expect(again.code).toBe(1);
    expect(again.err).toContain('already exists');
  });
});

describe('logs', () => {
  async function logState(): Promise<FakeState> {
    await writeFile(join(dir, 'api-out.log'), 'one\ntwo\nthree\n');
    await writeFile(join(dir, 'api-err.log'), 'bad\n');
    return { procs: [], logFiles: [{ pm_id: 0, name: 'api', namespace: 'default', out: join(dir, 'api-out.log'), err: join(dir, 'api-err.log') }] };
  }

  it('prints the last lines of each file with PM2 headers and prefixes, then exits with --nostream', async () => {
    const result = await run(['logs', 'api', '--lines', '2', '--nostream'], await logState());
    expect(result.code).toBe(0);
    expect(callsOf(result.calls, 'logFiles')).toEqual([['api']]);
    expect(result.out).toBe(
      [
        '[TAILING] Tailing last 2 lines for [api] process (change the value with --lines option)',
        `${join(dir, 'api-out.log')} last 2 lines:`,
        '0|api | two',
        '0|api | three',
        '',
        `${join(dir, 'api-err.log')} last 2 lines:`,
        '0|api | bad',
        '',
        '',
      ].join('\n'),
    );
  });

  it('sends --raw error lines to stderr', async () => {
    const result = await run(['logs', '--raw', '--lines', '1', '--nostream'], await logState());
    expect(result.out).toBe('three\n');
    expect(result.err).toBe('bad\n');
  });

  it('follows the files and prints new lines until interrupted', async () => {
    const fake = fakeClient(await logState());
    const captured = captureIo({ cwd: dir, client: fake.client });
    const running = runCli(['logs', '--json', '--lines', '0'], captured.io);
    await waitFor(() => fake.calls.some((call) => call.method === 'logFiles'), 3000);
    await new Promise((resolveWait) => setTimeout(resolveWait, 50));
    await appendFile(join(dir, 'api-out.log'), 'four\nfi');
    await appendFile(join(dir, 'api-err.log'), 'worse\n');
    await waitFor(() => captured.stdout().split('\n').length >= 3, 5000);
    await appendFile(join(dir, 'api-out.log'), 've\n');
    await waitFor(() => captured.stdout().includes('"five"'), 5000);
    captured.interrupt();
    expect(await running).toBe(0);
    const lines = captured
      .stdout()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { message: string; type: string; timestamp: string });
    expect(lines.map((line) => `${line.type}:${line.message}`).sort()).toEqual(['err:worse', 'out:five', 'out:four']);
    expect(lines.every((line) => typeof line.timestamp === 'string')).toBe(true);
  });
});
