// The end-to-end harness: the real `arbor` binary run as a child process against a fresh ARBOR_HOME and project
// directory, with a bounded time for every command, `jlist` polling, and a teardown that leaves no daemon or app alive.
//
// The tests only see what a user sees (exit codes, stdout, stderr, files, the jlist JSON); nothing from src/ is imported.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { isRunning } from '../process/helpers.js';

/** The repository root (where package.json, bin/ and dist/ are). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The `arbor` command as installed: bin/arbor.js loads the bundled dist/cli-quick.cjs, which loads dist/cli.cjs. */
export const ARBOR_BIN = join(REPO_ROOT, 'bin', 'arbor.js');

/** The version package.json declares (what `arbor --version` must print). */
export const PACKAGE_VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** The build outputs the CLI runs: the bundled CLI and the bundled daemon it launches. */
const BUILT = [join(REPO_ROOT, 'dist', 'cli-quick.cjs'), join(REPO_ROOT, 'dist', 'cli.cjs'), join(REPO_ROOT, 'dist', 'daemon.js')];

/** The sources the bundles are made from. */
const SOURCES = [join(REPO_ROOT, 'src'), join(REPO_ROOT, 'strategies'), join(REPO_ROOT, 'scripts', 'build-cli.mjs')];

/** Default bound on one CLI command (it may have to start the daemon first). */
const COMMAND_TIMEOUT_MS = 15_000;

/** How long `npm run build` may take on a loaded 2-core machine. */
export const BUILD_TIMEOUT_MS = 240_000;

/** Bound on one e2e test: a dozen CLI commands, each a Node start, on a loaded 2-core machine. */
export const E2E_TEST_TIMEOUT_MS = 60_000;

