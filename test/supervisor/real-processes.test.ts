// The supervision core against real OS processes: where the OS itself is what is under test.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { start, supervisor, worker, type Tree, type TreeEvent } from '../../src/index.js';
import { fixture, isRunning, makeTempDir, readIfPresent, removeDir, waitFor } from '../process/helpers.js';

const trees: Tree[] = [];
const dirs: string[] = [];
const quiet = { stdout: 'ignore', stderr: 'ignore' } as const;

async function run(...args: Parameters<typeof start>): Promise<Tree> {
  const tree = await start(...args);
  trees.push(tree);
  return tree;
}

function tempDir(): string {
  const dir = makeTempDir('arbor-tree-');
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  for (const tree of trees.splice(0)) await tree.stop();
  for (const dir of dirs.splice(0)) removeDir(dir);
});

describe('real processes under a supervisor', () => {
  it('runs bash, python and node children side by side, and stop() leaves none running', async () => {
    const tree = await run(
      supervisor({ id: 'root' }, [
        worker({ id: 'sh', script: fixture('hello.sh'), args: ['0', '60000'], ...quiet }),
        worker({ id: 'py', script: fixture('hello.py'), args: ['0', '60000'], ...quiet }),
        worker({ id: 'js', script: fixture('graceful-exit.js'), ...quiet }),
      ]),
    );
    const children = tree.children();
    expect(children.map((c) => [c.id, c.status])).toEqual([['sh', 'online'], ['py', 'online'], ['js', 'online']]);
    const pids = children.map((c) => c.pid!);
    for (const pid of pids) expect(isRunning(pid)).toBe(true);
    await tree.stop();
    for (const pid of pids) expect(isRunning(pid)).toBe(false);
    expect(tree.status()).toBe('stopped');
  });

  it('kills a SIGINT-ignoring child with SIGKILL once its kill timeout has passed, not before', async () => {
    const out = path.join(tempDir(), 'out.log');
    const tree = await run(supervisor({ id: 'root' }, [worker({ id: 'stubborn', script: fixture('ignore-sigint.js'), shutdown: 400, stdout: out, stderr: 'ignore' })]));
    const pid = tree.children()[0]!.pid!;
    await waitFor('its SIGINT handler to be in place', () => readIfPresent(out) === 'ready');
    const events: TreeEvent[] = [];
    tree.on('event', (e) => events.push(e));
    const began = Date.now();
    await tree.stop();
    const took = Date.now() - began;
    expect(took).toBeGreaterThanOrEqual(390);
    expect(took).toBeLessThan(3000);
    expect(isRunning(pid)).toBe(false);
    const stopped = events.find((e) => e.type === 'child.stopped');
    expect(stopped && stopped.type === 'child.stopped' && stopped.exit?.signal).toBe('SIGKILL');
  });

  it('takes a grandchild down with its parent on stop', async () => {
    const dir = tempDir();
    const pidFile = path.join(dir, 'grandchild.pid');
    const tree = await run(supervisor({ id: 'root' }, [worker({ id: 'parent', script: fixture('spawn-grandchild.sh'), args: [pidFile], ...quiet })]));
    const grandchild = Number(await waitFor('the grandchild pid', () => readIfPresent(pidFile)));
    expect(isRunning(grandchild)).toBe(true);
    await tree.stop();
    await waitFor('the grandchild to die', () => !isRunning(grandchild), 3000);
  });

  it('takes a grandchild down when its parent crashes, before the restart', async () => {
    const dir = tempDir();
    const pidFile = path.join(dir, 'grandchild.pid');
    const tree = await run(
      supervisor({ id: 'root', intensity: 5, period: 5 }, [
        worker({ id: 'parent', script: fixture('spawn-grandchild.sh'), args: [pidFile, '3'], restart: 'transient', ...quiet }),
      ]),
    );
    const grandchild = Number(await waitFor('the grandchild pid', () => readIfPresent(pidFile)));
    await waitFor('the grandchild to die with its crashed parent', () => !isRunning(grandchild), 3000);
    expect(tree.children()[0]!.restarts).toBeGreaterThanOrEqual(1);
  });

  it('ends a crash-looping child in errored and restarts it no more', async () => {
    const dir = tempDir();
    const starts = path.join(dir, 'starts');
    const tree = await run(
      supervisor({ id: 'root', intensity: 100, period: 5 }, [
        worker({ id: 'loop', script: fixture('crash-after.js'), args: ['20', starts], unstable: { minUptime: 1000, maxRestarts: 3 }, ...quiet }),
        worker({ id: 'steady', script: fixture('graceful-exit.js'), ...quiet }),
      ]),
    );
    await waitFor('the crash loop to be detected', () => tree.children()[0]!.status === 'errored', 10_000);
    const startCount = fs.readFileSync(starts, 'utf8').trim().split('\n').length;
    expect(startCount).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fs.readFileSync(starts, 'utf8').trim().split('\n').length).toBe(startCount);
    expect(tree.children()[1]!.status).toBe('online');
  });

  it('one_for_one: a crash restarts only that child; siblings keep their pids', async () => {
    const tree = await run(
      supervisor({ id: 'root', strategy: 'one_for_one', intensity: 3, period: 5 }, [
        worker({ id: 'a', script: fixture('graceful-exit.js'), ...quiet }),
        worker({ id: 'b', script: fixture('exit-with.js'), args: ['1', '300'], ...quiet }),
        worker({ id: 'c', script: fixture('graceful-exit.js'), ...quiet }),
      ]),
    );
    const before = tree.children().map((c) => c.pid);
    await waitFor('b to be restarted', () => tree.children()[1]!.restarts >= 1, 5000);
    const after = tree.children().map((c) => c.pid);
    expect([after[0], after[2]]).toEqual([before[0], before[2]]);
    expect(after[1]).not.toBe(before[1]);
  });

  it('rest_for_one: restarts the crashed child and the younger siblings only', async () => {
    const tree = await run(
      supervisor({ id: 'root', strategy: 'rest_for_one', intensity: 3, period: 5 }, [
        worker({ id: 'db', script: fixture('graceful-exit.js'), ...quiet }),
        worker({ id: 'api', script: fixture('exit-with.js'), args: ['1', '300'], ...quiet }),
        worker({ id: 'web', script: fixture('graceful-exit.js'), ...quiet }),
      ]),
    );
    const before = tree.children().map((c) => c.pid);
    await waitFor('api to be restarted', () => tree.children()[1]!.restarts >= 1, 5000);
    const after = tree.children().map((c) => c.pid);
    expect(after[0]).toBe(before[0]);
    expect(after[1]).not.toBe(before[1]);
    expect(after[2]).not.toBe(before[2]);
    expect(isRunning(before[2]!)).toBe(false);
  });

  it('a supervisor over its intensity stops all its children and the tree ends errored', async () => {
    const tree = await run(
      supervisor({ id: 'root', strategy: 'one_for_one', intensity: 2, period: 10 }, [
        worker({ id: 'steady', script: fixture('graceful-exit.js'), ...quiet }),
        worker({ id: 'crashy', script: fixture('exit-with.js'), args: ['1', '30'], ...quiet }),
      ]),
    );
    const steadyPid = tree.children()[0]!.pid!;
    const outcome = await Promise.race([tree.done, new Promise((_, reject) => setTimeout(() => reject(new Error('no give-up')), 8000))]);
    expect(outcome).toEqual({ status: 'errored', reason: 'the root supervisor gave up' });
    expect(isRunning(steadyPid)).toBe(false);
    expect(tree.children().every((c) => c.pid === null)).toBe(true);
  });

  it('refuses a tree whose script does not exist and starts nothing', async () => {
    const dir = tempDir();
    await expect(
      start(supervisor({ id: 'root' }, [worker({ id: 'ok', script: fixture('graceful-exit.js') }), worker({ id: 'gone', script: path.join(dir, 'missing.js') })])),
    ).rejects.toMatchObject({ code: 'E_SCRIPT_NOT_FOUND' });
  });

  it('rolls back an init whose later child fails to start: the earlier child is stopped, the later never starts', async () => {
    const dir = tempDir();
    const blocker = path.join(dir, 'blocker');
    const events: TreeEvent[] = [];
    fs.writeFileSync(blocker, 'a file, so no directory can be made here');
    const error = await start(
      supervisor({ id: 'root' }, [
        worker({ id: 'first', script: fixture('graceful-exit.js'), ...quiet }),
        worker({ id: 'second', script: fixture('graceful-exit.js'), stdout: path.join(blocker, 'out.log'), stderr: 'ignore' }),
        worker({ id: 'third', script: fixture('graceful-exit.js'), ...quiet }),
      ]),
      { onEvent: (event) => events.push(event) },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_START_FAILED', details: { value: 'second' } });
    const started = events.filter((e) => e.type === 'child.started');
    expect(started.map((e) => e.id)).toEqual(['first']);
    expect(events.map((e) => `${e.type}:${e.id}`)).toEqual(['child.started:first', 'child.start_failed:second', 'child.stopped:first']);
    const firstPid = started[0]!.type === 'child.started' ? started[0]!.pid! : 0;
    expect(isRunning(firstPid)).toBe(false);
  });
});
