// Fails the run if a test left a daemon or a child process behind. Every process this run starts inherits
// ARBOR_TEST_RUN=<id> (set here, before the test workers exist); any such process still alive once the last test
// file has finished is a leak: it is killed and the run fails.
import { readdirSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';

const runId = randomUUID();
const tag = `ARBOR_TEST_RUN=${runId}`;

function ours(): Map<number, string> {
  const found = new Map<number, string>();
  if (process.platform !== 'linux') return found;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue; // zombies hold nothing
      const environ = readFileSync(`/proc/${name}/environ`, 'utf8');
      if (!environ.split('\0').includes(tag)) continue;
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      if (!cmdline.includes('vitest')) found.set(Number(name), cmdline);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

let before = new Map<number, string>();

export function setup(): void {
  process.env.ARBOR_TEST_RUN = runId;
  before = ours();
}

export async function teardown(): Promise<void> {
  const deadline = Date.now() + 3000;
  let leaked: [number, string][] = [];
  do {
    leaked = [...ours()].filter(([pid]) => !before.has(pid));
    if (leaked.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  } while (Date.now() < deadline);
  for (const [pid] of leaked) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  process.exitCode = 1;
  throw new Error(`processes outlived the test run (now killed):\n${leaked.map(([pid, cmd]) => `  ${pid} ${cmd}`).join('\n')}`);
}
