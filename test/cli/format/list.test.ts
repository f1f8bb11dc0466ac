import { describe, expect, it } from 'vitest';
import { stripAnsi } from '../../../src/cli/format/colors.js';
import { EMPTY_LIST_HINT, formatList } from '../../../src/cli/format/list.js';
import { displayWidth } from '../../../src/cli/format/table.js';
import { NOW, makeProcess } from './make-process.js';

// Splits a rendered table into trimmed cells per line (borders dropped).
function cells(line: string): string[] {
  return stripAnsi(line)
    .split('│')
    .slice(1, -1)
    .map((cell) => cell.trim());
}

const HEADER = ['id', 'name', 'namespace', 'mode', 'pid', 'uptime', '↺', 'status', 'cpu', 'mem', 'watching'];

describe('formatList', () => {
  it('shows PM2 columns in PM2 order', () => {
    const lines = formatList([makeProcess()], { color: false, now: NOW }).split('\n');
    expect(cells(lines[1] ?? '')).toEqual(HEADER);
    expect(cells(lines[3] ?? '')).toEqual(['0', 'api', 'default', 'fork', '4242', '12s', '0', 'online', '1.5%', '41.2mb', 'disabled']);
    expect(lines).toHaveLength(5);
  });

  it('sorts by id and shows cluster mode, restarts, and zeros for processes that are not online', () => {
    const procs = [
      makeProcess({
        pm_id: 2,
        name: 'worker',
        pid: 0,
        monit: { memory: 0, cpu: 0 },
        pm2_env: { status: 'errored', restart_time: 16, namespace: 'jobs' },
      }),
      makeProcess({ pm_id: 1, name: 'web', pm2_env: { exec_mode: 'cluster_mode', pm_uptime: NOW - 3 * 3_600_000, watch: true } }),
    ];
    const rows = formatList(procs, { color: false, now: NOW })
      .split('\n')
      .slice(3, 5)
      .map(cells);
    expect(rows).toEqual([
      ['1', 'web', 'default', 'cluster', '4242', '3h', '0', 'online', '1.5%', '41.2mb', 'enabled'],
      ['2', 'worker', 'jobs', 'fork', '0', '0', '16', 'errored', '0%', '0b', 'disabled'],
    ]);
  });

  it('has no ANSI codes when colour is off', () => {
    const text = formatList([makeProcess(), makeProcess({ pm_id: 1, pm2_env: { status: 'stopped' } })], {
      color: false,
      now: NOW,
    });
    expect(text).not.toContain('\u001b[');
  });

  it.each([
    ['online', '\u001b[32monline\u001b[39m'],
    ['errored', '\u001b[31merrored\u001b[39m'],
    ['stopped', '\u001b[31mstopped\u001b[39m'],
    ['launching', '\u001b[33mlaunching\u001b[39m'],
    ['stopping', '\u001b[33mstopping\u001b[39m'],
    ['waiting restart', '\u001b[33mwaiting restart\u001b[39m'],
  ] as const)('colours %s', (status, painted) => {
    const text = formatList([makeProcess({ pm2_env: { status } })], { color: true, now: NOW });
    expect(text).toContain(painted);
  });

  it.each([
    [true, 'enabled'],
    [['src', 'lib'], 'enabled'],
    [false, 'disabled'],
    [[], 'disabled'],
  ] as const)('shows watch %j as %s in the last column, as PM2', (watch, shown) => {
    const lines = formatList([makeProcess({ pm2_env: { watch: watch as boolean | string[] } })], { color: false, now: NOW }).split('\n');
    expect(cells(lines[3] ?? '').at(-1)).toBe(shown);
  });

  it('paints watching green and bold when enabled, grey when disabled', () => {
    expect(formatList([makeProcess({ pm2_env: { watch: true } })], { color: true, now: NOW })).toContain('\u001b[1m\u001b[32menabled\u001b[39m\u001b[22m');
    expect(formatList([makeProcess()], { color: true, now: NOW })).toContain('\u001b[90mdisabled\u001b[39m');
  });

  it('keeps columns aligned when coloured', () => {
    const text = formatList([makeProcess(), makeProcess({ pm_id: 1, name: 'w', pm2_env: { status: 'errored' } })], {
      color: true,
      now: NOW,
    });
    expect(new Set(text.split('\n').map(displayWidth)).size).toBe(1);
  });

  it('prints an empty table and a hint for no processes', () => {
    const lines = formatList([], { color: false }).split('\n');
    expect(cells(lines[1] ?? '')).toEqual(HEADER);
    expect(lines[2]).toMatch(/^├/);
    expect(lines[3]).toMatch(/^└/);
    expect(lines[4]).toBe(EMPTY_LIST_HINT);
    expect(EMPTY_LIST_HINT).toContain('arbor start');
  });

  it('escapes control characters in names', () => {
    const text = formatList([makeProcess({ name: 'evil\u001b[2J\nname' })], { color: false, now: NOW });
    expect(text).toContain('evil\\x1b[2J\\nname');
    expect(text.split('\n')).toHaveLength(5);
  });

  it('fits a narrow terminal by dropping watching, namespace, mode, pid and cpu, in that order', () => {
    const procs = [makeProcess({ name: 'api-gateway' })];
    const full = formatList(procs, { color: false, now: NOW });
    const fullWidth = displayWidth(full.split('\n')[0] ?? '');
    expect(formatList(procs, { color: false, now: NOW, width: fullWidth })).toBe(full);

    const withoutWatching = formatList(procs, { color: false, now: NOW, width: fullWidth - 1 });
    expect(cells(withoutWatching.split('\n')[1] ?? '')).toEqual(HEADER.filter((title) => title !== 'watching'));

    const dropped: string[] = [];
    let shown = HEADER;
    for (let width = fullWidth; width >= 50; width -= 1) {
      const header = cells(formatList(procs, { color: false, now: NOW, width }).split('\n')[1] ?? '');
      dropped.push(...shown.filter((title) => !header.includes(title)));
      shown = header;
    }
    expect(dropped).toEqual(['watching', 'namespace', 'mode', 'pid', 'cpu']);

    const narrow = formatList(procs, { color: false, now: NOW, width: 50 });
    expect(cells(narrow.split('\n')[1] ?? '')).toEqual(['id', 'name', 'uptime', '↺', 'status', 'mem']);
    for (const line of narrow.split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(50);
  });

  it('cuts long names last, never below 8 columns', () => {
    const procs = [makeProcess({ name: 'a-very-long-process-name-indeed' })];
    const text = formatList(procs, { color: false, now: NOW, width: 56 });
    const row = cells(text.split('\n')[3] ?? '');
    expect(row[1]).toMatch(/^a-very-.*…$/);
    for (const line of text.split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(56);

    const tiny = formatList(procs, { color: false, now: NOW, width: 20 });
    expect(cells(tiny.split('\n')[3] ?? '')[1]).toBe('a-very-…');
  });
});
