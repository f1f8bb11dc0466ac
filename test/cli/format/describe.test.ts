import { describe, expect, it } from 'vitest';
import { stripAnsi } from '../../../src/cli/format/colors.js';
import { describeExit, formatDescribe } from '../../../src/cli/format/describe.js';
import { NOW, makeProcess } from './make-process.js';

// Reads the key/value rows of a describe table into pairs, in order.
function rows(text: string): [string, string][] {
  return stripAnsi(text)
    .split('\n')
    .filter((line) => line.startsWith('│'))
    .map((line) => {
      const [key = '', value = ''] = line.split('│').slice(1, -1).map((cell) => cell.trim());
      return [key, value];
    });
}

describe('formatDescribe', () => {
  it('lists pm2 describe keys in order, then arbor\'s supervisor and last exit', () => {
    const proc = makeProcess({
      pm2_env: {
        args: ['--port', '8080'],
        node_args: ['--inspect'],
        restart_time: 3,
        unstable_restarts: 1,
        arbor: { supervisor: 'root/api', last_exit: { code: 1, signal: null, reason: 'crash', uptimeMs: 212 } },
      },
    });
    const text = formatDescribe(proc, { color: false, now: NOW });
    expect(text.split('\n')[0]).toBe(' Describing process with id 0 - name api ');
    expect(rows(text)).toEqual([
      ['status', 'online'],
      ['name', 'api'],
      ['namespace', 'default'],
      ['version', '1.2.3'],
      ['restarts', '3'],
      ['uptime', '12s'],
      ['script path', '/srv/api/server.js'],
      ['script args', '--port 8080'],
      ['error log path', '/home/u/.arbor/logs/api-error.log'],
      ['out log path', '/home/u/.arbor/logs/api-out.log'],
      ['pid path', '/home/u/.arbor/pids/api-0.pid'],
      ['interpreter', 'node'],
      ['interpreter args', '--inspect'],
      ['script id', '0'],
      ['exec cwd', '/srv/api'],
      ['exec mode', 'fork_mode'],
      ['node.js version', '20.20.2'],
      ['node env', 'production'],
      ['watch & reload', '✘'],
      ['unstable restarts', '1'],
      ['created at', '2023-12-31T23:59:00.000Z'],
      ['supervisor', 'root/api'],
      ['last exit', 'crash (code 1) after 212ms'],
    ]);
  });

  it('shows N/A for missing values, the combined log when there is one, and watching', () => {
    const proc = makeProcess({
      pm2_env: {
        status: 'stopped',
        version: '',
        env: {},
        created_at: null,
        pm_log_path: '/logs/api.log',
        watch: ['src'],
      },
    });
    const table = new Map(rows(formatDescribe(proc, { color: false, now: NOW })));
    expect(table.get('version')).toBe('N/A');
    expect(table.get('script args')).toBe('N/A');
    expect(table.get('interpreter args')).toBe('N/A');
    expect(table.get('node env')).toBe('N/A');
    expect(table.get('created at')).toBe('N/A');
    expect(table.get('uptime')).toBe('0');
    expect(table.get('log path')).toBe('/logs/api.log');
    expect(table.get('watch & reload')).toBe('✔');
    expect(table.get('last exit')).toBe('N/A');
  });

  it('has no ANSI codes without colour, and colours the status and keys with it', () => {
    const proc = makeProcess({ pm2_env: { status: 'errored' } });
    expect(formatDescribe(proc)).not.toContain('\u001b[');
    const coloured = formatDescribe(proc, { color: true, now: NOW });
    expect(coloured).toContain('\u001b[31merrored\u001b[39m');
    expect(coloured).toContain('\u001b[1mstatus\u001b[22m');
  });
});

describe('describeExit', () => {
  it('names the signal when there is one, and the run time', () => {
    expect(describeExit({ code: null, signal: 'SIGKILL', reason: 'killed', uptimeMs: 185_000 })).toBe(
      'killed (signal SIGKILL) after 3m',
    );
    expect(describeExit({ code: 0, signal: null, reason: 'normal', uptimeMs: 999 })).toBe('normal (code 0) after 999ms');
    expect(describeExit({ code: 0, signal: null, reason: 'normal', uptimeMs: 1000 })).toBe('normal (code 0) after 1s');
  });
});
