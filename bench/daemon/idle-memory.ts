// Scenario 2a: each daemon's resident memory with no app, beside a bare Node process holding a unix socket (the floor
// for a Node daemon), all three started in the same run and read after the same settling time.
import { sleep } from './command.js';
import { recordMemory } from './proc.js';
import type { Sandbox } from './sandbox.js';
import { createTool, startDaemon, type ToolName } from './tools.js';

/** Per-run VmRSS and RssAnon in bytes. */
export interface IdleMemoryResult {
  rss: Record<ToolName | 'bare', number[]>;
  anon: Record<ToolName | 'bare', number[]>;
}

// `runs` runs, each with fresh homes: start both daemons (order alternating) and the bare holder, wait settleMs, read VmRSS.
export async function benchIdleMemory(sandbox: Sandbox, options: { runs: number; settleMs: number }): Promise<IdleMemoryResult> {
  const result: IdleMemoryResult = { rss: { arbor: [], pm2: [], bare: [] }, anon: { arbor: [], pm2: [], bare: [] } };
  for (let run = 0; run < options.runs; run += 1) {
    const tools = [createTool('arbor', sandbox, `idle-${run}`), createTool('pm2', sandbox, `idle-${run}`)];
    if (run % 2 === 1) tools.reverse();
    const holder = await sandbox.startSocketHolder(`bare-idle-${run}`);
    try {
      const pids = new Map<ToolName, number>();
      for (const tool of tools) pids.set(tool.name, await startDaemon(tool));
      await sleep(options.settleMs);
      for (const tool of tools) recordMemory(result, tool.name, pids.get(tool.name)!);
      recordMemory(result, 'bare', holder.pid);
    } finally {
      await holder.stop();
      for (const tool of tools) await tool.kill();
    }
  }
  return result;
}
