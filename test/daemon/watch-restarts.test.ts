// The watchers in-process (real chokidar, a fake daemon): who is restarted, closing on removal, bad input logged.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProcessStatus } from '../../src/client/types.js';
import type { AppConfig } from '../../src/config/types.js';
import type { ProcEntry } from '../../src/daemon/entry.js';
import { WatchRestarts } from '../../src/daemon/watch-restarts.js';
import { makeTempDir, removeDir, waitFor } from '../process/helpers.js';

/** A pino stand-in that records what was logged. */
function recordingLogger(): { log: Logger; lines: Array<{ level: string; fields: Record<string, unknown>; msg: string }> } {
  const lines: Array<{ level: string; fields: Record<string, unknown>; msg: string }> = [];
  const make = (bound: Record<string, unknown>): Logger => {
    const at = (level: string) => (fields: Record<string, unknown> | string, msg?: string) =>
      lines.push(typeof fields === 'string' ? { level, fields: bound, msg: fields } : { level, fields: { ...bound, ...fields }, msg: msg ?? '' });
    return { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug'), child: (more: Record<string, unknown>) => make({ ...bound, ...more }) } as unknown as Logger;
  };
  return { log: make({}), lines };
}

// A table entry with just what the watchers read.
function entry(pmId: number, supervisorPath: string, app: Partial<AppConfig>): ProcEntry {
  const name = supervisorPath.slice(supervisorPath.lastIndexOf('/') + 1);
  return { pmId, name, supervisorPath, logs: { out: null, err: null, combined: null }, pidFile: null, app: { name, watch: false, ignore_watch: [], watch_delay: 50, watch_options: undefined, ...app } } as ProcEntry;
}

describe('WatchRestarts', () => {
  const watchers: WatchRestarts[] = [];
  let dir: string | undefined;

  afterEach(async () => {
    for (const watcher of watchers.splice(0)) await watcher.stop();
    if (dir) removeDir(dir);
    dir = undefined;
  });

  function setup(table: ProcEntry[], statuses: Record<number, ProcessStatus> = {}, restart?: (pmId: number) => Promise<void>) {
    const { log, lines } = recordingLogger();
    const restarts: Array<[number, string]> = [];
    const watcher = new WatchRestarts({
      log,
      entries: () => table,
      live: (proc) => ({ status: statuses[proc.pmId] ?? 'online' }),
      restart: async (pmId, reason) => {
        restarts.push([pmId, reason]);
        await restart?.(pmId);
      },
    });
    watchers.push(watcher);
    return { watcher, lines, restarts };
  }

  it("restarts every process of the changed app but the stopped ones, and only that app's", async () => {
    dir = makeTempDir('arbor-watchers-');
    fs.mkdirSync(path.join(dir, 'api'));
    fs.mkdirSync(path.join(dir, 'other'));
    const table = [
      entry(0, 'root/api', { cwd: path.join(dir, 'api'), watch: true }),
      entry(1, 'root/api', { cwd: path.join(dir, 'api'), watch: true }),
      entry(2, 'root/api', { cwd: path.join(dir, 'api'), watch: true }),
      entry(3, 'root/other', { cwd: path.join(dir, 'other'), watch: true }),
    ];
    const { watcher, restarts } = setup(table, { 1: 'stopped' });
    watcher.sync(table);
    await watcher.settled();
    expect(watcher.watched()).toEqual(new Map([['root/api', [path.join(dir, 'api')]], ['root/other', [path.join(dir, 'other')]]]));
    fs.writeFileSync(path.join(dir, 'api', 'index.js'), 'x');
    await waitFor('the restarts', () => restarts.length >= 2, 5_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(restarts).toEqual([
      [0, 'watch'],
      [2, 'watch'],
    ]);
  });

  it('closes the watcher of a removed app, so its changes restart nothing', async () => {
    dir = makeTempDir('arbor-watchers-');
    const table = [entry(0, 'root/api', { cwd: dir, watch: true })];
    const { watcher, restarts } = setup(table);
    watcher.sync(table);
    await watcher.settled();
    watcher.sync([]);
    await watcher.settled();
    expect(watcher.watched()).toEqual(new Map());
    fs.writeFileSync(path.join(dir, 'index.js'), 'x');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(restarts).toEqual([]);
  });

  it('logs a failed restart and counts the next change again', async () => {
    dir = makeTempDir('arbor-watchers-');
    const table = [entry(0, 'root/api', { cwd: dir, watch: true })];
    const { watcher, restarts, lines } = setup(table, {}, () => Promise.reject(new Error('spawn failed')));
    watcher.sync(table);
    await watcher.settled();
    fs.writeFileSync(path.join(dir, 'a.js'), 'x');
    await waitFor('a failed restart logged', () => lines.some((line) => line.level === 'error' && line.fields.err === 'spawn failed'), 5_000);
    fs.writeFileSync(path.join(dir, 'b.js'), 'x');
    await waitFor('a second restart', () => restarts.length >= 2, 5_000);
  });

  it('logs an ignore rule it cannot compile (from a client that skipped validation) and watches nothing for that app', async () => {
    dir = makeTempDir('arbor-watchers-');
    const table = [entry(0, 'root/api', { cwd: dir, watch: true, ignore_watch: [{ regex: '(', flags: '' }] })];
    const { watcher, lines } = setup(table);
    watcher.sync(table);
    await watcher.settled();
    expect(watcher.watched()).toEqual(new Map());
    expect(lines).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'could not watch: this app is not restarted on file changes' }));
  });
});
