// watch as pure policy: the specs apps ask for, the watcher plan, ignore rules, glob watch paths and the debounce.
import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import type { AppConfig } from '../../src/config/types.js';
import type { ProcEntry } from '../../src/daemon/entry.js';
import {
  changeFilter,
  ignoreMatcher,
  planWatchers,
  restartedByChange,
  stepWatch,
  watchRoots,
  watchSpecs,
  watchTarget,
  type WatchPhase,
  type WatchSpec,
} from '../../src/daemon/watch-policy.js';

// A table entry with just what the watchers read.
function entry(pmId: number, supervisorPath: string, app: Partial<AppConfig>): ProcEntry {
  const name = supervisorPath.slice(supervisorPath.lastIndexOf('/') + 1);
  return {
    pmId,
    name,
    supervisorPath,
    logs: { out: `/srv/app/logs/${name}-out.log`, err: null, combined: null },
    pidFile: `/home/u/.arbor/pids/${name}-${pmId}.pid`,
    app: { name, cwd: '/srv/app', watch: false, ignore_watch: [], watch_delay: 0, watch_options: undefined, ...app } as AppConfig,
  } as ProcEntry;
}

function spec(overrides: Partial<WatchSpec> = {}): WatchSpec {
  return { app: 'root/api', name: 'api', cwd: '/srv/app', paths: ['/srv/app'], globs: [], ignore: [], defaultIgnore: true, delayMs: 0, own: [], options: {}, ...overrides };
}

describe("the app's own files", () => {
  it('never restart it: its logs (rotated ones too), its pid file and anything under the arbor home', () => {
    const [watched] = watchSpecs([entry(0, 'root/api', { watch: true })], '/srv/app/.arbor-home').values();
    expect(watched!.own).toEqual(['/srv/app/.arbor-home', '/srv/app/logs/api-out.log', '/home/u/.arbor/pids/api-0.pid']);
    const ignored = ignoreMatcher({ ...watched!, defaultIgnore: false }, picomatch);
    expect(ignored('/srv/app/logs/api-out.log')).toBe(true);
    expect(ignored('/srv/app/logs/api-out.log.1')).toBe(true);
    expect(ignored('/srv/app/.arbor-home/logs/other-out.log')).toBe(true);
    expect(ignored('/srv/app/logs/other.log')).toBe(false);
    expect(ignored('/srv/app/src/index.js')).toBe(false);
  });
});

describe('watchTarget', () => {
  it('resolves plain entries against cwd and splits a glob at its first wild segment', () => {
    expect(watchTarget('/srv/app', 'src')).toEqual({ base: '/srv/app/src', glob: null });
    expect(watchTarget('/srv/app', '/etc/app.conf')).toEqual({ base: '/etc/app.conf', glob: null });
    expect(watchTarget('/srv/app', './views/**/*.ejs')).toEqual({ base: '/srv/app/views', glob: '/srv/app/views/**/*.ejs' });
    expect(watchTarget('/srv/app', '*.js')).toEqual({ base: '/srv/app', glob: '/srv/app/*.js' });
    expect(watchTarget('/srv/app', 'lib/*.{js,ts}')).toEqual({ base: '/srv/app/lib', glob: '/srv/app/lib/*.{js,ts}' });
  });
});

