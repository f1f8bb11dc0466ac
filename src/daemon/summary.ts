// What `ls` shows of one process: the table's fields of the jlist description, built without copying the environment.
import type { ProcessSummary } from '../client/types.js';
import { monitOf, restartTime, RUNNING_EXEC_MODE, type LiveState } from './describe.js';
import type { ProcEntry } from './entry.js';

// The summary of an entry; every field has the value describeEntry gives it (a daemon test compares the two).
export function summarizeEntry(entry: ProcEntry, live: LiveState, usage: { memory: number; cpu: number } | undefined): ProcessSummary {
  return {
    pid: live.pid ?? 0,
    name: entry.name,
    pm_id: entry.pmId,
    monit: monitOf(live, usage),
    pm2_env: {
      namespace: entry.namespace,
      exec_mode: RUNNING_EXEC_MODE,
      status: live.status,
      pm_uptime: entry.pmUptime,
      restart_time: restartTime(entry),
      watch: entry.app.watch,
    },
  };
}
