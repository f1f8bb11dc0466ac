// Kills one worker from outside (SIGKILL, as the OOM killer would) and shows which pids the supervisors replaced.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Tree } from '../../src/index.js';
import { listWorkers, type WorkerRow } from '../shared/tree-workers.js';
import { paint, say } from '../shared/terminal.js';

const QUIET_MS = 300;
const SETTLE_LIMIT_MS = 10_000;
const POLL_MS = 50;

// Waits until every worker is online again, the killed one with a new pid, and nothing has changed for QUIET_MS.
async function settled(tree: Tree, killed: WorkerRow, aborted: AbortSignal): Promise<WorkerRow[]> {
  const deadline = Date.now() + SETTLE_LIMIT_MS;
  let last = '';
  let quietSince = Date.now();
  for (;;) {
    const rows = listWorkers(tree);
    const key = rows.map((row) => `${row.path}:${row.pid}:${row.status}`).join(' ');
    if (key !== last) {
      last = key;
      quietSince = Date.now();
    }
    const replaced = rows.find((row) => row.path === killed.path)?.pid !== killed.pid;
    const allOnline = rows.every((row) => row.status === 'online' && row.pid !== null);
    if (replaced && allOnline && Date.now() - quietSince >= QUIET_MS) return rows;
    if (Date.now() > deadline) throw new Error(`the tree did not settle within ${SETTLE_LIMIT_MS} ms after killing ${killed.path}`);
    await sleep(POLL_MS, undefined, { signal: aborted });
  }
}

// Prints the before/after pid of every worker, marking the replaced ones and the one that was killed.
function printComparison(before: WorkerRow[], after: WorkerRow[], killedPath: string): void {
  const width = Math.max(...before.map((row) => row.path.length)) + 2;
  say(paint('bold', `  ${'worker'.padEnd(width)}${'pid before'.padEnd(12)}pid after`));
  for (const old of before) {
    const now = after.find((row) => row.path === old.path);
    const changed = now?.pid !== old.pid;
    const mark = changed ? paint('yellow', old.path === killedPath ? 'restarted (the one killed)' : 'restarted') : paint('dim', 'kept');
    say(`  ${old.path.padEnd(width)}${String(old.pid).padEnd(12)}${String(now?.pid ?? '-').padEnd(10)}${mark}`);
  }
}

// Kills the worker at `path` with SIGKILL, waits for the tree to settle and prints which pids changed.
export async function killAndCompare(tree: Tree, path: string, why: string, aborted: AbortSignal): Promise<void> {
  const before = listWorkers(tree);
  const victim = before.find((row) => row.path === path);
  if (!victim || victim.pid === null) throw new Error(`no running worker at ${path}`);
  say(paint('bold', `>>> kill -9 ${victim.pid} (${path}): ${why}`));
  process.kill(victim.pid, 'SIGKILL');
  const after = await settled(tree, victim, aborted);
  printComparison(before, after, path);
}
