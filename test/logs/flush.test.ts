import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isArborError } from '../../src/errors.js';
import { flushLogs } from '../../src/logs/flush.js';
import { createPipedWriter } from '../../src/logs/piped-writer.js';
import { tempDirPerTest, waitFor } from './helpers.js';

const tempDir = tempDirPerTest();

describe('flushLogs', () => {
  it('empties existing files and skips missing ones', () => {
    const a = join(tempDir(), 'a.log');
    const b = join(tempDir(), 'b.log');
    writeFileSync(a, 'content a\n');
    writeFileSync(b, 'content b\n');
    flushLogs([a, b, a, join(tempDir(), 'missing.log')]);
    expect(readFileSync(a, 'utf8')).toBe('');
    expect(readFileSync(b, 'utf8')).toBe('');
    expect(existsSync(join(tempDir(), 'missing.log'))).toBe(false);
  });

  it('lets a writer holding an O_APPEND fd carry on at the new end, with no hole of zero bytes', () => {
    const path = join(tempDir(), 'app.log');
    const fd = openSync(path, 'a');
    try {
      writeSync(fd, 'a long line written before the flush\n');
      flushLogs([path]);
      writeSync(fd, 'after\n');
    } finally {
      closeSync(fd);
    }
    expect(readFileSync(path, 'utf8')).toBe('after\n');
  });

  it('lets a running child whose stdout is the O_APPEND file keep logging after a flush', async () => {
    const path = join(tempDir(), 'child.log');
    const fd = openSync(path, 'a');
    // Writes "before", waits for a line on stdin, writes "after", exits.
    const script = "process.stdout.write('before\\n'); process.stdin.once('data', () => { process.stdout.write('after\\n'); process.exit(0); });";
    const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', fd, 'inherit'] });
    closeSync(fd);
    try {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await waitFor(() => readFileSync(path, 'utf8') === 'before\n', 3000, 'the child to write');
      flushLogs([path]);
      child.stdin?.write('go\n');
      await exited;
      expect(readFileSync(path, 'utf8')).toBe('after\n');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  it('lets a piped writer continue, re-measuring the file before it would rotate', async () => {
    const path = join(tempDir(), 'piped.log');
    const writer = createPipedWriter({ path, transform: 'none', appName: 'api', processId: 0, type: 'out', maxBytes: 100, retain: 2 });
    const source = new PassThrough();
    writer.attach(source);
    source.write(`${'a'.repeat(79)}\n`);
    await waitFor(() => readFileSync(path, 'utf8').length === 80, 2000, 'the first line on disk');
    flushLogs([path]);
    source.end(`${'b'.repeat(79)}\n`);
    await new Promise((resolve) => source.once('end', resolve));
    await writer.close();
    expect(readFileSync(path, 'utf8')).toBe(`${'b'.repeat(79)}\n`);
    expect(writer.stats().rotations).toBe(0);
    expect(existsSync(`${path}.1`)).toBe(false);
  });

  it('names every file it could not truncate in one E_LOG_IO error, after flushing the others', () => {
    const file = join(tempDir(), 'plain.log');
    const ok = join(tempDir(), 'ok.log');
    writeFileSync(file, 'x');
    writeFileSync(ok, 'y');
    const impossible = join(file, 'child.log'); // a path under a regular file: ENOTDIR
    let caught: unknown;
    try {
      flushLogs([impossible, ok]);
    } catch (error) {
      caught = error;
    }
    expect(isArborError(caught, 'E_LOG_IO')).toBe(true);
    expect((caught as Error).message).toContain(impossible);
    expect(readFileSync(ok, 'utf8')).toBe('');
  });
});
