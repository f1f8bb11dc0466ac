// killTree: false (PM2's treekill: false) with real processes: a stop signals the main process alone, and nothing
// SIGKILLs the rest of its group after it exits, so its children live on (the test kills them itself).
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { start, supervisor, worker, type Tree } from '../../src/index.js';
import { fixture, isRunning, makeTempDir, readIfPresent, removeDir, waitFor } from '../process/helpers.js';

const trees: Tree[] = [];
const dirs: string[] = [];
const leftBehind: number[] = [];
const quiet = { stdout: 'ignore', stderr: 'ignore' } as const;

afterEach(async () => {
  for (const tree of trees.splice(0)) await tree.stop();
  for (const pid of leftBehind.splice(0)) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
  for (const dir of dirs.splice(0)) removeDir(dir);
});

function tempDir(): string {
  const dir = makeTempDir('arbor-killtree-');
  dirs.push(dir);
  return dir;
}

describe('killTree off', () => {
  it('stops only the main process and leaves its children running', async () => {
    const pidFile = path.join(tempDir(), 'grandchild.pid');
    const tree = await start(
      supervisor({ id: 'root' }, [worker({ id: 'parent', script: fixture('spawn-grandchild.sh'), args: [pidFile], killTree: false, ...quiet })]),
    );
    trees.push(tree);
    const parent = tree.children()[0]!.pid!;
    const grandchild = Number(await waitFor('the grandchild pid', () => readIfPresent(pidFile), 10_000));
    leftBehind.push(grandchild);
    await tree.stop();
    expect(isRunning(parent)).toBe(false);
    // The default (killTree on) SIGKILLs the group as soon as the leader is gone; give a wrong kill time to land.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(isRunning(grandchild), 'the grandchild outlives its parent').toBe(true);
    process.kill(grandchild, 'SIGKILL');
    await waitFor('the grandchild to be gone', () => !isRunning(grandchild), 5_000);
  }, 30_000);

  it('leaves the children of a crashed main process running too', async () => {
    const pidFile = path.join(tempDir(), 'grandchild.pid');
    const tree = await start(
      supervisor({ id: 'root', intensity: 5, period: 5 }, [
        worker({ id: 'parent', script: fixture('spawn-grandchild.sh'), args: [pidFile, '3'], restart: 'temporary', killTree: false, ...quiet }),
      ]),
    );
    trees.push(tree);
    const grandchild = Number(await waitFor('the grandchild pid', () => readIfPresent(pidFile), 10_000));
    leftBehind.push(grandchild);
    await waitFor('the parent to exit', () => tree.children().length === 0 || tree.children()[0]!.pid === null, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(isRunning(grandchild), 'the grandchild outlives its crashed parent').toBe(true);
  }, 30_000);
});
