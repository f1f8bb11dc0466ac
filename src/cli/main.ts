// The `arbor` command: runs the command line against the real process (stdio, environment, signals) and exits with its status.
//
// Kept to what every command needs; each command's module is imported only when that command runs (see commands/dispatch.ts).

import { runCli } from './commands/dispatch.js';

// Reads stdin to its end (for `arbor start -`).
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

const interruptHandlers = new Set<() => void>();
let stdoutClosed = false;

// Calls the handler on Ctrl-C, SIGTERM, or when stdout's reader goes away (`arbor logs | head`); returns its remover.
function onInterrupt(handler: () => void): () => void {
  interruptHandlers.add(handler);
  if (stdoutClosed) queueMicrotask(handler);
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    interruptHandlers.delete(handler);
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

// A closed pipe on stdout is not a failure of the command (`arbor jlist | head -c 10`): what is left to print is dropped,
// the command finishes what it was doing, and a follow (`arbor logs`) stops.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  stdoutClosed = true;
  for (const handler of [...interruptHandlers]) handler();
});

// No top-level await: the CLI is bundled as CommonJS (see scripts/build-cli.mjs).
void runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  readStdin,
  onInterrupt,
}).then((code) => {
  process.exitCode = code;
});
