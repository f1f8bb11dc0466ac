// Finds and loads arbor's native spawner (native/spawn.c, built by npm's install step into build/Release), when
// this platform and kernel can use it.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** What native/spawn.c reports about a child, in order: spawned or failed, then exited. */
export const NATIVE_EVENT = { spawned: 1, failed: 2, exited: 3 } as const;

/** Special values of an fd slot of spawn(). */
export const NATIVE_SLOT = { devNull: -1, none: -2 } as const;

/** The step of the child's set-up that failed, by the number the addon reports. */
export const NATIVE_FAILED_STAGE = ['exec', 'cwd', 'stdio'] as const;

/** The addon's API (see native/spawn.c). */
export interface NativeSpawner {
  /**
   * Forks and execs without waiting for the exec; the pid, or -errno when the fork or its set-up failed. Each fd slot
   * (0-3) takes an fd to dup onto it, NATIVE_SLOT.devNull, or NATIVE_SLOT.none (left closed). With a gate (the two
   * ends of a socket pair, else -1 and -1), the child waits before its exec until the caller closes gateRelease.
   */
  spawn(
    file: string,
    argv: string[],
    envp: string[],
    cwd: string,
    stdin: number,
    stdout: number,
    stderr: number,
    ipc: number,
    gateHold: number,
    gateRelease: number,
    onEvent: (kind: number, value: number, extra: number) => void,
  ): number;
  /** A connected pair of unix stream sockets, both close-on-exec: [ours, the child's]; throws an errno error (EMFILE...) when it cannot. */
  socketpair(): [number, number];
  supported(): boolean;
}

/** Whether the native spawner is in use, and if not, why. */
export interface NativeSpawnerStatus {
  spawner: NativeSpawner | null;
  reason: string;
}

const ADDON_FILE = path.join('build', 'Release', 'arbor_spawn.node');

let cached: NativeSpawnerStatus | undefined;

// Loads the addon once per process. ARBOR_SPAWNER=node turns it off (child_process.spawn for every app).
export function nativeSpawnerStatus(): NativeSpawnerStatus {
  cached ??= loadSpawner();
  return cached;
}

function loadSpawner(): NativeSpawnerStatus {
  if (process.env.ARBOR_SPAWNER === 'node') return { spawner: null, reason: 'ARBOR_SPAWNER=node' };
  if (process.platform !== 'linux') return { spawner: null, reason: `it needs Linux, this is ${process.platform}` };
  const file = findAddon(path.dirname(fileURLToPath(import.meta.url)));
  if (file === undefined) return { spawner: null, reason: `${ADDON_FILE} was not built (npm's install step builds it with node-gyp)` };
  try {
    const spawner = wrapAddon(createRequire(import.meta.url)(file) as NativeAddon);
    if (!spawner.supported()) return { spawner: null, reason: 'this kernel has no pidfd_open (Linux 5.3 or later)' };
    return { spawner, reason: `loaded from ${file}` };
  } catch (error) {
    return { spawner: null, reason: `${file} did not load: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** The addon's exports as native/spawn.c defines them (lists as NUL-terminated strings, flags as numbers). */
interface NativeAddon {
  spawn(
    file: string,
    argv: string,
    envp: string,
    cwd: string,
    ...slotsGateListenerAndName: [number, number, number, number, number, number, (kind: number, value: number, extra: number) => void, string]
  ): number;
  socketpair(into: { ours: number; theirs: number }): number;
  supported(): number;
}

/** What async_hooks call the native spawner's callbacks. */
const ASYNC_RESOURCE_NAME = 'arbor:spawn';

// The typed API over the addon's exports, which take the shapes that are cheapest to read from C.
function wrapAddon(addon: NativeAddon): NativeSpawner {
  return {
    spawn: (file, argv, envp, cwd, ...rest) => addon.spawn(file, nulTerminated(argv), nulTerminated(envp), cwd, ...rest, ASYNC_RESOURCE_NAME),
    socketpair: () => {
      const pair = { ours: -1, theirs: -1 };
      const result = addon.socketpair(pair);
      if (result < 0) throw errnoError(-result, 'socketpair');
      return [pair.ours, pair.theirs];
    },
    supported: () => addon.supported() === 1,
  };
}

// ["a", "b"] -> "a\0b\0" (the elements hold no NUL: nativeCanStart admits no such request).
function nulTerminated(list: readonly string[]): string {
  let text = '';
  for (const element of list) text += `${element}\0`;
  return text;
}

// The addon in the package root above this module: src/runtime/ when run from source, dist/src/runtime/ from tsc's
// output, dist/ from the daemon's bundle.
function findAddon(from: string): string | undefined {
  let dir = from;
  for (let depth = 0; depth < 5; depth += 1) {
    const candidate = path.join(dir, ADDON_FILE);
    if (fs.existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  return undefined;
}

const SIGNAL_NAMES = new Map(Object.entries(os.constants.signals).map(([name, number]) => [number, name as NodeJS.Signals]));
const ERRNO_NAMES = new Map(Object.entries(os.constants.errno).map(([name, number]) => [number, name]));

// The name of a signal number ('SIGTERM'), or null for 0 or a number this platform does not name.
export function signalName(signalNumber: number): NodeJS.Signals | null {
  return SIGNAL_NAMES.get(signalNumber) ?? null;
}

// An Error like the ones Node's own calls throw for an errno: code 'ENOENT', errno -2, the call in the message.
export function errnoError(errno: number, call: string): NodeJS.ErrnoException {
  const code = ERRNO_NAMES.get(errno) ?? `E${errno}`;
  return Object.assign(new Error(`${call} ${code}`), { code, errno: -errno, syscall: call });
}
