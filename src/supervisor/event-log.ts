// Writes every tree event to a pino logger with its context: starts, exits, restart decisions, give-ups.
import type { Logger } from 'pino';
import type { TreeEvent } from './events.js';

// Logs one tree event at a level that fits it (exits by crash and give-ups are warnings or errors).
export function logTreeEvent(log: Logger, event: TreeEvent): void {
  const child = { supervisor: event.supervisor, id: event.id };
  switch (event.type) {
    case 'child.started':
      log.info({ ...child, pid: event.pid, restarts: event.restarts }, 'started');
      return;
    case 'child.exited':
      (event.exit.reason === 'crash' ? log.warn : log.info).call(log, { ...child, ...event.exit }, 'exited');
      return;
    case 'child.restarting':
      log.info({ ...child, strategy: event.strategy, delayMs: event.delayMs, terminate: event.terminate, start: event.start }, 'restart decided');
      return;
    case 'child.start_failed':
      log.error({ ...child, code: event.code, err: event.message }, 'start failed');
      return;
    case 'child.errored':
      log.error({ ...child, unstableRestarts: event.unstableRestarts }, 'crash loop: errored, not restarted');
      return;
    case 'child.stopped':
      log.info({ ...child, exit: event.exit }, 'stopped');
      return;
    case 'child.removed':
      log.info(child, 'removed');
      return;
    case 'supervisor.gave_up':
      log.error({ ...child, reason: event.reason, restarts: event.restarts }, 'supervisor gave up');
      return;
  }
}
