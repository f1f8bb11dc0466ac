// Three ways to keep restarting the same crashing node worker until it has run `restarts + 1` times: a bare
// spawn-on-exit loop (the floor), arbor as a library, and PM2's daemon.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { start, supervisor, worker, type Driver } from '../src/index.js';
import type { Pm2Session } from './pm2-session.js';

/** The worker every restarter runs: it records when it ran to ARBOR_BENCH_RECORD and exits with code 1. */
export const CRASHING_WORKER = fileURLToPath(new URL('./fixtures/record-and-crash.cjs', import.meta.url));

const WAIT_LIMIT_MS = 60_000;

// Waits until the record file holds `lines` lines (one per run of the worker).
async function recorded(file: string, lines: number): Promise<void> {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  for (;;) {
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    if (text.split('\n').length - 1 >= lines) return;
    if (Date.now() > deadline) throw new Error(`${file}: fewer than ${lines} runs recorded in ${WAIT_LIMIT_MS} ms`);
    await sleep(20);
  }
}

// The downtimes in a record file: for each restart, the new run's first line - the old run's exit (first `restarts`).
export function downtimes(file: string, restarts: number): number[] {
  const rows = fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .slice(0, restarts + 1)
    .map((line) => line.split(' ').map(Number) as [number, number]);
  return rows.slice(1).map(([firstLineAt], index) => firstLineAt - rows[index]![1]);
}

// The floor: node's child_process alone, spawning the next process from the exit handler of the last.
export function bareLoop(file: string, restarts: number): Promise<void> {
  const env = { ...process.env, ARBOR_BENCH_RECORD: file };
  return new Promise((resolve, reject) => {
    let started = 0;
    const next = (): void => {
      started += 1;
      const child = spawn(process.execPath, [CRASHING_WORKER], { stdio: 'ignore', env });
      child.once('error', reject);
      child.once('exit', () => (started <= restarts ? next() : resolve()));
    };
    next();
  });
}

// arbor as a library: one permanent worker, no backoff, on `driver` (the real one, possibly wrapped); stopped after.
export async function arborRun(file: string, restarts: number, driver: Driver): Promise<void> {
  const tree = await start(
    supervisor({ id: 'root', intensity: 1_000_000, period: 1 }, [
      worker({ id: 'crasher', script: CRASHING_WORKER, env: { ARBOR_BENCH_RECORD: file }, stdout: 'ignore', stderr: 'ignore' }),
    ]),
    { driver },
  );
  try {
    await Promise.race([
      recorded(file, restarts + 1),
      tree.done.then((outcome) => Promise.reject(new Error(`the tree ended early: ${JSON.stringify(outcome)}`))),
    ]);
  } finally {
    await tree.stop();
  }
}

// PM2's daemon: the same worker as an app with autorestart and no restart delay; deleted after.
export async function pm2Run(session: Pm2Session, file: string, restarts: number, name: string): Promise<void> {
  await session.startApp({ name, script: CRASHING_WORKER, env: { ARBOR_BENCH_RECORD: file } });
  try {
    await recorded(file, restarts + 1);
  } finally {
    await session.deleteApp(name);
  }
}
