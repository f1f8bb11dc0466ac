// Shared helpers of the log-layer tests: temp dirs, bounded waiting, reading rotated file sets.
import { execFileSync } from 'node:child_process';
import { constants, existsSync, openSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Socket } from 'node:net';
import { afterEach, beforeEach } from 'vitest';

// A fresh directory under the OS temp dir, and its removal.
export async function makeTempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'arbor-logs-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

// Resolves once predicate() is true; rejects after timeoutMs (checks every few ms).
export async function waitFor(predicate: () => boolean, timeoutMs = 3000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

// The file and its rotated siblings, oldest first: path.N ... path.1, path (those that exist).
export function rotationSet(path: string): string[] {
  const prefix = `${basename(path)}.`;
  const indexes = readdirSync(dirname(path))
    .filter((name) => name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length)))
    .map((name) => Number(name.slice(prefix.length)))
    .sort((a, b) => b - a);
  const files = indexes.map((index) => `${path}.${index}`);
  if (existsSync(path)) files.push(path);
  return files;
}

// Every line of every file in the set (oldest file first), without the final empty string.
export function linesOf(files: readonly string[]): string[] {
  const lines: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    if (text === '') continue;
    lines.push(...text.replace(/\n$/, '').split('\n'));
  }
  return lines;
}

// Asserts each number 1..count occurs exactly once in the lines; returns a description of the first problem or null.
export function numbersProblem(lines: readonly string[], count: number): string | null {
  const seen = new Map<number, number>();
  for (const line of lines) {
    const value = Number(line);
    if (!Number.isInteger(value) || value < 1 || value > count) return `unexpected line ${JSON.stringify(line)}`;
    seen.set(value, (seen.get(value) ?? 0) + 1);
  }
  for (let value = 1; value <= count; value += 1) {
    const times = seen.get(value) ?? 0;
    if (times !== 1) return `${value} appears ${times} times`;
  }
  return null;
}

// A fresh temp dir for each test of the calling file or block, removed after it: `dir()` is the current one.
export function tempDirPerTest(): () => string {
  let current: { dir: string; cleanup: () => Promise<void> } | undefined;
  beforeEach(async () => {
    current = await makeTempDir();
  });
  afterEach(async () => {
    await current?.cleanup();
    current = undefined;
  });
  return () => {
    if (!current) throw new Error('no temp dir outside a test');
    return current.dir;
  };
}

/** A FIFO this process reads slowly (a pause of a few ms after every chunk): a sink slower than any source. */
export interface SlowFifo {
  path: string;
  /** The chunks read so far. */
  received: Buffer[];
  /** Resolves once the writing side has closed and everything was read. */
  ended: Promise<unknown>;
}

// Makes a FIFO named `name` in `dir` and starts reading it slowly.
export function slowFifoReader(dir: string, name: string): SlowFifo {
  const path = join(dir, name);
  execFileSync('mkfifo', [path]);
  const reader = new Socket({ fd: openSync(path, constants.O_RDONLY | constants.O_NONBLOCK), readable: true, writable: false });
  const received: Buffer[] = [];
  reader.on('data', (chunk: Buffer) => {
    received.push(chunk);
    reader.pause();
    setTimeout(() => reader.resume(), 3);
  });
  return { path, received, ended: new Promise((resolve) => reader.once('end', resolve)) };
}
