// The per-line transforms of the piped log path: PM2's `--time` prefix and `--log-type json` objects.
import { DEFAULT_LOG_DATE_FORMAT, formatLogDate } from './date-format.js';

/** What the daemon does to each line: write it as is, prefix a local timestamp, or wrap it in a JSON object. */
export type LogTransform = 'none' | 'timestamp' | 'json';

/** Which stream a line came from. */
export type LogStreamType = 'out' | 'err';

/** Everything a formatted line depends on besides its text and the time. */
export interface LineFormatOptions {
  transform: LogTransform;
  /** dayjs-style format; timestamp default 'YYYY-MM-DDTHH:mm:ss', json default ISO 8601 (UTC), as PM2. */
  dateFormat?: string;
  appName: string;
  processId: number;
  type: LogStreamType;
}

/** The JSON object written per line with `--log-type json` (PM2's field names). */
export interface JsonLogLine {
  message: string;
  timestamp: string;
  type: LogStreamType;
  process_id: number;
  app_name: string;
}

// Builds the function that turns one line (without its newline) and the arrival time in ms into the text to write, newline included.
export function createLineFormatter(options: LineFormatOptions): (line: string, nowMs: number) => string {
  const { transform, appName, processId, type } = options;
  // Lines of one chunk arrive in the same millisecond: format each distinct time once (the hot path).
  let cachedMs = Number.NaN;
  let cachedStamp = '';
  const stampOf = (nowMs: number, format: (date: Date) => string): string => {
    if (nowMs !== cachedMs) {
      cachedMs = nowMs;
      cachedStamp = format(new Date(nowMs));
    }
    return cachedStamp;
  };
  switch (transform) {
    case 'none':
      return (line) => `${line}\n`;
    case 'timestamp': {
      const dateFormat = options.dateFormat ?? DEFAULT_LOG_DATE_FORMAT;
      const format = (date: Date): string => formatLogDate(date, dateFormat);
      return (line, nowMs) => `${stampOf(nowMs, format)}: ${line}\n`;
    }
    case 'json': {
      const dateFormat = options.dateFormat;
      const format = dateFormat === undefined ? (date: Date) => date.toISOString() : (date: Date) => formatLogDate(date, dateFormat);
      return (line, nowMs) => {
        const record: JsonLogLine = { message: line, timestamp: stampOf(nowMs, format), type, process_id: processId, app_name: appName };
        return `${JSON.stringify(record)}\n`;
      };
    }
  }
}
