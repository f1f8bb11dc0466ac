// The life of an example: print every tree event, run until Ctrl-C / SIGTERM / DEMO_DURATION_MS, then stop the tree
// and prove that no process it started is still alive.
import type { Tree, TreeEvent } from '../../src/index.js';
import { eventLine, formatDuration } from './event-line.js';
import { isAlive } from './liveness.js';
import { paint, say } from './terminal.js';

/** A scripted part of a demo (e.g. kill a process from outside); it should return early once `aborted` fires. */
export type Scenario = (aborted: AbortSignal) => Promise<void>;

/** One running example. */
export interface Demo {
  /** Give this to `start(..., { onEvent })`: prints each event and remembers every pid the tree starts. */
  onEvent(event: TreeEvent): void;
  /** Runs the started tree until a stop is asked for (or the root gives up), then stops it and exits the process. */
  run(tree: Tree, scenario?: Scenario): Promise<void>;
}

// Reads DEMO_DURATION_MS: unset means "until Ctrl-C"; anything but a positive number of ms is refused.
export function demoDuration(value = process.env.DEMO_DURATION_MS): number | null {
  if (value === undefined || value === '') return null;
  const ms = Number(value);
  if (!Number.isFinite(ms) || ms <= 0) {
    process.stderr.write(`DEMO_DURATION_MS must be a positive number of milliseconds, got ${JSON.stringify(value)}\n`);
    process.exit(2);
  }
  return ms;
}

// Sets up an example: signal handlers are in place from here on, so a Ctrl-C during the start is not lost.
export function createDemo(title: string): Demo {
  const duration = demoDuration();
  const pids = new Set<number>();
  const aborted = new AbortController();
  let tree: Tree | null = null;
  let stopping = false;
  let pendingStop: string | null = null;
  let timer: NodeJS.Timeout | undefined;

  say(paint('bold', title));
  say(duration === null ? 'press Ctrl-C to stop' : `stopping by itself after ${formatDuration(duration)} (DEMO_DURATION_MS)`);

  const shutdown = async (reason: string, exitCode: number): Promise<void> => {
    if (stopping) {
      say(`${reason}: already stopping, please wait`);
      return;
    }
    stopping = true;
    aborted.abort();
    clearTimeout(timer);
    if (tree === null) {
      pendingStop = reason;
      return;
    }
    say(paint('bold', `${reason}: stopping the tree...`));
    const began = performance.now();
    await tree.stop();
    const alive = [...pids].filter(isAlive);
    if (alive.length > 0) {
      say(paint('red', `still alive after stop(): pids ${alive.join(', ')}`));
      process.exit(1);
    }
    say(paint('bold', `everything stopped in ${formatDuration(performance.now() - began)}; none of the ${pids.size} processes this demo started is alive`));
    process.exit(exitCode);
  };

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => void shutdown(signal === 'SIGINT' ? 'Ctrl-C (SIGINT)' : 'SIGTERM', 0));
  }

  return {
    onEvent(event) {
      if (event.type === 'child.started' && event.pid !== null) pids.add(event.pid);
      say(eventLine(event));
    },
    async run(started, scenario) {
      tree = started;
      if (pendingStop !== null) {
        stopping = false;
        return shutdown(pendingStop, 0);
      }
      if (duration !== null) timer = setTimeout(() => void shutdown('DEMO_DURATION_MS reached', 0), duration);
      void started.done.then((outcome) => {
        if (outcome.status === 'errored') void shutdown(`the tree ended: ${outcome.reason}`, 1);
      });
      if (scenario) {
        try {
          await scenario(aborted.signal);
          if (!aborted.signal.aborted) say(paint('dim', duration === null ? 'scenario done; Ctrl-C to stop' : 'scenario done'));
        } catch (error) {
          if (!aborted.signal.aborted) {
            say(paint('red', `scenario failed: ${error instanceof Error ? error.message : String(error)}`));
            await shutdown('scenario failed', 1);
          }
        }
      }
    },
  };
}
