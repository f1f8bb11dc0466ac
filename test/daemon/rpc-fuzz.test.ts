// The daemon never dies of a bad request: random params for every method are answered, each refusal with an
// ArborError code of its own (a bug in a handler would surface as E_RPC), and the daemon still runs its app after.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readPidFile, isProcessAlive } from '../../src/daemon/lock.js';
import { fixture } from '../process/helpers.js';
import { appConfig, daemonPerTest, listApps } from './policy-harness.js';

/** Every method a client may call but `kill` (which ends the daemon on purpose) and `resurrect` (which starts a dump's apps). */
const METHODS = ['ping', 'start', 'stop', 'restart', 'reload', 'delete', 'list', 'summary', 'describe', 'reset', 'scale', 'sendSignal', 'sendData', 'save', 'dump', 'cleardump', 'flush', 'reloadLogs', 'logFiles', 'no-such-method'];

/** The keys the methods read, so generated params reach past the first check. */
const PARAM_KEYS = ['targets', 'target', 'name', 'apps', 'tree', 'env', 'updateEnv', 'watch', 'signal', 'instances', 'delta', 'data', 'force', 'script', 'cwd'];

// JSON values of every kind, with the strings targets and signals are made of.
const jsonValue = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -5, max: 5 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string({ maxLength: 8 }),
    fc.constantFrom('fuzz-app', 'nope', '0', '99', '/^fuzz/', 'SIGUSR2', 'SIGFOO', 'toggle', ''),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...PARAM_KEYS), tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('the daemon under random requests', () => {
  const daemons = daemonPerTest();

  it('answers every one, refuses with a code, and keeps running', { timeout: 120_000 }, async () => {
    const daemon = await daemons.start();
    const pid = readPidFile(daemon.paths)!;
    const refusals = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...METHODS), jsonValue, async (method, params) => {
        // A random stop or delete may have removed the app: put it back so later requests have something to hit.
        if (!(await listApps(daemon)).some((proc) => proc.name === 'fuzz-app')) {
          await daemon.rpc.call('start', { apps: [appConfig({ name: 'fuzz-app', script: fixture('graceful-exit.js') })] });
        }
        try {
          await daemon.rpc.call(method, params);
        } catch (error) {
          const code = (error as { code?: string }).code ?? 'none';
          refusals.set(code, (refusals.get(code) ?? 0) + 1);
          expect(code, `${method} ${JSON.stringify(params)}: ${(error as Error).message}`).toMatch(/^E_(?!RPC$)[A-Z_]+$/);
        }
      }),
      { numRuns: 300 },
    );
    expect(refusals.get('E_BAD_REQUEST')).toBeGreaterThan(0);
    expect(isProcessAlive(pid)).toBe(true);
    expect(await daemon.rpc.call('ping')).toMatchObject({ msg: 'pong', pid });
  });
});
