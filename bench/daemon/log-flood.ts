// Scenario 5: log flood. An app prints numbered lines flat out for a few seconds (fixtures/flood.cjs, honouring
// back-pressure); afterwards the log file is read back: how many lines reached it per second, whether any is missing
// or out of order, and the daemon's CPU time (utime + stime) over the run, in % of one core.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sleep, waitFor } from './command.js';
import { floodApp } from './apps.js';
import { readCpuSeconds } from './proc.js';
import type { Sandbox } from './sandbox.js';
import { createTool, startDaemon, type Tool, type ToolName } from './tools.js';

/** Per-run figures. */
export interface LogFloodResult {
  linesPerSecond: Record<ToolName, number[]>;
  /** Lines the app wrote that are missing from the file, plus lines out of order or repeated. */
  lost: Record<ToolName, number[]>;
  cpuPercent: Record<ToolName, number[]>;
  linesInFile: Record<ToolName, number[]>;
}

/** What a log file holds of a numbered flood. */
export interface FloodCheck {
  lines: number;
  /** Numbered lines missing (the app wrote `written`) or not in order. */
  defects: number;
}

// Checks a flood log: every line must start with the next number, 0 first, up to written - 1.
export function checkFloodLog(text: string, written: number): FloodCheck {
  let expected = 0;
  let lines = 0;
  let defects = 0;
  let lineStart = 0;
  for (let index = text.indexOf('\n'); index >= 0; index = text.indexOf('\n', lineStart)) {
    const space = text.indexOf(' ', lineStart);
    const number = Number(text.slice(lineStart, space >= 0 && space < index ? space : index));
    lines += 1;
    if (number !== expected) defects += 1;
    expected = Number.isInteger(number) ? number + 1 : expected + 1;
    lineStart = index + 1;
  }
  return { lines, defects: defects + Math.max(0, written - expected) };
}

// `runs` runs, arbor and PM2 in turn (order alternating), each with a fresh flooding app writing to its own log file.
export async function benchLogFlood(sandbox: Sandbox, options: { runs: number; floodMs: number }): Promise<LogFloodResult> {
  const tools: Tool[] = [createTool('arbor', sandbox, 'flood'), createTool('pm2', sandbox, 'flood')];
  const result: LogFloodResult = {
    linesPerSecond: { arbor: [], pm2: [] },
    lost: { arbor: [], pm2: [] },
    cpuPercent: { arbor: [], pm2: [] },
    linesInFile: { arbor: [], pm2: [] },
  };
  try {
    const pids = new Map<ToolName, number>();
    for (const tool of tools) pids.set(tool.name, await startDaemon(tool));
    for (let run = 0; run < options.runs; run += 1) {
      for (const tool of run % 2 === 0 ? tools : [...tools].reverse()) {
        const name = `flood-${run}`;
        const base = path.join(sandbox.root, `${tool.name}-${name}`);
        const [record, outFile, errorFile] = [`${base}.record`, `${base}.out.log`, `${base}.err.log`];
        const config = tool.writeConfig(name, [floodApp(name, record, outFile, errorFile, options.floodMs)]);
        const pid = pids.get(tool.name)!;

        const cpuBefore = readCpuSeconds(pid);
        const issuedAt = Date.now();
        await tool.cli(['start', config]);
        const ended = await waitFor(
          `${tool.name}'s ${name} to finish`,
          () => /^end (\d+) (\d+)$/m.exec(fs.existsSync(record) ? fs.readFileSync(record, 'utf8') : '') ?? undefined,
          options.floodMs + 60_000,
          100,
        );
        const written = Number(ended[2]);
        // The daemon may still be writing what it has buffered: wait until the file has stopped growing.
        let size = -1;
        for (let stable = 0; stable < 5; ) {
          await sleep(100);
          const now = fs.existsSync(outFile) ? fs.statSync(outFile).size : 0;
          stable = now === size ? stable + 1 : 0;
          size = now;
        }
        const cpuSeconds = readCpuSeconds(pid) - cpuBefore;
        const lastWriteAt = fs.statSync(outFile).mtimeMs;
        const startedAt = Number(/^start (\d+)$/m.exec(fs.readFileSync(record, 'utf8'))?.[1]);
        const check = checkFloodLog(fs.readFileSync(outFile, 'utf8'), written);
        result.linesInFile[tool.name].push(check.lines);
        result.lost[tool.name].push(check.defects);
        result.linesPerSecond[tool.name].push(check.lines / ((lastWriteAt - startedAt) / 1000));
        // The CPU was spent between the start command and the file's last write (the idle tail after it adds ~nothing).
        result.cpuPercent[tool.name].push((cpuSeconds / ((lastWriteAt - issuedAt) / 1000)) * 100);
        await tool.cli(['delete', name]);
        for (const file of [outFile, errorFile]) fs.rmSync(file, { force: true });
      }
    }
    return result;
  } finally {
    for (const tool of tools) await tool.kill();
  }
}
