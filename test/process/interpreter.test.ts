import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArborError } from '../../src/errors.js';
import type { ErrorCode } from '../../src/errors.js';
import { findOnPath, resolveLaunch, typeStrippingSupport } from '../../src/process/interpreter.js';
import type { LaunchOptions } from '../../src/spec/types.js';
import { makeTempDir, removeDir, writeExecutable } from './helpers.js';

let dir: string;
let fakeBin: string;
let env: NodeJS.ProcessEnv;

beforeEach(() => {
  dir = makeTempDir('arbor-interpreter-');
  fakeBin = path.join(dir, 'bin');
  for (const name of ['python3', 'bash', 'ruby', 'perl', 'php', 'tsx']) writeExecutable(path.join(fakeBin, name));
  env = { PATH: fakeBin, HOME: '/home/someone' };
});

afterEach(() => removeDir(dir));

function resolve(options: LaunchOptions, withEnv: NodeJS.ProcessEnv = env) {
  return resolveLaunch(options, { id: 'api', baseDir: dir, env: withEnv });
}

function touch(name: string, mode = 0o644): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, '', { mode });
  return file;
}

function arborError(action: () => unknown, code: ErrorCode): ArborError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ArborError);
    expect((error as ArborError).code).toBe(code);
    return error as ArborError;
  }
  throw new Error(`expected ArborError ${code}, nothing was thrown`);
}

describe('resolveLaunch: interpreter from the extension', () => {
  it.each(['.js', '.mjs', '.cjs'])('runs %s with the Node running arbor', (extension) => {
    const script = touch(`app${extension}`);
    const launch = resolve({ script: `app${extension}`, args: ['--port', '80'] });
    expect(launch).toMatchObject({
      file: process.execPath,
      args: [script, '--port', '80'],
      interpreter: 'node',
      display: `app${extension}`,
      cwd: dir,
    });
  });

  it.each([
    ['.py', 'python3'],
    ['.sh', 'bash'],
    ['.rb', 'ruby'],
    ['.pl', 'perl'],
    ['.php', 'php'],
  ])('runs %s with %s found on PATH', (extension, interpreter) => {
    const script = touch(`job${extension}`);
    const launch = resolve({ script: `job${extension}`, args: ['x'] });
    expect(launch).toMatchObject({
      file: path.join(fakeBin, interpreter),
      args: [script, 'x'],
      interpreter,
      display: `job${extension}`,
    });
  });

  it('matches extensions case-insensitively', () => {
    touch('LEGACY.PY');
    expect(resolve({ script: 'LEGACY.PY' }).interpreter).toBe('python3');
  });

  it.each(['.ts', '.mts', '.cts'])('runs %s with Node type stripping, or says how to run it on an older Node', (extension) => {
    const script = touch(`main${extension}`);
    const support = typeStrippingSupport(process.versions.node);
    if (support === 'unsupported') {
      const error = arborError(() => resolve({ script: `main${extension}` }), 'E_UNSUPPORTED_TYPESCRIPT');
      expect(error.message).toContain(process.versions.node);
      expect(error.message).toContain("'tsx'");
      expect(error.message).toContain("'bun'");
      expect(error.message).toContain('22.6');
      expect(error.details.field).toBe('interpreter');
    } else {
      const flags = support === 'flag' ? ['--experimental-strip-types'] : [];
      expect(resolve({ script: `main${extension}` })).toMatchObject({
        file: process.execPath,
        args: [...flags, script],
        interpreter: 'node',
      });
    }
  });

  it('runs .ts with an explicit interpreter such as tsx on any Node', () => {
    const script = touch('main.ts');
    expect(resolve({ script: 'main.ts', interpreter: 'tsx' })).toMatchObject({
      file: path.join(fakeBin, 'tsx'),
      args: [script],
      interpreter: 'tsx',
    });
  });
});

describe('typeStrippingSupport', () => {
  it.each([
    ['20.20.2', 'unsupported'],
    ['22.5.1', 'unsupported'],
    ['v22.6.0', 'flag'],
    ['22.17.1', 'flag'],
    ['22.18.0', 'default'],
    ['23.0.0', 'flag'],
    ['23.5.0', 'flag'],
    ['23.6.0', 'default'],
    ['24.1.0', 'default'],
  ])('Node %s: %s', (version, expected) => {
    expect(typeStrippingSupport(version)).toBe(expected);
  });
});

