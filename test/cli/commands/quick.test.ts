// The quick bundle's path (src/cli/quick-main.ts) against the full CLI: which lines it takes, and that it prints, asks
// and fails exactly as runCli does for them.
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/commands/dispatch.js';
import { FAST_VERBS } from '../../../src/cli/commands/fast-request.js';
import { quickRequest, runQuick } from '../../../src/cli/commands/quick.js';
import { ArborError } from '../../../src/errors.js';
import { makeProcess } from '../format/make-process.js';
import { captureIo, fakeClient, type FakeState } from './fake-client.js';

const STATE: FakeState = { procs: [makeProcess({ name: 'api', pm_id: 0 }), makeProcess({ name: 'worker', pm_id: 1, pid: 0, pm2_env: { status: 'stopped' } })] };

async function both(argv: string[], state: FakeState, connectError?: ArborError) {
  const outcomes = [];
  for (const runner of ['full', 'quick'] as const) {
    const fake = fakeClient(structuredClone(state));
    const captured = captureIo({ cwd: '/', client: fake.client, ...(connectError === undefined ? {} : { connectError }) });
    const request = quickRequest(argv);
    const code = runner === 'full' ? await runCli(argv, captured.io) : await runQuick(request!, captured.io);
    outcomes.push({ code, out: captured.stdout(), err: captured.stderr(), calls: fake.calls.map((call) => call.method) });
  }
  return outcomes;
}

describe('quickRequest', () => {
  it('takes ls and its aliases, jlist, ping and kill, with the global flags', () => {
    for (const argv of [['ls'], ['list'], ['l'], ['ps'], ['status'], ['jlist'], ['ping'], ['kill'], ['-s', 'ls'], ['jlist', '--no-color']]) {
      expect(quickRequest(argv), argv.join(' ')).toBeDefined();
    }
  });

  it('leaves every other line, fast verbs included, to the full CLI', () => {
    const quick = new Set(['list', 'jlist', 'ping', 'kill']);
    for (const [verb, command] of Object.entries(FAST_VERBS)) {
      if (!quick.has(command)) expect(quickRequest([verb]), verb).toBeUndefined();
    }
    for (const argv of [[], ['describe', '0'], ['start', 'app.js'], ['ls', 'x'], ['--version'], ['ls', '--help']]) {
      expect(quickRequest(argv), argv.join(' ')).toBeUndefined();
    }
  });
});

describe('runQuick', () => {
  it('prints and asks exactly what the full CLI does', async () => {
    for (const argv of [['ls'], ['jlist'], ['ping'], ['kill'], ['-s', 'ls'], ['ls', '--no-color']]) {
      const [full, quick] = await both(argv, STATE);
      expect(quick, argv.join(' ')).toEqual(full);
      expect(quick!.code, argv.join(' ')).toBe(0);
      expect(quick!.calls.length, argv.join(' ')).toBeGreaterThan(0);
    }
  });

  it('reports a failure with the same line and exit status', async () => {
    const down = new ArborError('E_DAEMON_UNREACHABLE', 'cannot connect to the daemon at /nowhere: ENOENT');
    const [full, quick] = await both(['ls'], STATE, down);
    expect(quick).toEqual(full);
    expect(quick!.code).not.toBe(0);
    expect(quick!.err).toContain('cannot connect to the daemon');
  });
});
