// Turns a worker's launch options (script or command, interpreter, cwd, env) into the exact file and argv to exec.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ArborError, describeValue } from '../errors.js';
import type { LaunchOptions, ResolvedLaunch } from '../spec/types.js';

/** Interpreter names chosen by file extension; 'node' means the Node running arbor (process.execPath). */
export const INTERPRETER_BY_EXTENSION: Readonly<Record<string, string>> = {
  '.js': 'node',
  '.mjs': 'node',
  '.cjs': 'node',
  '.ts': 'node',
  '.mts': 'node',
  '.cts': 'node',
  '.py': 'python3',
  '.sh': 'bash',
  '.rb': 'ruby',
  '.pl': 'perl',
  '.php': 'php',
};

// The interpreter a script's extension picks ('none' when it runs itself), as resolveLaunch decides it.
export function interpreterForScript(script: string): string {
  return INTERPRETER_BY_EXTENSION[path.extname(script)] ?? 'none';
}

const TYPESCRIPT_EXTENSIONS = new Set(['.ts', '.mts', '.cts']);
const STRIP_TYPES_FLAG = '--experimental-strip-types';

/** How a Node version runs TypeScript: natively ('default'), behind STRIP_TYPES_FLAG ('flag'), or not at all. */
export type TypeStripping = 'default' | 'flag' | 'unsupported';

// Says how the given Node version (e.g. process.versions.node) strips types: 22.6+ with a flag, 22.18+ and 23.6+ by default.
export function typeStrippingSupport(nodeVersion: string): TypeStripping {
  const [major = 0, minor = 0] = nodeVersion.replace(/^v/, '').split('.').map(Number);
  if (major > 23 || (major === 23 && minor >= 6) || (major === 22 && minor >= 18)) return 'default';
  if (major === 23 || (major === 22 && minor >= 6)) return 'flag';
  return 'unsupported';
}

/** Where resolution happens: the worker id (for messages), the directory a relative cwd is taken from, the base env. */
export interface LaunchContext {
  id: string;
  baseDir: string;
  /** The environment the worker inherits and whose PATH finds interpreters (default process.env). */
  env?: NodeJS.ProcessEnv;
}

// Resolves launch options to the file, argv, cwd and env to exec; throws ArborError naming the field that is wrong.
export function resolveLaunch(options: LaunchOptions, context: LaunchContext): ResolvedLaunch {
  const hasScript = options.script !== undefined;
  const hasCommand = options.command !== undefined;
  if (hasScript && hasCommand) {
    throw new ArborError(
      'E_INVALID_SPEC',
      `worker "${context.id}" sets both script and command; set exactly one of them`,
      { details: { field: 'command', value: options.command, allowed: 'either script or command, not both' } },
    );
  }
  if (!hasScript && !hasCommand) {
    throw new ArborError(
      'E_MISSING_SCRIPT',
      `worker "${context.id}" has neither script nor command; set script (a file to run) or command (a shell line)`,
      { details: { field: 'script', value: undefined, allowed: 'a file path, or a command string instead' } },
    );
  }
  const baseEnv = context.env ?? process.env;
  const cwd = resolveCwd(options.cwd, context);
  const env = mergeEnv(baseEnv, options.env);
  const args = stringList(options.args, 'args', context.id);
  if (hasCommand) return resolveCommand(options, context.id, cwd, env, args);
  return resolveScript(options, context.id, cwd, env, args, baseEnv.PATH ?? '');
}

function resolveCommand(
  options: LaunchOptions,
  id: string,
  cwd: string,
  env: Record<string, string>,
  args: string[],
): ResolvedLaunch {
  const command = nonEmptyString(options.command, 'command', id);
  for (const field of ['interpreter', 'interpreterArgs'] as const) {
    if (options[field] !== undefined) {
      throw new ArborError(
        'E_INVALID_SPEC',
        `worker "${id}" sets ${field} ${describeValue(options[field])} with a command; a command always runs with /bin/sh, so use script instead`,
        { details: { field, value: options[field], allowed: 'nothing when command is set' } },
      );
    }
  }
  // Extra args become the shell's positional parameters $1.. ($0 stays /bin/sh, as without args).
  const shellArgs = args.length === 0 ? ['-c', command] : ['-c', command, '/bin/sh', ...args];
  return { file: '/bin/sh', args: shellArgs, cwd, env, interpreter: 'sh', display: command };
}

function resolveScript(
  options: LaunchOptions,
  id: string,
  cwd: string,
  env: Record<string, string>,
  args: string[],
  searchPath: string,
): ResolvedLaunch {
  const script = nonEmptyString(options.script, 'script', id);
  const scriptPath = path.resolve(cwd, script);
  if (!fs.existsSync(scriptPath)) {
    throw new ArborError(
      'E_SCRIPT_NOT_FOUND',
      `worker "${id}" has script ${describeValue(script)} but ${scriptPath} does not exist`,
      { details: { field: 'script', value: script, path: scriptPath, allowed: 'an existing file' } },
    );
  }
  const interpreterArgs = stringList(options.interpreterArgs, 'interpreterArgs', id);
  const extension = path.extname(scriptPath).toLowerCase();
  const explicit = options.interpreter === undefined ? undefined : nonEmptyString(options.interpreter, 'interpreter', id);
  const interpreter = explicit ?? INTERPRETER_BY_EXTENSION[extension] ?? 'none';
  const display = script;

  if (interpreter === 'none') {
    assertRunsItself(scriptPath, id, explicit === undefined);
    if (interpreterArgs.length > 0) {
      throw new ArborError(
        'E_INVALID_SPEC',
        `worker "${id}" sets interpreterArgs ${describeValue(options.interpreterArgs)} but ${scriptPath} runs without an interpreter; ` +
          'pass them in args or set interpreter',
        { details: { field: 'interpreterArgs', value: options.interpreterArgs, allowed: 'nothing when the script runs itself' } },
      );
    }
    return { file: scriptPath, args, cwd, env, interpreter, display };
  }
  if (explicit === undefined && interpreter === 'node') {
    const stripArgs = TYPESCRIPT_EXTENSIONS.has(extension) ? typeScriptArgs(id, script) : [];
    const nodeArgs = [...stripArgs, ...interpreterArgs, scriptPath, ...args];
    return { file: process.execPath, args: nodeArgs, cwd, env, interpreter, display };
  }
  const file = findInterpreter(interpreter, cwd, searchPath, id);
  return { file, args: [...interpreterArgs, scriptPath, ...args], cwd, env, interpreter, display };
}

