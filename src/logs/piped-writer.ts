// The opt-in log path through the daemon: child output piped in, cut into lines, transformed, handed to its file (and the combined log).
import type { Readable } from 'node:stream';
import { ArborError, describeValue } from '../errors.js';
import { assertSinkLimits, createFileSink, type FileSink } from './file-sink.js';
import { createLineFormatter, type LogStreamType, type LogTransform } from './line-format.js';
import { DEFAULT_MAX_LINE_LENGTH, LineSplitter } from './line-splitter.js';
import { asLogError } from './log-error.js';

/** How one app stream (out or err) is written. */
export interface PipedWriterOptions {
  /** The file; null discards the lines (onLine and the combined log still see them). */
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
  /** A file shared with the other stream (PM2's combined log): every formatted line is written there too. Its owner closes it, after this writer. */
  combined?: FileSink;
  /** Every line (raw, without its newline) as it arrives: the live feed for the bus. */
  onLine?: (line: string) => void;
  /** Failures that cost lines or rotations (disk full, permissions); default: process.emitWarning. */
  onError?: (error: ArborError) => void;
  /** Longest line kept whole, in UTF-16 code units (default 1 MiB); longer ones are cut. */
  maxLineLength?: number;
  /** Wall-clock milliseconds (default Date.now). */
  now?: () => number;
}

/** Counters for monitoring and tests (of this stream's own file; the combined log has its own). */
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
  /** Reopens the file by path (PM2's reloadLogs, after an outside tool moved it); the combined log is its owner's to reopen. */
  reopen(): void;
  /** Stops reading attached streams and hands every line already received (partial lines included) to the files at once, then closes its own file. */
  close(): Promise<void>;
  stats(): PipedWriterStats;
}

interface Source {
  stream: Readable;
  splitter: LineSplitter;
  paused: boolean;
  detach: () => void;
}

// Creates the writer for one app stream; its file (if any) is opened now, in append mode.
export function createPipedWriter(options: PipedWriterOptions): PipedWriter {
  validate(options);
  const maxLineLength = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
  const now = options.now ?? Date.now;
  const report = options.onError ?? ((error: ArborError) => process.emitWarning(error));
  const format = createLineFormatter(options);
  const label = `${options.appName} (${options.type})`;

  const own =
    options.path === null
      ? null
      : createFileSink({ path: options.path, label, maxBytes: options.maxBytes, retain: options.retain, onError: report, now });
  const sinks = [own, options.combined].filter((sink): sink is FileSink => sink !== undefined && sink !== null);
  const unsubscribe = sinks.map((sink) => sink.onFlowChange(updateFlow));

  const sources = new Set<Source>();
  let closeRequested = false;
  let lines = 0;

  function deliver(received: string[]): void {
    if (received.length === 0) return;
    const arrived = now();
    const formatted: string[] = [];
    for (const line of received) {
      lines += 1;
      if (options.onLine !== undefined) {
        try {
          options.onLine(line);
        } catch (error) {
          report(asLogError(error, `onLine failed for ${label}`));
        }
      }
      if (sinks.length > 0) formatted.push(format(line, arrived));
    }
    // The same whole lines to every file: the combined log interleaves out and err line by line, never within a line.
    for (const sink of sinks) sink.write(formatted);
    updateFlow();
  }

  // Pauses every source while any of its files has lines waiting, resumes them when all are clear.
  function updateFlow(): void {
    const blocked = sinks.some((sink) => sink.blocked());
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

  function attach(stream: Readable): void {
    if (closeRequested) {
      throw new ArborError('E_LOG_IO', `the log writer of ${label} is closed; create a new one`);
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
    if (!closeRequested) own?.reopen();
  }

  function close(): Promise<void> {
    if (!closeRequested) {
      closeRequested = true;
      for (const source of [...sources]) {
        source.detach();
        // Hand the stream back as we found it: unread data then flows to no one instead of blocking the child.
        if (source.paused) source.stream.resume();
        deliver(source.splitter.end());
      }
      for (const stop of unsubscribe) stop();
    }
    return own === null ? Promise.resolve() : own.close();
  }

  function stats(): PipedWriterStats {
    const file = own?.stats() ?? { bytes: 0, dropped: 0, buffered: 0, rotations: 0 };
    return { lines, ...file };
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
  assertSinkLimits(options);
  if (options.maxLineLength !== undefined && !(Number.isSafeInteger(options.maxLineLength) && options.maxLineLength >= 2)) {
    fail('maxLineLength', options.maxLineLength, 'a whole number >= 2');
  }
}
