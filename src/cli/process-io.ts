// The real process as the world a command line runs in: its stdio, environment, stdin, signals, and a closed stdout.

import type { CliIo } from './commands/session.js';

// Reads stdin to its end (for `arbor start -`).
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

// This process's CliIo. Call it once per process: it listens for a closed stdout from then on.
export function processIo(): CliIo {
  const interruptHandlers = new Set<() => void>();
  let stdoutClosed = false;

  // A closed pipe on stdout is not a failure of the command (`arbor jlist | head -c 10`): what is left to print is
  // dropped, the command finishes what it was doing, and a follow (`arbor logs`) stops.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    stdoutClosed = true;
    for (const handler of [...interruptHandlers]) handler();
  });

  // Calls the handler on Ctrl-C, SIGTERM, or when stdout's reader goes away (`arbor logs | head`); returns its remover.
  const onInterrupt = (handler: () => void): (() => void) => {
    interruptHandlers.add(handler);
    if (stdoutClosed) queueMicrotask(handler);
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
    return () => {
      interruptHandlers.delete(handler);
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    };
  };

  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), readStdin, onInterrupt };
}

// Ends the process with `code` once stdout and stderr have taken what was written. A config file is user code: a
// timer or a server it started (`arbor startOrRestart app.js` naming a script) must not keep the command running.
export function exitWhenFlushed(code: number): void {
  process.exitCode = code;
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}
