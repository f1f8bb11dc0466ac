// Keys arbor does not act on yet are named in a warning, and only when the app sets them.
import { describe, expect, it } from 'vitest';
import { unsupportedKeyWarnings } from '../../src/config/unsupported.js';
import { normalizeApp } from '../../src/config/validate.js';

const app = (raw: Record<string, unknown>) => normalizeApp({ script: 'app.js', name: 'api', ...raw }, { index: 0 }, { baseDir: '/tmp', shellEnv: {} }).app;

describe('unsupported keys', () => {
  it('says nothing for an app with the defaults, or with keys arbor acts on', () => {
    expect(unsupportedKeyWarnings(app({}))).toEqual([]);
    expect(unsupportedKeyWarnings(app({ max_memory_restart: '200M', cron_restart: '0 * * * *', log_file: 'combined.log', pid_file: 'app.pid', watch: true, wait_ready: true, shutdown_with_message: true }))).toEqual([]);
  });

  it.each([
    [{ treekill: false }, 'treekill'],
  ])('warns about %j', (raw, key) => {
    const warnings = unsupportedKeyWarnings(app(raw));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`app 'api': ${key} is accepted but ignored`);
  });
});