// The Node flags a .ts script needs on this Node, or E_UNSUPPORTED_TYPESCRIPT with the way out.
function typeScriptArgs(id: string, script: string): string[] {
  const support = typeStrippingSupport(process.versions.node);
  if (support === 'default') return [];
  if (support === 'flag') return [STRIP_TYPES_FLAG];
  throw new ArborError(
    'E_UNSUPPORTED_TYPESCRIPT',
    `worker "${id}" runs the TypeScript file ${describeValue(script)} but Node ${process.versions.node} cannot strip types; ` +
      `set interpreter to 'tsx' or 'bun', or upgrade Node to 22.6 or later`,
    { details: { field: 'interpreter', value: undefined, allowed: "'tsx', 'bun', or Node 22.6+" } },
  );
}

// A file run without an interpreter must be a regular file the OS may execute.
function assertRunsItself(scriptPath: string, id: string, fromExtension: boolean): void {
  if (isExecutableFile(scriptPath)) return;
  const why = fromExtension ? 'has no known extension, so it must run itself, but it' : 'has interpreter "none" but';
  throw new ArborError(
    'E_INVALID_SPEC',
    `worker "${id}": script ${scriptPath} ${why} is not an executable file; chmod +x it or set interpreter`,
    {
      details: {
        field: 'script',
        value: scriptPath,
        allowed: `an executable file, or an interpreter for it (known extensions: ${Object.keys(INTERPRETER_BY_EXTENSION).join(' ')})`,
      },
    },
  );
}

// Finds an interpreter: a name containing a slash is a path (relative to cwd), any other name is searched on PATH.
function findInterpreter(interpreter: string, cwd: string, searchPath: string, id: string): string {
  if (interpreter.includes('/')) {
    const candidate = path.resolve(cwd, interpreter);
    if (isExecutableFile(candidate)) return candidate;
    throw new ArborError(
      'E_INTERPRETER_NOT_FOUND',
      `worker "${id}" has interpreter ${describeValue(interpreter)} but ${candidate} is not an executable file`,
      { details: { field: 'interpreter', value: interpreter, path: candidate, allowed: 'an executable file or a name on PATH' } },
    );
  }
  const found = findOnPath(interpreter, searchPath);
  if (found !== undefined) return found;
  throw new ArborError(
    'E_INTERPRETER_NOT_FOUND',
    `worker "${id}" needs the interpreter ${describeValue(interpreter)}, which is not an executable file on PATH=${searchPath}; ` +
      `install it, set interpreter to its path, or add its directory to PATH`,
    { details: { field: 'interpreter', value: interpreter, path: searchPath, allowed: 'an executable file or a name on PATH' } },
  );
}

// The first executable regular file named `name` in the PATH directories (empty and relative entries skipped), or undefined.
export function findOnPath(name: string, searchPath: string): string | undefined {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!path.isAbsolute(dir)) continue;
    const candidate = path.join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function resolveCwd(cwd: unknown, context: LaunchContext): string {
  if (cwd !== undefined && (typeof cwd !== 'string' || cwd === '')) {
    throw new ArborError('E_INVALID_SPEC', `worker "${context.id}" has cwd ${describeValue(cwd)}; it must be a directory path`, {
      details: { field: 'cwd', value: cwd, allowed: 'a non-empty directory path' },
    });
  }
  const resolved = path.resolve(context.baseDir, cwd ?? '.');
  let isDirectory = false;
  try {
    isDirectory = fs.statSync(resolved).isDirectory();
  } catch {
    isDirectory = false;
  }
  if (!isDirectory) {
    throw new ArborError(
      'E_CWD_NOT_FOUND',
      `worker "${context.id}" has cwd ${describeValue(cwd ?? context.baseDir)} but ${resolved} is not an existing directory`,
      { details: { field: 'cwd', value: cwd, path: resolved, allowed: 'an existing directory' } },
    );
  }
  return resolved;
}

// The inherited environment overlaid with the worker's own, keeping only string values.
function mergeEnv(base: NodeJS.ProcessEnv, own: Record<string, string> | undefined): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...base, ...own })) {
    if (typeof value === 'string') merged[key] = value;
  }
  return merged;
}

function nonEmptyString(value: unknown, field: string, id: string): string {
  if (typeof value === 'string' && value !== '') return value;
  throw new ArborError('E_INVALID_SPEC', `worker "${id}" has ${field} ${describeValue(value)}; it must be a non-empty string`, {
    details: { field, value, allowed: 'a non-empty string' },
  });
}

function stringList(value: unknown, field: string, id: string): string[] {
  if (value === undefined) return [];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return [...value];
  throw new ArborError('E_INVALID_SPEC', `worker "${id}" has ${field} ${describeValue(value)}; it must be an array of strings`, {
    details: { field, value, allowed: 'an array of strings' },
  });
}
