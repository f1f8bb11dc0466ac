// Turns a tree event into one readable line: who (supervisor/child) and what happened.
import type { TreeEvent } from '../../src/index.js';
import { paint } from './terminal.js';

const SUBJECT_WIDTH = 18;

// Milliseconds as "850 ms" or "2.3 s".
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

// How an exit ended: `code 1`, `signal SIGKILL`, or nothing for a supervisor (it has no OS status).
function exitStatus(exit: { code: number | null; signal: string | null }): string | null {
  if (exit.signal !== null) return `signal ${exit.signal}`;
  return exit.code !== null ? `code ${exit.code}` : null;
}

// The path of the child an event is about (`root/jobs/mailer`); a supervisor's give-up names the supervisor itself.
export function subjectOf(event: TreeEvent): string {
  return event.type === 'supervisor.gave_up' ? event.supervisor : `${event.supervisor}/${event.id}`;
}

// What happened, in words: started pid, exited code/signal/reason/uptime, the restart decision, a give-up.
export function describeEvent(event: TreeEvent): string {
  switch (event.type) {
    case 'child.started': {
      const what = event.pid === null ? 'started (supervisor)' : `started pid ${event.pid}`;
      return paint('green', event.restarts > 0 ? `${what}, restart #${event.restarts}` : what);
    }
    case 'child.exited': {
      const how = exitStatus(event.exit);
      const text = `exited ${how === null ? '' : `${how} `}(${event.exit.reason}) after ${formatDuration(event.exit.uptimeMs)} up`;
      return event.exit.reason === 'crash' ? paint('red', text) : text;
    }
    case 'child.restarting': {
      const stopFirst = event.terminate.length > 0 ? `stop [${event.terminate.join(', ')}], then ` : '';
      const when = event.delayMs > 0 ? `in ${formatDuration(event.delayMs)}` : 'now';
      return paint('yellow', `restart decided by ${event.strategy}: ${stopFirst}start [${event.start.join(', ')}] ${when}`);
    }
    case 'child.start_failed':
      return paint('red', `start failed: ${event.code}: ${event.message}`);
    case 'child.errored':
      return paint('red', `crash loop after ${event.unstableRestarts} quick exits: errored, not restarted`);
    case 'child.stopped': {
      if (event.exit === null) return 'stopped (no process was running)';
      const how = exitStatus(event.exit);
      return `stopped (${how === null ? '' : `${how}, `}${formatDuration(event.exit.uptimeMs)} up)`;
    }
    case 'child.removed':
      return 'removed';
    case 'supervisor.gave_up': {
      const why = event.reason === 'intensity' ? `${event.restarts} restarts within its period` : 'a significant child ended';
      return paint('red', `GAVE UP (${event.reason}: ${why}); its children are stopped`);
    }
  }
}

// The whole line for an event, without the time stamp: a fixed-width subject column, then what happened.
export function eventLine(event: TreeEvent): string {
  return `${paint('bold', 'arbor')}  ${paint('cyan', subjectOf(event).padEnd(SUBJECT_WIDTH))} ${describeEvent(event)}`;
}