describe('watchSpecs', () => {
  it('watches cwd for true, the given paths (relative to cwd) for a list, nothing for false; one spec per app', () => {
    const specs = watchSpecs([
      entry(0, 'root/api', { watch: true, watch_delay: 500 }),
      entry(1, 'root/api', { watch: true, watch_delay: 500 }),
      entry(2, 'root/worker', { watch: ['src', '/etc/worker.conf', 'views/**/*.ejs'], ignore_watch: ['*.log'] }),
      entry(3, 'root/quiet', { watch: false }),
    ]);
    expect([...specs.keys()]).toEqual(['root/api', 'root/worker']);
    expect(specs.get('root/api')).toMatchObject({ paths: ['/srv/app'], globs: [], delayMs: 500, ignore: [], defaultIgnore: true });
    expect(specs.get('root/worker')).toMatchObject({
      paths: ['/srv/app/src', '/etc/worker.conf'],
      globs: ['/srv/app/views/**/*.ejs'],
      ignore: ['*.log'],
      defaultIgnore: false,
    });
    expect(watchRoots(specs.get('root/worker')!)).toEqual(['/srv/app/src', '/etc/worker.conf', '/srv/app/views']);
  });

  it("turns '!path' watch entries into ignores (keeping the default) and takes ignored and cwd out of watch_options", () => {
    const specs = watchSpecs([entry(0, 'root/api', { watch: ['.', '!tmp'], watch_options: { usePolling: true, ignored: 'cache', cwd: '/elsewhere' } })]);
    expect(specs.get('root/api')).toMatchObject({ paths: ['/srv/app'], ignore: ['cache', 'tmp'], defaultIgnore: false, options: { usePolling: true } });
    const negatedOnly = watchSpecs([entry(0, 'root/api', { watch: ['.', '!tmp'] })]);
    expect(negatedOnly.get('root/api')).toMatchObject({ ignore: ['tmp'], defaultIgnore: true });
  });
});

describe('planWatchers', () => {
  it('opens new apps, closes removed ones, reopens changed specs and keeps unchanged watchers', () => {
    const running = new Map([
      ['root/kept', spec({ app: 'root/kept' })],
      ['root/gone', spec({ app: 'root/gone' })],
      ['root/changed', spec({ app: 'root/changed', delayMs: 0 })],
    ]);
    const wanted = new Map([
      ['root/kept', spec({ app: 'root/kept' })],
      ['root/changed', spec({ app: 'root/changed', delayMs: 1000 })],
      ['root/new', spec({ app: 'root/new' })],
    ]);
    const plan = planWatchers(running, wanted);
    expect(plan.close.sort()).toEqual(['root/changed', 'root/gone']);
    expect(plan.open.map((opened) => opened.app).sort()).toEqual(['root/changed', 'root/new']);
  });
});

describe('ignoreMatcher', () => {
  it("uses PM2's default without ignore_watch: dotfiles, dot-folders and node_modules below cwd", () => {
    const ignored = ignoreMatcher(spec(), picomatch);
    expect(ignored('/srv/app/.git/HEAD')).toBe(true);
    expect(ignored('/srv/app/.env')).toBe(true);
    expect(ignored('/srv/app/node_modules/x/index.js')).toBe(true);
    expect(ignored('/srv/app/src/index.js')).toBe(false);
    expect(ignored('/srv/app')).toBe(false);
  });

  it('still watches an app that lives inside a dot-folder', () => {
    const ignored = ignoreMatcher(spec({ cwd: '/home/me/.apps/api' }), picomatch);
    expect(ignored('/home/me/.apps/api/index.js')).toBe(false);
    expect(ignored('/home/me/.apps/api/.cache/x')).toBe(true);
  });

  it('matches ignore_watch globs against the path relative to cwd, names at any depth, and folders', () => {
    const ignored = ignoreMatcher(spec({ ignore: ['logs', '*.tmp', 'build/**/*.map', './cache/', '\\.git'], defaultIgnore: false }), picomatch);
    expect(ignored('/srv/app/logs')).toBe(true);
    expect(ignored('/srv/app/logs/today.log')).toBe(true);
    expect(ignored('/srv/app/src/edit.tmp')).toBe(true);
    expect(ignored('/srv/app/build/js/app.js.map')).toBe(true);
    expect(ignored('/srv/app/cache/entry')).toBe(true);
    expect(ignored('/srv/app/.git/HEAD')).toBe(true);
    expect(ignored('/srv/app/packages/a/logs/x.log')).toBe(true);
    expect(ignored('/srv/app/build/js/app.js')).toBe(false);
    expect(ignored('/srv/app/src/logs.js')).toBe(false);
    // With its own ignore_watch the app drops PM2's default: node_modules is watched unless listed.
    expect(ignored('/srv/app/node_modules/x.js')).toBe(false);
    expect(ignored('/srv/app')).toBe(false);
  });

  it('takes absolute entries, and never ignores all of cwd through a folder above it', () => {
    const ignored = ignoreMatcher(spec({ ignore: ['/srv/app/tmp', '**/app'], defaultIgnore: false }), picomatch);
    expect(ignored('/srv/app/tmp/x')).toBe(true);
    expect(ignored('/srv/app/src/index.js')).toBe(false);
    expect(ignored('/srv/app/lib/app/index.js')).toBe(true);
  });

  it('tests RegExps from a JS file against the absolute path and the path below cwd', () => {
    const ignored = ignoreMatcher(spec({ ignore: [{ regex: '.+\\.sqlite', flags: '' }, { regex: '^logs/', flags: 'i' }], defaultIgnore: false }), picomatch);
    expect(ignored('/srv/app/data/db.sqlite')).toBe(true);
    expect(ignored('/srv/app/LOGS/a.txt')).toBe(true);
    expect(ignored('/srv/app/src/logs/a.txt')).toBe(false);
    expect(ignored('/srv/app/src/index.js')).toBe(false);
  });
});

