// Opens where a worker's stdout or stderr goes, as something child_process.spawn accepts in its stdio array.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ArborError, describeValue } from '../errors.js';
import { needsRotation, rotateFile } from '../logs/rotate.js';
import type { OutputTarget } from '../spec/types.js';

/** A stdio slot for spawn, and how to release what the parent holds once the child has its copy. */
export interface OpenedOutput {
  stdio: 'inherit' | 'ignore' | 'pipe' | number;
  /** Closes the parent's fd of an opened file (idempotent); a no-op for every other target. */
  close(): void;
}

/** Mode of a newly created log file: owner read-write, group read. */
export const OUTPUT_FILE_MODE = 0o640;

/** Paths that mean "discard" (PM2 accepts both). */
const DISCARD_PATHS = new Set(['/dev/null', 'NULL']);

const NOTHING_TO_CLOSE: OpenedOutput['close'] = () => undefined;

// Turns an output target into a stdio slot: a path is appended to (parents created; a rotated file is rotated first
// when it holds its maxBytes); fds we were given stay open. Errors from the file system (EACCES, EISDIR, ...) are
// thrown as they are; the caller names the stream.
export function openOutput(target: OutputTarget): OpenedOutput {
  if (target === 'inherit' || target === 'ignore') return { stdio: target, close: NOTHING_TO_CLOSE };
  if (typeof target === 'object' && target !== null && 'pipe' in target) return { stdio: 'pipe', close: NOTHING_TO_CLOSE };
  if (typeof target === 'object' && target !== null && 'file' in target) {
    if (!DISCARD_PATHS.has(target.file) && needsRotation(target.file, target.maxBytes)) rotateFile(target.file, target.retain);
    return openOutput(target.file);
  }
  if (typeof target === 'number') {
    if (!Number.isSafeInteger(target) || target < 0) throw invalidTarget(target);
    return { stdio: target, close: NOTHING_TO_CLOSE };
  }
  if (typeof target !== 'string' || target === '') throw invalidTarget(target);
  if (DISCARD_PATHS.has(target)) return { stdio: 'ignore', close: NOTHING_TO_CLOSE };
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const fd = fs.openSync(target, 'a', OUTPUT_FILE_MODE);
  let open = true;
  return {
    stdio: fd,
    close() {
      if (!open) return;
      open = false;
      fs.closeSync(fd);
    },
  };
}

function invalidTarget(target: unknown): ArborError {
  return new ArborError(
    'E_INVALID_SPEC',
    `output target ${describeValue(target)} is not allowed; use a file path, 'inherit', 'ignore' or a file descriptor`,
    { details: { field: 'stdout/stderr', value: target, allowed: "a file path, 'inherit', 'ignore', '/dev/null', 'NULL' or an fd >= 0" } },
  );
}
