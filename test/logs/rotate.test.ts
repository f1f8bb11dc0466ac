import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isArborError } from '../../src/errors.js';
import { needsRotation, rotateFile } from '../../src/logs/rotate.js';
import { linesOf, makeTempDir, numbersProblem, rotationSet, waitFor } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
const children: ChildProcess[] = [];

beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir());
});

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await cleanup();
});

describe('rotateFile', () => {
  it('shifts path -> path.1 -> path.2 and drops what falls beyond retain', () => {
    const path = join(dir, 'app.log');
    for (const generation of ['a', 'b', 'c']) {
      writeFileSync(path, generation);
      rotateFile(path, 2);
    }
    expect(existsSync(path)).toBe(false);
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('c');
    expect(readFileSync(`${path}.2`, 'utf8')).toBe('b');
    expect(existsSync(`${path}.3`)).toBe(false);
  });

  it('moves every generation one step per rotation, newest at .1', () => {
    const path = join(dir, 'app.log');
    for (const generation of ['a', 'b', 'c', 'd', 'e']) {
      writeFileSync(path, generation);
      rotateFile(path, 3);
    }
    expect([1, 2, 3].map((index) => readFileSync(`${path}.${index}`, 'utf8'))).toEqual(['e', 'd', 'c']);
    expect(existsSync(`${path}.4`)).toBe(false);
  });

  it('leaves everything alone when the file is missing', () => {
    const path = join(dir, 'app.log');
    writeFileSync(`${path}.1`, 'old');
    rotateFile(path, 3);
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('old');
    expect(existsSync(`${path}.2`)).toBe(false);
  });

  it('keeps the order across a gap in the chain', () => {
    const path = join(dir, 'app.log');
    writeFileSync(`${path}.2`, 'oldest');
    writeFileSync(path, 'newest');
    rotateFile(path, 3);
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('newest');
    expect(readFileSync(`${path}.3`, 'utf8')).toBe('oldest');
  });

  it('removes files numbered above a lowered retain and nothing else', () => {
    const path = join(dir, 'app.log');
    for (const name of ['app.log.1', 'app.log.2', 'app.log.3', 'app.log.4', 'app.log.bak', 'app.log.01', 'other.log.9']) {
      writeFileSync(join(dir, name), name);
    }
    writeFileSync(path, 'current');
    rotateFile(path, 2);
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('current');
    expect(readFileSync(`${path}.2`, 'utf8')).toBe('app.log.1');
    expect(existsSync(`${path}.3`)).toBe(false);
    expect(existsSync(`${path}.4`)).toBe(false);
    for (const name of ['app.log.bak', 'app.log.01', 'other.log.9']) expect(existsSync(join(dir, name))).toBe(true);
  });

  it('rejects a retain below 1 with E_INVALID_SPEC', () => {
    expect(() => rotateFile(join(dir, 'x.log'), 0)).toThrow(expect.objectContaining({ code: 'E_INVALID_SPEC' }));
  });
});

describe('needsRotation', () => {
  it('is true from maxBytes on, false below and for a missing file', () => {
    const path = join(dir, 'app.log');
    expect(needsRotation(path, 10)).toBe(false);
    writeFileSync(path, '123456789');
    expect(needsRotation(path, 10)).toBe(false);
    writeFileSync(path, '1234567890');
    expect(needsRotation(path, 10)).toBe(true);
  });
});

// A node child that prints the numbers from..to, one per line, in small batches spread over time.
const WRITER = `
const [from, to] = process.argv.slice(1).map(Number);
let next = from;
function batch() {
  let text = '';
  for (let k = 0; k < 40 && next <= to; k++) text += (next++) + '\\n';
  process.stdout.write(text);
  if (next <= to) setTimeout(batch, 1);
}
batch();
`;

function startWriter(path: string, from: number, to: number): { child: ChildProcess; exited: Promise<void> } {
  const fd = openSync(path, 'a'); // O_APPEND: the child's stdout follows the file through renames
  const child = spawn(process.execPath, ['-e', WRITER, String(from), String(to)], { stdio: ['ignore', fd, 'inherit'] });
  closeSync(fd);
  children.push(child);
  const exited = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer exited with ${code}`))));
  });
  return { child, exited };
}

/** Rotates `path` whenever it holds maxBytes, every 5 ms, until stopped: as starts of the processes sharing a file (merged logs) do. */
function rotateWhileRunning(path: string, maxBytes: number, retain: number, onRotated: () => void): { stop(): void } {
  const timer = setInterval(() => {
    if (!needsRotation(path, maxBytes)) return;
    rotateFile(path, retain);
    onRotated();
  }, 5);
  return { stop: () => clearInterval(timer) };
}

describe('lossless rotation under a live writer', () => {
  it('keeps every line of a child writing through an O_APPEND fd while its file is rotated', async () => {
    const path = join(dir, 'child.log');
    const count = 6000;
    let rotations = 0;
    let rotationsWhileRunning = 0;
    let running = true;
    const writer = startWriter(path, 1, count);
    const watcher = rotateWhileRunning(path, 2000, 5, () => {
      rotations += 1;
      if (running) rotationsWhileRunning += 1;
    });
    try {
      await writer.exited;
      running = false;
    } finally {
      watcher.stop();
    }
    expect(rotationsWhileRunning).toBeGreaterThanOrEqual(1);
    expect(rotations).toBe(rotationsWhileRunning);
    // The renamed file kept receiving the child's lines: all of them are there, once, in order.
    const lines = linesOf(rotationSet(path));
    expect(numbersProblem(lines, count)).toBeNull();
    expect(lines.map(Number)).toEqual([...lines.map(Number)].sort((a, b) => a - b));
  });

  it('keeps every line when a restarted process overlaps the old one across several rotations', async () => {
    const path = join(dir, 'overlap.log');
    const perWriter = 4000;
    const writers: Promise<void>[] = [];
    writers.push(startWriter(path, 1, perWriter).exited);
    const watcher = rotateWhileRunning(path, 1500, 20, () => {
      // The "restart": a new incarnation opens the path afresh while the old one still writes to the renamed file.
      if (writers.length < 3) writers.push(startWriter(path, writers.length * perWriter + 1, (writers.length + 1) * perWriter).exited);
    });
    try {
      // Writers are added from onRotated; wait until the set stops growing and all have finished.
      let settled = 0;
      while (settled !== writers.length) {
        settled = writers.length;
        await Promise.all(writers);
      }
    } finally {
      watcher.stop();
    }
    expect(writers.length).toBeGreaterThanOrEqual(3); // at least two rotations, each with an old writer still running
    expect(numbersProblem(linesOf(rotationSet(path)), writers.length * perWriter)).toBeNull();
  });
});