describe('changeFilter', () => {
  it('counts every change for plain paths; with globs, matching files and anything inside a plain path', () => {
    expect(changeFilter(spec(), picomatch)('/srv/app/x.txt')).toBe(true);
    const counts = changeFilter(spec({ paths: ['/srv/app/config'], globs: ['/srv/app/src/**/*.ts'] }), picomatch);
    expect(counts('/srv/app/src/a/b.ts')).toBe(true);
    expect(counts('/srv/app/src/a/b.md')).toBe(false);
    expect(counts('/srv/app/src/a')).toBe(false);
    expect(counts('/srv/app/config/app.json')).toBe(true);
    expect(counts('/srv/app/config')).toBe(true);
  });
});

describe('restartedByChange', () => {
  it('restarts running, crashed-out and waiting processes, never the ones a user stopped', () => {
    expect(restartedByChange('online')).toBe(true);
    expect(restartedByChange('errored')).toBe(true);
    expect(restartedByChange('waiting restart')).toBe(true);
    expect(restartedByChange('stopped')).toBe(false);
    expect(restartedByChange('stopping')).toBe(false);
  });
});

describe('stepWatch', () => {
  const idle: WatchPhase = { kind: 'idle' };

  it('waits watch_delay after the first change, then restarts once', () => {
    const first = stepWatch(idle, { type: 'change', now: 1_000 }, 300);
    expect(first).toEqual({ phase: { kind: 'waiting', dueAt: 1_300 }, waitMs: 300 });
    expect(stepWatch(first.phase, { type: 'due', now: 1_300 }, 300)).toEqual({ phase: { kind: 'restarting' }, restart: true });
  });

  it('folds a burst of changes within watch_delay into that one restart', () => {
    let phase = stepWatch(idle, { type: 'change', now: 0 }, 300).phase;
    for (const now of [10, 120, 299]) {
      const step = stepWatch(phase, { type: 'change', now }, 300);
      expect(step).toEqual({ phase });
      phase = step.phase;
    }
    expect(stepWatch(phase, { type: 'due', now: 300 }, 300).restart).toBe(true);
  });

  it('drops changes while the restart runs (as PM2) and counts the next one once it is over', () => {
    const restarting: WatchPhase = { kind: 'restarting' };
    expect(stepWatch(restarting, { type: 'change', now: 5 }, 0)).toEqual({ phase: restarting });
    const done = stepWatch(restarting, { type: 'restarted' }, 0);
    expect(done).toEqual({ phase: idle });
    expect(stepWatch(done.phase, { type: 'change', now: 9 }, 0)).toEqual({ phase: { kind: 'waiting', dueAt: 9 }, waitMs: 0 });
  });

  it('waits out the rest of the delay when a timer fires early, and ignores stray inputs', () => {
    const waiting: WatchPhase = { kind: 'waiting', dueAt: 500 };
    expect(stepWatch(waiting, { type: 'due', now: 480 }, 300)).toEqual({ phase: waiting, waitMs: 20 });
    expect(stepWatch(idle, { type: 'due', now: 480 }, 300)).toEqual({ phase: idle });
    expect(stepWatch(waiting, { type: 'restarted' }, 300)).toEqual({ phase: waiting });
  });
});
