// Finds the home's daemon or starts one: connect and ping; else spawn it detached and wait until it answers.
//
// Two clients racing here each spawn a daemon; the daemon lock (src/daemon/lock.ts) lets one of them win,
// the other exits, and both clients end up connected to the winner, since they only wait for a ping reply.

import { closeSync, openSync } from 'node:fs';
import { ArborError } from '../errors.js';
import { ensureHome } from '../daemon/home.js';
import type { HomePaths } from '../daemon/home.js';
import { lockHolderPid } from '../daemon/lock.js';
import { connect } from './connection.js';
import type { RpcConnection } from './connection.js';

/** Options of ensureDaemon. */
export interface EnsureDaemonOptions {
  /** Path of the daemon's JavaScript entry file, run as `node [...nodeArgs] entry`. */
  entry: string;
  /** Arguments for node before the entry (e.g. ['--import', 'tsx']). */
  nodeArgs?: string[];
  /** The daemon's environment (default process.env); ARBOR_HOME is always set to the home. */
  env?: NodeJS.ProcessEnv;
  /** The daemon's working directory (default the caller's). */
  cwd?: string;
  /** How long to wait for a started daemon to answer a ping (default 5000 ms). */
  timeoutMs?: number;
}

/** A connection to a daemon that answered a ping. */
export interface EnsuredDaemon {
  connection: RpcConnection;
  /** True when this call spawned a daemon process (even if another client's daemon won the race). */
  started: boolean;
}

interface SpawnedDaemon {
  pid: number | undefined;
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  spawnError: Error | undefined;
}

const DEFAULT_TIMEOUT_MS = 5000;
const FIRST_POLL_DELAY_MS = 20;
const MAX_POLL_DELAY_MS = 250;
const PROBE_TIMEOUT_MS = 1000;

// Connects to the home's daemon, starting it first when nothing answers; E_DAEMON_UNREACHABLE names its log.
export async function ensureDaemon(paths: HomePaths, options: EnsureDaemonOptions): Promise<EnsuredDaemon> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const running = await pingDaemon(paths.socket, Math.min(PROBE_TIMEOUT_MS, timeoutMs));
  if (running !== undefined) return { connection: running, started: false };

  ensureHome(paths);
  const spawned = await spawnDaemon(paths, options);
  const deadline = performance.now() + timeoutMs;
  let delay = FIRST_POLL_DELAY_MS;
  for (;;) {
    const connection = await pingDaemon(paths.socket, Math.max(1, Math.min(PROBE_TIMEOUT_MS, deadline - performance.now())));
    if (connection !== undefined) return { connection, started: true };
    if (spawned.spawnError !== undefined) break;
    // Our daemon exited: fine if it lost the lock to one that is starting (it will answer soon), fatal if not.
    if (spawned.exit !== undefined && lockHolderPid(paths) === undefined) break;
    const remaining = deadline - performance.now();
    if (remaining <= 0) break;
    await sleep(Math.min(delay, remaining));
    delay = Math.min(delay * 2, MAX_POLL_DELAY_MS);
  }
  throw unreachableError(paths, spawned, timeoutMs);
}

// A connection whose ping was answered, or undefined when nothing answers in time.
async function pingDaemon(socketPath: string, timeoutMs: number): Promise<RpcConnection | undefined> {
  let connection: RpcConnection;
  try {
    connection = await connect(socketPath, { timeoutMs });
  } catch {
    return undefined;
  }
  try {
    await connection.call('ping', undefined, { timeoutMs });
    return connection;
  } catch {
    await connection.close();
    return undefined;
  }
}

async function spawnDaemon(paths: HomePaths, options: EnsureDaemonOptions): Promise<SpawnedDaemon> {
  // Loaded only here: child_process costs the CLI several milliseconds when the daemon is already up.
  const { spawn } = await import('node:child_process');
  const log = openSync(paths.daemonLog, 'a', 0o600);
  const spawned: SpawnedDaemon = { pid: undefined, exit: undefined, spawnError: undefined };
  try {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.entry], {
      detached: true,
      stdio: ['ignore', log, log],
      env: { ...(options.env ?? process.env), ARBOR_HOME: paths.home },
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    });
    spawned.pid = child.pid;
    child.once('error', (error) => {
      spawned.spawnError = error;
    });
    child.once('exit', (code, signal) => {
      spawned.exit = { code, signal };
    });
    child.unref();
  } finally {
    closeSync(log);
  }
  return spawned;
}

function unreachableError(paths: HomePaths, spawned: SpawnedDaemon, timeoutMs: number): ArborError {
  const outcome =
    spawned.spawnError !== undefined
      ? `it could not be started (${spawned.spawnError.message})`
      : spawned.exit !== undefined
        ? `the daemon process ${spawned.pid} exited (${spawned.exit.signal ?? `code ${spawned.exit.code}`})`
        : `the daemon process ${spawned.pid} did not answer within ${timeoutMs} ms`;
  return new ArborError(
    'E_DAEMON_UNREACHABLE',
    `arbor's daemon is not answering on ${paths.socket}: ${outcome}; read ${paths.daemonLog} for its output`,
    {
      cause: spawned.spawnError,
      details: { socket: paths.socket, log: paths.daemonLog, pid: spawned.pid, exit: spawned.exit },
    },
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
}
