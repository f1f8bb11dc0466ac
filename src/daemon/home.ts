// The arbor home directory (ARBOR_HOME, default ~/.arbor): where the daemon keeps its pid, socket, logs and dump.

import { chmodSync, lstatSync, mkdirSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ArborError, describeValue } from '../errors.js';

/** Every path the daemon and the client agree on, all absolute. */
export interface HomePaths {
  /** The home directory itself (ARBOR_HOME or ~/.arbor). */
  home: string;
  /** `arbor.pid`: the daemon's pid, written after it holds the lock (informational: the lock is `lockDir`). */
  pidFile: string;
  /** `arbor.lock/`: the lock generations that make one daemon per home (see lock.ts). */
  lockDir: string;
  /** `rpc.sock`, or a short path under the temp dir when that would exceed the socket path limit (see socketPathFor). */
  socket: string;
  /** `arbor.log`: the daemon's own stdout and stderr. */
  daemonLog: string;
  /** `logs/`: the managed processes' log files. */
  logsDir: string;
  /** `pids/`: one pid file per managed process. */
  pidsDir: string;
  /** `dump.json`: the saved process list (arbor save / resurrect). */
  dumpFile: string;
  /** `dump.json.bak`: the previous dump, kept when a new one is written. */
  dumpBackup: string;
}

/** Options of socketPathFor; each defaults to the running system's value. */
export interface SocketPathOptions {
  platform?: NodeJS.Platform;
  tmpdir?: string;
}

const WINDOWS_PIPE_PREFIX = '\\\\.\\pipe\\';

// Longest unix socket path in bytes: sun_path is 108 bytes on Linux and 104 on macOS and the BSDs, NUL included.
export function maxSocketPathBytes(platform: NodeJS.Platform = process.platform): number {
  return platform === 'linux' || platform === 'android' ? 107 : 103;
}

// True when the path names a Windows named pipe rather than a socket file (no unlink, no chmod).
export function isWindowsPipe(socketPath: string): boolean {
  return socketPath.startsWith(WINDOWS_PIPE_PREFIX);
}

/**
 * Where the daemon's socket lives for a home. The rule: `<home>/rpc.sock` when it fits in the platform's
 * socket path limit (maxSocketPathBytes); otherwise `<tmpdir>/arbor-<hash>/rpc.sock`, where <hash> is the first
 * 16 hex digits of a 64-bit FNV-1a hash of the home, so every client and the daemon derive the same path from the same home. If
 * even that is too long (a very long TMPDIR), `/tmp` is used instead of the temp dir. The fallback directory
 * is created private (0o700) by ensureHome, which refuses it when another user owns it. On Windows the
 * socket is the named pipe `\\.\pipe\arbor-<hash>`.
 */
export function socketPathFor(home: string, options: SocketPathOptions = {}): string {
  const platform = options.platform ?? process.platform;
  const hash = fnv1a64(home);
  if (platform === 'win32') return `${WINDOWS_PIPE_PREFIX}arbor-${hash}`;
  const limit = maxSocketPathBytes(platform);
  const inHome = join(home, 'rpc.sock');
  if (Buffer.byteLength(inHome) <= limit) return inHome;
  const inTemp = join(options.tmpdir ?? tmpdir(), `arbor-${hash}`, 'rpc.sock');
  if (Buffer.byteLength(inTemp) <= limit) return inTemp;
  return join('/tmp', `arbor-${hash}`, 'rpc.sock');
}

// A 64-bit FNV-1a hash in hex: enough to tell homes apart in a socket path, and it spares every CLI run loading node:crypto.
function fnv1a64(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(text)) hash = BigInt.asUintN(64, (hash ^ BigInt(byte)) * 0x100000001b3n);
  return hash.toString(16).padStart(16, '0');
}

// Resolves the home from ARBOR_HOME (made absolute) or ~/.arbor, and every path inside it.
export function resolveHome(env: NodeJS.ProcessEnv = process.env): HomePaths {
  const configured = env['ARBOR_HOME'];
  const home = configured !== undefined && configured !== '' ? resolve(configured) : join(homedir(), '.arbor');
  return {
    home,
    pidFile: join(home, 'arbor.pid'),
    lockDir: join(home, 'arbor.lock'),
    socket: socketPathFor(home),
    daemonLog: join(home, 'arbor.log'),
    logsDir: join(home, 'logs'),
    pidsDir: join(home, 'pids'),
    dumpFile: join(home, 'dump.json'),
    dumpBackup: join(home, 'dump.json.bak'),
  };
}

// Creates the home, logs/ and pids/ (and the socket's fallback directory) private to the user: mode 0o700.
export function ensureHome(paths: HomePaths): void {
  for (const dir of [paths.home, paths.logsDir, paths.pidsDir]) ensurePrivateDir(dir, false);
  const socketDir = dirname(paths.socket);
  if (!isWindowsPipe(paths.socket) && socketDir !== paths.home) ensurePrivateDir(socketDir, true);
}

// mkdir -p with mode 0o700, then tightens a directory that already existed with group or other bits.
function ensurePrivateDir(dir: string, mustBeOwned: boolean): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = lstatSync(dir);
    if (!stat.isDirectory()) {
      throw new ArborError('E_HOME_UNUSABLE', `${dir} exists and is not a directory`, {
        details: { field: 'ARBOR_HOME', value: dir, allowed: 'a directory path or a path that does not exist yet' },
      });
    }
    // A directory in a shared temp dir could have been planted by another user to receive our socket.
    const uid = process.getuid?.();
    if (mustBeOwned && uid !== undefined && stat.uid !== uid) {
      throw new ArborError('E_HOME_UNUSABLE', `${dir} belongs to user ${stat.uid}, not to this user (${uid})`, {
        details: { field: 'socket directory', value: dir, allowed: 'a directory owned by the user running arbor' },
      });
    }
    if ((stat.mode & 0o077) !== 0) chmodSync(dir, 0o700);
  } catch (error) {
    if (error instanceof ArborError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new ArborError('E_HOME_UNUSABLE', `cannot create or make private ${describeValue(dir)}: ${code ?? String(error)}`, {
      cause: error,
      details: { field: 'ARBOR_HOME', value: dir, allowed: 'a directory this user can create and chmod' },
    });
  }
}
