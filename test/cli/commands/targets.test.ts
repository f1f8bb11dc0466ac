import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isConfigFile } from '../../../src/config/load.js';
import type { AppConfig, TreeConfig } from '../../../src/config/types.js';
import {
  classifyStartTarget,
  DEFAULT_ECOSYSTEM_FILES,
  findDefaultEcosystem,
  findStoppedApp,
  pruneTree,
  selectOnly,
} from '../../../src/cli/commands/targets.js';
import { isArborError } from '../../../src/errors.js';
import { makeProcess } from '../format/make-process.js';

const procs = [
  makeProcess({ pm_id: 0, name: 'api', pm2_env: { namespace: 'web' } }),
  makeProcess({ pm_id: 3, name: 'worker', pm2_env: { status: 'stopped' } }),
  makeProcess({ pm_id: 4, name: 'cron', pm2_env: { status: 'errored' } }),
];

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('findDefaultEcosystem', () => {
  it('takes ecosystem.config.js first, then the other extensions in order', () => {
    const present = new Set(['/app/ecosystem.config.yaml', '/app/ecosystem.config.cjs']);
    expect(findDefaultEcosystem('/app', (path) => present.has(path))).toBe('/app/ecosystem.config.cjs');
    present.add('/app/ecosystem.config.js');
    expect(findDefaultEcosystem('/app', (path) => present.has(path))).toBe('/app/ecosystem.config.js');
  });

  it('finds each default name on its own', () => {
    for (const name of DEFAULT_ECOSYSTEM_FILES) {
      expect(findDefaultEcosystem('/x', (path) => path === join('/x', name))).toBe(join('/x', name));
    }
  });

  it('fails with E_CONFIG naming the folder, every name tried and how to make one', () => {
    const error = thrown(() => findDefaultEcosystem('/empty', () => false));
    expect(isArborError(error, 'E_CONFIG')).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain('/empty');
    for (const name of DEFAULT_ECOSYSTEM_FILES) expect(message).toContain(name);
    expect(message).toContain('arbor init');
  });
});

describe('classifyStartTarget', () => {
  const classify = (target: string) => classifyStartTarget(target, procs, isConfigFile);

  it("reads '-' as stdin and config file names as config files", () => {
    expect(classify('-')).toEqual({ kind: 'stdin' });
    for (const file of ['ecosystem.config.js', 'apps.json', 'deploy/pm2.yml', 'x.yaml', 'arbor.config.mjs', 'ecosystem.ts']) {
      expect(classify(file)).toEqual({ kind: 'config', file });
    }
  });

  it('restarts an existing id, name or namespace (PM2)', () => {
    expect(classify('0')).toEqual({ kind: 'running', target: '0' });
    expect(classify('worker')).toEqual({ kind: 'running', target: 'worker' });
    expect(classify('web')).toEqual({ kind: 'running', target: 'web' });
  });

  it('starts anything else as a script: unknown ids and names, paths, names with an extension', () => {
    expect(classify('7')).toEqual({ kind: 'script', script: '7' });
    expect(classify('server')).toEqual({ kind: 'script', script: 'server' });
    expect(classify('./api')).toEqual({ kind: 'script', script: './api' });
    expect(classify('bin/worker')).toEqual({ kind: 'script', script: 'bin/worker' });
    // A file named like a running app is still the file: PM2 looks names up only without '/' or an extension.
    const named = [makeProcess({ name: 'app.js' })];
    expect(classifyStartTarget('app.js', named, isConfigFile)).toEqual({ kind: 'script', script: 'app.js' });
  });
});

describe('findStoppedApp', () => {
  it('finds a stopped or errored app of that name, not an online one', () => {
    expect(findStoppedApp('worker', procs)?.pm_id).toBe(3);
    expect(findStoppedApp('cron', procs)?.pm_id).toBe(4);
    expect(findStoppedApp('api', procs)).toBeUndefined();
    expect(findStoppedApp('nope', procs)).toBeUndefined();
  });
});

function app(name: string): AppConfig {
  return { name } as AppConfig;
}

describe('selectOnly', () => {
  const apps = [app('a'), app('b'), app('c')];

  it('keeps every app without --only', () => {
    expect(selectOnly(apps, undefined, 'f.js')).toEqual({ apps, unknown: [] });
  });

  it('keeps the named apps in file order and reports names the file lacks', () => {
    const selection = selectOnly(apps, ['c', 'a', 'z'], 'f.js');
    expect(selection.apps.map((each) => each.name)).toEqual(['a', 'c']);
    expect(selection.unknown).toEqual(['z']);
  });

  it('fails with E_APP_NOT_FOUND listing the apps when none is kept', () => {
    const error = thrown(() => selectOnly(apps, ['x'], 'f.js'));
    expect(isArborError(error, 'E_APP_NOT_FOUND')).toBe(true);
    expect((error as Error).message).toBe('--only x matches no app of f.js (its apps: a, b, c)');
  });
});

describe('pruneTree', () => {
  const tree: TreeConfig = {
    root: {
      kind: 'supervisor',
      options: { id: 'root', strategy: 'rest_for_one' },
      children: [
        { kind: 'app', app: 'db' },
        { kind: 'supervisor', options: { id: 'web' }, children: [{ kind: 'app', app: 'api' }, { kind: 'app', app: 'ws', restart: 'transient' }] },
        { kind: 'supervisor', options: { id: 'jobs' }, children: [{ kind: 'app', app: 'cron' }] },
      ],
    },
    unlisted: ['lonely', 'other'],
  };

  it('keeps only the named apps and drops nested supervisors left empty', () => {
    const pruned = pruneTree(tree, new Set(['ws', 'other']));
    expect(pruned).toEqual({
      root: {
        kind: 'supervisor',
        options: { id: 'root', strategy: 'rest_for_one' },
        children: [{ kind: 'supervisor', options: { id: 'web' }, children: [{ kind: 'app', app: 'ws', restart: 'transient' }] }],
      },
      unlisted: ['other'],
    });
  });

  it('keeps the root (with its options) even when nothing under it is kept', () => {
    expect(pruneTree(tree, new Set(['lonely']))).toEqual({
      root: { kind: 'supervisor', options: { id: 'root', strategy: 'rest_for_one' }, children: [] },
      unlisted: ['lonely'],
    });
  });

  it('is the identity when every app is kept', () => {
    expect(pruneTree(tree, new Set(['db', 'api', 'ws', 'cron', 'lonely', 'other']))).toEqual(tree);
  });
});
