// PM2's per-process pid files: where each lives, and writing/removing them off the event loop, in order per file.
import { mkdir, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { errorCode } from '../logs/log-error.js';
import { insertProcessId, isDisabledLogPath, logFileStem } from '../logs/paths.js';

/** What decides a process's pid file. */
export interface PidFileInput {
  /** `<home>/pids`: where default pid files go. */
  pidsDir: string;
  /** The app name (sanitised for the file name, as for log files). */
  name: string;
  pmId: number;
  /** The app's pid_file: a path (relative to cwd), '/dev/null' or 'NULL' for none; absent for the default. */
  pidFile?: string;
  cwd: string;
}

// The pid file of one process, or null when disabled: `<pids>/<name>-<pm_id>.pid`, or pid_file with `-<pm_id>` before its extension.
// Like PM2, the id is inserted even when logs are merged (each process has its own pid); PM2 only rewrites names ending
// in `.pid` and lets other names be shared by every instance, arbor suffixes any name as it does for log files.
export function pidFilePath(input: PidFileInput): string | null {
  if (input.pidFile === undefined || input.pidFile === '') return join(input.pidsDir, `${logFileStem(input.name)}-${input.pmId}.pid`);
  if (isDisabledLogPath(input.pidFile)) return null;
  return insertProcessId(resolve(input.cwd, input.pidFile), input.pmId);
}

/** Where pid file failures go (a full disk or a read-only directory must not stop the process itself). */
export type PidFileErrorHandler = (error: Error, path: string, action: 'write' | 'remove') => void;

// Writes and removes pid files asynchronously (nothing synchronous on the start path); operations on one file run in call order.
export class PidFiles {
  readonly #pending = new Map<string, Promise<void>>();
  readonly #onError: PidFileErrorHandler;

  constructor(onError: PidFileErrorHandler) {
    this.#onError = onError;
  }

  /** Writes the pid as decimal text (replacing what was there); a null path does nothing. */
  write(path: string | null, pid: number): void {
    if (path !== null) this.#enqueue(path, 'write', () => writePid(path, pid));
  }

  /** Removes the file if it exists; a null path does nothing. */
  remove(path: string | null): void {
    if (path !== null) this.#enqueue(path, 'remove', () => removeFile(path));
  }

  /** Resolves once every write and removal asked for so far is done (failures were reported, never thrown). */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all(this.#pending.values());
  }

  #enqueue(path: string, action: 'write' | 'remove', operation: () => Promise<void>): void {
    const previous = this.#pending.get(path) ?? Promise.resolve();
    const next = previous.then(operation).catch((error: unknown) => this.#report(error, path, action));
    this.#pending.set(path, next);
    void next.then(() => {
      if (this.#pending.get(path) === next) this.#pending.delete(path);
    });
  }

  #report(error: unknown, path: string, action: 'write' | 'remove'): void {
    try {
      this.#onError(error instanceof Error ? error : new Error(String(error)), path, action);
    } catch {
      // A failing reporter must not break the chain of later operations on this file.
    }
  }
}

// Writes the pid, creating the directory once if it is missing (a custom pid_file in a folder that does not exist yet).
async function writePid(path: string, pid: number): Promise<void> {
  try {
    await writeFile(path, String(pid));
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, String(pid));
  }
}

async function removeFile(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
}