describe('resolveLaunch: files that run themselves', () => {
  it('executes a file without a known extension directly', () => {
    const tool = writeExecutable(path.join(dir, 'tool'));
    expect(resolve({ script: './tool', args: ['a', 'b'] })).toMatchObject({
      file: tool,
      args: ['a', 'b'],
      interpreter: 'none',
      display: './tool',
    });
  });

  it('refuses a file without a known extension that is not executable', () => {
    const data = touch('data.bin');
    const error = arborError(() => resolve({ script: 'data.bin' }), 'E_INVALID_SPEC');
    expect(error.message).toContain(data);
    expect(error.message).toContain('not an executable file');
    expect(error.details.field).toBe('script');
  });

  it("runs a script itself with interpreter 'none', whatever its extension", () => {
    const script = writeExecutable(path.join(dir, 'run.py'));
    expect(resolve({ script: 'run.py', interpreter: 'none', args: ['-v'] })).toMatchObject({
      file: script,
      args: ['-v'],
      interpreter: 'none',
    });
  });

  it("refuses interpreter 'none' on a file that is not executable", () => {
    touch('run.py');
    const error = arborError(() => resolve({ script: 'run.py', interpreter: 'none' }), 'E_INVALID_SPEC');
    expect(error.message).toContain('interpreter "none"');
  });

  it('refuses interpreterArgs when there is no interpreter to give them to', () => {
    writeExecutable(path.join(dir, 'tool'));
    const error = arborError(() => resolve({ script: 'tool', interpreterArgs: ['-u'] }), 'E_INVALID_SPEC');
    expect(error.details.field).toBe('interpreterArgs');
  });
});

describe('resolveLaunch: explicit interpreters', () => {
  it('puts interpreterArgs between the interpreter and the script, args after it', () => {
    const script = touch('app.js');
    expect(resolve({ script: 'app.js', interpreterArgs: ['--inspect', '--max-old-space-size=64'], args: ['serve'] }).args).toEqual([
      '--inspect',
      '--max-old-space-size=64',
      script,
      'serve',
    ]);
  });

  it('looks an interpreter name up on PATH, in PATH order, skipping files that are not executable', () => {
    const first = path.join(dir, 'first');
    const second = path.join(dir, 'second');
    fs.mkdirSync(first);
    fs.writeFileSync(path.join(first, 'deno'), '', { mode: 0o644 });
    writeExecutable(path.join(second, 'deno'));
    writeExecutable(path.join(dir, 'third', 'deno'));
    touch('app.js');
    const launch = resolve({ script: 'app.js', interpreter: 'deno' }, { PATH: [first, second, path.join(dir, 'third')].join(':') });
    expect(launch.file).toBe(path.join(second, 'deno'));
    expect(launch.interpreter).toBe('deno');
  });

  it('takes an interpreter containing a slash as a path relative to cwd', () => {
    const python = writeExecutable(path.join(dir, 'venv', 'bin', 'python'));
    const script = touch('task.py');
    expect(resolve({ script: 'task.py', interpreter: './venv/bin/python' })).toMatchObject({
      file: python,
      args: [script],
      interpreter: './venv/bin/python',
    });
    expect(resolve({ script: 'task.py', interpreter: python }).file).toBe(python);
  });

  it('reports an interpreter missing from PATH with the PATH it searched', () => {
    touch('app.rb');
    const searched = `${path.join(dir, 'nowhere')}:/also/nowhere`;
    const error = arborError(() => resolve({ script: 'app.rb' }, { PATH: searched }), 'E_INTERPRETER_NOT_FOUND');
    expect(error.message).toContain('"ruby"');
    expect(error.message).toContain(searched);
    expect(error.details).toMatchObject({ field: 'interpreter', value: 'ruby', path: searched });
  });

  it('reports an interpreter path that is missing or not executable', () => {
    touch('app.py');
    const notExecutable = touch('python-copy');
    const missing = arborError(() => resolve({ script: 'app.py', interpreter: '/opt/none/python' }), 'E_INTERPRETER_NOT_FOUND');
    expect(missing.message).toContain('/opt/none/python');
    const plain = arborError(() => resolve({ script: 'app.py', interpreter: './python-copy' }), 'E_INTERPRETER_NOT_FOUND');
    expect(plain.message).toContain(notExecutable);
  });

  it('honours a changed PATH between two resolutions', () => {
    touch('job.py');
    const otherBin = path.join(dir, 'other-bin');
    writeExecutable(path.join(otherBin, 'python3'));
    expect(resolve({ script: 'job.py' }).file).toBe(path.join(fakeBin, 'python3'));
    expect(resolve({ script: 'job.py' }, { PATH: otherBin }).file).toBe(path.join(otherBin, 'python3'));
    fs.rmSync(path.join(otherBin, 'python3'));
    arborError(() => resolve({ script: 'job.py' }, { PATH: otherBin }), 'E_INTERPRETER_NOT_FOUND');
  });

  it('uses process.env when the context gives no env', () => {
    touch('app.js');
    const launch = resolveLaunch({ script: 'app.js' }, { id: 'api', baseDir: dir });
    expect(launch.env.PATH).toBe(process.env.PATH);
  });
});

describe('findOnPath', () => {
  it('skips empty and relative PATH entries', () => {
    writeExecutable(path.join(dir, 'rel', 'tool'));
    expect(findOnPath('tool', ['', 'rel', '.'].join(':'))).toBeUndefined();
    expect(findOnPath('tool', ['', path.join(dir, 'rel')].join(':'))).toBe(path.join(dir, 'rel', 'tool'));
  });

  it('does not take a directory for an executable', () => {
    fs.mkdirSync(path.join(dir, 'bin', 'tool'));
    expect(findOnPath('tool', path.join(dir, 'bin'))).toBeUndefined();
  });
});

