// Where the daemon's code is: the bundled dist/daemon.js, the compiled dist/src/daemon/main.js, or the TypeScript
// source run through tsx, plus the package root and version that finding it needs.
//
// Loaded by every CLI command that may start the daemon, so it imports only node:fs, node:module, node:path and node:url.

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ArborError, describeValue } from '../errors.js';

/** How to run the daemon: `node [...nodeArgs] entry`. */
export interface DaemonEntry {
  entry: string;
  nodeArgs: string[];
}

/** What chooseDaemonEntry decides from; daemonEntry fills it from the running system. */
export interface DaemonEntryContext {
  /** The package root (the folder whose package.json says "name": "arbor"). */
  root: string;
  /** True when this code runs from TypeScript source (tests, tsx), false when it runs from built JavaScript. */
  fromSource: boolean;
  /** ARBOR_DAEMON_ENTRY, when set: a path (relative to cwd) to run instead. */
  override: string | undefined;
  cwd: string;
  exists: (path: string) => boolean;
  /** The file URL of tsx's ESM loader, for TypeScript entries; throws when tsx is not installed. */
  tsxLoader: () => string;
}

/** The package name that marks arbor's root folder. */
const PACKAGE_NAME = 'arbor';

const TYPESCRIPT_ENTRY = /\.[cm]?ts$/;

// The folder of the arbor package that holds `from` (a file URL or path), found by walking up to its package.json.
export function packageRoot(from: string = import.meta.url): string {
  const start = from.startsWith('file:') ? fileURLToPath(from) : from;
  for (let dir = dirname(start); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && readPackageName(manifest) === PACKAGE_NAME) return dir;
    if (dirname(dir) === dir) break;
  }
  throw new ArborError('E_DAEMON_UNREACHABLE', `cannot find arbor's package.json above ${start}`, {
    details: { field: 'package root', value: start, allowed: `a folder above it whose package.json has "name": "${PACKAGE_NAME}"` },
  });
}

// arbor's version from its package.json ('0.0.0' when it cannot be read).
export function packageVersion(root: string = packageRoot()): string {
  try {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof manifest.version === 'string' ? manifest.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

function readPackageName(manifest: string): unknown {
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name;
  } catch {
    return undefined;
  }
}

// The daemon's entry and node arguments for this installation (see chooseDaemonEntry for the order).
export function daemonEntry(env: NodeJS.ProcessEnv = process.env): DaemonEntry {
  const root = packageRoot();
  const override = env['ARBOR_DAEMON_ENTRY'];
  return chooseDaemonEntry({
    root,
    fromSource: TYPESCRIPT_ENTRY.test(fileURLToPath(import.meta.url)),
    override: override === undefined || override === '' ? undefined : override,
    cwd: process.cwd(),
    exists: existsSync,
    tsxLoader: () => pathToFileURL(createRequire(join(root, 'package.json')).resolve('tsx')).href,
  });
}

/**
 * V8 flags for the daemon: it is long-lived and mostly idle, so memory matters more than peak speed.
 * - --lite-mode: no optimising compilers and lighter feedback, so neither TurboFan's code pages in the node binary nor
 *   optimised code get resident. Measured with 50 apps (3 runs each): RSS 49.2 MB against 51.2 MB with --no-opt, and
 *   47.1 against 48.4 MB idle; daemon CPU for the 50-app start 530 against 550 ms; a `--time` log flood through the
 *   daemon costs the same CPU per line (the daemon is busy in read and write calls, not in JavaScript).
 *   It implies --jitless, so the daemon has no WebAssembly (none of its code or dependencies uses it);
 *   --no-expose-wasm says so up front, which keeps V8's "disabling flag --expose_wasm" warning out of arbor.log.
 * - --optimize-for-size halved the RSS growth after starting 50 apps.
 * - --expose-gc lets it collect once quiet (src/daemon/idle-gc.ts).
 */
export const DAEMON_NODE_ARGS: readonly string[] = ['--lite-mode', '--no-expose-wasm', '--optimize-for-size', '--expose-gc'];

/**
 * Picks the daemon's entry, first match wins:
 * 1. ARBOR_DAEMON_ENTRY (a .ts file is run through tsx);
 * 2. src/daemon/main.ts through tsx when this code itself runs from source, so tests never run a stale build;
 * 3. dist/daemon.js, the bundle scripts/build-cli.mjs writes;
 * 4. dist/src/daemon/main.js, what tsc alone writes;
 * 5. src/daemon/main.ts through tsx.
 */
export function chooseDaemonEntry(context: DaemonEntryContext): DaemonEntry {
  const source = join(context.root, 'src', 'daemon', 'main.ts');
  const withLoader = (entry: string): DaemonEntry =>
    TYPESCRIPT_ENTRY.test(entry) ? { entry, nodeArgs: [...DAEMON_NODE_ARGS, '--import', context.tsxLoader()] } : { entry, nodeArgs: [...DAEMON_NODE_ARGS] };

  if (context.override !== undefined) {
    const entry = isAbsolute(context.override) ? context.override : resolve(context.cwd, context.override);
    if (!context.exists(entry)) {
      throw new ArborError('E_DAEMON_UNREACHABLE', `ARBOR_DAEMON_ENTRY names a file that does not exist: ${describeValue(entry)}`, {
        details: { field: 'ARBOR_DAEMON_ENTRY', value: entry, allowed: 'the path of a daemon entry file (.js, or .ts run through tsx)' },
      });
    }
    return withLoader(entry);
  }
  if (context.fromSource && context.exists(source)) return withLoader(source);
  for (const built of [join(context.root, 'dist', 'daemon.js'), join(context.root, 'dist', 'src', 'daemon', 'main.js')]) {
    if (context.exists(built)) return { entry: built, nodeArgs: [...DAEMON_NODE_ARGS] };
  }
  if (context.exists(source)) return withLoader(source);
  throw new ArborError('E_DAEMON_UNREACHABLE', `cannot find arbor's daemon under ${context.root}: build it with \`npm run build\``, {
    details: { field: 'daemon entry', value: context.root, allowed: 'dist/daemon.js, dist/src/daemon/main.js or src/daemon/main.ts' },
  });
}
