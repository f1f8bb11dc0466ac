// Readiness and shutdown messages with real Node processes: process.send('ready') completes a start, an ordered start
// waits for it, and a 'shutdown' message stops a process that ignores SIGINT.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { start, supervisor, worker, type Tree } from '../../src/index.js';
import { fixture, isRunning, makeTempDir, readIfPresent, removeDir, waitFor } from '../process/helpers.js';

const trees: Tree[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const tree of trees.splice(0)) await tree.stop();
  for (const dir of dirs.splice(0)) removeDir(dir);
});

function tempDir(): string {
  const dir = makeTempDir('arbor-ready-');
  dirs.push(dir);
  return dir;
}

// "<what> <pid> <ms>" lines of a record file.
function records(file: string): { what: string; pid: number; at: number }[] {
  return (readIfPresent(file) ?? '').trim().split('\n').filter(Boolean).map((line) => {
    const [what, pid, at] = line.split(' ');
    return { what: what!, pid: Number(pid), at: Number(at) };
  });
}

describe('readiness with real processes', () => {
  it("starts the next child only after the previous one sent 'ready'", async () => {
    const record = path.join(tempDir(), 'record.log');
    const quiet = { stdout: 'ignore', stderr: 'ignore' } as const;
    const began = Date.now();
    const tree = await start(
      supervisor({ id: 'root', strategy: 'rest_for_one' }, [
        worker({ id: 'db', script: fixture('ready-after.cjs'), env: { READY_DELAY_MS: '600', RECORD_FILE: record }, ready: { timeoutMs: 20_000 }, ...quiet }),
        worker({ id: 'api', script: fixture('ready-after.cjs'), env: { READY_DELAY_MS: '0', RECORD_FILE: record }, ready: { timeoutMs: 20_000 }, ...quiet }),
      ]),
    );
    trees.push(tree);
    expect(Date.now() - began).toBeGreaterThanOrEqual(600);
    expect(tree.children().map((child) => child.status)).toEqual(['online', 'online']);
    const [db, api] = tree.children().map((child) => child.pid!);
    const seen = records(record);
    const dbReady = seen.find((entry) => entry.what === 'ready' && entry.pid === db)!;
    const apiStarted = seen.find((entry) => entry.what === 'started' && entry.pid === api)!;
    expect(apiStarted.at, JSON.stringify(seen)).toBeGreaterThanOrEqual(dbReady.at);
  }, 30_000);

  it("stops a SIGINT-ignoring process with its 'shutdown' message, long before the kill timeout", async () => {
    const record = path.join(tempDir(), 'record.txt');
    const tree = await start(
      supervisor({ id: 'root' }, [
        worker({ id: 'api', script: fixture('shutdown-message.cjs'), env: { RECORD_FILE: record }, shutdownMessage: 'shutdown', shutdown: 20_000, stdout: 'ignore', stderr: 'ignore' }),
      ]),
    );
    trees.push(tree);
    const pid = tree.children()[0]!.pid!;
    await waitFor('its message handler', () => readIfPresent(record) === 'listening', 10_000);
    const began = Date.now();
    await tree.stop();
    expect(Date.now() - began).toBeLessThan(10_000);
    expect(fs.readFileSync(record, 'utf8')).toBe('shutdown by message');
    expect(isRunning(pid)).toBe(false);
  }, 30_000);
});
