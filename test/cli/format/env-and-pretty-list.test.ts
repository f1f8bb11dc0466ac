import { describe, expect, it } from 'vitest';
import { formatEnv } from '../../../src/cli/format/env.js';
import { formatPrettyList } from '../../../src/cli/format/pretty-list.js';
import { makeProcess } from './make-process.js';

describe('formatEnv', () => {
  it('prints each env var as KEY: value, in stored order', () => {
    const proc = makeProcess({ pm2_env: { env: { PORT: '8080', NODE_ENV: 'production', EMPTY: '' } } });
    expect(formatEnv(proc)).toBe('PORT: 8080\nNODE_ENV: production\nEMPTY: ');
  });

  it('escapes control characters so a value stays on its line', () => {
    const proc = makeProcess({ pm2_env: { env: { KEY: 'line1\nline2' } } });
    expect(formatEnv(proc)).toBe('KEY: line1\\nline2');
  });

  it('colours values green only when asked', () => {
    const proc = makeProcess({ pm2_env: { env: { A: 'b' } } });
    expect(formatEnv(proc, { color: true })).toBe('A: \u001b[32mb\u001b[39m');
    expect(formatEnv(proc, { color: false })).not.toContain('\u001b[');
  });

  it('prints nothing for an empty environment', () => {
    expect(formatEnv(makeProcess({ pm2_env: { env: {} } }))).toBe('');
  });
});

describe('formatPrettyList', () => {
  it('dumps every level of nesting', () => {
    const proc = makeProcess({
      pm2_env: { arbor: { supervisor: 'root/api', last_exit: { code: 1, signal: null, reason: 'crash', uptimeMs: 5 } } },
    });
    const text = formatPrettyList([proc]);
    expect(text).toContain("reason: 'crash'");
    expect(text).toContain("supervisor: 'root/api'");
    expect(text).not.toContain('[Object]');
    expect(text).not.toContain('\u001b[');
  });

  it('colours when asked', () => {
    expect(formatPrettyList([makeProcess()], { color: true })).toContain('\u001b[');
  });
});