describe('resolveLaunch: command strings', () => {
  it('runs a command with /bin/sh -c', () => {
    expect(resolve({ command: 'node server.js | tee log' })).toMatchObject({
      file: '/bin/sh',
      args: ['-c', 'node server.js | tee log'],
      interpreter: 'sh',
      display: 'node server.js | tee log',
      cwd: dir,
    });
  });

  it("passes args as the shell's positional parameters", () => {
    expect(resolve({ command: 'echo "$@"', args: ['a b', 'c'] }).args).toEqual(['-c', 'echo "$@"', '/bin/sh', 'a b', 'c']);
  });

  it.each([
    ['interpreter', { interpreter: 'bash' }],
    ['interpreterArgs', { interpreterArgs: ['-x'] }],
  ])('refuses %s with a command', (field, extra) => {
    const error = arborError(() => resolve({ command: 'true', ...extra }), 'E_INVALID_SPEC');
    expect(error.details.field).toBe(field);
  });
});

describe('resolveLaunch: script or command, exactly one', () => {
  it('reports neither, naming the worker and the field', () => {
    const error = arborError(() => resolve({ args: ['x'] }), 'E_MISSING_SCRIPT');
    expect(error.message).toContain('"api"');
    expect(error.message).toContain('script');
    expect(error.details.field).toBe('script');
  });

  it('reports both', () => {
    touch('app.js');
    const error = arborError(() => resolve({ script: 'app.js', command: 'true' }), 'E_INVALID_SPEC');
    expect(error.message).toContain('both script and command');
  });

  it.each([
    ['script', { script: '' }],
    ['command', { command: '' }],
    ['args', { command: 'true', args: 'not-a-list' as unknown as string[] }],
    ['interpreterArgs', { script: 'app.js', interpreterArgs: [1] as unknown as string[] }],
  ])('refuses a malformed %s', (field, options) => {
    touch('app.js');
    const error = arborError(() => resolve(options), 'E_INVALID_SPEC');
    expect(error.details.field).toBe(field);
  });
});

describe('resolveLaunch: cwd and script paths', () => {
  it('resolves cwd against baseDir and the script against cwd', () => {
    const script = touch('services/api/index.js');
    const launch = resolve({ script: 'index.js', cwd: 'services/api' });
    expect(launch.cwd).toBe(path.join(dir, 'services', 'api'));
    expect(launch.args).toEqual([script]);
  });

  it('keeps an absolute cwd and an absolute script', () => {
    const other = makeTempDir('arbor-interpreter-other-');
    try {
      const script = touch('app.js');
      const launch = resolve({ script, cwd: other });
      expect(launch.cwd).toBe(other);
      expect(launch.args).toEqual([script]);
    } finally {
      removeDir(other);
    }
  });

  it('reports a cwd that does not exist or is a file', () => {
    touch('app.js');
    const missing = arborError(() => resolve({ script: 'app.js', cwd: 'gone' }), 'E_CWD_NOT_FOUND');
    expect(missing.message).toContain(path.join(dir, 'gone'));
    expect(missing.details.field).toBe('cwd');
    arborError(() => resolve({ script: 'app.js', cwd: 'app.js' }), 'E_CWD_NOT_FOUND');
  });

  it('reports a missing script with the absolute path it tried', () => {
    fs.mkdirSync(path.join(dir, 'srv'));
    const error = arborError(() => resolve({ script: 'main.py', cwd: 'srv' }), 'E_SCRIPT_NOT_FOUND');
    expect(error.message).toContain(path.join(dir, 'srv', 'main.py'));
    expect(error.details).toMatchObject({ field: 'script', value: 'main.py', path: path.join(dir, 'srv', 'main.py') });
  });
});

describe('resolveLaunch: environment', () => {
  it('overlays the worker env on the inherited one and drops unset values', () => {
    touch('app.js');
    const launch = resolve({ script: 'app.js', env: { NODE_ENV: 'production', HOME: '/srv' } }, { ...env, UNSET: undefined });
    expect(launch.env).toEqual({ PATH: fakeBin, HOME: '/srv', NODE_ENV: 'production' });
    expect('UNSET' in launch.env).toBe(false);
  });
});

describe('resolveLaunch: properties', () => {
  it('passes any args through verbatim after the script, and any interpreterArgs before it', () => {
    const script = touch('app.py');
    fc.assert(
      fc.property(fc.array(fc.string()), fc.array(fc.string()), (interpreterArgs, args) => {
        const launch = resolve({ script: 'app.py', interpreterArgs, args });
        expect(launch.args).toEqual([...interpreterArgs, script, ...args]);
      }),
      { numRuns: 50 },
    );
  });
});
