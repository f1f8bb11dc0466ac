// Turns the scenarios' per-run figures into one table: scenario, arbor, pm2, ratio (arbor / pm2), aim, met.
import { CLI_COMMANDS, type CliLatencyResult } from './cli-latency.js';
import type { FiftyAppsResult } from './fifty-apps.js';
import type { IdleMemoryResult } from './idle-memory.js';
import { FLOOD_VARIANTS, type LogFloodResult } from './log-flood.js';
import type { RespawnResult } from './respawn.js';
import { differences, formatSpread, formatValue, median, spreadOf, type Unit } from './stats.js';

/** One line of the table. */
export interface Row {
  scenario: string;
  arbor: string;
  pm2: string;
  ratio: string;
  aim: string;
  met: 'yes' | 'no' | '-';
}

/** Whatever the scenarios produced (a scenario left out or failed is absent). */
export interface Results {
  cli?: CliLatencyResult;
  memory?: IdleMemoryResult;
  fifty?: FiftyAppsResult;
  respawn?: RespawnResult;
  flood?: LogFloodResult;
}

const MB = 1024 * 1024;
const ms: Unit = { scale: 1, digits: 0, suffix: ' ms' };
const msFine: Unit = { scale: 1, digits: 1, suffix: ' ms' };
const seconds: Unit = { scale: 1000, digits: 2, suffix: ' s' };
const megabytes: Unit = { scale: MB, digits: 1, suffix: ' MB' };
const percent: Unit = { scale: 1, digits: 2, suffix: ' %' };
const cpuSeconds: Unit = { scale: 1, digits: 2, suffix: ' CPU s' };
const kiloLines: Unit = { scale: 1000, digits: 0, suffix: 'k lines/s' };
const signed = (value: number, unit: Unit): string => `${value >= 0 ? '+' : '-'}${formatValue(Math.abs(value), unit)}`;

function ratioOf(arbor: readonly number[], pm2: readonly number[]): number {
  return median(arbor) / median(pm2);
}

function formatRatio(ratio: number): string {
  return Number.isFinite(ratio) ? `${ratio.toFixed(2)}x` : 'n/a';
}

function verdict(value: number, holds: (value: number) => boolean): Row['met'] {
  return Number.isFinite(value) ? (holds(value) ? 'yes' : 'no') : '-';
}

// A row of RssAnon figures, for information (no aim).
function anonRow(scenario: string, anon: Record<'arbor' | 'pm2' | 'bare', number[]>): Row {
  return {
    scenario,
    arbor: `${formatSpread(spreadOf(anon.arbor), megabytes)}, bare ${signed(median(differences(anon.arbor, anon.bare)), megabytes)}`,
    pm2: formatSpread(spreadOf(anon.pm2), megabytes),
    ratio: formatRatio(ratioOf(anon.arbor, anon.pm2)),
    aim: `- (bare ${formatSpread(spreadOf(anon.bare), megabytes)})`,
    met: '-',
  };
}

