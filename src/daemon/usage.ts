// CPU and memory of many processes in one batched pidusage call.
import pidusage from 'pidusage';

// Samples every pid at once; a pid that vanished meanwhile is simply left out.
export async function sampleUsage(pids: number[]): Promise<Map<number, { memory: number; cpu: number }>> {
  const usage = new Map<number, { memory: number; cpu: number }>();
  if (pids.length === 0) return usage;
  try {
    const stats = await pidusage(pids);
    for (const [pid, stat] of Object.entries(stats)) {
      if (stat) usage.set(Number(pid), { memory: stat.memory, cpu: Math.round(stat.cpu * 10) / 10 });
    }
  } catch {
    // A pid that exited between the list and the sample makes the batch fail: sample one by one instead.
    for (const pid of pids) {
      try {
        const stat = await pidusage(pid);
        usage.set(pid, { memory: stat.memory, cpu: Math.round(stat.cpu * 10) / 10 });
      } catch {
        // gone
      }
    }
  }
  return usage;
}

let warmedUp = false;

// Makes pidusage learn the clock tick and page size (it runs `getconf` twice on first use, four short-lived processes)
// while apps are being started, so the table printed after the start does not wait for it; an idle daemon with no
// apps never loads it. Not `{ maxage: 0 }`: pidusage then never records the first reading and re-reads
// /proc/<pid>/stat forever, leaking an fd each time.
export function warmUpUsage(): void {
  if (warmedUp) return;
  warmedUp = true;
  pidusage(process.pid).catch(() => undefined);
}
