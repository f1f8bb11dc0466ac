// One daemon per home: a lock that survives crashes, is taken over when stale, and never has two holders.
//
// Why generations. The usual pid-file lock (create with O_EXCL; if the holder is dead, delete the file and
// retry) has a hole: two daemons that both judge the same file stale both delete "it", and the second delete
// removes the file the first one just created, so both go on believing they hold the lock. POSIX has no
// "delete this file only if it is still that one". So stale locks are never deleted: they are superseded.
//
// `arbor.lock/` holds files named by a generation number. A file appears only complete (written under a
// temporary name, then link(2)ed into place, which fails with EEXIST like O_EXCL). To acquire:
//   1. list the generations; if the highest one, N, is held by a live daemon, fail with E_DAEMON_RUNNING;
//   2. otherwise link our file as N+1 (EEXIST: someone else got there first, go back to 1);
//   3. list again: if any generation above ours exists we lost, so remove ours and go back to 1;
//      otherwise we hold the lock, and delete every lower generation.
// The highest generation is never deleted (only lower ones, by a winner or by their own losing creator), so
// the highest number only grows, and going above a live holder's generation needs judging its file stale.
// Step 3 is needed because the list read in step 1 may be old by step 2: while we waited, N+1 may have been
// won, released, superseded by N+2 and deleted, so our link of N+1 succeeds below a live holder of N+2.
// The property test in test/daemon/lock.test.ts finds that interleaving when step 3 is left out.
// release() cannot delete the file for the same reason: it atomically replaces its content with a
// "released" record (rename over it), which the next acquirer treats as free.
//
// When is a holder's generation free? When it is released, unreadable, names a dead pid, or names a live
// pid whose socket does not accept connections although the lock is older than `startGraceMs` (the pid was
// reused after a reboot, or that process never served). A live holder within the grace period counts as a
// daemon still starting up, which is what makes two racing daemons end with one.
//
// `arbor.pid` is written (atomically) after the lock is won, for people and tools; it is not the lock.

import { linkSync, mkdirSync, readFileSync, readdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { isProcessAlive } from '../process/liveness.js';
import { dirname, join } from 'node:path';
import { ArborError } from '../errors.js';
import type { HomePaths } from './home.js';
import { socketAnswers } from './socket-probe.js';

/** A held daemon lock. */
export interface DaemonLock {
  /** The generation number of our file in `arbor.lock/`. */
  readonly generation: number;
  /** The pid recorded as holder. */
  readonly pid: number;
  /** Gives the lock up: removes `arbor.pid` if it still names us and marks our generation released. Idempotent. */
  release(): void;
}

/** The points at which acquireDaemonLock may be paused by a test to interleave racers. */
export type LockStep = 'scan' | 'create' | 'verify';

/** Dependencies and limits of acquireDaemonLock; every field has a production default. */
export interface LockOptions {
  /** The pid to record (default process.pid). */
  pid?: number;
  /** How long a live holder whose socket does not answer yet counts as starting (default 10000 ms). */
  startGraceMs?: number;
  /** Wall-clock time in ms (default Date.now); compared across processes, so not a monotonic clock. */
  now?: () => number;
  /** Whether a pid names a live process (default process.kill(pid, 0), EPERM counting as alive). */
  isProcessAlive?: (pid: number) => boolean;
  /** Whether the daemon socket accepts connections (default socketAnswers with a 1000 ms timeout). */
  socketAnswers?: (socketPath: string) => Promise<boolean>;
  /** Awaited before each step; tests use it to interleave racers. */
  pause?: (step: LockStep) => Promise<void>;
}

/** What a lock generation file says. */
type Holder =
  | { kind: 'held'; pid: number; acquiredAt: number }
  | { kind: 'released' }
  | { kind: 'unreadable' }
  | { kind: 'missing' };

const DEFAULT_START_GRACE_MS = 10_000;
// Each retry happens only because another acquirer made progress, so this bound is never reached in practice.
const MAX_ATTEMPTS = 100;
const GENERATION_NAME = /^[0-9]{1,15}$/;

// Takes this home's daemon lock, or fails with E_DAEMON_RUNNING naming the pid that holds it.
export async function acquireDaemonLock(paths: HomePaths, options: LockOptions = {}): Promise<DaemonLock> {
  const pid = options.pid ?? process.pid;
  const now = options.now ?? Date.now;
  const startGraceMs = options.startGraceMs ?? DEFAULT_START_GRACE_MS;
  const isAlive = options.isProcessAlive ?? isProcessAlive;
  const answers = options.socketAnswers ?? ((socketPath: string) => socketAnswers(socketPath, 1000));
  const pause = options.pause ?? (async () => {});

  guardFs(paths, () => mkdirSync(paths.lockDir, { recursive: true, mode: 0o700 }));
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    await pause('scan');
    const top = highest(listGenerations(paths));
    if (top > 0) {
      const holder = readHolder(generationFile(paths, top));
      if (holder.kind === 'missing') continue;
      if (holder.kind === 'held' && (await holderIsActive(holder, paths, { now, startGraceMs, isAlive, answers }))) {
        throw runningError(paths, holder, now());
      }
    }
    await pause('create');
    const mine = top + 1;
    const record = JSON.stringify({ pid, acquiredAt: now() });
    if (!linkComplete(paths, generationFile(paths, mine), record, pid)) continue;
    await pause('verify');
    const generations = listGenerations(paths);
    if (generations.some((generation) => generation > mine)) {
      removeQuietly(generationFile(paths, mine));
      continue;
    }
    for (const generation of generations) {
      if (generation < mine) removeQuietly(generationFile(paths, generation));
    }
    removeStaleTemporaries(paths);
    guardFs(paths, () => writeAtomically(paths.pidFile, `${pid}\n`, pid));
    return heldLock(paths, mine, pid);
  }
  throw new ArborError('E_DAEMON_RUNNING', `the daemon lock in ${paths.lockDir} kept changing hands; another daemon is starting`, {
    details: { field: 'lockDir', value: paths.lockDir },
  });
}

