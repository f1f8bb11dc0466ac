// The daemon-side writer of one stream (--time / json logs): line transforms, rotation without loss, reopen, backpressure.
import { existsSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isArborError, type ArborError } from '../../src/errors.js';
import { createPipedWriter, type PipedWriterOptions } from '../../src/logs/piped-writer.js';
import { linesOf, rotationSet, slowFifoReader, tempDirPerTest } from './helpers.js';

const tempDir = tempDirPerTest();

const FIXED_NOW = new Date(2024, 0, 2, 3, 4, 5, 678).getTime(); // local time, as PM2 formats it

function options(overrides: Partial<PipedWriterOptions> = {}): PipedWriterOptions {
  return { path: join(tempDir(), 'app-out.log'), transform: 'none', appName: 'api', processId: 7, type: 'out', now: () => FIXED_NOW, ...overrides };
}

// Feeds the chunks through a PassThrough into a fresh writer, then closes it once the stream ended.
async function writeThrough(opts: PipedWriterOptions, chunks: (string | Buffer)[]): Promise<string[]> {
  const seen: string[] = [];
  const writer = createPipedWriter({ ...opts, onLine: (line) => seen.push(line) });
  const source = new PassThrough();
  writer.attach(source);
  for (const chunk of chunks) source.write(chunk);
  source.end();
  await new Promise((resolve) => source.once('end', resolve));
  await writer.close();
  return seen;
}

describe('line splitting', () => {
  it('joins lines split across chunk boundaries and keeps empty lines', async () => {
    const seen = await writeThrough(options(), ['ab', 'c\nde', 'f\n\ng', 'h\n']);
    expect(seen).toEqual(['abc', 'def', '', 'gh']);
    expect(readFileSync(join(tempDir(), 'app-out.log'), 'utf8')).toBe('abc\ndef\n\ngh\n');
  });

  it('writes a partial last line, with a newline, when the stream ends', async () => {
    const seen = await writeThrough(options(), ['one\ntw', 'o']);
    expect(seen).toEqual(['one', 'two']);
    expect(readFileSync(join(tempDir(), 'app-out.log'), 'utf8')).toBe('one\ntwo\n');
  });

  it('never splits a UTF-8 character cut between chunks', async () => {
    const bytes = Buffer.from('é€\n');
    const seen = await writeThrough(options(), [bytes.subarray(0, 1), bytes.subarray(1, 3), bytes.subarray(3)]);
    expect(seen).toEqual(['é€']);
  });

  it('cuts a line that never ends at maxLineLength instead of buffering it', async () => {
    const seen = await writeThrough(options({ maxLineLength: 4 }), ['abcdefghij', '\n']);
    expect(seen).toEqual(['abcd', 'efgh', 'ij']);
  });

  it('writes nothing but still reports lines when the path is null', async () => {
    const seen = await writeThrough(options({ path: null }), ['x\ny\n']);
    expect(seen).toEqual(['x', 'y']);
    expect(existsSync(join(tempDir(), 'app-out.log'))).toBe(false);
  });
});

describe('transforms', () => {
  it('prefixes "<date>: " with PM2\'s default YYYY-MM-DDTHH:mm:ss in local time', async () => {
    await writeThrough(options({ transform: 'timestamp' }), ['hello\nworld\n']);
    expect(readFileSync(join(tempDir(), 'app-out.log'), 'utf8')).toBe('2024-01-02T03:04:05: hello\n2024-01-02T03:04:05: world\n');
  });

  it('honours a custom date format', async () => {
    await writeThrough(options({ transform: 'timestamp', dateFormat: 'YYYY/MM/DD HH:mm:ss.SSS [at] h A' }), ['x\n']);
    expect(readFileSync(join(tempDir(), 'app-out.log'), 'utf8')).toBe('2024/01/02 03:04:05.678 at 3 AM: x\n');
  });

  it('writes one JSON object per line with message, timestamp, type, process_id and app_name', async () => {
    await writeThrough(options({ transform: 'json', type: 'err' }), ['plain\n{"already":"json"}\n', 'quote " and ünïcode\n']);
    const records = readFileSync(join(tempDir(), 'app-out.log'), 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as unknown);
    const timestamp = new Date(FIXED_NOW).toISOString();
    expect(records).toEqual([
      { message: 'plain', timestamp, type: 'err', process_id: 7, app_name: 'api' },
      { message: '{"already":"json"}', timestamp, type: 'err', process_id: 7, app_name: 'api' },
      { message: 'quote " and ünïcode', timestamp, type: 'err', process_id: 7, app_name: 'api' },
    ]);
    for (const record of records) expect(Object.keys(record as object)).toEqual(['message', 'timestamp', 'type', 'process_id', 'app_name']);
  });
});