/** Matches any ANSI escape sequence. */
export const ANSI = /\u001b\[/;

/** One process as `arbor jlist` prints it: the PM2 fields the tests read. */
export interface JlistProcess {
  pid: number;
  name: string;
  pm_id: number;
  monit: { memory: number; cpu: number };
  pm2_env: {
    status: string;
    namespace: string;
    restart_time: number;
    unstable_restarts: number;
    pm_exec_path: string;
    pm_cwd: string;
    pm_out_log_path: string;
    pm_err_log_path: string;
    exec_interpreter: string;
    exec_mode: string;
    args: string[];
    env: Record<string, string>;
    [key: string]: unknown;
  };
}

/** What a finished command gave back. */
export interface CliResult {
  /** The command line, for failure messages. */
  command: string;
  /** The exit code; null when it was killed (see signal). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Options of one command. */
export interface RunOptions {
  timeoutMs?: number;
  /** Variables set (a string) or removed (undefined) on top of the session's environment. */
  env?: Record<string, string | undefined>;
  cwd?: string;
}

// Newest modification time (ms) of the files under the paths.
function newestMtime(paths: readonly string[]): number {
  let newest = 0;
  const visit = (path: string): void => {
    const info = statSync(path, { throwIfNoEntry: false });
    if (info === undefined) return;
    if (info.isDirectory()) {
      for (const name of readdirSync(path)) visit(join(path, name));
      return;
    }
    newest = Math.max(newest, info.mtimeMs);
  };
  for (const path of paths) visit(path);
  return newest;
}

// True when every bundle exists and none is older than the newest source file.
export function isBuildFresh(): boolean {
  const sources = newestMtime(SOURCES);
  return BUILT.every((file) => {
    const info = statSync(file, { throwIfNoEntry: false });
    return info !== undefined && info.mtimeMs >= sources;
  });
}

const BUILD_LOCK = join(tmpdir(), `arbor-e2e-build-${REPO_ROOT.replace(/[^a-zA-Z0-9]/g, '_')}.lock`);

// Takes the cross-file build lock (a directory holding the owner's pid); a lock whose owner died is taken over.
async function acquireBuildLock(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(BUILD_LOCK);
      writeFileSync(join(BUILD_LOCK, 'pid'), String(process.pid));
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = lockOwner();
    const age = Date.now() - (statSync(BUILD_LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    // An owner that died, or one that died before it could even write its pid, leaves the lock to be taken over.
    if (owner === undefined ? age > 10_000 : !isRunning(owner)) rmSync(BUILD_LOCK, { recursive: true, force: true });
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for another test file's build (lock ${BUILD_LOCK})`);
    await sleep(200);
  }
}

// The pid of the process holding the build lock (undefined while it is being written, or when there is no lock).
function lockOwner(): number | undefined {
  try {
    const pid = Number(readFileSync(join(BUILD_LOCK, 'pid'), 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Makes sure dist/cli.cjs and dist/daemon.js exist and are not older than src/ (and strategies/): otherwise runs
 * `npm run build` once, synchronously. Test files run in parallel, so the build is done under a lock and the
 * freshness checked again once it is held.
 */
export async function ensureFreshBuild(): Promise<void> {
  if (isBuildFresh()) return;
  await acquireBuildLock(BUILD_TIMEOUT_MS);
  try {
    if (isBuildFresh()) return;
    try {
      execFileSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'pipe', timeout: BUILD_TIMEOUT_MS, env: { ...process.env, NO_COLOR: '1' } });
    } catch (error) {
      const failure = error as { stdout?: Buffer; stderr?: Buffer; message: string };
      throw new Error(`npm run build failed, so the e2e tests cannot run the CLI:\n${failure.message}\n${failure.stdout?.toString() ?? ''}\n${failure.stderr?.toString() ?? ''}`);
    }
    if (!isBuildFresh()) throw new Error(`npm run build finished but ${BUILT.join(' or ')} is still older than the sources`);
  } finally {
    rmSync(BUILD_LOCK, { recursive: true, force: true });
  }
}

/** Resolves after ms milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Polls check every stepMs until it returns something other than undefined/false; fails naming what was awaited.
export async function poll<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000, stepMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(stepMs);
  }
}

/** A fresh home and project directory, and the CLI bound to them. */
export class Session {
  /** ARBOR_HOME. */
  readonly home: string;
  /** The working directory commands run in; holds a copy of test/e2e/fixtures. */
  readonly project: string;
  readonly env: NodeJS.ProcessEnv;
  /** Every app pid seen in a jlist, killed at close if still alive. */
  readonly #seenPids = new Set<number>();
  /** CLI processes started by follow() and not yet interrupted. */
  readonly #followers = new Set<ChildProcess>();

  constructor() {
    this.home = mkdtempSync(join(tmpdir(), 'arbor-e2e-'));
    this.project = mkdtempSync(join(tmpdir(), 'arbor-e2e-project-'));
    cpSync(FIXTURES, this.project, { recursive: true });
    const env: NodeJS.ProcessEnv = { ...process.env, ARBOR_HOME: this.home, NO_COLOR: '1' };
    // The daemon must be the bundled one next to the CLI, not an override from the caller's shell.
    delete env['ARBOR_DAEMON_ENTRY'];
    this.env = env;
  }

  /** Runs `arbor ...args`; never rejects (a timeout is a result with timedOut). */
  run(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
    const env = { ...this.env };
    for (const [key, value] of Object.entries(options.env ?? {})) {
      if (value === undefined) delete env[key];
      else env[key] = value;
    }
    const command = `arbor ${args.join(' ')}`;
    const timeoutMs = options.timeoutMs ?? COMMAND_TIMEOUT_MS;
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [ARBOR_BIN, ...args], { cwd: options.cwd ?? this.project, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, timeoutMs);
      child.on('error', (error) => {
        stderr += `\n[harness] could not run the CLI: ${error.message}`;
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ command, code, signal, stdout, stderr, timedOut });
      });
    });
  }

  /**
   * Starts `arbor ...args` and leaves it running (for `arbor logs` following): read what it printed so far with
   * output(), end it with interrupt() (SIGINT, as Ctrl-C) which resolves to its result. Killed at close if still running.
   */
  follow(args: readonly string[]): { output(): string; interrupt(timeoutMs?: number): Promise<CliResult> } {
    const child = spawn(process.execPath, [ARBOR_BIN, ...args], { cwd: this.project, env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.#followers.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
    return {
      output: () => stdout,
      interrupt: async (timeoutMs = 5_000) => {
        child.kill('SIGINT');
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, timeoutMs);
        const { code, signal } = await closed;
        clearTimeout(timer);
        this.#followers.delete(child);
        return { command: `arbor ${args.join(' ')}`, code, signal, stdout, stderr, timedOut };
      },
    };
  }

  /** Runs the command and expects exit code 0 (the failure message shows the command's output). */
  async ok(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
    const result = await this.run(args, options);
    expect(result.code, describeResult(result)).toBe(0);
    return result;
  }

  /** `arbor jlist`, parsed. */
  async jlist(): Promise<JlistProcess[]> {
    const result = await this.ok(['jlist']);
    let procs: JlistProcess[];
    try {
      procs = JSON.parse(result.stdout) as JlistProcess[];
    } catch (error) {
      throw new Error(`arbor jlist printed something that is not JSON (${(error as Error).message}):\n${result.stdout}`);
    }
    for (const proc of procs) if (proc.pid > 0) this.#seenPids.add(proc.pid);
    return procs;
  }

  /** The jlist entry of the only process with that name. */
  async proc(name: string): Promise<JlistProcess> {
    const matching = (await this.jlist()).filter((proc) => proc.name === name);
    expect(matching.map((proc) => proc.name), `exactly one process named ${name}`).toEqual([name]);
    return matching[0]!;
  }

  /** Polls jlist until the predicate holds; the timeout names what was awaited and the last list. */
  async waitForList(what: string, predicate: (procs: JlistProcess[]) => boolean, timeoutMs = 10_000): Promise<JlistProcess[]> {
    let last: JlistProcess[] = [];
    try {
      return await poll(
        what,
        async () => {
          last = await this.jlist();
          return predicate(last) ? last : undefined;
        },
        timeoutMs,
        100,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}; last jlist: ${JSON.stringify(summarize(last))}`);
    }
  }

  /** Path of an app's log file in ARBOR_HOME/logs (PM2's names: <name>-out.log, <name>-error.log). */
  logFile(name: string, stream: 'out' | 'error'): string {
    return join(this.home, 'logs', `${name}-${stream}.log`);
  }

  /** Waits until the file holds a line that contains the text; returns the file's content. */
  waitForLog(file: string, text: string, timeoutMs = 10_000): Promise<string> {
    return poll(`${JSON.stringify(text)} in ${file}`, () => {
      const content = existsSync(file) ? readFileSync(file, 'utf8') : '';
      return content.includes(text) ? content : undefined;
    }, timeoutMs);
  }

  /** The daemon's pid from ARBOR_HOME/arbor.pid, if there is one. */
  daemonPid(): number | undefined {
    try {
      const pid = Number(readFileSync(join(this.home, 'arbor.pid'), 'utf8').trim());
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  /** Remembers a pid to kill at close if it is still alive (for pids not seen through jlist). */
  track(pid: number): void {
    if (pid > 0) this.#seenPids.add(pid);
  }

  /**
   * `arbor kill`, then makes sure the daemon and every app pid seen are dead (SIGKILL to what is left, app pids as
   * process groups since each app runs in its own), then removes the home and the project. Returns what had to be
   * killed by force, so a test can tell a kill that did not work.
   */
  async close(): Promise<{ killResult: CliResult; forced: number[] }> {
    for (const child of this.#followers) child.kill('SIGKILL');
    this.#followers.clear();
    const daemon = this.daemonPid();
    const killResult = await this.run(['kill'], { timeoutMs: 15_000 });
    const forced: number[] = [];
    if (daemon !== undefined) {
      await poll('the daemon to exit after arbor kill', () => !isRunning(daemon), 5_000).catch(() => undefined);
      if (isRunning(daemon)) {
        forced.push(daemon);
        killQuietly(daemon);
      }
    }
    for (const pid of this.#seenPids) {
      if (!isRunning(pid)) continue;
      forced.push(pid);
      killQuietly(-pid);
      killQuietly(pid);
    }
    if (forced.length > 0) await poll('force-killed processes to be gone', () => forced.every((pid) => !isRunning(pid)), 3_000).catch(() => undefined);
    rmSync(this.home, { recursive: true, force: true });
    rmSync(this.project, { recursive: true, force: true });
    return { killResult, forced };
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** A command's outcome in a few lines, for assertion messages. */
export function describeResult(result: CliResult): string {
  const status = result.timedOut ? 'timed out (killed)' : result.code === null ? `killed by ${result.signal}` : `exit ${result.code}`;
  return `\`${result.command}\` ${status}\n--- stdout ---\n${result.stdout}--- stderr ---\n${result.stderr}`;
}

/** name/pid/status/restarts of each process, for messages and comparisons. */
export function summarize(procs: readonly JlistProcess[]): { id: number; name: string; pid: number; status: string; restarts: number }[] {
  return procs.map((proc) => ({ id: proc.pm_id, name: proc.name, pid: proc.pid, status: proc.pm2_env.status, restarts: proc.pm2_env.restart_time }));
}

/** The data rows of the `ls` table: the cells of each line that starts with a border and a number. */
export function tableRows(text: string): string[][] {
  return text
    .split('\n')
    .map((line) => line.split('│').map((cell) => cell.trim()))
    .filter((cells) => cells.length > 2 && /^\d+$/.test(cells[1] ?? ''))
    .map((cells) => cells.slice(1, -1));
}

/** The `ls` table's header cells. */
export function tableHeader(text: string): string[] {
  const line = text.split('\n').find((candidate) => /│\s*id\s*│/.test(candidate));
  return line === undefined ? [] : line.split('│').map((cell) => cell.trim()).slice(1, -1);
}

/** The `ls` row of the process with that name, as header -> cell. */
export function tableRow(text: string, name: string): Record<string, string> | undefined {
  const header = tableHeader(text);
  const row = tableRows(text).find((cells) => cells[header.indexOf('name')] === name);
  return row === undefined ? undefined : Object.fromEntries(header.map((key, index) => [key, row[index] ?? '']));
}

/**
 * `test` with a `session` fixture: a fresh Session per test, closed after it. The close fails the test when
 * `arbor kill` did not exit 0 or left a process alive (the harness then killed it). Tests using it may run concurrently.
 */
export const e2e = test.extend<{ session: Session }>({
  // eslint-disable-next-line no-empty-pattern -- vitest reads the fixture's dependencies from this pattern
  session: async ({}, use) => {
    const session = new Session();
    let closed: Awaited<ReturnType<Session['close']>> | undefined;
    try {
      await use(session);
    } finally {
      closed = await session.close();
    }
    if (closed.killResult.code !== 0) throw new Error(`arbor kill failed after the test:\n${describeResult(closed.killResult)}`);
    if (closed.forced.length > 0) throw new Error(`processes still alive after \`arbor kill\` (the harness killed them): ${closed.forced.join(', ')}`);
  },
});
