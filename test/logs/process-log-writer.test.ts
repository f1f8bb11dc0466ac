// The daemon-side writer of one process: out, error and combined files, whole lines, backpressure, rotation, flush and reopen.
import { existsSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flushLogs } from '../../src/logs/flush.js';
import type { LogPaths } from '../../src/logs/paths.js';
import { createProcessLogWriter, type ProcessLogWriterOptions } from '../../src/logs/process-log-writer.js';
import { linesOf, rotationSet, slowFifoReader, tempDirPerTest, waitFor } from './helpers.js';

const tempDir = tempDirPerTest();

const FIXED_NOW = new Date(2024, 0, 2, 3, 4, 5, 678).getTime();

function filesIn(base: string): LogPaths {
  return { out: join(base, 'api-out.log'), err: join(base, 'api-error.log'), combined: join(base, 'api.log') };
}

function options(overrides: Partial<ProcessLogWriterOptions> = {}): ProcessLogWriterOptions {
  return { paths: filesIn(tempDir()), transform: 'none', appName: 'api', processId: 4, now: () => FIXED_NOW, ...overrides };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const ended = (stream: Readable): Promise<void> => new Promise((resolve) => stream.once('end', () => resolve()));

// Lines of one stream as the writer must see them: its chunks, cut anywhere, each line tagged with its stream.
function chunksOf(lines: readonly string[], cuts: readonly number[]): Buffer[] {
  const payload = Buffer.from(lines.map((line) => `${line}\n`).join(''));
  const chunks: Buffer[] = [];
  for (let offset = 0, index = 0; offset < payload.length; index += 1) {
    const size = cuts[index % cuts.length] as number;
    chunks.push(payload.subarray(offset, offset + size));
    offset += size;
  }
  return chunks;
}

describe('the combined log', () => {
  it('gets every line of both streams whole, each stream in its order, while out and error files get only their own', async () => {
    let run = 0;
    const lineText = fc.string({ unit: fc.constantFrom('a', 'b', 'é', ' ', '-'), maxLength: 40 });
    await fc.assert(
      fc.asyncProperty(
        fc.array(lineText, { minLength: 1, maxLength: 40 }),
        fc.array(lineText, { minLength: 1, maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 16 }),
        async (outLines, errLines, cuts, turns) => {
          run += 1;
          const runDir = join(tempDir(), `run-${run}`);
          mkdirSync(runDir);
          const out = outLines.map((line, index) => `out ${index} ${line}`);
          const err = errLines.map((line, index) => `err ${index} ${line}`);
          const writer = createProcessLogWriter(options({ paths: filesIn(runDir) }));
          const stdout = new PassThrough();
          const stderr = new PassThrough();
          writer.attach('out', stdout);
          writer.attach('err', stderr);
          const outChunks = chunksOf(out, cuts);
          const errChunks = chunksOf(err, [...cuts].reverse());
          // Interleave the two streams chunk by chunk in an arbitrary order, partial lines included.
          for (let turn = 0; outChunks.length > 0 || errChunks.length > 0; turn += 1) {
            const takeOut = errChunks.length === 0 || (outChunks.length > 0 && turns[turn % turns.length]);
            if (takeOut) stdout.write(outChunks.shift());
            else stderr.write(errChunks.shift());
            if (turn % 3 === 0) await tick();
          }
          stdout.end();
          stderr.end();
          await Promise.all([ended(stdout), ended(stderr)]);
          await writer.close();

          const paths = filesIn(runDir);
          expect(linesOf([paths.out as string])).toEqual(out);
          expect(linesOf([paths.err as string])).toEqual(err);
          const combined = linesOf([paths.combined as string]);
          expect(combined.filter((line) => line.startsWith('out '))).toEqual(out);
          expect(combined.filter((line) => line.startsWith('err '))).toEqual(err);
          expect(combined).toHaveLength(out.length + err.length);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('formats the combined copy like the stream files: --time prefixes and json records keep their stream type', async () => {
    const timed = createProcessLogWriter(options({ transform: 'timestamp' }));
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    timed.attach('out', stdout);
    timed.attach('err', stderr);
    stdout.end('hello\n');
    await ended(stdout);
    stderr.end('oops\n');
    await ended(stderr);
    await timed.close();
    expect(readFileSync(join(tempDir(), 'api.log'), 'utf8')).toBe('2024-01-02T03:04:05: hello\n2024-01-02T03:04:05: oops\n');

    const jsonDir = join(tempDir(), 'json');
    const json = createProcessLogWriter(options({ transform: 'json', paths: filesIn(jsonDir) }));
    const jsonOut = new PassThrough();
    const jsonErr = new PassThrough();
    json.attach('out', jsonOut);
    json.attach('err', jsonErr);
    jsonErr.end('bad\n');
    await ended(jsonErr);
    jsonOut.end('good\n');
    await ended(jsonOut);
    await json.close();
    const records = linesOf([join(jsonDir, 'api.log')]).map((line) => JSON.parse(line) as { message: string; type: string; process_id: number });
    expect(records.map(({ message, type, process_id }) => ({ message, type, process_id }))).toEqual([
      { message: 'bad', type: 'err', process_id: 4 },
      { message: 'good', type: 'out', process_id: 4 },
    ]);
    expect(readFileSync(join(jsonDir, 'api-error.log'), 'utf8')).toBe(`${linesOf([join(jsonDir, 'api.log')])[0]}\n`);
  });

  it('still gets the lines of a stream whose own file is disabled, and the bus sees each line with its stream', async () => {
    const seen: string[] = [];
    const paths = { ...filesIn(tempDir()), out: null };
    const writer = createProcessLogWriter(options({ paths, onLine: (type, line) => seen.push(`${type}:${line}`) }));
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    writer.attach('out', stdout);
    writer.attach('err', stderr);
    stdout.end('to combined only\n');
    await ended(stdout);
    stderr.end('both\n');
    await ended(stderr);
    await writer.close();
    expect(existsSync(join(tempDir(), 'api-out.log'))).toBe(false);
    expect(linesOf([join(tempDir(), 'api.log')])).toEqual(['to combined only', 'both']);
    expect(linesOf([join(tempDir(), 'api-error.log')])).toEqual(['both']);
    expect(seen).toEqual(['out:to combined only', 'err:both']);
  });

  it('writes no combined file when there is none, and closes with the partial lines of both streams', async () => {
    const none = createProcessLogWriter(options({ paths: { ...filesIn(tempDir()), combined: null } }));
    const quiet = new PassThrough();
    none.attach('out', quiet);
    quiet.end('x\n');
    await ended(quiet);
    await none.close();
    expect(existsSync(join(tempDir(), 'api.log'))).toBe(false);
    expect(none.stats().combined).toBeNull();

    const partialDir = join(tempDir(), 'partial');
    const writer = createProcessLogWriter(options({ paths: filesIn(partialDir) }));
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    writer.attach('out', stdout);
    writer.attach('err', stderr);
    stdout.write('done\nhalf-out');
    stderr.write('half-err');
    await tick();
    await writer.close();
    expect(linesOf([join(partialDir, 'api.log')]).sort()).toEqual(['done', 'half-err', 'half-out']);
    expect(() => writer.attach('out', new PassThrough())).toThrow(expect.objectContaining({ code: 'E_LOG_IO' }));
  });
});

describe('rotation, flush and reopen of the combined log', () => {
  it('rotates the combined log by size like the stream files: every line once, no file past maxBytes', async () => {
    const writer = createProcessLogWriter(options({ maxBytes: 120, retain: 1000 }));
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    writer.attach('out', stdout);
    writer.attach('err', stderr);
    const out = Array.from({ length: 60 }, (_, index) => `out line ${index}`);
    const err = Array.from({ length: 60 }, (_, index) => `err line ${index}`);
    for (let index = 0; index < 60; index += 1) {
      stdout.write(`${out[index]}\n`);
      stderr.write(`${err[index]}\n`);
      if (index % 10 === 0) await tick();
    }
    stdout.end();
    stderr.end();
    await Promise.all([ended(stdout), ended(stderr)]);
    await writer.close();

    const combinedFiles = rotationSet(join(tempDir(), 'api.log'));
    expect(combinedFiles.length).toBe((writer.stats().combined?.rotations ?? 0) + 1);
    expect(combinedFiles.length).toBeGreaterThan(10);
    for (const file of combinedFiles) expect(statSync(file).size).toBeLessThanOrEqual(120);
    const combined = linesOf(combinedFiles);
    expect(combined.filter((line) => line.startsWith('out'))).toEqual(out);
    expect(combined.filter((line) => line.startsWith('err'))).toEqual(err);
    expect(linesOf(rotationSet(join(tempDir(), 'api-out.log')))).toEqual(out);
  });

  it('continues at the start of a flushed (truncated) combined log, without a needless rotation', async () => {
    const writer = createProcessLogWriter(options({ maxBytes: 100 }));
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    writer.attach('out', stdout);
    writer.attach('err', stderr);
    stdout.write(`${'a'.repeat(40)}\n`);
    stderr.write(`${'b'.repeat(40)}\n`);
    const combined = join(tempDir(), 'api.log');
    await waitFor(() => existsSync(combined) && statSync(combined).size === 82, 3000, 'the first lines on disk');
    flushLogs([combined]);
    stdout.end(`${'c'.repeat(40)}\n`);
    await ended(stdout);
    stderr.end();
    await ended(stderr);
    await writer.close();
    expect(readFileSync(combined, 'utf8')).toBe(`${'c'.repeat(40)}\n`);
    expect(writer.stats().combined?.rotations).toBe(0);
    expect(existsSync(`${combined}.1`)).toBe(false);
  });

  it('reopen() moves every file, the combined log included, to a fresh file at its path, losing nothing', async () => {
    const writer = createProcessLogWriter(options());
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    writer.attach('out', stdout);
    writer.attach('err', stderr);
    stdout.write('before out\n');
    stderr.write('before err\n');
    const combined = join(tempDir(), 'api.log');
    await waitFor(() => existsSync(combined) && linesOf([combined]).length === 2, 3000, 'the first lines on disk');
    renameSync(combined, `${combined}.moved`);
    writer.reopen();
    writer.reopen(); // twice in a row, as reloadLogs and a SIGUSR2 may: harmless
    stdout.end('after out\n');
    stderr.end('after err\n');
    await Promise.all([ended(stdout), ended(stderr)]);
    await writer.close();
    expect(linesOf([`${combined}.moved`]).sort()).toEqual(['before err', 'before out']);
    expect(linesOf([combined]).sort()).toEqual(['after err', 'after out']);
  });
});

describe('backpressure of the combined log', () => {
  it.skipIf(process.platform === 'win32')('pauses both streams while a slow combined log catches up, and loses no line', async () => {
    const { path: fifo, received, ended: readerEnded } = slowFifoReader(tempDir(), 'combined.fifo');

    const writer = createProcessLogWriter(options({ paths: { out: null, err: null, combined: fifo } }));
    const total = 60_000;
    let maxBuffered = 0;
    const paused = { out: false, err: false };
    const source = (type: 'out' | 'err'): Readable => {
      let next = 1;
      const stream = new Readable({
        read() {
          maxBuffered = Math.max(maxBuffered, writer.stats().combined?.buffered ?? 0);
          if (next > total) {
            this.push(null);
            return;
          }
          let text = '';
          for (let k = 0; k < 500 && next <= total; k += 1) text += `${type}-${next++}\n`;
          this.push(text);
        },
      });
      stream.on('pause', () => {
        paused[type] = true;
      });
      return stream;
    };
    const stdout = source('out');
    const stderr = source('err');
    writer.attach('out', stdout);
    writer.attach('err', stderr);
    await Promise.all([ended(stdout), ended(stderr)]);
    await writer.close();
    await readerEnded;

    expect(paused).toEqual({ out: true, err: true });
    expect(maxBuffered).toBeLessThan(256 * 1024);
    expect(writer.stats().combined?.dropped).toBe(0);
    const lines = Buffer.concat(received).toString('utf8').trimEnd().split('\n');
    for (const type of ['out', 'err']) {
      const own = lines.filter((line) => line.startsWith(`${type}-`));
      expect(own.length).toBe(total);
      own.forEach((line, index) => {
        if (line !== `${type}-${index + 1}`) expect.fail(`${type} line ${index + 1} is ${JSON.stringify(line)}`);
      });
    }
    expect(lines.length).toBe(2 * total);
  });
});
