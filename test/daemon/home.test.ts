import { chmodSync, chownSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureHome, maxSocketPathBytes, resolveHome, socketPathFor } from '../../src/daemon/home.js';
import type { HomePaths } from '../../src/daemon/home.js';
import { isArborError } from '../../src/errors.js';
import { cleanupHome, makeTempHome } from '../fixtures/daemon-harness.js';

const made: HomePaths[] = [];
afterEach(async () => {
  for (const paths of made.splice(0)) await cleanupHome(paths);
});

async function tempHome(extra = ''): Promise<HomePaths> {
  const paths = await makeTempHome(extra);
  made.push(paths);
  return paths;
}

const modeOf = (path: string): number => statSync(path).mode & 0o777;

describe('resolveHome', () => {
  it('uses ARBOR_HOME made absolute, and names every file inside it', () => {
    const paths = resolveHome({ ARBOR_HOME: 'rel/home' });
    const home = resolve('rel/home');
    expect(paths).toEqual({
      home,
      pidFile: join(home, 'arbor.pid'),
      lockDir: join(home, 'arbor.lock'),
      socket: join(home, 'rpc.sock'),
      daemonLog: join(home, 'arbor.log'),
      logsDir: join(home, 'logs'),
      pidsDir: join(home, 'pids'),
      dumpFile: join(home, 'dump.json'),
      dumpBackup: join(home, 'dump.json.bak'),
    });
  });

  it('defaults to ~/.arbor when ARBOR_HOME is unset or empty', () => {
    expect(resolveHome({}).home).toBe(join(homedir(), '.arbor'));
    expect(resolveHome({ ARBOR_HOME: '' }).home).toBe(join(homedir(), '.arbor'));
  });
});

describe('socketPathFor', () => {
  it('keeps the socket in the home when the path fits', () => {
    expect(socketPathFor('/home/u/.arbor', { platform: 'linux' })).toBe('/home/u/.arbor/rpc.sock');
  });

  it('moves a too-long socket path under the temp dir, the same for the same home and different for another', () => {
    const home = `/srv/${'deep/'.repeat(30)}arbor`;
    const socket = socketPathFor(home, { platform: 'linux', tmpdir: '/tmp' });
    expect(socket).toMatch(/^\/tmp\/arbor-[0-9a-f]{16}\/rpc\.sock$/);
    expect(socketPathFor(home, { platform: 'linux', tmpdir: '/tmp' })).toBe(socket);
    expect(socketPathFor(`${home}2`, { platform: 'linux', tmpdir: '/tmp' })).not.toBe(socket);
  });

  it('applies the platform limit: 107 bytes on Linux, 103 on macOS', () => {
    expect(maxSocketPathBytes('linux')).toBe(107);
    expect(maxSocketPathBytes('darwin')).toBe(103);
    // A home whose rpc.sock is exactly 107 bytes fits on Linux and not on macOS.
    const home = `/${'h'.repeat(107 - '/'.length - '/rpc.sock'.length)}`;
    expect(Buffer.byteLength(join(home, 'rpc.sock'))).toBe(107);
    expect(socketPathFor(home, { platform: 'linux' })).toBe(join(home, 'rpc.sock'));
    expect(socketPathFor(home, { platform: 'darwin', tmpdir: '/tmp' })).toMatch(/^\/tmp\/arbor-/);
  });

  it('counts bytes, not characters', () => {
    const home = `/${'é'.repeat(50)}`; // 100 bytes in 50 characters
    expect(socketPathFor(home, { platform: 'linux', tmpdir: '/tmp' })).toMatch(/^\/tmp\/arbor-/);
  });

  it('falls back to /tmp when the temp dir itself is too long', () => {
    const longTmp = `/${'t'.repeat(120)}`;
    expect(socketPathFor(`/${'h'.repeat(120)}`, { platform: 'linux', tmpdir: longTmp })).toMatch(/^\/tmp\/arbor-[0-9a-f]{16}\/rpc\.sock$/);
  });

  it('names a Windows pipe on win32', () => {
    expect(socketPathFor('C:\\Users\\u\\.arbor', { platform: 'win32' })).toMatch(/^\\\\\.\\pipe\\arbor-[0-9a-f]{16}$/);
  });

  it('never exceeds the limit, whatever the home (property)', () => {
    const segment = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).filter((s) => !s.includes('/') && !s.includes('\0'));
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 12 }), fc.constantFrom<NodeJS.Platform>('linux', 'darwin'), (segments, platform) => {
        const home = `/${segments.join('/')}`;
        const socket = socketPathFor(home, { platform, tmpdir: tmpdir() });
        expect(Buffer.byteLength(socket)).toBeLessThanOrEqual(maxSocketPathBytes(platform));
      }),
    );
  });
});

describe('ensureHome', () => {
  it('creates the home, logs/ and pids/ with mode 0o700', async () => {
    const paths = await tempHome('fresh/home');
    ensureHome(paths);
    for (const dir of [paths.home, paths.logsDir, paths.pidsDir]) expect(modeOf(dir)).toBe(0o700);
  });

  it('tightens an existing home that is readable by others', async () => {
    const paths = await tempHome();
    mkdirSync(paths.logsDir, { mode: 0o755 });
    // mkdtemp made the home 0o700; loosen it as a user's `mkdir ~/.arbor` with umask 022 would.
    chmodSync(paths.home, 0o755);
    chmodSync(paths.logsDir, 0o775);
    ensureHome(paths);
    expect(modeOf(paths.home)).toBe(0o700);
    expect(modeOf(paths.logsDir)).toBe(0o700);
  });

  it('creates the private socket directory when the socket falls back to the temp dir', async () => {
    const paths = await tempHome('x'.repeat(100));
    expect(dirname(paths.socket)).not.toBe(paths.home);
    ensureHome(paths);
    expect(modeOf(dirname(paths.socket))).toBe(0o700);
  });

  it.skipIf(process.getuid?.() !== 0)('refuses a fallback socket directory that another user planted', async () => {
    const paths = await tempHome('y'.repeat(100));
    mkdirSync(dirname(paths.socket), { mode: 0o777 });
    chownSync(dirname(paths.socket), 12345, 12345);
    expect(() => ensureHome(paths)).toThrow(expect.objectContaining({ code: 'E_HOME_UNUSABLE' }));
  });

  it('fails with E_HOME_UNUSABLE when the home is a file', async () => {
    const base = await tempHome();
    const file = join(base.home, 'not-a-dir');
    writeFileSync(file, '');
    try {
      ensureHome(resolveHome({ ARBOR_HOME: file }));
      expect.unreachable();
    } catch (error) {
      expect(isArborError(error, 'E_HOME_UNUSABLE')).toBe(true);
      expect((error as Error).message).toContain(file);
    }
  });
});
