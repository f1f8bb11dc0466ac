import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArborError } from '../../src/errors.js';
import { groupAlive, signalGroup } from '../../src/process/kill-tree.js';
import { fixture, isRunning, makeTempDir, ProcessReaper, readIfPresent, removeDir, waitFor } from './helpers.js';

const reaper = new ProcessReaper();
let dir: string;

beforeEach(() => {
  dir = makeTempDir('arbor-kill-tree-');
});

afterEach(() => {
  reaper.killAll();
  removeDir(dir);
});

// Starts spawn-grandchild.sh as its own group leader; resolves with the leader's pid and its grandchild's pid.
async function startFamily(): Promise<{ leader: number; grandchild: number; exited: Promise<NodeJS.Signals | null> }> {
  const pidFile = path.join(dir, 'grandchild.pid');
  const child = spawn(fixture('spawn-grandchild.sh'), [pidFile], { detached: true, stdio: 'ignore' });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  const leader = reaper.group(child.pid!);
  const grandchild = reaper.pid(Number(await waitFor('the grandchild pid file', () => readIfPresent(pidFile))));
  return { leader, grandchild, exited };
}

describe('signalGroup', () => {
  it('reaches the leader and its grandchild', async () => {
    const { leader, grandchild, exited } = await startFamily();
    expect(isRunning(grandchild)).toBe(true);
    expect(signalGroup(leader, 'SIGTERM')).toBe(true);
    expect(await exited).toBe('SIGTERM');
    await waitFor('the grandchild to die', () => !isRunning(grandchild), 5_000);
  });

  it('returns false for a group that is gone, without throwing', async () => {
    const child = spawn(process.execPath, [fixture('exit-with.js'), '0'], { detached: true, stdio: 'ignore' });
    const pgid = reaper.group(child.pid!);
    await new Promise((resolve) => child.once('exit', resolve));
    expect(signalGroup(pgid, 'SIGTERM')).toBe(false);
    expect(signalGroup(pgid, 'SIGKILL')).toBe(false);
  });

  it.each([0, 1, -5, 1.5, Number.NaN])('refuses the group id %s (it would hit our own group or everyone)', (pgid) => {
    expect(() => signalGroup(pgid, 'SIGTERM')).toThrow(expect.objectContaining({ name: 'ArborError', code: 'E_SIGNAL_FAILED' }));
    expect(() => groupAlive(pgid)).toThrow(ArborError);
  });

  it('reports an unknown signal as E_SIGNAL_FAILED', async () => {
    const { leader } = await startFamily();
    try {
      signalGroup(leader, 'SIGNOPE' as NodeJS.Signals);
      expect.unreachable('signalGroup accepted an unknown signal');
    } catch (error) {
      expect(error).toBeInstanceOf(ArborError);
      expect((error as ArborError).code).toBe('E_SIGNAL_FAILED');
      expect((error as ArborError).message).toContain('SIGNOPE');
    }
  });
});

describe('groupAlive', () => {
  it('is true while the group runs and false once it is gone', async () => {
    const child = spawn(process.execPath, [fixture('exit-with.js'), '0', '60000'], { detached: true, stdio: 'ignore' });
    const pgid = reaper.group(child.pid!);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    expect(groupAlive(pgid)).toBe(true);
    signalGroup(pgid, 'SIGKILL');
    await exited;
    expect(groupAlive(pgid)).toBe(false);
  });
});
