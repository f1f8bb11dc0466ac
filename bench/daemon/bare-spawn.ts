// For scale when starting many apps: this process spawning the same apps one after the other through
// child_process.spawn (which blocks until each child has exec'd), with stdout and stderr appended to files. arbor's
// native spawner does not wait for the exec (src/runtime/native-process.ts), so it can beat this loop.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sleep } from './command.js';
import type { BenchApp } from './tools.js';

/** Apps spawned by spawnAll, still running. */
export interface SpawnedApps {
  /** ms from the first spawn call to the return of the last. */
  ms: number;
  /** SIGTERM to every app's process group, SIGKILL after 3 s; resolves once all have exited. */
  stop(): Promise<void>;
}

// Spawns every app (its interpreter with the script; 'node' is this Node), detached, output appended to logDir.
export function spawnAll(apps: readonly BenchApp[], logDir: string, env: NodeJS.ProcessEnv): SpawnedApps {
  fs.mkdirSync(logDir, { recursive: true });
  const children: ChildProcess[] = [];
  const exited = new Set<ChildProcess>();
  const signalAll = (signal: NodeJS.Signals): void => {
    for (const child of children) {
      if (exited.has(child) || child.pid === undefined) continue;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // the group is gone already
      }
    }
  };
  const began = performance.now();
  try {
    for (const app of apps) {
      const log = fs.openSync(path.join(logDir, `${app.name}.log`), 'a');
      try {
        const child = spawn(app.interpreter === 'node' ? process.execPath : app.interpreter, [app.script], {
          detached: true,
          stdio: ['ignore', log, log],
          env: { ...env, ...app.env },
        });
        child.once('exit', () => exited.add(child));
        child.once('error', () => exited.add(child));
        children.push(child);
      } finally {
        fs.closeSync(log);
      }
    }
  } catch (error) {
    signalAll('SIGKILL');
    throw error;
  }
  const ms = performance.now() - began;
  return {
    ms,
    async stop() {
      signalAll('SIGTERM');
      const deadline = performance.now() + 3_000;
      while (exited.size < children.length && performance.now() < deadline) await sleep(20);
      signalAll('SIGKILL');
      while (exited.size < children.length) await sleep(20);
    },
  };
}