// Re-exported for the lock's callers: whether the daemon's pid is alive (zombies count as gone).
export { isProcessAlive } from '../process/liveness.js';

// The pid holding the home's lock if it is alive (it may be a daemon still starting), else undefined.
export function lockHolderPid(paths: HomePaths, isAlive: (pid: number) => boolean = isProcessAlive): number | undefined {
  let generations: number[];
  try {
    generations = listGenerations(paths);
  } catch {
    return undefined;
  }
  const holder = readHolder(generationFile(paths, highest(generations)));
  return holder.kind === 'held' && isAlive(holder.pid) ? holder.pid : undefined;
}

// Reads the pid recorded in the home's arbor.pid, or undefined when it is missing or not a pid.
export function readPidFile(paths: HomePaths): number | undefined {
  try {
    const pid = Number(readFileSync(paths.pidFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function holderIsActive(
  holder: { pid: number; acquiredAt: number },
  paths: HomePaths,
  deps: { now: () => number; startGraceMs: number; isAlive: (pid: number) => boolean; answers: (socketPath: string) => Promise<boolean> },
): Promise<boolean> {
  if (!deps.isAlive(holder.pid)) return false;
  if (deps.now() - holder.acquiredAt < deps.startGraceMs) return true;
  return deps.answers(paths.socket);
}

function runningError(paths: HomePaths, holder: { pid: number; acquiredAt: number }, now: number): ArborError {
  const ageMs = Math.max(0, now - holder.acquiredAt);
  return new ArborError('E_DAEMON_RUNNING', `a daemon (pid ${holder.pid}) already holds the lock of ${paths.home}`, {
    details: { pid: holder.pid, home: paths.home, lockAgeMs: ageMs },
  });
}

function heldLock(paths: HomePaths, generation: number, pid: number): DaemonLock {
  let released = false;
  return {
    generation,
    pid,
    release() {
      if (released) return;
      released = true;
      // The pid file goes first: no successor can exist until the generation is marked released.
      if (readPidFile(paths) === pid) removeQuietly(paths.pidFile);
      try {
        writeAtomically(generationFile(paths, generation), JSON.stringify({ released: true, pid }), pid);
      } catch {
        // The home was removed under us: nothing is left to release.
      }
    },
  };
}

function generationFile(paths: HomePaths, generation: number): string {
  return join(paths.lockDir, String(generation));
}

function listGenerations(paths: HomePaths): number[] {
  const names = guardFs(paths, () => readdirSync(paths.lockDir));
  return names.filter((name) => GENERATION_NAME.test(name)).map(Number);
}

function highest(generations: number[]): number {
  return generations.reduce((max, generation) => Math.max(max, generation), 0);
}

function readHolder(file: string): Holder {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? { kind: 'missing' } : { kind: 'unreadable' };
  }
  try {
    const record: unknown = JSON.parse(text);
    if (typeof record !== 'object' || record === null) return { kind: 'unreadable' };
    const { pid, acquiredAt, released } = record as Record<string, unknown>;
    if (released === true) return { kind: 'released' };
    if (typeof pid === 'number' && Number.isInteger(pid) && pid > 0 && typeof acquiredAt === 'number' && Number.isFinite(acquiredAt)) {
      return { kind: 'held', pid, acquiredAt };
    }
    return { kind: 'unreadable' };
  } catch {
    return { kind: 'unreadable' };
  }
}

// Publishes a file that is complete from its first instant: write a temporary, link(2) it in (EEXIST: taken).
function linkComplete(paths: HomePaths, target: string, content: string, pid: number): boolean {
  const temporary = temporaryName(paths.lockDir, pid);
  guardFs(paths, () => writeFileSync(temporary, content, { mode: 0o600, flag: 'wx' }));
  try {
    linkSync(temporary, target);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ENOENT: a winner's cleanup removed our temporary between write and link; just try again.
    if (code === 'EEXIST' || code === 'ENOENT') return false;
    throw homeError(paths, error);
  } finally {
    removeQuietly(temporary);
  }
}

function writeAtomically(target: string, content: string, pid: number): void {
  const temporary = temporaryName(dirname(target), pid);
  writeFileSync(temporary, content, { mode: 0o600 });
  try {
    renameSync(temporary, target);
  } catch (error) {
    removeQuietly(temporary);
    throw error;
  }
}

// Temporaries left by acquirers that crashed between write and link; a live one is only delayed by a retry.
function removeStaleTemporaries(paths: HomePaths): void {
  const names = guardFs(paths, () => readdirSync(paths.lockDir));
  for (const name of names) if (name.startsWith('.tmp-')) removeQuietly(join(paths.lockDir, name));
}

function temporaryName(dir: string, pid: number): string {
  return join(dir, `.tmp-${pid}-${randomSuffix()}`);
}

function randomSuffix(): string {
  return Math.random().toString(36).slice(2, 10);
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone.
  }
}

function guardFs<T>(paths: HomePaths, action: () => T): T {
  try {
    return action();
  } catch (error) {
    throw homeError(paths, error);
  }
}

function homeError(paths: HomePaths, error: unknown): ArborError {
  const code = (error as NodeJS.ErrnoException).code ?? String(error);
  return new ArborError('E_HOME_UNUSABLE', `cannot use the daemon lock in ${paths.lockDir}: ${code}`, {
    cause: error,
    details: { field: 'lockDir', value: paths.lockDir, allowed: 'a directory this user can write' },
  });
}
