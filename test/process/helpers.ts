// Shared helpers for tests that start real processes: temp dirs, bounded polling, liveness, cleanup, a recording listener.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ArborError } from '../../src/errors.js';
import { isProcessAlive } from '../../src/process/liveness.js';
import type { ExitStatus, ProcessListener } from '../../src/runtime/driver.js';

/** Absolute path of a file in test/fixtures. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
}

/** A fresh directory under the OS temp dir; remove it with removeDir. */
export function makeTempDir(prefix = 'arbor-process-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Writes an executable shell script (used as a fake interpreter or a self-running file). */
export function writeExecutable(file: string, body = '#!/bin/sh\nexit 0\n'): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, body, { mode: 0o755 });
  return file;
}

/** True while the process exists and is not a zombie (this machine's init does not reap orphans, so zombies linger). */
export const isRunning = isProcessAlive;

/** True when the process is gone or has SIGKILL pending (Linux /proc; elsewhere only "gone" counts). */
export function goneOrKillPending(pid: number): boolean {
  if (!isRunning(pid)) return true;
  if (process.platform !== 'linux') return false;
  const sigkillBit = 1n << 8n;
  let status: string;
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return true;
  }
  const pending = [...status.matchAll(/^(?:SigPnd|ShdPnd):\s*([0-9a-f]+)$/gm)];
  return pending.some((match) => (BigInt(`0x${match[1] ?? '0'}`) & sigkillBit) !== 0n);
}

/** Polls `check` every 10 ms until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The trimmed content of a file, or undefined while it does not exist or is empty. */
export function readIfPresent(file: string): string | undefined {
  try {
    const text = fs.readFileSync(file, 'utf8').trim();
    return text === '' ? undefined : text;
  } catch {
    return undefined;
  }
}

/** SIGKILLs process groups and single pids it was told about; call killAll() in afterEach. */
export class ProcessReaper {
  private readonly groups = new Set<number>();
  private readonly pids = new Set<number>();

  group(pgid: number): number {
    this.groups.add(pgid);
    return pgid;
  }

  pid(pid: number): number {
    this.pids.add(pid);
    return pid;
  }

  killAll(): void {
    for (const pgid of this.groups) ignoreErrors(() => process.kill(-pgid, 'SIGKILL'));
    for (const pid of this.pids) ignoreErrors(() => process.kill(pid, 'SIGKILL'));
    this.groups.clear();
    this.pids.clear();
  }
}

function ignoreErrors(action: () => void): void {
  try {
    action();
  } catch {
    // already gone
  }
}

/** A listener that records every call in order and exposes each outcome as a promise. */
export interface RecordingListener extends ProcessListener {
  calls: string[];
  spawnedPid: Promise<number>;
  exit: Promise<ExitStatus>;
  failure: Promise<ArborError>;
}

/** Synchronous hooks run inside the listener's callbacks, before the promises settle. */
export interface ListenerHooks {
  spawned?: (pid: number) => void;
  exited?: (status: ExitStatus) => void;
}

export function recordingListener(hooks: ListenerHooks = {}): RecordingListener {
  let resolveSpawned!: (pid: number) => void;
  let resolveExit!: (status: ExitStatus) => void;
  let resolveFailure!: (error: ArborError) => void;
  const calls: string[] = [];
  return {
    calls,
    spawnedPid: new Promise((resolve) => (resolveSpawned = resolve)),
    exit: new Promise((resolve) => (resolveExit = resolve)),
    failure: new Promise((resolve) => (resolveFailure = resolve)),
    spawned(pid) {
      calls.push('spawned');
      hooks.spawned?.(pid);
      resolveSpawned(pid);
    },
    failed(error) {
      calls.push('failed');
      resolveFailure(error);
    },
    exited(status) {
      calls.push('exited');
      hooks.exited?.(status);
      resolveExit(status);
    },
    ignored() {
      calls.push('ignored');
    },
  };
}

/** Rejects after `ms` so a test fails with a message instead of hanging until the runner's timeout. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
