// The opt-in log path through the daemon: child output piped in, cut into lines, transformed, written with backpressure, rotated exactly.
import { createWriteStream, fstatSync, mkdirSync, openSync, statSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { ArborError, describeValue } from '../errors.js';
import { createLineFormatter, type LogStreamType, type LogTransform } from './line-format.js';
import { DEFAULT_MAX_LINE_LENGTH, LineSplitter } from './line-splitter.js';
import { asLogError } from './log-error.js';
import { rotateFile } from './rotate.js';

/** How one app stream (out or err) is written. */
export interface PipedWriterOptions {
  /** The file; null discards the lines (onLine still sees them). */
  path: string | null;
  transform: LogTransform;
  /** dayjs-style format for the timestamp (and for json, where the default is ISO 8601). */
  dateFormat?: string;
  appName: string;
  processId: number;
  type: LogStreamType;
  /** Rotate before a line would take the file past this size; absent means never. */
  maxBytes?: number;
  /** Rotated files kept when rotating (default 30, as pm2-logrotate). */
  retain?: number;
  /** Every line (raw, without its newline) as it arrives: the live feed for the bus. */
  onLine?: (line: string) => void;
  /** Failures that cost lines or rotations (disk full, permissions); default: process.emitWarning. */
  onError?: (error: ArborError) => void;
  /** Longest line kept whole, in UTF-16 code units (default 1 MiB); longer ones are cut. */
  maxLineLength?: number;
  /** Wall-clock milliseconds (default Date.now). */
  now?: () => number;
}

/** Counters for monitoring and tests. */
export interface PipedWriterStats {
  /** Lines received. */
  lines: number;
  /** Bytes handed to the file. */
  bytes: number;
  /** Lines that could not be written (the file could not be opened). */
  dropped: number;
  /** Bytes received but not yet written to disk (queue plus the stream's buffer). */
  buffered: number;
  rotations: number;
}

/** A writer for one app stream; attach each incarnation's stdout (or stderr) to it. */
export interface PipedWriter {
  /** Starts consuming a stream (several at once is fine: restarts overlap while the old process drains); its unfinished last line is written, with a newline, when it ends. */
  attach(stream: Readable): void;
  /** Reopens the file by path (PM2's reloadLogs, after an outside tool moved it). */
  reopen(): void;
  /** Stops reading attached streams, writes every line already received (partial lines included), closes the file. */
  close(): Promise<void>;
  stats(): PipedWriterStats;
}

/** The default number of rotated files kept. */
export const DEFAULT_RETAIN = 30;

// After a failed open, lines are dropped (and counted) for this long before trying again.
const REOPEN_RETRY_MS = 1000;
// Lines are joined into writes of about this size: one syscall per batch, not per line.
const BATCH_BYTES = 64 * 1024;

interface QueuedLine {
  text: string;
  bytes: number;
}

interface Source {
  stream: Readable;
  splitter: LineSplitter;
  paused: boolean;
  detach: () => void;
}

interface Sink {
  stream: WriteStream;
  fd: number;
}

// Creates the writer for one app stream; the file (if any) is opened now, in append mode.
export function createPipedWriter(options: PipedWriterOptions): PipedWriter {
  validate(options);
  const { path, maxBytes } = options;
  const retain = options.retain ?? DEFAULT_RETAIN;
  const maxLineLength = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
  const now = options.now ?? Date.now;
  const report = options.onError ?? ((error: ArborError) => process.emitWarning(error));
  const format = createLineFormatter(options);

  const sources = new Set<Source>();
  const queue: QueuedLine[] = [];
  let head = 0;
  let queuedBytes = 0;
  let sink: Sink | null = null;
  let size = 0;
  let waitingDrain = false;
  let retryOpenAt = 0;
  // 'switching': the old file is being flushed and closed before a rotation or reopen.
  let phase: 'open' | 'switching' | 'closing' | 'closed' = 'open';
  let closeRequested = false;
  let closed: Promise<void> | null = null;
  let resolveClosed: () => void = () => {};
  const counters = { lines: 0, bytes: 0, dropped: 0, rotations: 0 };

  if (path !== null) openSink(path);

  function openSink(file: string): void {
    try {
      mkdirSync(dirname(file), { recursive: true });
      const fd = openSync(file, 'a');
      size = fstatSync(fd).size;
      const stream = createWriteStream(file, { fd, autoClose: true });
      stream.on('error', (error) => onStreamError(stream, error));
      sink = { stream, fd };
    } catch (error) {
      sink = null;
      retryOpenAt = now() + REOPEN_RETRY_MS;
      report(asLogError(error, `could not open ${file} for ${options.appName} (${options.type}); lines are dropped until it opens`));
    }
  }

  function onStreamError(stream: WriteStream, error: Error): void {
    report(asLogError(error, `could not write ${path} for ${options.appName} (${options.type})`));
    if (sink?.stream !== stream) return;
    // The stream destroyed itself: what it still buffered is gone; start a new file handle on the next line.
    sink = null;
    waitingDrain = false;
    retryOpenAt = now() + REOPEN_RETRY_MS;
    pump();
  }

  function deliver(lines: string[]): void {
    if (lines.length === 0) return;
    const arrived = now();
    for (const line of lines) {
      counters.lines += 1;
      if (options.onLine !== undefined) {
        try {
          options.onLine(line);
        } catch (error) {
          report(asLogError(error, `onLine failed for ${options.appName} (${options.type})`));
        }
      }
      if (path === null) continue;
      const text = format(line, arrived);
      const bytes = Buffer.byteLength(text);
      queue.push({ text, bytes });
      queuedBytes += bytes;
    }
    pump();
  }

  // Moves queued lines into the file as far as backpressure and rotation allow, then pauses or resumes the sources.
  function pump(): void {
    while (head < queue.length && (phase === 'open' || phase === 'closing') && !waitingDrain) {
      if (sink === null) {
        if (path !== null && now() >= retryOpenAt) openSink(path);
        if (sink === null) {
          dropQueued();
          break;
        }
      }
      const current: Sink = sink;
      let batch = '';
      let batchBytes = 0;
      let rotateNow = false;
      while (head < queue.length && batchBytes < BATCH_BYTES) {
        const next = queue[head] as QueuedLine;
        const used = size + batchBytes;
        if (maxBytes !== undefined && used > 0 && used + next.bytes > maxBytes) {
          if (batchBytes > 0) break; // write what fits, rotate on the next round
          rotateNow = true;
          break;
        }
        batch += next.text;
        batchBytes += next.bytes;
        head += 1;
      }
      if (rotateNow) {
        beginSwitch((queue[head] as QueuedLine).bytes);
        break;
      }
      queuedBytes -= batchBytes;
      size += batchBytes;
      counters.bytes += batchBytes;
      if (!current.stream.write(batch)) {
        waitingDrain = true;
        current.stream.once('drain', () => {
          if (sink !== current) return;
          waitingDrain = false;
          pump();
        });
      }
    }
    if (head === queue.length) {
      queue.length = 0;
      head = 0;
    }
    updateFlow();
    finishCloseIfDone();
  }

  function dropQueued(): void {
    counters.dropped += queue.length - head;
    queue.length = 0;
    head = 0;
    queuedBytes = 0;
  }

  // Closes the current file once everything written to it is on disk, then opens the path again. With `rotateFor`
  // (the size of the line that did not fit) it first rotates, if the file, measured exactly now, still has no room:
  // a flush may have truncated it under us (the fd is O_APPEND, so writes simply continue at the new end).
  function beginSwitch(rotateFor: number | null): void {
    if (path === null) return;
    phase = 'switching';
    waitingDrain = false;
    updateFlow();
    const old = sink;
    sink = null;
    const reopenFile = (): void => {
      if (rotateFor !== null && stillFull(path, rotateFor)) {
        try {
          rotateFile(path, retain);
          counters.rotations += 1;
        } catch (error) {
          // The lines stay in the old file, which keeps growing: nothing is lost.
          report(asLogError(error, `could not rotate ${path}`));
        }
      }
      openSink(path);
      phase = closeRequested ? 'closing' : 'open';
      pump();
    };
    if (old === null || old.stream.closed) {
      reopenFile();
      return;
    }
    old.stream.once('close', reopenFile);
    old.stream.end();
  }

  function stillFull(file: string, nextBytes: number): boolean {
    let onDisk: number;
    try {
      onDisk = statSync(file).size;
    } catch {
      return false; // gone (moved away): the reopened file starts empty
    }
    return onDisk > 0 && onDisk + nextBytes > (maxBytes as number);
  }

  // Pauses every source while lines wait (for the disk or a rotation), resumes them when the queue is empty.
  function updateFlow(): void {
    const blocked = phase === 'switching' || waitingDrain || head < queue.length;
    for (const source of sources) {
      if (blocked && !source.paused) {
        source.paused = true;
        source.stream.pause();
      } else if (!blocked && source.paused) {
        source.paused = false;
        source.stream.resume();
      }
    }
  }

  function finishCloseIfDone(): void {
    if (phase !== 'closing' || head < queue.length) return;
    phase = 'closed';
    const last = sink;
    sink = null;
    if (last === null || last.stream.closed) {
      resolveClosed();
      return;
    }
    last.stream.once('close', () => resolveClosed());
    last.stream.end();
  }

  function attach(stream: Readable): void {
    if (closeRequested) {
      throw new ArborError('E_LOG_IO', `the log writer of ${options.appName} (${options.type}) is closed; create a new one`);
    }
    const splitter = new LineSplitter(maxLineLength);
    let ended = false;
    const onData = (chunk: Buffer | string): void => deliver(splitter.push(chunk));
    const onEnd = (): void => {
      if (ended) return;
      ended = true;
      source.detach();
      deliver(splitter.end());
    };
    const onError = (error: Error): void => {
      report(asLogError(error, `reading the ${options.type} of ${options.appName} failed`));
      onEnd();
    };
    const source: Source = {
      stream,
      splitter,
      paused: false,
      detach: () => {
        stream.off('data', onData);
        stream.off('end', onEnd);
        stream.off('close', onEnd);
        stream.off('error', onError);
        sources.delete(source);
      },
    };
    sources.add(source);
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('close', onEnd);
    stream.on('error', onError);
    updateFlow();
  }

  function reopen(): void {
    if (path === null || closeRequested || phase === 'switching') return;
    if (sink === null) {
      openSink(path);
      pump();
      return;
    }
    beginSwitch(null);
  }

  function close(): Promise<void> {
    if (closed !== null) return closed;
    closeRequested = true;
    closed = new Promise<void>((resolve) => {
      resolveClosed = resolve;
    });
    for (const source of [...sources]) {
      source.detach();
      // Hand the stream back as we found it: unread data then flows to no one instead of blocking the child.
      if (source.paused) source.stream.resume();
      deliver(source.splitter.end());
    }
    if (phase === 'open') phase = 'closing';
    pump();
    return closed;
  }

  function stats(): PipedWriterStats {
    return { ...counters, buffered: queuedBytes + (sink?.stream.writableLength ?? 0) };
  }

  return { attach, reopen, close, stats };
}

function validate(options: PipedWriterOptions): void {
  const fail = (field: string, value: unknown, allowed: string): never => {
    throw new ArborError('E_INVALID_SPEC', `piped log writer ${field} must be ${allowed}, got ${describeValue(value)}`, {
      details: { field, value, allowed },
    });
  };
  if (!['none', 'timestamp', 'json'].includes(options.transform)) fail('transform', options.transform, "'none', 'timestamp' or 'json'");
  if (options.type !== 'out' && options.type !== 'err') fail('type', options.type, "'out' or 'err'");
  if (options.maxBytes !== undefined && !(Number.isFinite(options.maxBytes) && options.maxBytes > 0)) {
    fail('maxBytes', options.maxBytes, 'a number of bytes > 0');
  }
  if (options.retain !== undefined && !(Number.isSafeInteger(options.retain) && options.retain >= 1)) {
    fail('retain', options.retain, 'a whole number >= 1');
  }
  if (options.maxLineLength !== undefined && !(Number.isSafeInteger(options.maxLineLength) && options.maxLineLength >= 2)) {
    fail('maxLineLength', options.maxLineLength, 'a whole number >= 2');
  }
}
