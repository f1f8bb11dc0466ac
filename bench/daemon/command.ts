// Runs one command to its end and times it from spawn to the close of its output (what a shell's `time` sees).
import { spawn } from 'node:child_process';

/** A finished command. */
export interface CommandResult {
  /** Wall time from spawn to close, in ms. */
  ms: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Options of runCommand. */
export interface CommandOptions {
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** The command is killed (SIGKILL) after this long and the result rejected (default 60 s). */
  timeoutMs?: number;
}

// Runs `file args`, collecting its output; rejects on a spawn failure or the timeout, resolves whatever the exit status.
export function runCommand(file: string, args: readonly string[], options: CommandOptions): Promise<CommandResult> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const began = performance.now();
    const child = spawn(file, args, { env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${[file, ...args].join(' ')} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      const ms = performance.now() - began;
      clearTimeout(timer);
      resolve({ ms, code, signal, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') });
    });
  });
}

// Waits ms milliseconds.
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Polls `check` every intervalMs until it returns a value other than undefined; rejects with `what` after timeoutMs.
export async function waitFor<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs: number, intervalMs = 50): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}
