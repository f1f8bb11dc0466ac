// The watch keys in the config layer: ignore_watch (globs, words, RegExps) and watch_options checked key by key.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

import { loadEcosystem } from '../../src/config/load.js';
import { normalizeApp } from '../../src/config/validate.js';
import { checkWatchOptions, parseIgnoreWatch } from '../../src/config/watch-values.js';
import { configError } from './helpers.js';

const FILE = '/srv/app/ecosystem.config.js';

function normalize(raw: Record<string, unknown>) {
  return normalizeApp({ name: 'api', script: 'a.js', ...raw }, { file: FILE, index: 1 }, { baseDir: '/srv/app', shellEnv: {}, cpuCount: 2 });
}


describe('parseIgnoreWatch', () => {
  it('takes an array of globs, a string of words, and RegExps (as source and flags, without g and y)', () => {
    expect(parseIgnoreWatch(['node_modules', '\\.git', '*.log'])).toEqual({ ok: true, value: ['node_modules', '\\.git', '*.log'] });
    expect(parseIgnoreWatch('node_modules logs')).toEqual({ ok: true, value: ['node_modules', 'logs'] });
    expect(parseIgnoreWatch([/node_modules/, 'logs', /\.sqlite$/gi])).toEqual({
      ok: true,
      value: [{ regex: 'node_modules', flags: '' }, 'logs', { regex: '\\.sqlite$', flags: 'i' }],
    });
    expect(parseIgnoreWatch(/(^|[/\\])\../)).toEqual({ ok: true, value: [{ regex: '(^|[/\\\\])\\..', flags: '' }] });
  });

  it('refuses values that are neither', () => {
    expect(parseIgnoreWatch({ dir: 'logs' }).ok).toBe(false);
    expect(parseIgnoreWatch([/x/, { dir: 'logs' }]).ok).toBe(false);
  });
});

describe('checkWatchOptions', () => {
  it("keeps chokidar's options, takes ignored out, and warns about keys chokidar 4 does not use", () => {
    const checked = checkWatchOptions(
      { usePolling: true, interval: 500, awaitWriteFinish: { stabilityThreshold: 200 }, ignored: ['tmp'], useFsEvents: false, usePoling: true },
      'apps[0] (api)',
    );
    expect(checked.error).toBeUndefined();
    expect(checked.options).toEqual({ usePolling: true, interval: 500, awaitWriteFinish: { stabilityThreshold: 200 } });
    expect(checked.ignored).toEqual(['tmp']);
    expect(checked.warnings).toEqual([
      'watch_options.useFsEvents in apps[0] (api) has no effect: chokidar 4 always uses fs.watch',
      'watch_options.usePoling in apps[0] (api) is not a chokidar option; did you mean "usePolling"?; it is ignored',
    ]);
  });

  it('reports the first bad value with its key', () => {
    expect(checkWatchOptions({ depth: -1 }, 'x').error).toEqual({ field: 'watch_options.depth', value: -1, allowed: 'a whole number of folder levels >= 0' });
    expect(checkWatchOptions({ awaitWriteFinish: { pollInterval: 0 } }, 'x').error?.field).toBe('watch_options.awaitWriteFinish');
    expect(checkWatchOptions({ followSymlinks: 'no' }, 'x').error?.field).toBe('watch_options.followSymlinks');
  });
});

describe('watch keys in normalizeApp', () => {
  it('fills the watch keys, with watch_options.ignored replacing ignore_watch as in PM2', () => {
    const { app, warnings } = normalize({ watch: ['src', 'views/**/*.ejs'], ignore_watch: [/\.log$/], watch_delay: '2s', watch_options: { followSymlinks: false } });
    expect(app).toMatchObject({ watch: ['src', 'views/**/*.ejs'], ignore_watch: [{ regex: '\\.log$', flags: '' }], watch_delay: 2000, watch_options: { followSymlinks: false } });
    expect(warnings).toEqual([]);
    expect(normalize({ watch: true, ignore_watch: ['logs'], watch_options: { ignored: 'tmp' } }).app.ignore_watch).toEqual(['tmp']);
  });

  it('errors name the file, app, field, value and what is allowed', () => {
    const cases: Array<[Record<string, unknown>, string, unknown]> = [
      [{ watch: 3 }, 'watch must be true, false, or a list of paths to watch, got 3 (number)', 3],
      [
        { ignore_watch: { dir: 'logs' } },
        'ignore_watch must be globs or paths relative to cwd (or RegExps in a JS file): an array, or a string of words separated by spaces, got {"dir":"logs"} (object)',
        { dir: 'logs' },
      ],
      [{ watch_delay: 'soon' }, 'watch_delay must be a duration: milliseconds >= 0, or a string like "500ms", "10s", "5m" or "1h", got "soon" (string)', 'soon'],
      [{ watch_options: { interval: 'fast' } }, 'watch_options.interval must be a polling interval in ms >= 1, got "fast" (string)', 'fast'],
    ];
    for (const [fields, message, value] of cases) {
      const error = configError(() => normalize(fields));
      expect(error.message).toBe(`${message} in apps[1] (api) of /srv/app/ecosystem.config.js`);
      expect(error.details).toMatchObject({ file: FILE, app: 'api', field: message.split(' must be ')[0], value });
      expect(typeof error.details.allowed).toBe('string');
    }
  });

  it('passes the warnings about watch_options on with the app', () => {
    const { app, warnings } = normalize({ watch: true, watch_options: { cwd: '/elsewhere' } });
    expect(app.watch_options).toEqual({});
    expect(warnings).toEqual(['watch_options.cwd in apps[1] (api) of /srv/app/ecosystem.config.js has no effect: watch paths are relative to the app cwd']);
  });

  it('keeps the RegExps of a real ecosystem.config.js, as PM2 users write them', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arbor-watch-config-'));
    try {
      const file = path.join(dir, 'ecosystem.config.js');
      fs.writeFileSync(file, "module.exports = { apps: [{ name: 'api', script: 'a.js', watch: true, ignore_watch: [/node_modules/, 'logs'] }] };\n");
      const config = await loadEcosystem(file, { shellEnv: {} });
      expect(config.apps[0]!.ignore_watch).toEqual([{ regex: 'node_modules', flags: '' }, 'logs']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