describe('sources', () => {
  it('takes several streams at once (an old incarnation draining while the new one starts)', async () => {
    const writer = createPipedWriter(options());
    const old = new PassThrough();
    const fresh = new PassThrough();
    writer.attach(old);
    writer.attach(fresh);
    old.write('old-1\nold-');
    fresh.write('new-1\n');
    old.end('2\n');
    fresh.end('new-2\n');
    await Promise.all([new Promise((r) => old.once('end', r)), new Promise((r) => fresh.once('end', r))]);
    await writer.close();
    expect(linesOf([join(tempDir(), 'app-out.log')]).sort()).toEqual(['new-1', 'new-2', 'old-1', 'old-2']);
  });

  it('writes partial lines of still-open streams on close, and refuses attach afterwards', async () => {
    const writer = createPipedWriter(options());
    const source = new PassThrough();
    writer.attach(source);
    source.write('done\nhalf');
    await new Promise((resolve) => setImmediate(resolve));
    await writer.close();
    expect(readFileSync(join(tempDir(), 'app-out.log'), 'utf8')).toBe('done\nhalf\n');
    expect(() => writer.attach(new PassThrough())).toThrow(expect.objectContaining({ code: 'E_LOG_IO' }));
  });

  it('reports a failing source and keeps its partial line', async () => {
    const errors: ArborError[] = [];
    const writer = createPipedWriter(options({ onError: (error) => errors.push(error) }));
    const source = new PassThrough();
    writer.attach(source);
    source.write('a\nb');
    await new Promise((resolve) => setImmediate(resolve));
    source.destroy(new Error('pipe broke'));
    await new Promise((resolve) => source.once('close', resolve));
    await writer.close();
    expect(readFileSync(join(tempDir(), 'app-out.log'), 'utf8')).toBe('a\nb\n');
    expect(errors.some((error) => error.message.includes('pipe broke'))).toBe(true);
  });
});

describe('backpressure', () => {
  it.skipIf(process.platform === 'win32')('pauses a fast source for a slow sink: memory stays bounded and no line is lost', async () => {
    // A FIFO read slowly by this process: the writer's file really is slower than the source.
    const { path: fifo, received, ended: readerEnded } = slowFifoReader(tempDir(), 'slow.fifo');

    const writer = createPipedWriter(options({ path: fifo }));
    const total = 250_000;
    let next = 1;
    let produced = 0;
    let maxBuffered = 0;
    let pausedSeen = false;
    const source = new Readable({
      read() {
        maxBuffered = Math.max(maxBuffered, writer.stats().buffered);
        if (next > total) {
          this.push(null);
          return;
        }
        let text = '';
        for (let k = 0; k < 1000 && next <= total; k += 1) text += `line-${next++}\n`;
        produced += text.length;
        this.push(text);
      },
    });
    source.on('pause', () => {
      pausedSeen = true;
    });
    writer.attach(source);
    await new Promise((resolve) => source.once('end', resolve));
    await writer.close();
    await readerEnded;

    expect(pausedSeen).toBe(true);
    expect(produced).toBeGreaterThan(2_500_000); // ten times the bound below: without pausing it would all sit in memory
    expect(maxBuffered).toBeLessThan(256 * 1024);
    expect(writer.stats().dropped).toBe(0);
    const lines = Buffer.concat(received).toString('utf8').trimEnd().split('\n');
    expect(lines.length).toBe(total);
    lines.forEach((line, index) => {
      if (line !== `line-${index + 1}`) expect.fail(`line ${index + 1} is ${JSON.stringify(line)}`);
    });
  });
});

