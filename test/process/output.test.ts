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
