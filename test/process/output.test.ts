import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArborError } from '../../src/errors.js';
import { openOutput, OUTPUT_FILE_MODE } from '../../src/process/output.js';
import { makeTempDir, removeDir } from './helpers.js';

let dir: string;

beforeEach(() => {
  dir = makeTempDir('arbor-output-');
});

afterEach(() => removeDir(dir));

function isOpen(fd: number): boolean {
  try {
    fs.fstatSync(fd);
    return true;
  } catch {
    return false;
  }
}

describe('openOutput', () => {
  it.each([
    ['inherit', 'inherit'],
    ['ignore', 'ignore'],
    ['/dev/null', 'ignore'],
    ['NULL', 'ignore'],
  ] as const)('maps %s to %s', (target, stdio) => {
    const output = openOutput(target);
    expect(output.stdio).toBe(stdio);
    output.close();
  });

  it('passes a file descriptor through and never closes it', () => {
    const fd = fs.openSync(path.join(dir, 'mine.log'), 'w');
    try {
      const output = openOutput(fd);
      expect(output.stdio).toBe(fd);
      output.close();
      expect(isOpen(fd)).toBe(true);
    } finally {
      fs.closeSync(fd);
    }
  });

  it('rotates a capped file that holds maxBytes or more before opening a fresh one, keeping retain rotated files', () => {
    const file = path.join(dir, 'out.log');
    const target = { file, maxBytes: 10, retain: 2 };
    const writeRun = (text: string): void => {
      const output = openOutput(target);
      try {
        fs.writeSync(output.stdio as number, text);
      } finally {
        output.close();
      }
    };
    writeRun('run 1 wrote enough\n');
    writeRun('run 2 wrote enough\n');
    writeRun('run 3\n'); // under the cap: the next run appends
    writeRun('run 4\n');
    writeRun('run 5\n');
    expect(fs.readFileSync(file, 'utf8')).toBe('run 5\n');
    expect(fs.readFileSync(`${file}.1`, 'utf8')).toBe('run 3\nrun 4\n');
    expect(fs.readFileSync(`${file}.2`, 'utf8')).toBe('run 2 wrote enough\n');
    expect(fs.existsSync(`${file}.3`), 'run 1 is beyond retain').toBe(false);
  });

  it('treats a capped /dev/null as discarding', () => {
    const output = openOutput({ file: '/dev/null', maxBytes: 1, retain: 1 });
    expect(output.stdio).toBe('ignore');
  });

  it('opens a path for appending, creating parent directories, with mode 0640', () => {
    const file = path.join(dir, 'logs', 'api', 'out.log');
    const output = openOutput(file);
    try {
      expect(typeof output.stdio).toBe('number');
      fs.writeSync(output.stdio as number, 'first\n');
    } finally {
      output.close();
    }
    const mask = process.umask();
    expect(fs.statSync(file).mode & 0o777).toBe(OUTPUT_FILE_MODE & ~mask);
  });

  it('appends to what a file already holds, even after a seek', () => {
    const file = path.join(dir, 'out.log');
    fs.writeFileSync(file, 'old\n');
    const output = openOutput(file);
    const fd = output.stdio as number;
    fs.writeSync(fd, 'new\n', 0);
    output.close();
    expect(fs.readFileSync(file, 'utf8')).toBe('old\nnew\n');
  });

  it('closes the fd it opened, once, however often close is called', () => {
    const output = openOutput(path.join(dir, 'out.log'));
    const fd = output.stdio as number;
    expect(isOpen(fd)).toBe(true);
    output.close();
    expect(isOpen(fd)).toBe(false);
    expect(() => output.close()).not.toThrow();
  });

  it('throws the file system error for a path it cannot open', () => {
    fs.mkdirSync(path.join(dir, 'a-directory'));
    expect(() => openOutput(path.join(dir, 'a-directory'))).toThrow(expect.objectContaining({ code: 'EISDIR' }));
  });

  it.each(['', -1, 2.5])('refuses the target %s', (target) => {
    try {
      openOutput(target);
      expect.unreachable(`openOutput accepted ${String(target)}`);
    } catch (error) {
      expect(error).toBeInstanceOf(ArborError);
      expect((error as ArborError).code).toBe('E_INVALID_SPEC');
    }
  });
});
