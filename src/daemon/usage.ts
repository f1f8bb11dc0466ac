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

// Makes pidusage learn the clock tick and page size now (it runs `getconf` twice on first use, four short-lived
// processes): done once when the daemon is idle, so the first `ls` after a big start does not pay for it.
// Not `{ maxage: 0 }`: pidusage then never records the first reading and re-reads /proc/<pid>/stat forever, leaking an fd each time.
export function warmUpUsage(): void {
  pidusage(process.pid).catch(() => undefined);
}