// The rows of every scenario present in the results, in the order.
export function resultRows(results: Results): Row[] {
  const rows: Row[] = [];
  const { cli, memory, fifty, respawn, flood } = results;
  if (cli) {
    const node = spreadOf(cli.node);
    for (const command of CLI_COMMANDS) {
      const arbor = cli.times.arbor[command];
      const pm2 = cli.times.pm2[command];
      const overNode = median(differences(arbor, cli.node));
      rows.push({
        scenario: `1. CLI \`${command}\`, 10 apps up`,
        arbor: `${formatSpread(spreadOf(arbor), ms)}, node ${signed(overNode, ms)}`,
        pm2: formatSpread(spreadOf(pm2), ms),
        ratio: formatRatio(ratioOf(arbor, pm2)),
        aim: `<= node -e 0 + 30 ms (node ${formatSpread(node, ms)})`,
        met: verdict(overNode, (value) => value <= 30),
      });
    }
  }
  if (memory) {
    const overBare = median(differences(memory.rss.arbor, memory.rss.bare));
    rows.push({
      scenario: '2. daemon RSS, 0 apps',
      arbor: `${formatSpread(spreadOf(memory.rss.arbor), megabytes)}, bare ${signed(overBare, megabytes)}`,
      pm2: formatSpread(spreadOf(memory.rss.pm2), megabytes),
      ratio: formatRatio(ratioOf(memory.rss.arbor, memory.rss.pm2)),
      aim: `<= bare Node + 6 MB (bare ${formatSpread(spreadOf(memory.rss.bare), megabytes)})`,
      met: verdict(overBare, (value) => value <= 6 * MB),
    });
    rows.push(anonRow('2. daemon RssAnon (private part of RSS), 0 apps', memory.anon));
  }
  if (fifty) {
    const overBare = median(differences(fifty.rss.arbor, fifty.rss.bare));
    const growth = memory ? `, ${signed(median(fifty.rss.arbor) - median(memory.rss.arbor), megabytes)} vs 0 apps` : '';
    rows.push({
      scenario: '2. daemon RSS, 50 idle apps',
      arbor: `${formatSpread(spreadOf(fifty.rss.arbor), megabytes)}, bare ${signed(overBare, megabytes)}${growth}`,
      pm2: formatSpread(spreadOf(fifty.rss.pm2), megabytes),
      ratio: formatRatio(ratioOf(fifty.rss.arbor, fifty.rss.pm2)),
      aim: `flat: still <= bare Node + 6 MB (bare ${formatSpread(spreadOf(fifty.rss.bare), megabytes)})`,
      met: verdict(overBare, (value) => value <= 6 * MB),
    });
    rows.push(anonRow('2. daemon RssAnon (private part of RSS), 50 idle apps', fifty.anon));
    const startRatios = [
      ['3. start 50 apps: CLI returns', fifty.cliMs],
      ['3. start 50 apps: all online in jlist', fifty.onlineMs],
    ] as const;
    for (const [scenario, figures] of startRatios) {
      const ratio = ratioOf(figures.arbor, figures.pm2);
      rows.push({
        scenario,
        arbor: formatSpread(spreadOf(figures.arbor), seconds),
        pm2: formatSpread(spreadOf(figures.pm2), seconds),
        ratio: formatRatio(ratio),
        // For scale: a bare child_process.spawn loop, which waits for each exec while the booting apps share the cores.
        aim: `<= 0.5x pm2 (a bare child_process spawn loop of the 50: ${formatSpread(spreadOf(fifty.bareSpawnMs), seconds)} = ${formatRatio(ratioOf(fifty.bareSpawnMs, figures.pm2))} pm2)`,
        met: verdict(ratio, (value) => value <= 0.5),
      });
    }
  }
  if (respawn) {
    if (respawn.traced) {
      const reaction = ratioOf(respawn.reactionMs.arbor, respawn.reactionMs.pm2);
      rows.push({
        scenario: `4. exit -> respawn call: the daemon's wait4 reaping the app -> its next fork (perf trace; median of ${respawn.restarts} per run)`,
        arbor: `${formatSpread(spreadOf(respawn.reactionMs.arbor), msFine)} (the fork call itself ${formatSpread(spreadOf(respawn.forkMs.arbor), msFine)})`,
        pm2: `${formatSpread(spreadOf(respawn.reactionMs.pm2), msFine)} (fork ${formatSpread(spreadOf(respawn.forkMs.pm2), msFine)})`,
        ratio: formatRatio(reaction),
        aim: '< 5 ms',
        met: verdict(spreadOf(respawn.reactionMs.arbor).median, (value) => value < 5),
      });
    } else {
      rows.push({ scenario: '4. exit -> respawn call (perf trace)', arbor: 'n/a: perf trace is not available here', pm2: 'n/a', ratio: 'n/a', aim: '< 5 ms', met: '-' });
    }
    const daemon = spreadOf(respawn.daemonMs);
    rows.push({
      scenario: `4. exit -> respawned, daemon side (arbor log, ms resolution, includes the fork and the child's exec; median of ${respawn.restarts} per run)`,
      arbor: `${formatSpread(daemon, msFine)}, of which exit -> decision ${formatSpread(spreadOf(respawn.decideMs), msFine)}`,
      pm2: 'n/a (no such log)',
      ratio: 'n/a',
      aim: '-',
      met: '-',
    });
    const outside = [
      ['4. exit -> next process spawned (its timeOrigin)', respawn.spawnMs],
      ['4. exit -> next script running (incl. node boot)', respawn.runningMs],
    ] as const;
    for (const [scenario, figures] of outside) {
      rows.push({
        scenario,
        arbor: formatSpread(spreadOf(figures.arbor), msFine),
        pm2: formatSpread(spreadOf(figures.pm2), msFine),
        ratio: formatRatio(ratioOf(figures.arbor, figures.pm2)),
        aim: '-',
        met: '-',
      });
    }
  }
  if (flood) {
    for (const variant of FLOOD_VARIANTS) {
      const figures = flood[variant];
      const label = variant === 'plain' ? 'log flood' : 'log flood, time: true';
      const throughput = ratioOf(figures.linesPerSecond.arbor, figures.linesPerSecond.pm2);
      rows.push({
        scenario: `5. ${label}: lines/s reaching the file`,
        arbor: formatSpread(spreadOf(figures.linesPerSecond.arbor), kiloLines),
        pm2: formatSpread(spreadOf(figures.linesPerSecond.pm2), kiloLines),
        ratio: formatRatio(throughput),
        aim: '>= pm2',
        met: verdict(throughput, (value) => value >= 1),
      });
      const worstLost = Math.max(...figures.lost.arbor);
      rows.push({
        scenario: `5. ${label}: lines lost or out of order (worst run)`,
        arbor: String(worstLost),
        pm2: String(Math.max(...figures.lost.pm2)),
        ratio: 'n/a',
        aim: '0',
        met: verdict(worstLost, (value) => value === 0),
      });
      const cpu = ratioOf(figures.cpuPercent.arbor, figures.cpuPercent.pm2);
      rows.push({
        scenario: `5. ${label}: daemon CPU, % of one core`,
        arbor: formatSpread(spreadOf(figures.cpuPercent.arbor), percent),
        pm2: formatSpread(spreadOf(figures.cpuPercent.pm2), percent),
        ratio: formatRatio(cpu),
        aim: '<= 0.1x pm2',
        met: verdict(cpu, (value) => value <= 0.1),
      });
      rows.push({
        scenario: `5. ${label}: daemon CPU per million lines`,
        arbor: formatSpread(spreadOf(figures.cpuPerMillionLines.arbor), cpuSeconds),
        pm2: formatSpread(spreadOf(figures.cpuPerMillionLines.pm2), cpuSeconds),
        ratio: formatRatio(ratioOf(figures.cpuPerMillionLines.arbor, figures.cpuPerMillionLines.pm2)),
        aim: '-',
        met: '-',
      });
    }
  }
  if (fifty) {
    const cpu = ratioOf(fifty.idleCpuPercent.arbor, fifty.idleCpuPercent.pm2);
    rows.push({
      scenario: '6. daemon CPU idle, 50 apps',
      arbor: formatSpread(spreadOf(fifty.idleCpuPercent.arbor), percent),
      pm2: formatSpread(spreadOf(fifty.idleCpuPercent.pm2), percent),
      ratio: formatRatio(cpu),
      aim: '<= 0.25x pm2',
      met: verdict(cpu, (value) => value <= 0.25),
    });
  }
  return rows;
}

// The rows as a Markdown table (columns padded so it also reads as plain text).
export function formatTable(rows: readonly Row[]): string {
  const header: Row = { scenario: 'scenario', arbor: 'arbor', pm2: 'pm2', ratio: 'ratio', aim: 'aim', met: '-' };
  const columns = ['scenario', 'arbor', 'pm2', 'ratio', 'aim', 'met'] as const;
  const cells = [header, ...rows].map((row, index) => columns.map((column) => (index === 0 && column === 'met' ? 'met' : row[column])));
  const widths = columns.map((_, column) => Math.max(...cells.map((line) => line[column]!.length)));
  const line = (values: readonly string[]): string => `| ${values.map((value, column) => value.padEnd(widths[column]!)).join(' | ')} |`;
  return [line(cells[0]!), line(widths.map((width) => '-'.repeat(width))), ...cells.slice(1).map(line)].join('\n');
}
