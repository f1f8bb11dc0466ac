// `arbor ls`: PM2's process table (id, name, namespace, mode, pid, uptime, ↺, status, cpu, mem, watching).
import type { ProcessSummary } from '../../client/types.js';
import { isWatching } from '../../daemon/watch-request.js';
import { createPalette, type Palette } from './colors.js';
import { formatCpu, humanBytes, humanUptime } from './humanize.js';
import { paintStatus, shortMode } from './status.js';
import { cleanText, columnWidths, renderTable, tableWidth, truncateToWidth } from './table.js';

/** How to render the list. */
export interface ListOptions {
  color: boolean;
  /** Terminal width in columns; when the full table is wider, low-value columns are dropped, then names cut. */
  width?: number;
  /** The current time in epoch ms, for uptimes (default: Date.now()). */
  now?: number;
}

type ColumnKey = 'id' | 'name' | 'namespace' | 'mode' | 'pid' | 'uptime' | 'restarts' | 'status' | 'cpu' | 'mem' | 'watching';

interface Column {
  key: ColumnKey;
  title: string;
  cell(proc: ProcessSummary, now: number, palette: Palette): string;
}

const COLUMNS: readonly Column[] = [
  { key: 'id', title: 'id', cell: (proc, _now, palette) => palette.cyan(String(proc.pm_id)) },
  { key: 'name', title: 'name', cell: (proc, _now, palette) => palette.bold(cleanText(proc.name)) },
  { key: 'namespace', title: 'namespace', cell: (proc) => cleanText(proc.pm2_env.namespace) },
  { key: 'mode', title: 'mode', cell: (proc) => shortMode(proc.pm2_env.exec_mode) },
  { key: 'pid', title: 'pid', cell: (proc) => String(proc.pid) },
  {
    key: 'uptime',
    title: 'uptime',
    cell: (proc, now) => (proc.pm2_env.status === 'online' ? humanUptime(now - proc.pm2_env.pm_uptime) : '0'),
  },
  { key: 'restarts', title: '↺', cell: (proc) => String(proc.pm2_env.restart_time) },
  { key: 'status', title: 'status', cell: (proc, _now, palette) => paintStatus(proc.pm2_env.status, palette) },
  { key: 'cpu', title: 'cpu', cell: (proc) => formatCpu(proc.monit.cpu) },
  { key: 'mem', title: 'mem', cell: (proc) => humanBytes(proc.monit.memory) },
  { key: 'watching', title: 'watching', cell: (proc, _now, palette) => watchingCell(proc.pm2_env.watch, palette) },
];

// PM2's watching cell: enabled (green, bold) when the app watches something, else disabled (grey).
function watchingCell(watch: boolean | string[], palette: Palette): string {
  return isWatching(watch) ? palette.bold(palette.green('enabled')) : palette.gray('disabled');
}

/** Columns given up first when the terminal is too narrow, in order. */
const DROP_ORDER: readonly ColumnKey[] = ['watching', 'namespace', 'mode', 'pid', 'cpu'];

/** Names are never cut below this many columns. */
const MIN_NAME_WIDTH = 8;

/** What `ls` prints under an empty table. */
export const EMPTY_LIST_HINT = 'No processes yet. Start one with `arbor start app.js` or `arbor start ecosystem.config.js`.';

function build(
  procs: readonly ProcessSummary[],
  columns: readonly Column[],
  now: number,
  palette: Palette,
  nameWidth: number | null,
): { head: string[]; rows: string[][] } {
  const head = columns.map((column) => palette.bold(palette.cyan(column.title)));
  const rows = procs.map((proc) =>
    columns.map((column) => {
      if (column.key === 'name' && nameWidth !== null) {
        return palette.bold(truncateToWidth(cleanText(proc.name), nameWidth));
      }
      return column.cell(proc, now, palette);
    }),
  );
  return { head, rows };
}

// Renders the process table sorted by id, fitted to `width` when given; an empty list gets a hint below the table.
export function formatList(procs: readonly ProcessSummary[], options: ListOptions): string {
  const palette = createPalette(options.color);
  const now = options.now ?? Date.now();
  const sorted = [...procs].sort((a, b) => a.pm_id - b.pm_id);

  let columns = [...COLUMNS];
  let content = build(sorted, columns, now, palette, null);
  if (options.width !== undefined) {
    const limit = options.width;
    for (const key of DROP_ORDER) {
      if (tableWidth(columnWidths(content)) <= limit) break;
      columns = columns.filter((column) => column.key !== key);
      content = build(sorted, columns, now, palette, null);
    }
    const overflow = tableWidth(columnWidths(content)) - limit;
    if (overflow > 0) {
      const nameIndex = columns.findIndex((column) => column.key === 'name');
      const current = columnWidths(content)[nameIndex] ?? 0;
      const target = Math.max(MIN_NAME_WIDTH, current - overflow);
      if (target < current) content = build(sorted, columns, now, palette, target);
    }
  }

  const table = renderTable(content);
  return sorted.length === 0 ? `${table}\n${palette.dim(EMPTY_LIST_HINT)}` : table;
}
