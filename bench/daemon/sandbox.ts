// The benchmark's temp root: every home, config and log lives under it, every process it starts carries a marker in its
// environment, and cleanup() kills what is left (by pid) and removes the folder.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sleep, waitFor } from './command.js';
import { isAlive, processesWithEnv } from './proc.js';
import type { Tool } from './tools.js';

/** The environment variable whose value (the temp root) marks every process the benchmark started, directly or not. */
export const MARKER_VARIABLE = 'ARBOR_DAEMON_BENCH';

/** A helper process the benchmark started itself (the bare socket holder). */
export interface OwnProcess {
  pid: number;
  /** SIGTERM, then SIGKILL after 2 s; resolves once it has ended. */
  stop(): Promise<void>;
}

/** The temp root and what was started in it. */
export interface Sandbox {
  readonly root: string;
  /** The environment for every CLI: this process's, minus any home or Node options, plus the marker. */
  readonly env: NodeJS.ProcessEnv;
  /** A fresh folder under the root. */
  dir(name: string): string;
  /** Registers a tool so cleanup() kills its daemon. */
  track(tool: Tool): void;
  /** Records a problem (a leaked process, a failed kill) for the final report. */
  note(problem: string): void;
  /** Starts a bare Node process holding a unix socket (the floor for a Node daemon's memory); resolves once it listens. */
  startSocketHolder(label: string): Promise<OwnProcess>;
  /** Kills every tracked tool and own process, then anything else carrying the marker; returns every problem noted. */
  cleanup(): Promise<string[]>;
}

// Creates the temp root (short, under the OS temp dir, so socket paths stay within the limit).
export function createSandbox(fixtures: string): Sandbox {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'abd-'));
  const env: NodeJS.ProcessEnv = { ...process.env, [MARKER_VARIABLE]: root };
  for (const name of ['ARBOR_HOME', 'PM2_HOME', 'ARBOR_DAEMON_ENTRY', 'NODE_OPTIONS']) delete env[name];
  const tools: Tool[] = [];
  const own = new Set<OwnProcess>();
  const problems: string[] = [];

  return {
    root,
    env,
    dir(name) {
      const dir = path.join(root, name);
      fs.mkdirSync(dir, { recursive: true });
      return dir;
    },
    track(tool) {
      tools.push(tool);
    },
    note(problem) {
      problems.push(problem);
    },
    async startSocketHolder(label) {
      const socketPath = path.join(root, `${label}.sock`);
      const child = spawn(process.execPath, [path.join(fixtures, 'socket-holder.cjs'), socketPath], { env, stdio: ['ignore', 'pipe', 'inherit'] });
      const pid = child.pid;
      if (pid === undefined) throw new Error('could not start the bare socket holder');
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      let ended = false;
      child.once('exit', () => (ended = true));
      const holder: OwnProcess = {
        pid,
        async stop() {
          if (!ended) child.kill('SIGTERM');
          const deadline = performance.now() + 2_000;
          while (!ended && performance.now() < deadline) await sleep(20);
          if (!ended) child.kill('SIGKILL');
          while (!ended) await sleep(20);
          own.delete(holder);
        },
      };
      own.add(holder);
      const listening = await waitFor('the socket holder to listen', () => (output.includes('ready') ? true : ended ? false : undefined), 10_000, 10);
      if (!listening) throw new Error('the bare socket holder exited before listening');
      return holder;
    },
    async cleanup() {
      for (const tool of tools) await tool.kill();
      for (const ownProcess of [...own]) await ownProcess.stop();
      // Anything else still carrying the marker (an app the managers lost track of) is a leak: reported and killed.
      const deadline = performance.now() + 3_000;
      let leftovers = processesWithEnv(`${MARKER_VARIABLE}=${root}`);
      while (leftovers.length > 0 && performance.now() < deadline) {
        await sleep(100);
        leftovers = processesWithEnv(`${MARKER_VARIABLE}=${root}`);
      }
      for (const leftover of leftovers) {
        problems.push(`pid ${leftover.pid} (${leftover.command}) still ran at the end: killed with SIGKILL`);
        try {
          process.kill(leftover.pid, 'SIGKILL');
        } catch {
          // ended meanwhile
        }
      }
      await sleep(100);
      const survivors = processesWithEnv(`${MARKER_VARIABLE}=${root}`).filter((entry) => isAlive(entry.pid));
      for (const survivor of survivors) problems.push(`pid ${survivor.pid} (${survivor.command}) survived SIGKILL`);
      fs.rmSync(root, { recursive: true, force: true });
      return problems;
    },
  };
}
