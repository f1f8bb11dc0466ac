// Reading logs for people: the last N lines of a file (read backwards), and following a file across rotation and truncation.
import { close, fstat, fstatSync, open, openSync, read, stat, watch, type FSWatcher, type Stats } from 'node:fs';
import { basename, dirname } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { promisify } from 'node:util';
import type { ArborError } from '../errors.js';
import { asLogError, errorCode } from './log-error.js';

const openAsync = promisify(open);
const readAsync = promisify(read);
const fstatAsync = promisify(fstat);
const statAsync = promisify(stat);
const closeAsync = promisify(close);

/** Bytes read per step, backwards by readLastLines and forwards by followFile. */
export const TAIL_CHUNK_BYTES = 64 * 1024;
/** The default poll interval of followFile (it also reacts to fs.watch events at once). */
export const DEFAULT_FOLLOW_POLL_MS = 1000;

const NEWLINE = 0x0a;

// The last n lines of a file, without their newlines; reads backwards in chunks, so only those lines' bytes are held. A missing file has none.
export async function readLastLines(path: string, n: number, options: { chunkBytes?: number } = {}): Promise<string[]> {
  return (await readTail(path, n, options)).lines;
}

/** The last lines of a file, and the byte offset they end at (where a follow must start so that no line falls between). */
export interface Tail {
  lines: string[];
  end: number;
}

// readLastLines, also telling where the file ended when it was read (0 for a missing file).
export async function readTail(path: string, n: number, options: { chunkBytes?: number } = {}): Promise<Tail> {
  let end = 0;
  const lines = await readLines(path, n, options, (size) => {
    end = size;
  });
  return { lines, end };
}

async function readLines(path: string, n: number, options: { chunkBytes?: number }, onSize: (size: number) => void): Promise<string[]> {
  if (!(n >= 1)) return [];
  const chunkBytes = Math.max(1, options.chunkBytes ?? TAIL_CHUNK_BYTES);
  let fd: number;
  try {
    fd = await openAsync(path, 'r');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return [];
    throw asLogError(error, `could not open ${path}`);
  }
  try {
    const { size } = await fstatAsync(fd);
    onSize(size);
    if (size === 0) return [];
    const last = Buffer.alloc(1);
    await readAt(fd, last, size - 1);
    // A trailing newline ends the last line; it does not start an empty one.
    let position = last[0] === NEWLINE ? size - 1 : size;
    const chunks: Buffer[] = [];
    let newlines = 0;
    scan: while (position > 0) {
      const length = Math.min(chunkBytes, position);
      position -= length;
      const chunk = Buffer.allocUnsafe(length);
      const got = await readAt(fd, chunk, position);
      if (got < length) break; // truncated under us: what we have is all there is
      for (let index = length - 1; index >= 0; index -= 1) {
        if (chunk[index] !== NEWLINE) continue;
        newlines += 1;
        if (newlines === n) {
          chunks.unshift(chunk.subarray(index + 1));
          break scan;
        }
      }
      chunks.unshift(chunk);
    }
    // Newline bytes never occur inside a UTF-8 sequence, so decoding after joining is exact.
    return Buffer.concat(chunks).toString('utf8').split('\n');
  } catch (error) {
    throw asLogError(error, `could not read ${path}`);
  } finally {
    await closeAsync(fd).catch(() => undefined);
  }
}

/** How followFile starts and how often it looks without a file-system event. */
export interface FollowOptions {
  /** Start at the current end (default true) or at the beginning. */
  fromEnd?: boolean;
  /** Start at this byte offset instead (where a history read with readTail ended), so nothing written since is missed. */
  from?: number;
  /** Poll interval in ms, the fallback when fs.watch misses or is unavailable (default 1000). */
  pollMs?: number;
  /** Read failures; default process.emitWarning. */
  onError?: (error: ArborError) => void;
}

/** A running follow; close() stops it and releases the file. */
export interface FollowHandle {
  close(): void;
}

