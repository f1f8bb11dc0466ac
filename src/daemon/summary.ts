// What `ls` shows of one process: the table's fields of the jlist description, built without copying the environment.
import type { ProcessSummary } from '../client/types.js';
import { restartTime, type LiveState } from './describe.js';
import type { ProcEntry } from './entry.js';

// The summary of an entry; every field has the value describeEntry gives it (a daemon test compares the two).
export function summarizeEntry(entry: ProcEntry, live: LiveState, usage: { memory: number; cpu: number } | undefined): ProcessSummary {
  const online = live.status === 'online';
  return {
    pid: live.pid ?? 0,
    name: entry.name,
    pm_id: entry.pmId,
    monit: online && usage ? { memory: usage.memory, cpu: usage.cpu } : { memory: 0, cpu: 0 },
    pm2_env: {
      namespace: entry.namespace,
      // Every instance runs as its own process until cluster mode lands (as describeEntry reports it).
      exec_mode: 'fork_mode',
      status: live.status,
      pm_uptime: entry.pmUptime,
      restart_time: restartTime(entry),
      watch: entry.app.watch,
    },
  };
}