describe('rotation in piped mode', () => {
  it('rotates exactly: every line once, in order, no file past maxBytes unless it holds a single longer line', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ unit: fc.constantFrom('a', 'b', 'é', ' '), maxLength: 120 }), { minLength: 1, maxLength: 120 }),
        fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 10 }),
        async (lines, cuts) => {
          run += 1;
          const runDir = join(tempDir(), `run-${run}`);
          mkdirSync(runDir);
          const path = join(runDir, 'app.log');
          const maxBytes = 200;
          // One oversized line too: it must go alone into a file.
          const all = [...lines, 'x'.repeat(250), 'after'];
          const payload = Buffer.from(all.map((line) => `${line}\n`).join(''));
          const chunks: Buffer[] = [];
          for (let offset = 0, index = 0; offset < payload.length; index += 1) {
            const size = cuts[index % cuts.length] as number;
            chunks.push(payload.subarray(offset, offset + size));
            offset += size;
          }
          const writer = createPipedWriter(options({ path, maxBytes, retain: 1000 }));
          const source = new PassThrough();
          writer.attach(source);
          for (const chunk of chunks) source.write(chunk);
          source.end();
          await new Promise((resolve) => source.once('end', resolve));
          await writer.close();

          const files = rotationSet(path);
          expect(linesOf(files)).toEqual(all);
          expect(files.length).toBe(writer.stats().rotations + 1);
          for (const file of files) {
            const size = statSync(file).size;
            if (size > maxBytes) expect(linesOf([file])).toHaveLength(1);
          }
        },
      ),
      { numRuns: 15 },
    );
  });

  it('keeps only retain rotated files', async () => {
    const path = join(tempDir(), 'app.log');
    const lines = Array.from({ length: 200 }, (_, index) => `line ${index}`);
    await writeThrough(options({ path, maxBytes: 100, retain: 3 }), [lines.join('\n') + '\n']);
    expect(rotationSet(path)).toEqual([`${path}.3`, `${path}.2`, `${path}.1`, path]);
    const kept = linesOf(rotationSet(path));
    expect(kept).toEqual(lines.slice(lines.length - kept.length));
  });
});

describe('reopen and failures', () => {
  it('reopen() moves to a fresh file at the path after an outside tool renamed it, losing nothing', async () => {
    const path = join(tempDir(), 'app-out.log');
    const writer = createPipedWriter(options({ path }));
    const source = new PassThrough();
    writer.attach(source);
    source.write('a\nb\n');
    await new Promise((resolve) => setImmediate(resolve));
    renameSync(path, `${path}.moved`);
    writer.reopen();
    source.end('c\n');
    await new Promise((resolve) => source.once('end', resolve));
    await writer.close();
    expect(readFileSync(`${path}.moved`, 'utf8')).toBe('a\nb\n');
    expect(readFileSync(path, 'utf8')).toBe('c\n');
  });

  it('reports a file it cannot open, counts the lines it drops, and still closes', async () => {
    const errors: ArborError[] = [];
    const path = join(tempDir(), 'a-directory');
    mkdirSync(path);
    const writer = createPipedWriter(options({ path, onError: (error) => errors.push(error) }));
    const source = new PassThrough();
    writer.attach(source);
    source.end('lost 1\nlost 2\n');
    await new Promise((resolve) => source.once('end', resolve));
    await writer.close();
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(isArborError(errors[0], 'E_LOG_IO')).toBe(true);
    expect(writer.stats()).toMatchObject({ lines: 2, dropped: 2 });
  });

  it('validates its options at the boundary', () => {
    expect(() => createPipedWriter(options({ maxBytes: 0 }))).toThrow(expect.objectContaining({ code: 'E_INVALID_SPEC' }));
    expect(() => createPipedWriter(options({ retain: 0 }))).toThrow(expect.objectContaining({ code: 'E_INVALID_SPEC' }));
    expect(() => createPipedWriter(options({ transform: 'xml' as never }))).toThrow(expect.objectContaining({ code: 'E_INVALID_SPEC' }));
  });
});
