// `arbor logs [target]`: the last lines of each log file, then every new line as it is written (until Ctrl-C).
//
// The daemon only says which files; the CLI reads and follows them itself, so following costs the daemon nothing.

import { LineSplitter } from '../../logs/line-splitter.js';
import { followFile, readTail, type FollowHandle } from '../../logs/tail.js';
import type { LogsRequest } from '../request.js';
import { withClient, type CommandContext } from './context.js';
import { formatLogLine, historyHeader, labelWidth, logFilesToShow, type LineStyle, type ShownLogFile } from './log-lines.js';

/** How often a followed file is checked when no file-system event comes (ms). */
const FOLLOW_POLL_MS = 250;

// The line style the flags ask for.
export function lineStyle(request: LogsRequest, files: readonly ShownLogFile[], context: CommandContext): LineStyle {
  const mode = request.json ? 'json' : request.format ? 'format' : request.raw ? 'raw' : 'prefixed';
  return {
    mode,
    palette: context.out.palette,
    labelWidth: labelWidth(files),
    ...(request.timestamp === undefined ? {} : { timestampFormat: request.timestamp }),
    ...(request.highlight === undefined ? {} : { highlight: request.highlight }),
  };
}

// Prints the history of every file, then follows them unless --nostream; resolves on SIGINT/SIGTERM.
export async function runLogs(request: LogsRequest, context: CommandContext): Promise<number> {
  const plain = !request.json && !request.format;
  const { files, daemonLog } = await withClient(context, async (client) => ({
    files: await client.logFiles(request.target),
    daemonLog: client.home.daemonLog,
  }));
  const shown = logFilesToShow(files, request.source, request.target === undefined && plain ? daemonLog : undefined);
  const style = lineStyle(request, shown, context);
  const { out } = context;
  const write = (file: ShownLogFile, line: string): void => {
    // As PM2: with --raw, error lines go to stderr; in every other style everything goes to stdout.
    if (style.mode === 'raw' && file.type === 'err') out.rawError(`${line}\n`);
    else out.raw(`${line}\n`);
  };
  const headers = style.mode === 'prefixed' && !out.silent;

  const historyEnds = new Map<string, number>();
  if (request.lines > 0) {
    if (headers) {
      const scope = request.target === undefined ? 'all' : request.target;
      out.data(out.palette.gray(`[TAILING] Tailing last ${request.lines} lines for [${scope}] process${request.target === undefined ? 'es' : ''} (change the value with --lines option)`));
    }
    for (const file of shown) {
      const { lines, end } = await readTail(file.path, request.lines);
      // The follow starts where this read ended: a line written while the history is printed is not skipped.
      historyEnds.set(file.path, end);
      if (headers) out.data(out.palette.gray(historyHeader(file, request.lines)));
      for (const line of lines) write(file, formatLogLine(line, file, style));
      if (headers && lines.length > 0) out.data('');
    }
  }
  if (request.nostream) return 0;

  return new Promise<number>((resolveLogs) => {
    const handles: FollowHandle[] = shown.map((file) => {
      const splitter = new LineSplitter();
      return followFile(
        file.path,
        (text) => {
          const at = Date.now();
          for (const line of splitter.push(text)) write(file, formatLogLine(line, file, style, at));
        },
        { pollMs: FOLLOW_POLL_MS, onError: (error) => out.warn(error.message), ...(historyEnds.has(file.path) ? { from: historyEnds.get(file.path)! } : {}) },
      );
    });
    const removeInterrupt = context.onInterrupt(() => {
      removeInterrupt();
      for (const handle of handles) handle.close();
      resolveLogs(0);
    });
  });
}
