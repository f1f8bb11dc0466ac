// Signals a whole process group (a worker and every process it started), or its leader alone, tolerating a target
// that is already gone.
import { ArborError } from '../errors.js';

// Sends `signal` to every process in group `pgid`; false when no process of the group could be reached (gone).
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  return send(pgid, 'group', signal);
}

// Sends a signal to one process (the group leader alone, for workers with killTree off); false when it is gone.
export function signalLeader(pid: number, signal: NodeJS.Signals): boolean {
  return send(pid, 'process', signal);
}

// True while group `pgid` has a member we may signal (zombies not yet reaped count as members on Linux).
export function groupAlive(pgid: number): boolean {
  return send(pgid, 'group', 0);
}

// kill(-id, signal) for a group, kill(id, signal) for one process. ESRCH means it is gone; EPERM is what macOS answers
// for a group of zombies (and Linux for a target we may not signal, which is not ours to touch either): both count as
// "not reached".
function send(id: number, kind: 'group' | 'process', signal: NodeJS.Signals | 0): boolean {
  // kill(0) and kill(-1) would hit our own group or every process we may signal: refuse anything but a real id.
  if (!Number.isSafeInteger(id) || id <= 1) {
    throw new ArborError('E_SIGNAL_FAILED', `cannot signal ${kind === 'group' ? 'process group' : 'process'} ${String(id)}: an id is a whole number above 1`, {
      details: { field: kind === 'group' ? 'pgid' : 'pid', value: id, allowed: 'a whole number above 1' },
    });
  }
  try {
    process.kill(kind === 'group' ? -id : id, signal);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH' || code === 'EPERM') return false;
    throw new ArborError('E_SIGNAL_FAILED', `cannot send ${String(signal)} to ${kind === 'group' ? 'process group' : 'process'} ${id}: ${errorText(error)}`, {
      cause: error,
      details: { field: 'signal', value: signal, [kind === 'group' ? 'pgid' : 'pid']: id },
    });
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
