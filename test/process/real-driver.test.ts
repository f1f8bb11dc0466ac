import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveLaunch } from '../../src/process/interpreter.js';
import type { Driver, LaunchRequest } from '../../src/runtime/driver.js';
import { GATE_CAPACITY } from '../../src/runtime/native-process.js';
import { nativeSpawnerStatus } from '../../src/runtime/native-spawner.js';
import { createRealDriver } from '../../src/runtime/real-driver.js';
import type { RealDriverOptions } from '../../src/runtime/real-driver.js';
import type { LaunchOptions, OutputTarget, ResolvedLaunch } from '../../src/spec/types.js';
import type { ListenerHooks } from './helpers.js';
import {
  fixture,
  goneOrKillPending,
  isRunning,
  makeTempDir,
  ProcessReaper,
  readIfPresent,
  recordingListener,
  removeDir,
  waitFor,
  within,
} from './helpers.js';

// Every test runs against child_process.spawn, and against the native spawner where it is built (CI builds it).
const SPAWNERS: { name: string; spawner: NonNullable<RealDriverOptions['spawner']> }[] = [
  { name: 'child_process', spawner: 'node' },
  ...(nativeSpawnerStatus().spawner ? [{ name: 'native', spawner: 'auto' as const }] : []),
];

const reaper = new ProcessReaper();
let dir: string;
let warnings: string[];
let driver: Driver;

afterEach(() => {
  reaper.killAll();
  removeDir(dir);
});

function launchOf(options: LaunchOptions): ResolvedLaunch {
  return resolveLaunch({ cwd: dir, ...options }, { id: 'worker', baseDir: dir });
}