// Calls onData with text appended to the file, across rotation (the held file is drained, then the new one read from its start) and truncation (read again from 0).
export function followFile(path: string, onData: (text: string) => void, options: FollowOptions = {}): FollowHandle {
  const pollMs = Math.max(10, options.pollMs ?? DEFAULT_FOLLOW_POLL_MS);
  const sink = options.onError ?? ((error: ArborError) => process.emitWarning(error));
  // A failure that persists (permissions) is reported once, not on every poll.
  let lastReported = '';
  const report = (error: ArborError): void => {
    if (error.message === lastReported) return;
    lastReported = error.message;
    sink(error);
  };
  const buffer = Buffer.allocUnsafe(TAIL_CHUNK_BYTES);
  let current: { fd: number; ino: number; dev: number; position: number; decoder: StringDecoder } | null = null;
  let closed = false;
  let busy = false;
  let again = false;
  // The first open is synchronous so that "from the end" means the end at the time of the call, not a moment later.
  try {
    const fd = openSync(path, 'r');
    const info = fstatSync(fd);
    const fromEnd = options.fromEnd ?? true;
    const position = options.from ?? (fromEnd ? info.size : 0);
    current = { fd, ino: info.ino, dev: info.dev, position, decoder: new StringDecoder('utf8') };
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') report(asLogError(error, `could not open ${path}`));
  }

  // Opens the file now at the path, to be read from its start (it is new to us).
  const openFile = async (): Promise<void> => {
    let fd: number;
    try {
      fd = await openAsync(path, 'r');
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
      return;
    }
    const info = await fstatAsync(fd);
    current = { fd, ino: info.ino, dev: info.dev, position: 0, decoder: new StringDecoder('utf8') };
  };

  // Reads the held file from its position to its end, a bounded chunk at a time.
  const drain = async (): Promise<void> => {
    const file = current;
    if (file === null) return;
    const info = await fstatAsync(file.fd);
    if (info.size < file.position) file.position = 0; // truncated (flush, copytruncate): start over
    while (!closed) {
      const { bytesRead } = await readAsync(file.fd, buffer, 0, buffer.length, file.position);
      if (bytesRead === 0) return;
      file.position += bytesRead;
      const text = file.decoder.write(buffer.subarray(0, bytesRead));
      // A read issued before close() can finish after it, with lines written since: nothing is reported once closed.
      if (text !== '' && !closed) onData(text);
    }
  };

  const releaseFile = (): void => {
    const file = current;
    current = null;
    if (file === null) return;
    const rest = file.decoder.end();
    if (rest !== '' && !closed) onData(rest);
    void closeAsync(file.fd).catch(() => undefined);
  };

  const step = async (): Promise<void> => {
    if (current === null) {
      // The file appeared after we started (or came back): everything in it is new.
      await openFile();
      if (current === null) return;
    }
    await drain();
    const named: Stats | null = await statAsync(path).catch((error: unknown) => {
      if (errorCode(error) === 'ENOENT') return null;
      throw error;
    });
    // Renamed away and nothing new yet: keep the held file, its writer may still be appending to it.
    if (named === null) return;
    const held = current as { ino: number; dev: number } | null;
    if (held !== null && (named.ino !== held.ino || named.dev !== held.dev)) {
      releaseFile();
      await openFile();
      await drain();
    }
  };

  const check = async (): Promise<void> => {
    if (closed) return;
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      do {
        again = false;
        await step();
      } while (again && !closed);
    } catch (error) {
      report(asLogError(error, `could not follow ${path}`));
    } finally {
      busy = false;
      if (closed) releaseFile();
    }
  };

  const schedule = (): void => {
    void check();
  };

  // Watch the directory, not the file: a file watch follows the inode and would miss the new file after a rotation.
  const name = basename(path);
  let watcher: FSWatcher | null = null;
  try {
    watcher = watch(dirname(path), { persistent: false }, (_event, filename) => {
      if (filename === null || String(filename).startsWith(name)) schedule();
    });
    watcher.on('error', () => {
      watcher?.close();
      watcher = null;
    });
  } catch {
    watcher = null; // no directory yet, or no watch support: polling alone still works
  }
  const timer = setInterval(schedule, pollMs);

  schedule();

  return {
    close(): void {
      if (closed) return;
      closed = true;
      watcher?.close();
      watcher = null;
      clearInterval(timer);
      if (!busy) releaseFile();
    },
  };
}

// Reads buffer.length bytes at position (fewer only at the end of the file); returns the count read.
async function readAt(fd: number, target: Buffer, position: number): Promise<number> {
  let offset = 0;
  while (offset < target.length) {
    const { bytesRead } = await readAsync(fd, target, offset, target.length - offset, position + offset);
    if (bytesRead === 0) break;
    offset += bytesRead;
  }
  return offset;
}
