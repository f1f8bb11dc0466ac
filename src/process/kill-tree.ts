// Signals a whole process group (a worker and every process it started), tolerating a group that is already gone.
import { ArborError } from '../errors.js';

// Sends `signal` to every process in group `pgid`; false when no process of the group could be reached (gone).
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  return sendToGroup(pgid, signal);
}

// True while group `pgid` has a member we may signal (zombies not yet reaped count as members on Linux).
export function groupAlive(pgid: number): boolean {
  return sendToGroup(pgid, 0);
}

// kill(-pgid, signal). ESRCH means the group is gone; EPERM is what macOS answers for a group of zombies
// (and Linux for a group we may not signal, which is not ours to touch either): both count as "not reached".
function sendToGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  // kill(0) and kill(-1) would hit our own group or every process we may signal: refuse anything but a real group id.
  if (!Number.isSafeInteger(pgid) || pgid <= 1) {
    throw new ArborError('E_SIGNAL_FAILED', `cannot signal process group ${String(pgid)}: a group id is a whole number above 1`, {
      details: { field: 'pgid', value: pgid, allowed: 'a whole number above 1' },
    });
  }
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH' || code === 'EPERM') return false;
    throw new ArborError('E_SIGNAL_FAILED', `cannot send ${String(signal)} to process group ${pgid}: ${errorText(error)}`, {
      cause: error,
      details: { field: 'signal', value: signal, pgid },
    });
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
