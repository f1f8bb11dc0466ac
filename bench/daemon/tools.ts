// The two process managers under test, driven through their CLIs exactly as a user would: arbor (bin/arbor.js, built)
// and PM2 (node_modules/pm2/bin/pm2), each with its home in the benchmark's temp root so neither touches a user's home.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand, sleep, type CommandResult } from './command.js';
import { isAlive, processesWithEnv } from './proc.js';
import type { Sandbox } from './sandbox.js';

/** Which process manager. */
export type ToolName = 'arbor' | 'pm2';

/** One app of a benchmark config, in the ecosystem keys both managers read. */
export interface BenchApp {
  name: string;
  script: string;
  interpreter: string;
  env?: Record<string, string>;
  autorestart?: boolean;
  min_uptime?: number;
  max_restarts?: number;
  out_file?: string;
  error_file?: string;
  /** Prefix every log line with a timestamp (both managers then write the logs from the daemon). */
  time?: boolean;
}

/** What jlist says about one process. */
export interface ListedProcess {
  name: string;
  pid: number;
  status: string;
}

/** A process manager with a private home: its CLI, its daemon's pid, and a clean kill. */
export interface Tool {
  readonly name: ToolName;
  readonly home: string;
  /** The CLI's environment: the sandbox's plus ARBOR_HOME or PM2_HOME. */
  readonly env: NodeJS.ProcessEnv;
  /** Runs the CLI with these words (`node <cli> ...args`), timed; rejects on a non-zero exit unless allowFailure. */
  cli(args: readonly string[], options?: { timeoutMs?: number; allowFailure?: boolean }): Promise<CommandResult>;
  /** The daemon's pid from its pid file (arbor.pid, pm2.pid), or undefined when there is none. */
  daemonPid(): number | undefined;
  /** jlist, parsed. */
  list(): Promise<ListedProcess[]>;
  /** Writes an ecosystem file with these apps (named <label>.config.cjs in the home's parent) and returns its path. */
  writeConfig(label: string, apps: readonly BenchApp[]): string;
  /** `kill` through the CLI, then makes sure the daemon and every process it ran are gone (SIGKILL by pid, noted as a problem). */
  kill(): Promise<void>;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The built arbor CLI (npm run build). */
export const ARBOR_CLI = path.join(root, 'bin', 'arbor.js');
/** PM2's CLI from the devDependency. */
export const PM2_CLI = path.join(root, 'node_modules', 'pm2', 'bin', 'pm2');
/** The benchmark's fixture apps. */
export const FIXTURES = path.join(root, 'bench', 'daemon', 'fixtures');

const HOME_VARIABLE: Record<ToolName, string> = { arbor: 'ARBOR_HOME', pm2: 'PM2_HOME' };
const PID_FILE: Record<ToolName, string> = { arbor: 'arbor.pid', pm2: 'pm2.pid' };
const KILL_TIMEOUT_MS = 60_000;

// Checks the CLIs exist before anything is started.
export function checkToolsInstalled(): void {
  if (!fs.existsSync(path.join(root, 'dist', 'cli.cjs')) || !fs.existsSync(path.join(root, 'dist', 'daemon.js'))) {
    throw new Error('dist/cli.cjs or dist/daemon.js is missing: run `npm run build` first');
  }
  if (!fs.existsSync(PM2_CLI)) throw new Error(`PM2 is not installed (${PM2_CLI}): it is a devDependency, run npm install`);
}

// A tool with a fresh home under the sandbox (nothing is started until a command runs).
export function createTool(name: ToolName, sandbox: Sandbox, label: string): Tool {
  const home = sandbox.dir(`${name}-${label}`);
  const env: NodeJS.ProcessEnv = { ...sandbox.env, [HOME_VARIABLE[name]]: home };
  const cliPath = name === 'arbor' ? ARBOR_CLI : PM2_CLI;
  let killed = false;

  const cli: Tool['cli'] = async (args, options = {}) => {
    const result = await runCommand(process.execPath, [cliPath, ...args], {
      env,
      cwd: sandbox.root,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
    if (result.code !== 0 && options.allowFailure !== true) {
      throw new Error(`${name} ${args.join(' ')} exited ${result.code ?? result.signal}: ${(result.stderr || result.stdout).trim().slice(0, 500)}`);
    }
    return result;
  };

  const daemonPid = (): number | undefined => {
    try {
      const pid = Number(fs.readFileSync(path.join(home, PID_FILE[name]), 'utf8').trim());
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  };

  const tool: Tool = {
    name,
    home,
    env,
    cli,
    daemonPid,
    async list() {
      const result = await cli(['jlist']);
      return parseJlist(result.stdout);
    },
    writeConfig(configLabel, apps) {
      const file = path.join(sandbox.root, `${name}-${label}-${configLabel}.config.cjs`);
      const entries = apps.map((app) => ({
        exec_mode: 'fork',
        ...app,
        // arbor rotates at 10 MB by default and PM2 never does; turned off so a log file holds every line.
        ...(name === 'arbor' ? { log_max_size: 0 } : {}),
      }));
      fs.writeFileSync(file, `module.exports = ${JSON.stringify({ apps: entries }, null, 2)};\n`);
      return file;
    },
    async kill() {
      if (killed) return;
      killed = true;
      const pid = daemonPid();
      if (pid !== undefined && isAlive(pid)) {
        try {
          await cli(['kill'], { timeoutMs: KILL_TIMEOUT_MS });
        } catch (error) {
          sandbox.note(`${name} kill failed: ${(error as Error).message}`);
        }
      }
      // Whatever still runs with this home in its environment (the daemon, an app, a bash app's sleep) after 10 s is a
      // leak. Only processes carrying the home are killed: a remembered pid may have been reused by another process.
      const ours = (): number[] => processesWithEnv(`${HOME_VARIABLE[name]}=${home}`).map((entry) => entry.pid);
      const deadline = performance.now() + 10_000;
      while (performance.now() < deadline && ours().length > 0) await sleep(100);
      for (const leftover of ours()) {
        sandbox.note(`${name} left pid ${leftover} running after kill: killed with SIGKILL`);
        try {
          process.kill(leftover, 'SIGKILL');
        } catch {
          // ended meanwhile
        }
      }
    },
  };
  sandbox.track(tool);
  return tool;
}

// The name, pid and status of every process in a jlist output (arbor and PM2 print the same shape).
export function parseJlist(stdout: string): ListedProcess[] {
  const start = stdout.indexOf('[');
  if (start < 0) throw new Error(`jlist printed no JSON array: ${stdout.slice(0, 200)}`);
  const parsed = JSON.parse(stdout.slice(start)) as Array<{ name?: unknown; pid?: unknown; pm2_env?: { status?: unknown } }>;
  return parsed.map((entry) => ({
    name: String(entry.name),
    pid: typeof entry.pid === 'number' ? entry.pid : 0,
    status: String(entry.pm2_env?.status),
  }));
}

// Starts the daemon (the `ping` command does on both) and returns its pid.
export async function startDaemon(tool: Tool): Promise<number> {
  await tool.cli(['ping']);
  const pid = tool.daemonPid();
  if (pid === undefined || !isAlive(pid)) throw new Error(`${tool.name}: no live daemon pid in ${tool.home} after ping`);
  return pid;
}

// Waits until jlist shows `count` processes whose names start with `prefix`, all online; returns when the jlist that saw it returned.
export async function waitAllOnline(tool: Tool, prefix: string, count: number, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const listed = (await tool.list()).filter((entry) => entry.name.startsWith(prefix));
    const online = listed.filter((entry) => entry.status === 'online').length;
    if (online >= count) return performance.now();
    if (performance.now() > deadline) throw new Error(`${tool.name}: ${online} of ${count} ${prefix}* apps online after ${timeoutMs} ms`);
  }
}
