// Scenarios 3, 2b and 6 on one setup: start 50 apps from one config (time until the CLI returns and until jlist shows
// all 50 online), then with the 50 idle apps up, the daemon's VmRSS after the settling time and its CPU over a window.
// Each manager has the machine to itself: the other's apps are deleted before it starts, because PM2's "idle" Node
// apps are not idle (its in-process agent burns about 3 ms of CPU per app per second: 15 % of a core for 50), which
// slowed whichever manager started second beside them. For scale, this process spawns (and stops) the same 50
// apps itself; a bare Node process holding a unix socket is read beside each daemon.
import { sleep } from './command.js';
import { fiftyIdleApps } from './apps.js';
import { spawnAll } from './bare-spawn.js';
import { readCpuSeconds, recordMemory } from './proc.js';
import type { Sandbox } from './sandbox.js';
import { createTool, startDaemon, waitAllOnline, type ToolName } from './tools.js';

/** Per-run figures. */
export interface FiftyAppsResult {
  /** ms from `start <config>` being run until the CLI returned. */
  cliMs: Record<ToolName, number[]>;
  /** ms from `start <config>` being run until a jlist showing all 50 online returned. */
  onlineMs: Record<ToolName, number[]>;
  /** ms for this process to spawn the same 50 apps one after the other (child_process.spawn's pace, for scale). */
  bareSpawnMs: number[];
  /** VmRSS and RssAnon in bytes settleMs after the manager had its 50 online (the bare holder: once per run). */
  rss: Record<ToolName | 'bare', number[]>;
  anon: Record<ToolName | 'bare', number[]>;
  /** Daemon CPU (utime + stime) over the idle window, in % of one core. */
  idleCpuPercent: Record<ToolName, number[]>;
}

/** How long and how often. */
export interface FiftyAppsOptions {
  runs: number;
  settleMs: number;
  cpuWindowMs: number;
}

const APP_COUNT = 50;
const PREFIX = 'fifty-';

// `runs` runs with fresh homes; both daemons are started (ping) before the timed start, so it times the start alone.
export async function benchFiftyApps(sandbox: Sandbox, python: string, options: FiftyAppsOptions): Promise<FiftyAppsResult> {
  const result: FiftyAppsResult = {
    cliMs: { arbor: [], pm2: [] },
    onlineMs: { arbor: [], pm2: [] },
    bareSpawnMs: [],
    rss: { arbor: [], pm2: [], bare: [] },
    anon: { arbor: [], pm2: [], bare: [] },
    idleCpuPercent: { arbor: [], pm2: [] },
  };
  for (let run = 0; run < options.runs; run += 1) {
    const tools = [createTool('arbor', sandbox, `fifty-${run}`), createTool('pm2', sandbox, `fifty-${run}`)];
    if (run % 2 === 1) tools.reverse();
    const holder = await sandbox.startSocketHolder(`bare-fifty-${run}`);
    try {
      const pids = new Map<ToolName, number>();
      for (const tool of tools) pids.set(tool.name, await startDaemon(tool));
      // The bare loop first: spawned and stopped again before either manager starts its apps.
      const bare = spawnAll(fiftyIdleApps(PREFIX, python), sandbox.dir(`bare-fifty-${run}`), sandbox.env);
      result.bareSpawnMs.push(bare.ms);
      await bare.stop();
      for (const tool of tools) {
        const config = tool.writeConfig('fifty', fiftyIdleApps(PREFIX, python));
        const began = performance.now();
        await tool.cli(['start', config], { timeoutMs: 180_000 });
        result.cliMs[tool.name].push(performance.now() - began);
        const online = await waitAllOnline(tool, PREFIX, APP_COUNT, 120_000);
        result.onlineMs[tool.name].push(online - began);

        await sleep(options.settleMs);
        const pid = pids.get(tool.name)!;
        recordMemory(result, tool.name, pid);
        if (tool === tools[0]) recordMemory(result, 'bare', holder.pid);
        const cpuBefore = readCpuSeconds(pid);
        const windowBegan = performance.now();
        await sleep(options.cpuWindowMs);
        const windowSeconds = (performance.now() - windowBegan) / 1000;
        result.idleCpuPercent[tool.name].push(((readCpuSeconds(pid) - cpuBefore) / windowSeconds) * 100);
        await tool.cli(['delete', 'all'], { timeoutMs: 60_000 });
      }
    } finally {
      await holder.stop();
      for (const tool of tools) await tool.kill();
    }
  }
  return result;
}
