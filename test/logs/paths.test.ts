import { homedir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isArborError } from '../../src/errors.js';
import { insertProcessId, logFilesOf, logFileStem, logPaths, type LogPathInput } from '../../src/logs/paths.js';

const base: LogPathInput = { home: '/home/u/.arbor', name: 'api', id: 3, mergeLogs: false, cwd: '/srv/app' };

describe('logPaths', () => {
  it('defaults to <home>/logs/<name>-out.log and -error.log with -<id> before .log, and no combined file', () => {
    expect(logPaths(base)).toEqual({
      out: '/home/u/.arbor/logs/api-out-3.log',
      err: '/home/u/.arbor/logs/api-error-3.log',
      combined: null,
    });
  });

  it('drops the -<id> suffix when logs are merged', () => {
    expect(logPaths({ ...base, mergeLogs: true })).toEqual({
      out: '/home/u/.arbor/logs/api-out.log',
      err: '/home/u/.arbor/logs/api-error.log',
      combined: null,
    });
  });

  it("treats '/dev/null' and 'NULL' as disabled", () => {
    expect(logPaths({ ...base, outFile: '/dev/null', errorFile: 'NULL', logFile: '/dev/null' })).toEqual({ out: null, err: null, combined: null });
  });

  it('resolves relative user paths against cwd and suffixes them too unless merged', () => {
    const given = { ...base, outFile: 'logs/out.log', errorFile: '../err.log', logFile: '/var/log/all.log' };
    expect(logPaths(given)).toEqual({ out: '/srv/app/logs/out-3.log', err: '/srv/err-3.log', combined: '/var/log/all-3.log' });
    expect(logPaths({ ...given, mergeLogs: true })).toEqual({ out: '/srv/app/logs/out.log', err: '/srv/err.log', combined: '/var/log/all.log' });
  });

  it('gives the combined file only when asked: true means <home>/logs/<name>.log', () => {
    expect(logPaths({ ...base, logFile: true }).combined).toBe('/home/u/.arbor/logs/api-3.log');
    expect(logPaths({ ...base, logFile: false }).combined).toBeNull();
    expect(logPaths({ ...base, logFile: '' }).combined).toBeNull();
  });

  it('puts the suffix before any extension, or at the end without one', () => {
    expect(logPaths({ ...base, outFile: '/l/app.txt', errorFile: '/l/app' })).toMatchObject({ out: '/l/app-3.txt', err: '/l/app-3' });
  });

  it("expands a leading '~' to the user's home directory", () => {
    expect(logPaths({ ...base, outFile: '~/logs/a.log', mergeLogs: true }).out).toBe(join(homedir(), 'logs/a.log'));
  });

  it('treats an empty user path as not given', () => {
    expect(logPaths({ ...base, outFile: '' }).out).toBe('/home/u/.arbor/logs/api-out-3.log');
  });

  it('sanitises the name for the file system as PM2 does', () => {
    expect(logFileStem('my app/v2_x')).toBe('my-app-v2-x');
    expect(logFileStem('api.v1-beta')).toBe('api.v1-beta');
    expect(logPaths({ ...base, name: '../../etc/passwd', mergeLogs: true }).out).toBe('/home/u/.arbor/logs/..-..-etc-passwd-out.log');
  });

  it('keeps every default path inside <home>/logs whatever the name', () => {
    fc.assert(
      fc.property(fc.string(), fc.nat(), (name, id) => {
        const paths = logPaths({ ...base, name, id });
        for (const path of [paths.out, paths.err]) {
          expect(path?.startsWith('/home/u/.arbor/logs/')).toBe(true);
          expect(path?.slice('/home/u/.arbor/logs/'.length)).toMatch(/^[A-Za-z0-9.-]*-(out|error)-\d+\.log$/);
        }
      }),
    );
  });

  it('rejects an id that is not a whole number >= 0 with E_INVALID_SPEC', () => {
    for (const id of [-1, 1.5, Number.NaN]) {
      let caught: unknown;
      try {
        logPaths({ ...base, id });
      } catch (error) {
        caught = error;
      }
      expect(isArborError(caught, 'E_INVALID_SPEC')).toBe(true);
    }
  });
});

describe('insertProcessId and logFilesOf', () => {
  it('inserts -<id> before the last extension only', () => {
    expect(insertProcessId('/run/api.pid', 4)).toBe('/run/api-4.pid');
    expect(insertProcessId('/run/api.v1.pid', 4)).toBe('/run/api.v1-4.pid');
    expect(insertProcessId('/run.d/api', 4)).toBe('/run.d/api-4');
  });

  it('lists the out, error and combined files that are written, in that order', () => {
    expect(logFilesOf({ out: '/l/o', err: null, combined: '/l/c' })).toEqual(['/l/o', '/l/c']);
    expect(logFilesOf(logPaths({ ...base, logFile: true }))).toEqual([
      '/home/u/.arbor/logs/api-out-3.log',
      '/home/u/.arbor/logs/api-error-3.log',
      '/home/u/.arbor/logs/api-3.log',
    ]);
  });
});
