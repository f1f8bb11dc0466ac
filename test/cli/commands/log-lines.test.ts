import { describe, expect, it } from 'vitest';
import type { LogFiles } from '../../../src/client/api.js';
import { createPalette, stripAnsi } from '../../../src/cli/format/colors.js';
import {
  DAEMON_LOG_NAME,
  formatLogLine,
  historyHeader,
  labelWidth,
  logFilesToShow,
  logLabel,
  type LineStyle,
  type ShownLogFile,
} from '../../../src/cli/commands/log-lines.js';

const files: LogFiles[] = [
  { pm_id: 2, name: 'worker', namespace: 'default', out: '/l/worker-out.log', err: '/l/worker-error.log' },
  { pm_id: 0, name: 'api', namespace: 'default', out: '/l/api-out.log', err: '/l/api-error.log' },
  // A second instance with merged logs shares the first one's files.
  { pm_id: 1, name: 'api', namespace: 'default', out: '/l/api-out.log', err: '/l/api-error.log' },
  { pm_id: 3, name: 'quiet', namespace: 'default', out: null, err: '/l/quiet-error.log' },
];

const out: ShownLogFile = { path: '/l/api-out.log', type: 'out', pmId: 0, name: 'api' };
const err: ShownLogFile = { path: '/l/api-error.log', type: 'err', pmId: 0, name: 'api' };
const daemon: ShownLogFile = { path: '/h/arbor.log', type: 'daemon', pmId: null, name: DAEMON_LOG_NAME };

function style(overrides: Partial<LineStyle> = {}): LineStyle {
  return { mode: 'prefixed', palette: createPalette(false), labelWidth: 9, ...overrides };
}

const AT = Date.UTC(2024, 0, 2, 3, 4, 5, 6);

describe('logFilesToShow', () => {
  it('orders by id, out before err, each path once, and skips missing streams', () => {
    expect(logFilesToShow(files, 'all').map((file) => `${file.pmId}:${file.type}:${file.path}`)).toEqual([
      '0:out:/l/api-out.log',
      '0:err:/l/api-error.log',
      '2:out:/l/worker-out.log',
      '2:err:/l/worker-error.log',
      '3:err:/l/quiet-error.log',
    ]);
  });

  it('keeps only one stream with --out or --err', () => {
    expect(logFilesToShow(files, 'out').every((file) => file.type === 'out')).toBe(true);
    expect(logFilesToShow(files, 'err').map((file) => file.path)).toEqual(['/l/api-error.log', '/l/worker-error.log', '/l/quiet-error.log']);
  });

  it("puts the daemon's log first when given, and only for both streams", () => {
    expect(logFilesToShow(files, 'all', '/h/arbor.log')[0]).toEqual(daemon);
    expect(logFilesToShow(files, 'out', '/h/arbor.log').some((file) => file.type === 'daemon')).toBe(false);
  });
});

describe('labels', () => {
  it('labels process files id|name and the daemon log by name, and measures the widest', () => {
    expect(logLabel(out)).toBe('0|api');
    expect(logLabel(daemon)).toBe('arbor');
    expect(labelWidth([out, { ...out, pmId: 12, name: 'worker' }, daemon])).toBe('12|worker'.length);
    expect(labelWidth([])).toBe(0);
  });
});

describe('formatLogLine', () => {
  it('prefixes PM2-style with the label padded to the common width', () => {
    expect(formatLogLine('hello', out, style())).toBe('0|api     | hello');
    expect(formatLogLine('boom', err, style({ labelWidth: 5 }))).toBe('0|api | boom');
  });

  it('paints err labels red and the daemon blue, leaves out labels and the text uncoloured', () => {
    const colored = style({ palette: createPalette(true), labelWidth: 5 });
    expect(formatLogLine('boom', err, colored)).toBe('\u001b[31m0|api |\u001b[39m boom');
    expect(formatLogLine('up', daemon, colored)).toBe('\u001b[34marbor |\u001b[39m up');
    expect(formatLogLine('hi', out, colored)).toBe('0|api | hi');
  });

  it('drops a trailing carriage return', () => {
    expect(formatLogLine('dos\r', out, style({ mode: 'raw' }))).toBe('dos');
  });

  it('prints --raw lines as written', () => {
    expect(formatLogLine('  as is |', err, style({ mode: 'raw' }))).toBe('  as is |');
  });

  it('prints --json with the time only for lines read as they came', () => {
    expect(JSON.parse(formatLogLine('x', err, style({ mode: 'json' }), AT))).toEqual({
      message: 'x',
      timestamp: '2024-01-02T03:04:05.006Z',
      type: 'err',
      process_id: 0,
      app_name: 'api',
    });
    expect(JSON.parse(formatLogLine('x', out, style({ mode: 'json' })))).toEqual({ message: 'x', type: 'out', process_id: 0, app_name: 'api' });
  });

  it('prints --format as key=value with the time first when asked', () => {
    expect(formatLogLine('m', out, style({ mode: 'format' }))).toBe('app=api id=0 type=out message=m');
    const stamped = formatLogLine('m', err, style({ mode: 'format', timestampFormat: 'YYYY' }), AT);
    expect(stamped).toMatch(/^timestamp=\d{4} app=api id=0 type=err message=m$/);
  });

  it('puts the --timestamp time before followed lines only', () => {
    const followed = formatLogLine('t', out, style({ timestampFormat: 'YYYY-MM-DD' }), AT);
    expect(followed).toMatch(/^\d{4}-\d{2}-\d{2} 0\|api {5}\| t$/);
    expect(formatLogLine('t', out, style({ timestampFormat: 'YYYY-MM-DD' }))).toBe('0|api     | t');
  });

  it('emphasises every --highlight occurrence when colour is on, and changes nothing without colour', () => {
    const colored = formatLogLine('a needle and a needle', out, style({ highlight: 'needle', palette: createPalette(true) }));
    expect(colored.match(/\u001b\[1m/g)).toHaveLength(2);
    expect(stripAnsi(colored)).toBe('0|api     | a needle and a needle');
    expect(formatLogLine('a needle', out, style({ highlight: 'needle' }))).toBe('0|api     | a needle');
  });
});

describe('historyHeader', () => {
  it("is PM2's '<path> last <n> lines:'", () => {
    expect(historyHeader(out, 15)).toBe('/l/api-out.log last 15 lines:');
  });
});
