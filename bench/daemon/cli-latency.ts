// Scenario 1: the CLI's wall time for `ls`, `jlist` and `ping` with 10 apps up, arbor and PM2 in turn, beside a bare
// `node -e 0` in the same rounds (the floor for any Node CLI).
import { runCommand } from './command.js';
import { idleNodeApps } from './apps.js';
import type { Sandbox } from './sandbox.js';
import { createTool, startDaemon, waitAllOnline, type Tool, type ToolName } from './tools.js';

/** The commands timed. */
export const CLI_COMMANDS = ['ls', 'jlist', 'ping'] as const;
export type CliCommand = (typeof CLI_COMMANDS)[number];

/** Per-round wall times in ms (one figure per round for each). */
export interface CliLatencyResult {
  node: number[];
  times: Record<ToolName, Record<CliCommand, number[]>>;
}

// Starts 10 idle apps under each manager, runs one warm-up round, then `rounds` rounds timing every command.
export async function benchCliLatency(sandbox: Sandbox, options: { rounds: number; apps: number }): Promise<CliLatencyResult> {
  const tools: Tool[] = [createTool('arbor', sandbox, 'cli'), createTool('pm2', sandbox, 'cli')];
  const result: CliLatencyResult = {
    node: [],
    times: { arbor: { ls: [], jlist: [], ping: [] }, pm2: { ls: [], jlist: [], ping: [] } },
  };
  try {
    for (const tool of tools) {
      await startDaemon(tool);
      await tool.cli(['start', tool.writeConfig('ten', idleNodeApps('idle-', options.apps))], { timeoutMs: 120_000 });
      await waitAllOnline(tool, 'idle-', options.apps, 60_000);
    }
    const bareNode = async (): Promise<number> => (await runCommand(process.execPath, ['-e', '0'], { env: sandbox.env })).ms;
    for (let round = -1; round < options.rounds; round += 1) {
      const order = round % 2 === 0 ? tools : [...tools].reverse();
      const node = await bareNode();
      const measured: Array<[ToolName, CliCommand, number]> = [];
      for (const command of CLI_COMMANDS) {
        for (const tool of order) measured.push([tool.name, command, (await tool.cli([command])).ms]);
      }
      if (round < 0) continue; // the warm-up round (file cache, first connection) is not counted
      result.node.push(node);
      for (const [tool, command, ms] of measured) result.times[tool][command].push(ms);
    }
    return result;
  } finally {
    for (const tool of tools) await tool.kill();
  }
}