// Spawns through the driver, registering the group for cleanup and noting whether `spawned` came before `spawn` returned.
function start(launch: ResolvedLaunch, stdout: OutputTarget = 'ignore', stderr: OutputTarget = 'ignore', hooks: ListenerHooks = {}) {
  let returned = false;
  let spawnedBeforeReturn = false;
  const listener = recordingListener({
    ...hooks,
    spawned(pid) {
      reaper.group(pid);
      spawnedBeforeReturn = !returned;
    },
  });
  const request: LaunchRequest = { id: 'worker', launch, stdout, stderr };
  const handle = driver.spawn(request, listener);
  returned = true;
  const callsAtReturn = [...listener.calls];
  return { handle, listener, callsAtReturn, spawnedBeforeReturn: () => spawnedBeforeReturn };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(SPAWNERS)('real driver through $name', ({ name, spawner }) => {
  beforeEach(() => {
    dir = makeTempDir('arbor-driver-');
    warnings = [];
    driver = createRealDriver({ onWarning: (message) => warnings.push(message), spawner });
  });

  describe('real driver: exits', () => {
    it('reports a node child synchronously as spawned, then its exit code', async () => {
      const { listener, spawnedBeforeReturn } = start(launchOf({ script: fixture('exit-with.js'), args: ['3', '20'] }));
      expect(spawnedBeforeReturn()).toBe(true);
      const pid = await listener.spawnedPid;
      expect(pid).toBeGreaterThan(1);
      expect(await within(listener.exit, 5_000, 'node to exit')).toEqual({ code: 3, signal: null });
      await sleep(20);
      expect(listener.calls).toEqual(['spawned', 'exited']);
    });

    it('runs a python3 script and reports its exit code, stdout going to a file', async () => {
      const out = path.join(dir, 'py.log');
      const { listener } = start(launchOf({ script: fixture('hello.py'), args: ['4'] }), out);
      expect(await within(listener.exit, 15_000, 'python to exit')).toEqual({ code: 4, signal: null });
      expect(fs.readFileSync(out, 'utf8')).toBe('hello from python\n');
    });

    it('runs a bash script with stdout and stderr to separate files', async () => {
      const out = path.join(dir, 'logs', 'out.log');
      const err = path.join(dir, 'logs', 'err.log');
      const { listener } = start(launchOf({ script: fixture('hello.sh'), args: ['5'] }), out, err);
      expect(await within(listener.exit, 5_000, 'bash to exit')).toEqual({ code: 5, signal: null });
      expect(fs.readFileSync(out, 'utf8')).toBe('hello from bash\n');
      expect(fs.readFileSync(err, 'utf8')).toBe('oops\n');
    });

    it('appends both streams to one file across restarts', async () => {
      const log = path.join(dir, 'merged.log');
      for (let run = 0; run < 2; run += 1) {
        const { listener } = start(launchOf({ script: fixture('hello.sh') }), log, log);
        await within(listener.exit, 5_000, 'bash to exit');
      }
      const lines = fs.readFileSync(log, 'utf8').trim().split('\n').sort();
      expect(lines).toEqual(['hello from bash', 'hello from bash', 'oops', 'oops']);
    });

    it('reports the signal that ended a child', async () => {
      const { handle, listener } = start(launchOf({ script: fixture('exit-with.js'), args: ['0', '60000'] }));
      await listener.spawnedPid;
      handle.signalGroup('SIGTERM');
      expect(await within(listener.exit, 5_000, 'the child to die')).toEqual({ code: null, signal: 'SIGTERM' });
    });

    it('runs an executable without extension and a command string', async () => {
      const binOut = path.join(dir, 'bin.log');
      const bin = start(launchOf({ script: fixture('hello-bin'), args: ['x', 'y'] }), binOut);
      expect(await within(bin.listener.exit, 5_000, 'hello-bin to exit')).toEqual({ code: 0, signal: null });
      expect(fs.readFileSync(binOut, 'utf8')).toBe('hello from bin x y\n');

      const shOut = path.join(dir, 'sh.log');
      const sh = start(launchOf({ command: 'echo "$1 from $(basename "$PWD")"; exit 7', args: ['hi'] }), shOut);
      expect(await within(sh.listener.exit, 5_000, 'sh to exit')).toEqual({ code: 7, signal: null });
      expect(fs.readFileSync(shOut, 'utf8')).toBe(`hi from ${path.basename(dir)}\n`);
    });

    it('gives the child its cwd and env', async () => {
      const sub = path.join(dir, 'sub');
      fs.mkdirSync(sub);
      const out = path.join(dir, 'env.log');
      const launch = launchOf({ script: fixture('print-env.js'), args: ['ARBOR_FLAVOUR'], cwd: sub, env: { ARBOR_FLAVOUR: 'mint' } });
      const { listener } = start(launch, out);
      await within(listener.exit, 5_000, 'print-env to exit');
      expect(JSON.parse(fs.readFileSync(out, 'utf8'))).toEqual({ cwd: sub, argv: ['ARBOR_FLAVOUR'], env: { ARBOR_FLAVOUR: 'mint' } });
    });

    it('passes empty, spaced and non-ASCII arguments and env values verbatim', async () => {
      const out = path.join(dir, 'verbatim.log');
      const args = ['A_EMPTY', '', 'two words', 'A_UNICODE', 'ünï 字 🌳', 'A_EQUALS'];
      const env = { A_EMPTY: '', A_UNICODE: 'crème brûlée 🌲', A_EQUALS: 'k=v=w' };
      const { listener } = start(launchOf({ script: fixture('print-env.js'), args, env }), out);
      await within(listener.exit, 5_000, 'print-env to exit');
      expect(JSON.parse(fs.readFileSync(out, 'utf8'))).toMatchObject({ argv: args, env });
    });

    it.runIf(process.platform === 'linux')('keeps no fd of a log file open in the parent after spawn', async () => {
      const out = path.join(dir, 'held.log');
      const { listener } = start(launchOf({ script: fixture('exit-with.js'), args: ['0', '200'] }), out, out);
      const held = fs
        .readdirSync('/proc/self/fd')
        .map((fd) => {
          try {
            return fs.readlinkSync(`/proc/self/fd/${fd}`);
          } catch {
            return '';
          }
        })
        .filter((target) => target === out);
      expect(held).toEqual([]);
      await within(listener.exit, 5_000, 'the child to exit');
    });
  });

  describe('real driver: failures', () => {
    it.runIf(name === 'child_process')('reports a missing executable through failed, after spawn returns, as E_SPAWN_FAILED', async () => {
      const launch: ResolvedLaunch = { ...launchOf({ script: fixture('exit-with.js') }), file: path.join(dir, 'no', 'python') };
      const { handle, listener, callsAtReturn } = start(launch);
      expect(callsAtReturn).toEqual([]);
      const error = await within(listener.failure, 5_000, 'the failure');
      expect(error.code).toBe('E_SPAWN_FAILED');
      expect(error.message).toContain(launch.file);
      expect(error.message).toContain(dir);
      expect(error.message).toContain('ENOENT');
      expect(error.details).toMatchObject({ errno: 'ENOENT', cwd: dir });
      expect(() => handle.signalGroup('SIGTERM')).not.toThrow();
      await sleep(50);
      expect(listener.calls).toEqual(['failed']);
    });

    it.runIf(name === 'child_process')('reports a file the OS will not execute as E_SPAWN_FAILED with EACCES', async () => {
      const plain = path.join(dir, 'plain');
      fs.writeFileSync(plain, 'not a program', { mode: 0o644 });
      const launch: ResolvedLaunch = { file: plain, args: [], cwd: dir, env: {}, interpreter: 'none', display: plain };
      const { listener } = start(launch);
      const error = await within(listener.failure, 5_000, 'the failure');
      expect(error.code).toBe('E_SPAWN_FAILED');
      expect(error.details.errno).toBe('EACCES');
    });

    // The native spawner counts a process started once forked (systemd's Type=simple): a failed exec is its exit 127,
    // with the reason warned and written where its stderr goes.
    it.runIf(name === 'native')('reports a missing executable as spawned, then exit 127, the reason in its stderr and a warning', async () => {
      const err = path.join(dir, 'err.log');
      const launch: ResolvedLaunch = { ...launchOf({ script: fixture('exit-with.js') }), file: path.join(dir, 'no', 'python') };
      const { listener, spawnedBeforeReturn } = start(launch, 'ignore', err);
      expect(spawnedBeforeReturn()).toBe(true);
      expect(await within(listener.exit, 5_000, 'the exit')).toEqual({ code: 127, signal: null });
      expect(listener.calls).toEqual(['spawned', 'exited']);
      expect(warnings).toHaveLength(1);
      for (const text of [warnings[0]!, fs.readFileSync(err, 'utf8')]) {
        expect(text).toContain(launch.file);
        expect(text).toContain('ENOENT');
        expect(text).toContain(dir);
      }
      expect(fs.readFileSync(err, 'utf8')).toMatch(/^arbor: cannot start worker "worker": exec of .* failed with ENOENT \(execve ENOENT\)\n$/);
    });

    it.runIf(name === 'native')('reports a file the OS will not execute, and a cwd that is gone, as exit 127 with EACCES and ENOENT', async () => {
      const plain = path.join(dir, 'plain');
      fs.writeFileSync(plain, 'not a program', { mode: 0o644 });
      const notExecutable = start({ file: plain, args: [], cwd: dir, env: {}, interpreter: 'none', display: plain });
      expect(await within(notExecutable.listener.exit, 5_000, 'the exit')).toEqual({ code: 127, signal: null });
      expect(warnings[0]).toContain('EACCES');

      const goneCwd = start({ ...launchOf({ script: fixture('exit-with.js') }), cwd: path.join(dir, 'gone') });
      expect(await within(goneCwd.listener.exit, 5_000, 'the exit')).toEqual({ code: 127, signal: null });
      expect(warnings[1]).toContain('chdir ENOENT');
    });

    it.runIf(name === 'native')('holds the execs of one turn of the event loop until the turn is over, then lets them all go', async () => {
      const markers = [0, 1, 2].map((index) => path.join(dir, `ran-${index}`));
      const runs = markers.map((marker) => start(launchOf({ command: `touch ${marker}` })));
      // Busy for 300 ms in the same turn: a child that exec'd at once would have run its command by then.
      const busyUntil = Date.now() + 300;
      while (Date.now() < busyUntil) {
        // spin
      }
      expect(markers.filter((marker) => fs.existsSync(marker))).toEqual([]);
      for (const run of runs) expect(await within(run.listener.exit, 5_000, 'the exit')).toEqual({ code: 0, signal: null });
      expect(markers.filter((marker) => fs.existsSync(marker))).toEqual(markers);
    });

    it.runIf(name === 'native')('lets a full gate go at once, and holds nothing more in that turn', async () => {
      const markers = Array.from({ length: GATE_CAPACITY + 2 }, (_, index) => path.join(dir, `ran-${index}`));
      const runs = markers.map((marker) => start(launchOf({ command: `: > ${marker}` })));
      const busyUntil = Date.now() + 4_000;
      while (Date.now() < busyUntil && !markers.every((marker) => fs.existsSync(marker))) {
        // spin: every child, held or not, is free to run within this turn
      }
      expect(markers.filter((marker) => !fs.existsSync(marker))).toEqual([]);
      for (const run of runs) expect(await within(run.listener.exit, 5_000, 'the exit')).toEqual({ code: 0, signal: null });
    });

    it.runIf(name === 'native')('kills a child still held at the start gate with the signal sent, and reports that signal', async () => {
      const marker = path.join(dir, 'ran');
      const { handle, listener } = start(launchOf({ command: `touch ${marker}` }));
      handle.signalGroup('SIGKILL');
      expect(await within(listener.exit, 5_000, 'the exit')).toEqual({ code: null, signal: 'SIGKILL' });
      expect(fs.existsSync(marker)).toBe(false);
      expect(listener.calls).toEqual(['spawned', 'exited']);
    });

    it.runIf(name === 'native')("puts each child in a process group of its own inside this process's session", async () => {
      const { listener } = start(launchOf({ script: fixture('exit-with.js'), args: ['0', '60000'] }));
      const pid = await listener.spawnedPid;
      // /proc/<pid>/stat: "pid (comm) state ppid pgrp session ..."; comm may hold spaces, so split after its ')'.
      const fields = (statOf: string) => fs.readFileSync(`/proc/${statOf}/stat`, 'utf8').split(') ')[1]!.split(' ');
      const [, , pgrp, session] = fields(String(pid));
      expect(Number(pgrp)).toBe(pid);
      expect(session).toBe(fields('self')[3]);
    });

    it('runs an executable text file without a #! line through /bin/sh, as execvp does', async () => {
      const out = path.join(dir, 'sh.log');
      const script = path.join(dir, 'no-shebang');
      fs.writeFileSync(script, 'echo "ran with $1"\nexit 6\n', { mode: 0o755 });
      const { listener } = start({ file: script, args: ['x'], cwd: dir, env: {}, interpreter: 'none', display: script }, out);
      expect(await within(listener.exit, 5_000, 'the exit')).toEqual({ code: 6, signal: null });
      expect(fs.readFileSync(out, 'utf8')).toBe('ran with x\n');
      expect(warnings).toEqual([]);
    });

    it('reports an output file it cannot open as E_LOG_IO, after return, and starts nothing', async () => {
      fs.mkdirSync(path.join(dir, 'taken'));
      const marker = path.join(dir, 'started');
      const launch = launchOf({ command: `touch ${marker}` });
      const { listener, callsAtReturn } = start(launch, path.join(dir, 'ok.log'), path.join(dir, 'taken'));
      expect(callsAtReturn).toEqual([]);
      const error = await within(listener.failure, 5_000, 'the failure');
      expect(error.code).toBe('E_LOG_IO');
      expect(error.message).toContain('stderr');
      expect(error.details).toMatchObject({ field: 'stderr', errno: 'EISDIR' });
      expect(error.message).toContain(path.join(dir, 'taken'));
      await sleep(50);
      expect(fs.existsSync(marker)).toBe(false);
      expect(listener.calls).toEqual(['failed']);
    });
  });

  describe('real driver: process groups', () => {
    it('SIGKILLs a grandchild left behind when its leader exits by itself, before reporting the exit', async () => {
      const pidFile = path.join(dir, 'grandchild.pid');
      // Checked inside `exited`: by then the grandchild must be dead or have SIGKILL pending.
      let killedBeforeExitReported: boolean | undefined;
      const { listener } = start(launchOf({ script: fixture('spawn-grandchild.sh'), args: [pidFile, '0'] }), 'ignore', 'ignore', {
        exited() {
          killedBeforeExitReported = goneOrKillPending(reaper.pid(Number(readIfPresent(pidFile))));
        },
      });
      expect(await within(listener.exit, 5_000, 'the leader to exit')).toEqual({ code: 0, signal: null });
      expect(killedBeforeExitReported).toBe(true);
      const grandchild = Number(readIfPresent(pidFile));
      await waitFor('the grandchild to be killed', () => !isRunning(grandchild), 3_000);
      expect(warnings).toEqual([]);
    });

    it('signals the whole group through the handle', async () => {
      const pidFile = path.join(dir, 'grandchild.pid');
      const { handle, listener } = start(launchOf({ script: fixture('spawn-grandchild.sh'), args: [pidFile] }));
      const grandchild = reaper.pid(Number(await waitFor('the pid file', () => readIfPresent(pidFile))));
      expect(isRunning(grandchild)).toBe(true);
      handle.signalGroup('SIGTERM');
      expect(await within(listener.exit, 5_000, 'the leader to die')).toEqual({ code: null, signal: 'SIGTERM' });
      await waitFor('the grandchild to die', () => !isRunning(grandchild), 3_000);
    });

    it('a child ignoring SIGINT survives it and dies on SIGKILL', async () => {
      const out = path.join(dir, 'stubborn.log');
      const { handle, listener } = start(launchOf({ script: fixture('ignore-sigint.js') }), out);
      const pid = await listener.spawnedPid;
      await waitFor('"ready"', () => readIfPresent(out) === 'ready');
      handle.signalGroup('SIGINT');
      await sleep(300);
      expect(isRunning(pid)).toBe(true);
      expect(listener.calls).toEqual(['spawned']);
      handle.signalGroup('SIGKILL');
      expect(await within(listener.exit, 5_000, 'the child to die')).toEqual({ code: null, signal: 'SIGKILL' });
    });

    it('ignores signals sent through the handle after the exit, and warns about unknown signals', async () => {
      const { handle, listener } = start(launchOf({ script: fixture('exit-with.js'), args: ['0', '60000'] }));
      await listener.spawnedPid;
      expect(() => handle.signalGroup('SIGNOPE' as NodeJS.Signals)).not.toThrow();
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('SIGNOPE');
      handle.signalGroup('SIGKILL');
      await within(listener.exit, 5_000, 'the child to die');
      expect(() => handle.signalGroup('SIGTERM')).not.toThrow();
      expect(warnings).toHaveLength(1);
    });
  });
});
