// Scenario 5: log flood. An app prints numbered lines flat out for a few seconds (fixtures/flood.cjs, honouring
// back-pressure); afterwards the log file is read back: how many lines reached it per second, whether any is missing
// or out of order, and the daemon's CPU time (utime + stime) over the run, in % of one core.
// Two variants: plain lines (arbor hands the app the log file itself, so the daemon does no work; PM2 pipes every
// line through its daemon) and timestamped lines (`time: true`: both managers pipe the lines through the daemon).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sleep, waitFor } from './command.js';
import { floodApp } from './apps.js';
import { readCpuSeconds } from './proc.js';
import type { Sandbox } from './sandbox.js';
import { createTool, startDaemon, type Tool, type ToolName } from './tools.js';

/** The two ways the app's lines reach the file: as written (plain), or timestamped (`time: true`). */
export const FLOOD_VARIANTS = ['plain', 'timestamped'] as const;
export type FloodVariant = (typeof FLOOD_VARIANTS)[number];

/** Per-run figures of one variant. */
export interface FloodFigures {
  linesPerSecond: Record<ToolName, number[]>;
  /** Lines the app wrote that are missing from the file, plus lines out of order or repeated. */
  lost: Record<ToolName, number[]>;
  cpuPercent: Record<ToolName, number[]>;
  /** Daemon CPU seconds per million lines that reached the file (the cost per line, whatever the throughput). */
  cpuPerMillionLines: Record<ToolName, number[]>;
  linesInFile: Record<ToolName, number[]>;
}

/** Per-run figures by variant. */
export type LogFloodResult = Record<FloodVariant, FloodFigures>;

/** What a log file holds of a numbered flood. */
export interface FloodCheck {
  lines: number;
  /** Numbered lines missing (the app wrote `written`) or not in order. */
  defects: number;
}

/** The text after each line's number (see fixtures/flood.cjs). */
const LINE_TEXT = ' the quick brown fox';

// Checks a flood log: the lines' numbers (after any timestamp prefix) must run 0, 1, ... up to written - 1.
export function checkFloodLog(text: string, written: number): FloodCheck {
  let expected = 0;
  let lines = 0;
  let defects = 0;
  let lineStart = 0;
  for (let lineEnd = text.indexOf('\n'); lineEnd >= 0; lineEnd = text.indexOf('\n', lineStart)) {
    const marker = text.indexOf(LINE_TEXT, lineStart);
    const numberStart = marker >= 0 && marker < lineEnd ? Math.max(lineStart, text.lastIndexOf(' ', marker - 1) + 1) : -1;
    const number = numberStart >= 0 ? Number(text.slice(numberStart, marker)) : NaN;
    lines += 1;
    if (number !== expected) defects += 1;
    expected = Number.isInteger(number) ? number + 1 : expected + 1;
    lineStart = lineEnd + 1;
  }
  return { lines, defects: defects + Math.max(0, written - expected) };
}

function emptyFigures(): FloodFigures {
  return { linesPerSecond: { arbor: [], pm2: [] }, lost: { arbor: [], pm2: [] }, cpuPercent: { arbor: [], pm2: [] }, cpuPerMillionLines: { arbor: [], pm2: [] }, linesInFile: { arbor: [], pm2: [] } };
}

// `runs` runs of each variant, arbor and PM2 in turn (order alternating), each with a fresh flooding app and log file.
export async function benchLogFlood(sandbox: Sandbox, options: { runs: number; floodMs: number }): Promise<LogFloodResult> {
  const tools: Tool[] = [createTool('arbor', sandbox, 'flood'), createTool('pm2', sandbox, 'flood')];
  const result: LogFloodResult = { plain: emptyFigures(), timestamped: emptyFigures() };
  try {
    const pids = new Map<ToolName, number>();
    for (const tool of tools) pids.set(tool.name, await startDaemon(tool));
    for (let run = 0; run < options.runs; run += 1) {
      for (const variant of FLOOD_VARIANTS) {
        for (const tool of run % 2 === 0 ? tools : [...tools].reverse()) {
          await floodOnce(sandbox, tool, pids.get(tool.name)!, `flood-${variant}-${run}`, variant, options.floodMs, result[variant]);
        }
      }
    }
    return result;
  } finally {
    for (const tool of tools) await tool.kill();
  }
}

// Starts one flooding app, waits for its end and for the file to stop growing, checks the file and records the figures.
async function floodOnce(sandbox: Sandbox, tool: Tool, daemonPid: number, name: string, variant: FloodVariant, floodMs: number, figures: FloodFigures): Promise<void> {
  const base = path.join(sandbox.root, `${tool.name}-${name}`);
  const setup = { record: `${base}.record`, outFile: `${base}.out.log`, errorFile: `${base}.err.log`, floodMs, timestamps: variant === 'timestamped' };
  const config = tool.writeConfig(name, [floodApp(name, setup)]);

  const cpuBefore = readCpuSeconds(daemonPid);
  const issuedAt = Date.now();
  await tool.cli(['start', config]);
  const ended = await waitFor(
    `${tool.name}'s ${name} to finish`,
    () => /^end (\d+) (\d+)$/m.exec(fs.existsSync(setup.record) ? fs.readFileSync(setup.record, 'utf8') : '') ?? undefined,
    floodMs + 60_000,
    100,
  );
  const written = Number(ended[2]);
  // The daemon may still be writing what it has buffered: wait until the file has stopped growing.
  let size = -1;
  for (let stable = 0; stable < 5; ) {
    await sleep(100);
    const now = fs.existsSync(setup.outFile) ? fs.statSync(setup.outFile).size : 0;
    stable = now === size ? stable + 1 : 0;
    size = now;
  }
  const cpuSeconds = readCpuSeconds(daemonPid) - cpuBefore;
  const lastWriteAt = fs.statSync(setup.outFile).mtimeMs;
  const startedAt = Number(/^start (\d+)$/m.exec(fs.readFileSync(setup.record, 'utf8'))?.[1]);
  const check = checkFloodLog(fs.readFileSync(setup.outFile, 'utf8'), written);
  figures.linesInFile[tool.name].push(check.lines);
  figures.lost[tool.name].push(check.defects);
  figures.linesPerSecond[tool.name].push(check.lines / ((lastWriteAt - startedAt) / 1000));
  // The CPU was spent between the start command and the file's last write (the idle tail after it adds ~nothing).
  figures.cpuPercent[tool.name].push((cpuSeconds / ((lastWriteAt - issuedAt) / 1000)) * 100);
  figures.cpuPerMillionLines[tool.name].push(cpuSeconds / (check.lines / 1e6));
  await tool.cli(['delete', name]);
  for (const file of [setup.outFile, setup.errorFile]) fs.rmSync(file, { force: true });
}
