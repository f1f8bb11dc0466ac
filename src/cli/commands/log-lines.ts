// What `arbor logs` prints, as pure functions: which files to show, and each line in PM2's styles
// (`0|api | text`, --raw, --json, --format, with --timestamp and --highlight).

import type { LogFiles } from '../../client/api.js';
import { formatLogDate } from '../../logs/date-format.js';
import type { Palette } from '../format/colors.js';

/** Which stream a file holds; 'daemon' is arbor's own log. */
export type LogFileType = 'out' | 'err' | 'daemon';

/** One file to print and follow, with the process it belongs to. */
export interface ShownLogFile {
  path: string;
  type: LogFileType;
  /** The process's id, null for the daemon's log. */
  pmId: number | null;
  name: string;
}

/** How lines are printed. */
export interface LineStyle {
  mode: 'prefixed' | 'raw' | 'json' | 'format';
  /** --timestamp: the format of the time put before each line (lines read back from history have no time). */
  timestampFormat?: string;
  /** --highlight: text to emphasise (only when colour is on). */
  highlight?: string;
  palette: Palette;
  /** The width the `id|name` labels are padded to, so the `|` columns line up. */
  labelWidth: number;
}

/** The name under which the daemon's own log lines are shown. */
export const DAEMON_LOG_NAME = 'arbor';

// The files to show, each once (instances with merged logs share one), by process id: its out file, then its err file.
// The daemon's log comes first when given (PM2 shows pm2.log when no target is named).
export function logFilesToShow(files: readonly LogFiles[], source: 'all' | 'out' | 'err', daemonLog?: string): ShownLogFile[] {
  const shown: ShownLogFile[] = [];
  const seen = new Set<string>();
  const add = (file: ShownLogFile): void => {
    if (seen.has(file.path)) return;
    seen.add(file.path);
    shown.push(file);
  };
  if (daemonLog !== undefined && source === 'all') add({ path: daemonLog, type: 'daemon', pmId: null, name: DAEMON_LOG_NAME });
  for (const proc of [...files].sort((a, b) => a.pm_id - b.pm_id)) {
    if (proc.out !== null && source !== 'err') add({ path: proc.out, type: 'out', pmId: proc.pm_id, name: proc.name });
    if (proc.err !== null && source !== 'out') add({ path: proc.err, type: 'err', pmId: proc.pm_id, name: proc.name });
  }
  return shown;
}

// The label before a line: `<id>|<name>`, or the daemon's name.
export function logLabel(file: ShownLogFile): string {
  return file.pmId === null ? file.name : `${file.pmId}|${file.name}`;
}

// The label width that lines up every file's `|` separator.
export function labelWidth(files: readonly ShownLogFile[]): number {
  return files.reduce((width, file) => Math.max(width, logLabel(file).length), 0);
}

// One line as printed (without its newline); `at` is when it was read (epoch ms), absent for lines from history.
export function formatLogLine(text: string, file: ShownLogFile, style: LineStyle, at?: number): string {
  const message = text.endsWith('\r') ? text.slice(0, -1) : text;
  const stamp = style.timestampFormat !== undefined && at !== undefined ? formatLogDate(new Date(at), style.timestampFormat) : undefined;
  switch (style.mode) {
    case 'raw':
      return message;
    case 'json':
      return JSON.stringify({
        message,
        ...(at === undefined ? {} : { timestamp: new Date(at).toISOString() }),
        type: file.type === 'err' ? 'err' : 'out',
        process_id: file.pmId,
        app_name: file.name,
      });
    case 'format':
      return `${stamp === undefined ? '' : `timestamp=${stamp} `}app=${file.name} id=${file.pmId ?? DAEMON_LOG_NAME} type=${file.type} message=${message}`;
    case 'prefixed': {
      const { palette } = style;
      const label = `${logLabel(file).padEnd(style.labelWidth)} |`;
      const paint = file.type === 'err' ? palette.red : file.type === 'daemon' ? palette.blue : (value: string) => value;
      const time = stamp === undefined ? '' : `${palette.dim(stamp)} `;
      return `${time}${paint(label)} ${highlight(message, style)}`;
    }
  }
}

// Emphasises every occurrence of the --highlight text (nothing to do without colour).
function highlight(message: string, style: LineStyle): string {
  const { highlight: wanted, palette } = style;
  if (wanted === undefined || wanted === '' || !palette.enabled) return message;
  return message.split(wanted).join(palette.bold(palette.yellow(wanted)));
}

// PM2's header before a file's history: `<path> last <n> lines:`.
export function historyHeader(file: ShownLogFile, lines: number): string {
  return `${file.path} last ${lines} lines:`;
}
