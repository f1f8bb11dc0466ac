// Whether a process is alive: it exists and is not a zombie (an exited process not reaped yet holds nothing but its
// pid; a container's PID 1 may reap late or never, so a plain kill(pid, 0) would call it alive).
import { readFileSync } from 'node:fs';

// True while `pid` exists (or exists under another user) and, on Linux, is not a zombie.
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (process.platform !== 'linux') return true;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.charAt(stat.lastIndexOf(')') + 2);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}
