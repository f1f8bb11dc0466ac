// Keys arbor does not act on yet are named in a warning, and only when the app sets them.
import { describe, expect, it } from 'vitest';
import { unsupportedKeyWarnings } from '../../src/config/unsupported.js';
import { normalizeApp } from '../../src/config/validate.js';

const app = (raw: Record<string, unknown>) => normalizeApp({ script: 'app.js', name: 'api', ...raw }, { index: 0 }, { baseDir: '/tmp', shellEnv: {} }).app;

describe('unsupported keys', () => {
  it('says nothing for an app with the defaults', () => {
    expect(unsupportedKeyWarnings(app({}))).toEqual([]);
  });

  it.each([
    [{ watch: true }, 'watch'],
    [{ max_memory_restart: '200M' }, 'max_memory_restart'],
    [{ cron_restart: '0 * * * *' }, 'cron_restart'],
    [{ wait_ready: true }, 'wait_ready'],
    [{ treekill: false }, 'treekill'],
    [{ log_file: 'combined.log' }, 'log_file'],
  ])('warns about %j', (raw, key) => {
    const warnings = unsupportedKeyWarnings(app(raw));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`app 'api': ${key} is accepted but ignored`);
  });
});
