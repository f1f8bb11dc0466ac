// What the benchmark reads from /proc (Linux): a process's resident memory, its CPU time, and which processes carry a marker.
import * as fs from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on every Linux the bench targets). */
export const CLOCK_TICKS_PER_SECOND = 100;

/** A process's resident memory in bytes, from /proc/<pid>/status. */
export interface Memory {
  /** VmRSS: everything resident, including the pages of the node binary and libraries it touched (shared). */
  rss: number;
  /** RssAnon: the anonymous part (V8 heap, malloc), private to the process. */
  anon: number;
}

// VmRSS and RssAnon of the process; NaN for both when the process is gone.
export function readMemory(pid: number): Memory {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string): number => {
      const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(status);
      return match ? Number(match[1]) * 1024 : NaN;
    };
    return { rss: field('VmRSS'), anon: field('RssAnon') };
  } catch {
    return { rss: NaN, anon: NaN };
  }
}

// utime + stime of the process in seconds, from /proc/<pid>/stat; NaN when the process is gone.
export function readCpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state), so utime (field 14) is fields[11] and stime (field 15) fields[12].
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}

// True while the pid names a live process (a zombie counts as gone).
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** A process found by processesWithEnv. */
export interface MarkedProcess {
  pid: number;
  command: string;
}

// Every live process (other than this one) whose initial environment holds exactly this entry (e.g.
// "ARBOR_DAEMON_BENCH=/tmp/x"); processes of other users, which cannot be read, are skipped.
export function processesWithEnv(entry: string): MarkedProcess[] {
  const found: MarkedProcess[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const entries = fs.readFileSync(`/proc/${name}/environ`, 'utf8').split('\0');
      if (!entries.includes(entry)) continue;
      if (!isAlive(Number(name))) continue;
      const command = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ').trim();
      found.push({ pid: Number(name), command });
    } catch {
      // gone meanwhile, or not ours
    }
  }
  return found;
}

// Appends one memory reading of `pid` (RSS and its private part) under `who`.
export function recordMemory<K extends string>(into: { rss: Record<K, number[]>; anon: Record<K, number[]> }, who: K, pid: number): void {
  const memory = readMemory(pid);
  into.rss[who].push(memory.rss);
  into.anon[who].push(memory.anon);
}
