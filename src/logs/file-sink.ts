// One log file fed by the daemon: whole lines queued, written in batches with backpressure, rotated exactly, reopened on demand.
import { createWriteStream, fstatSync, mkdirSync, openSync, statSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { ArborError, describeValue } from '../errors.js';
import { asLogError } from './log-error.js';
import { rotateFile } from './rotate.js';

/** How one file is written. */
export interface FileSinkOptions {
  path: string;
  /** Names the file's owner in error messages, e.g. `api (out)`. */
  label: string;
  /** Rotate before a line would take the file past this size; absent means never. */
  maxBytes?: number;
  /** Rotated files kept when rotating (default 30, as pm2-logrotate). */
  retain?: number;
  /** Failures that cost lines or rotations (disk full, permissions); default: process.emitWarning. */
  onError?: (error: ArborError) => void;
  /** Wall-clock milliseconds (default Date.now). */
  now?: () => number;
}

/** Counters for monitoring and tests. */
export interface FileSinkStats {
  /** Bytes handed to the file. */
  bytes: number;
  /** Lines that could not be written (the file could not be opened, or they came after close). */
  dropped: number;
  /** Bytes received but not yet written to disk (queue plus the stream's buffer). */
  buffered: number;
  rotations: number;
}

/** A file that several producers may feed: each line lands whole, in the order the producers wrote them. */
export interface FileSink {
  /** Queues complete lines (newline included); each one is a unit: never cut, never interleaved, never split by a rotation. */
  write(lines: readonly string[]): void;
  /** True while lines wait (for the disk, a rotation or a reopen): producers should pause their sources. */
  blocked(): boolean;
  /** Calls `listener` each time blocked() changes; returns the unsubscribe function. */
  onFlowChange(listener: () => void): () => void;
  /** Reopens the file by path (PM2's reloadLogs, after an outside tool moved it). */
  reopen(): void;
  /** Writes every queued line, then closes the file; later writes are dropped (and counted). */
  close(): Promise<void>;
  stats(): FileSinkStats;
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

interface Handle {
  stream: WriteStream;
  fd: number;
}

// Opens the file now, in append mode (parents created); a failed open is reported and retried on a later line.
export function createFileSink(options: FileSinkOptions): FileSink {
  validate(options);
  const { path, label, maxBytes } = options;
  const retain = options.retain ?? DEFAULT_RETAIN;
  const now = options.now ?? Date.now;
  const report = options.onError ?? ((error: ArborError) => process.emitWarning(error));

  const listeners = new Set<() => void>();
  const queue: QueuedLine[] = [];
  let head = 0;
  let queuedBytes = 0;
  let handle: Handle | null = null;
  let size = 0;
  let waitingDrain = false;
  let retryOpenAt = 0;
  let wasBlocked = false;
  // 'switching': the old file is being flushed and closed before a rotation or reopen.
  let phase: 'open' | 'switching' | 'closing' | 'closed' = 'open';
  let closed: Promise<void> | null = null;
  let resolveClosed: () => void = () => {};
  const counters = { bytes: 0, dropped: 0, rotations: 0 };

  open();

  function open(): void {
    try {
      mkdirSync(dirname(path), { recursive: true });
      const fd = openSync(path, 'a');
      size = fstatSync(fd).size;
      const stream = createWriteStream(path, { fd, autoClose: true });
      stream.on('error', (error) => onStreamError(stream, error));
      handle = { stream, fd };
    } catch (error) {
      handle = null;
      retryOpenAt = now() + REOPEN_RETRY_MS;
      report(asLogError(error, `could not open ${path} for ${label}; lines are dropped until it opens`));
    }
  }

  function onStreamError(stream: WriteStream, error: Error): void {
    report(asLogError(error, `could not write ${path} for ${label}`));
    if (handle?.stream !== stream) return;
    // The stream destroyed itself: what it still buffered is gone; start a new file handle on the next line.
    handle = null;
    waitingDrain = false;
    retryOpenAt = now() + REOPEN_RETRY_MS;
    pump();
  }

  function write(lines: readonly string[]): void {
    if (lines.length === 0) return;
    if (phase === 'closed') {
      counters.dropped += lines.length;
      return;
    }
    for (const text of lines) {
      const bytes = Buffer.byteLength(text);
      queue.push({ text, bytes });
      queuedBytes += bytes;
    }
    pump();
  }

  // Moves queued lines into the file as far as backpressure and rotation allow, then tells the producers.
  function pump(): void {
    while (head < queue.length && (phase === 'open' || phase === 'closing') && !waitingDrain) {
      if (handle === null) {
        if (now() >= retryOpenAt) open();
        if (handle === null) {
          dropQueued();
          break;
        }
      }
      const current: Handle = handle;
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
          if (handle !== current) return;
          waitingDrain = false;
          pump();
        });
      }
    }
    if (head === queue.length) {
      queue.length = 0;
      head = 0;
    }
    notifyFlow();
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
    phase = 'switching';
    waitingDrain = false;
    notifyFlow();
    const old = handle;
    handle = null;
    const reopenFile = (): void => {
      if (rotateFor !== null && stillFull(rotateFor)) {
        try {
          rotateFile(path, retain);
          counters.rotations += 1;
        } catch (error) {
          // The lines stay in the old file, which keeps growing: nothing is lost.
          report(asLogError(error, `could not rotate ${path}`));
        }
      }
      open();
      phase = closed !== null ? 'closing' : 'open';
      pump();
    };
    if (old === null || old.stream.closed) {
      reopenFile();
      return;
    }
    old.stream.once('close', reopenFile);
    old.stream.end();
  }

  function stillFull(nextBytes: number): boolean {
    let onDisk: number;
    try {
      onDisk = statSync(path).size;
    } catch {
      return false; // gone (moved away): the reopened file starts empty
    }
    return onDisk > 0 && onDisk + nextBytes > (maxBytes as number);
  }

  function blocked(): boolean {
    return phase === 'switching' || waitingDrain || head < queue.length;
  }

  // Tells the producers when blocked() flips, so they pause or resume their sources.
  function notifyFlow(): void {
    const isBlocked = blocked();
    if (isBlocked === wasBlocked) return;
    wasBlocked = isBlocked;
    for (const listener of [...listeners]) listener();
  }

  function finishCloseIfDone(): void {
    if (phase !== 'closing' || head < queue.length) return;
    phase = 'closed';
    const last = handle;
    handle = null;
    if (last === null || last.stream.closed) {
      resolveClosed();
      return;
    }
    last.stream.once('close', () => resolveClosed());
    last.stream.end();
  }

  function onFlowChange(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  function reopen(): void {
    if (closed !== null || phase === 'switching') return;
    if (handle === null) {
      open();
      pump();
      return;
    }
    beginSwitch(null);
  }

  function close(): Promise<void> {
    if (closed !== null) return closed;
    closed = new Promise<void>((resolve) => {
      resolveClosed = resolve;
    });
    // A switch under way resumes as 'closing' (see beginSwitch) and finishes the close itself.
    if (phase === 'open') phase = 'closing';
    pump();
    return closed;
  }

  function stats(): FileSinkStats {
    return { ...counters, buffered: queuedBytes + (handle?.stream.writableLength ?? 0) };
  }

  return { write, blocked, onFlowChange, reopen, close, stats };
}

function validate(options: FileSinkOptions): void {
  if (typeof options.path !== 'string' || options.path === '') throw invalid('path', options.path, 'a non-empty file path');
  assertSinkLimits(options);
}

// Checks a rotation size and retain count at the boundary (E_INVALID_SPEC naming the field).
export function assertSinkLimits(limits: { maxBytes?: number; retain?: number }): void {
  const { maxBytes, retain } = limits;
  if (maxBytes !== undefined && !(Number.isFinite(maxBytes) && maxBytes > 0)) throw invalid('maxBytes', maxBytes, 'a number of bytes > 0');
  if (retain !== undefined && !(Number.isSafeInteger(retain) && retain >= 1)) throw invalid('retain', retain, 'a whole number >= 1');
}

function invalid(field: string, value: unknown, allowed: string): ArborError {
  return new ArborError('E_INVALID_SPEC', `log file ${field} must be ${allowed}, got ${describeValue(value)}`, {
    details: { field, value, allowed },
  });
}
