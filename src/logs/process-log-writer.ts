// Every daemon-side log file of one process: its out and error files and, when asked for, PM2's combined log of both.
import type { Readable } from 'node:stream';
import type { ArborError } from '../errors.js';
import { createFileSink, type FileSink, type FileSinkStats } from './file-sink.js';
import type { LogStreamType, LogTransform } from './line-format.js';
import type { LogPaths } from './paths.js';
import { createPipedWriter, type PipedWriter, type PipedWriterStats } from './piped-writer.js';

/** What decides how one process's output is written. */
export interface ProcessLogWriterOptions {
  /** The out, error and combined files (null: that file is not written). */
  paths: LogPaths;
  transform: LogTransform;
  /** dayjs-style format for the timestamp (and for json, where the default is ISO 8601). */
  dateFormat?: string;
  appName: string;
  processId: number;
  /** Each file rotates before a line would take it past this size; absent means never. */
  maxBytes?: number;
  /** Rotated files kept per file (default 30). */
  retain?: number;
  /** Every line (raw, without its newline) as it arrives, with the stream it came from: the live feed for the bus. */
  onLine?: (type: LogStreamType, line: string) => void;
  /** Failures that cost lines or rotations; default: process.emitWarning. */
  onError?: (error: ArborError) => void;
  /** Longest line kept whole (default 1 MiB); longer ones are cut. */
  maxLineLength?: number;
  /** Wall-clock milliseconds (default Date.now). */
  now?: () => number;
}

/** Counters of each file (combined is null when there is no combined log). */
export interface ProcessLogStats {
  out: PipedWriterStats;
  err: PipedWriterStats;
  combined: FileSinkStats | null;
}

/** The writers of one process; attach each incarnation's stdout and stderr. */
export interface ProcessLogWriter {
  /** Starts consuming one of the process's streams (an old incarnation may still be draining). */
  attach(type: LogStreamType, stream: Readable): void;
  /** Reopens every file by path (PM2's reloadLogs). */
  reopen(): void;
  /** Writes every line received (partial lines included) and closes every file. */
  close(): Promise<void>;
  stats(): ProcessLogStats;
}

// Opens the process's files now; stdout lines go to the out file and the combined log, stderr lines to the error file and the combined log.
export function createProcessLogWriter(options: ProcessLogWriterOptions): ProcessLogWriter {
  const { paths, onLine, ...shared } = options;
  const combined: FileSink | null =
    paths.combined === null
      ? null
      : createFileSink({ path: paths.combined, label: `${options.appName} (combined)`, maxBytes: options.maxBytes, retain: options.retain, onError: options.onError, now: options.now });
  const make = (type: LogStreamType): PipedWriter =>
    createPipedWriter({
      ...shared,
      type,
      path: type === 'out' ? paths.out : paths.err,
      ...(combined === null ? {} : { combined }),
      ...(onLine === undefined ? {} : { onLine: (line: string) => onLine(type, line) }),
    });
  let writers: { out: PipedWriter; err: PipedWriter };
  try {
    writers = { out: make('out'), err: make('err') };
  } catch (error) {
    void combined?.close(); // bad options: release the file already opened
    throw error;
  }
  let closing: Promise<void> | null = null;

  return {
    attach: (type, stream) => writers[type].attach(stream),
    reopen() {
      if (closing !== null) return;
      writers.out.reopen();
      writers.err.reopen();
      combined?.reopen();
    },
    close() {
      // Both writers hand their last lines to the combined log synchronously, so it closes after them and loses none.
      closing ??= Promise.all([writers.out.close(), writers.err.close(), combined?.close()]).then(() => undefined);
      return closing;
    },
    stats: () => ({ out: writers.out.stats(), err: writers.err.stats(), combined: combined?.stats() ?? null }),
  };
}
