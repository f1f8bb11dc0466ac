// Size-based log rotation by rename: lossless because writers hold O_APPEND descriptors that follow the renamed file.
import { readdirSync, renameSync, statSync, unlinkSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ArborError, describeValue } from '../errors.js';
import { realClock, type Clock, type TimerHandle } from '../runtime/clock.js';
import { asLogError, errorCode } from './log-error.js';

/** One file the watcher keeps under a size. */
export interface RotationTarget {
  path: string;
  /** Rotate once the file holds at least this many bytes. */
  maxBytes: number;
  /** How many rotated files (`path.1` newest ... `path.<retain>` oldest) to keep. */
  retain: number;
  /** Called after `path` was renamed to `path.1`, so the owner of a writer can reopen `path`. */
  onRotated?: (path: string) => void;
}

/** How the watcher runs. */
export interface RotationWatcherOptions {
  /** Milliseconds between checks (default 5000). */
  intervalMs?: number;
  /** Receives failures (a stat or rename refused); default: process.emitWarning. */
  onError?: (error: ArborError, target: RotationTarget) => void;
  /** Schedules the checks (default the real clock; its timers are unref'd so they never keep a process alive). */
  clock?: Clock;
}

/** How many files one turn of the event loop stats before letting other work in. */
const STAT_BATCH = 256;

/** The default time between two size checks. */
export const DEFAULT_ROTATION_INTERVAL_MS = 5000;

// The name of the n-th rotated file: `api-out.log.2`.
export function rotatedPath(path: string, index: number): string {
  return `${path}.${index}`;
}

// Renames path -> path.1 -> path.2 ... keeping `retain` rotated files; a missing (or non-regular) file is left alone.
export function rotateFile(path: string, retain: number): void {
  assertRetain(retain);
  const current = statOrNull(path);
  if (current === null || !current.isFile()) return;
  // Oldest first, so every rename lands on a name already moved away; renaming onto path.<retain> drops the oldest.
  for (let index = retain - 1; index >= 1; index -= 1) {
    renameIfPresent(rotatedPath(path, index), rotatedPath(path, index + 1));
  }
  renameIfPresent(path, rotatedPath(path, 1));
  removeBeyond(path, retain);
}

// True when the file exists and holds at least maxBytes bytes (one stat).
export function needsRotation(path: string, maxBytes: number): boolean {
  assertMaxBytes(maxBytes);
  const current = statOrNull(path);
  return current !== null && current.isFile() && current.size >= maxBytes;
}

// Checks a set of files on a timer (one stat per file per tick) and rotates those that grew past their limit.
export class RotationWatcher {
  private targets: RotationTarget[] = [];
  private readonly intervalMs: number;
  private readonly onError: (error: ArborError, target: RotationTarget) => void;
  private readonly clock: Clock;
  private timer: TimerHandle | null = null;
  private running: Promise<string[]> | null = null;

  constructor(targets: readonly RotationTarget[] = [], options: RotationWatcherOptions = {}) {
    this.intervalMs = options.intervalMs ?? DEFAULT_ROTATION_INTERVAL_MS;
    if (!Number.isFinite(this.intervalMs) || this.intervalMs <= 0) {
      throw invalid('intervalMs', this.intervalMs, 'a number of milliseconds > 0');
    }
    this.onError = options.onError ?? ((error) => process.emitWarning(error));
    this.clock = options.clock ?? realClock;
    this.setTargets(targets);
  }

  /** Replaces the watched files (the daemon calls this when apps come and go). */
  setTargets(targets: readonly RotationTarget[]): void {
    for (const target of targets) {
      assertMaxBytes(target.maxBytes);
      assertRetain(target.retain);
    }
    this.targets = [...targets];
  }

  /** Starts checking every intervalMs; calling it twice is harmless. */
  start(): this {
    if (this.timer === null) this.schedule();
    return this;
  }

  /** Stops the timer; a check already under way finishes. */
  stop(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  /** Checks every file now and resolves with the paths rotated; never rejects (failures go to onError). */
  checkNow(): Promise<string[]> {
    // One check at a time: a slow disk must not stack ticks on top of each other.
    this.running ??= this.checkAll().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private schedule(): void {
    this.timer = this.clock.setTimeout(() => {
      void this.checkNow().finally(() => {
        if (this.timer !== null) this.schedule();
      });
    }, this.intervalMs);
    (this.timer as { unref?: () => void } | null)?.unref?.();
  }

  // Synchronous stats in batches, the loop free in between: the promise API allocated ~4 KB per file and check
  // (with 50 apps, an idle daemon's heap grew 90 KB/s and its RSS wandered by a semi-space), a stat takes microseconds.
  private async checkAll(): Promise<string[]> {
    const targets = this.targets;
    const rotated: string[] = [];
    for (let index = 0; index < targets.length; index += 1) {
      if (index > 0 && index % STAT_BATCH === 0) await new Promise((resolve) => setImmediate(resolve));
      const target = targets[index]!;
      const size = this.sizeOf(target);
      if (size === null || size < target.maxBytes) continue;
      try {
        rotateFile(target.path, target.retain);
        rotated.push(target.path);
      } catch (error) {
        this.onError(asLogError(error, `could not rotate ${target.path}`), target);
        continue;
      }
      try {
        target.onRotated?.(target.path);
      } catch (error) {
        this.onError(asLogError(error, `onRotated failed for ${target.path}`), target);
      }
    }
    return rotated;
  }

  private sizeOf(target: RotationTarget): number | null {
    try {
      const current = statSync(target.path, { throwIfNoEntry: false });
      return current?.isFile() === true ? current.size : null;
    } catch (error) {
      this.onError(asLogError(error, `could not stat ${target.path}`), target);
      return null;
    }
  }
}

function renameIfPresent(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw asLogError(error, `could not rename ${from} to ${to}`);
  }
}

// Deletes rotated files numbered above retain (left over when retain was lowered).
function removeBeyond(path: string, retain: number): void {
  const prefix = `${basename(path)}.`;
  const directory = dirname(path);
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch (error) {
    throw asLogError(error, `could not list ${directory}`);
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const suffix = name.slice(prefix.length);
    if (!/^[1-9][0-9]*$/.test(suffix) || Number(suffix) <= retain) continue;
    try {
      unlinkSync(join(directory, name));
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw asLogError(error, `could not remove ${join(directory, name)}`);
    }
  }
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return null;
    throw asLogError(error, `could not stat ${path}`);
  }
}

function assertRetain(retain: number): void {
  // At least one: with zero the live writer's file would be unlinked and its lines lost.
  if (!Number.isSafeInteger(retain) || retain < 1) throw invalid('retain', retain, 'a whole number >= 1');
}

function assertMaxBytes(maxBytes: number): void {
  if (!Number.isFinite(maxBytes) || maxBytes <= 0) throw invalid('maxBytes', maxBytes, 'a number of bytes > 0');
}

function invalid(field: string, value: unknown, allowed: string): ArborError {
  return new ArborError('E_INVALID_SPEC', `log rotation ${field} must be ${allowed}, got ${describeValue(value)}`, {
    details: { field, value, allowed },
  });
}
