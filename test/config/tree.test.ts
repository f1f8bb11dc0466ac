import { describe, expect, it } from 'vitest';

import { parseEcosystem } from '../../src/config/ecosystem.js';
import type { TreeConfig } from '../../src/config/types.js';
import { ArborError, isArborError } from '../../src/errors.js';

const FILE = '/srv/app/ecosystem.config.js';
const APPS = [
  { script: 'db.js', name: 'db' },
  { script: 'q1.js', name: 'q1' },
  { script: 'q2.js', name: 'q2', autorestart: false },
  { script: 'api.js', name: 'api' },
  { script: 'cron.js', name: 'cron' },
];

function tree(raw: unknown): TreeConfig {
  const config = parseEcosystem({ apps: APPS, tree: raw }, { file: FILE, baseDir: '/srv/app', shellEnv: {} });
  return config.tree!;
}

function treeError(raw: unknown): ArborError {
  try {
    tree(raw);
  } catch (error) {
    if (isArborError(error, 'E_CONFIG')) return error;
    throw error;
  }
  throw new Error('expected an E_CONFIG error');
}

describe('tree section: valid', () => {
  it('turns the brief example into supervisor options and app references', () => {
    const result = tree({
      strategy: 'rest_for_one',
      intensity: 5,
      period: 10,
      children: ['db', { supervisor: 'jobs', strategy: 'one_for_all', children: ['q1', 'q2'] }, 'api'],
    });
    expect(result).toEqual({
      root: {
        kind: 'supervisor',
        options: { id: 'root', strategy: 'rest_for_one', intensity: 5, period: 10 },
        children: [
          { kind: 'app', app: 'db' },
          {
            kind: 'supervisor',
            options: { id: 'jobs', strategy: 'one_for_all' },
            children: [
              { kind: 'app', app: 'q1' },
              { kind: 'app', app: 'q2' },
            ],
          },
          { kind: 'app', app: 'api' },
        ],
      },
      unlisted: ['cron'],
    });
  });

  it('accepts every option, camelCase, numeric strings and app nodes with restart and significance', () => {
    const result = tree({
      supervisor: 'stack',
      strategy: 'one_for_one',
      intensity: '0',
      period: '1',
      autoShutdown: 'any_significant',
      restart: 'transient',
      significant: false,
      shutdown: 'infinity',
      children: [
        { app: 'db', restart: 'transient', significant: true },
        { app: 'q2', significant: true },
        { supervisor: 'inner', restart: 'temporary', significant: true, shutdown: '5s', children: [] },
      ],
    });
    expect(result.root.options).toEqual({
      id: 'stack',
      strategy: 'one_for_one',
      intensity: 0,
      period: 1,
      autoShutdown: 'any_significant',
      restart: 'transient',
      significant: false,
      shutdown: 'infinity',
    });
    expect(result.root.children).toEqual([
      { kind: 'app', app: 'db', restart: 'transient', significant: true },
      { kind: 'app', app: 'q2', significant: true },
      { kind: 'supervisor', options: { id: 'inner', restart: 'temporary', significant: true, shutdown: 5000 }, children: [] },
    ]);
    expect(result.unlisted).toEqual(['q1', 'api', 'cron']);
  });

  it('leaves tree undefined when the file has none', () => {
    expect(parseEcosystem({ apps: APPS }, { baseDir: '/x', shellEnv: {} }).tree).toBeUndefined();
  });
});

describe('tree section: each invalid case', () => {
  const at = 'of /srv/app/ecosystem.config.js';
  const cases: Array<[string, unknown, string, Record<string, unknown>]> = [
    ['an unknown strategy', { strategy: 'one_for_none', children: [] },
      `strategy must be "one_for_one", "one_for_all" or "rest_for_one", got "one_for_none" (string) in tree (root) ${at}`, { field: 'strategy', value: 'one_for_none' }],
    ['a negative intensity', { intensity: -1, children: [] },
      `intensity must be a whole number >= 0, got -1 (number) in tree (root) ${at}`, { field: 'intensity' }],
    ['a fractional intensity', { intensity: 1.5, children: [] },
      `intensity must be a whole number >= 0, got 1.5 (number) in tree (root) ${at}`, { field: 'intensity' }],
    ['a zero period', { period: 0, children: [] },
      `period must be a whole number >= 1, got 0 (number) in tree (root) ${at}`, { field: 'period' }],
    ['a bad auto_shutdown', { auto_shutdown: 'always', children: [] },
      `auto_shutdown must be "never", "any_significant" or "all_significant", got "always" (string) in tree (root) ${at}`, { field: 'auto_shutdown' }],
    ['a bad restart type on a nested supervisor', { children: [{ supervisor: 'jobs', restart: 'sometimes', children: [] }] },
      `restart must be "permanent", "transient" or "temporary", got "sometimes" (string) in tree.children[0] (jobs) ${at}`, { field: 'restart', app: 'jobs' }],
    ['a bad restart type on an app', { children: [{ app: 'db', restart: 'always' }] },
      `restart must be "permanent", "transient" or "temporary", got "always" (string) in tree.children[0] (db) ${at}`, { field: 'restart' }],
    ['a bad shutdown', { shutdown: 'never', children: [] },
      `shutdown must be "brutal_kill", "infinity", or a duration in ms (a number or a string like "5s"), got "never" (string) in tree (root) ${at}`, { field: 'shutdown' }],
    ['an unknown app name', { children: ['dbb'] },
      `tree.children[0] ${at} names app "dbb", which is not in apps; did you mean "db"?`, { field: 'app', value: 'dbb' }],
    ['an unknown app name with nothing close', { children: [{ app: 'frontend' }] },
      `tree.children[0] ${at} names app "frontend", which is not in apps; the apps are "db", "q1", "q2", "api", "cron"`, { field: 'app' }],
    ['an app named twice', { children: ['db', { supervisor: 'jobs', children: ['q1', 'db'] }] },
      `tree.children[1].children[1] (db) ${at}: app "db" is already placed at tree.children[0]; each app may appear once in the tree`, { field: 'app', value: 'db' }],
    ['a nested supervisor without an id', { children: [{ strategy: 'one_for_all', children: ['q1'] }] },
      `a nested supervisor needs an id: supervisor: "<name>" in tree.children[0] ${at}`, { field: 'supervisor' }],
    ['a supervisor id used twice', { children: [{ supervisor: 'jobs', children: [] }, { supervisor: 'jobs', children: [] }] },
      `tree.children[1] (jobs) ${at}: supervisor id "jobs" is already used by tree.children[0]; supervisor ids and app names must all differ`, { field: 'supervisor' }],
    ['a supervisor id equal to an app name', { children: [{ supervisor: 'api', children: [] }] },
      `tree.children[0] (api) ${at}: supervisor id "api" is already used by an app; supervisor ids and app names must all differ`, { field: 'supervisor' }],
    ['missing children', { strategy: 'one_for_one' },
      `children is required: an array of app names and nested supervisors in tree (root) ${at}`, { field: 'children' }],
    ['children that are not an array', { children: 'db api' },
      `children must be an array of app names and nested supervisors, got "db api" (string) in tree (root) ${at}`, { field: 'children' }],
    ['a child that is neither name nor object', { children: [42] },
      'tree.children[0] must be an app name, { app: "<name>", restart?, significant? }, or { supervisor: "<id>", strategy?, ..., children: [...] }, got 42 (number) in /srv/app/ecosystem.config.js', { field: 'tree.children[0]' }],
    ['a child with both app and supervisor', { children: [{ app: 'db', supervisor: 'x', children: [] }] },
      'tree.children[0] must be an app name, { app: "<name>", restart?, significant? }, or { supervisor: "<id>", strategy?, ..., children: [...] }, got {"app":"db","supervisor":"x","children":[]} (object) in /srv/app/ecosystem.config.js', {}],
    ['a tree that is not an object', ['db'],
      'tree must be an object: { strategy?, intensity?, period?, children: [...] }, got ["db"] (array) in /srv/app/ecosystem.config.js', { field: 'tree' }],
    ['an unknown key in a supervisor', { stratgy: 'one_for_all', children: [] },
      `unknown key "stratgy" in tree ${at}; did you mean "strategy"?`, { field: 'stratgy' }],
    ['an unknown key in an app node', { children: [{ app: 'db', restrat: 'transient' }] },
      `unknown key "restrat" in tree.children[0] ${at}; did you mean "restart"?`, { field: 'restrat' }],
    ['a significant permanent app', { auto_shutdown: 'any_significant', children: [{ app: 'db', significant: true }] },
      `significant: true needs restart "transient" or "temporary" (a permanent child is always restarted, so it never ends its supervisor) in tree.children[0] (db) ${at}`, { field: 'restart', value: 'permanent' }],
    ['a significant supervisor left permanent', { auto_shutdown: 'any_significant', children: [{ supervisor: 'jobs', significant: true, children: [] }] },
      `significant: true needs restart "transient" or "temporary" (a permanent child is always restarted, so it never ends its supervisor) in tree.children[0] (jobs) ${at}`, { field: 'restart' }],
    ['a significant child under auto_shutdown never', { children: [{ app: 'db', restart: 'transient', significant: true }] },
      `significant: true needs its supervisor (root) to set auto_shutdown to "any_significant" or "all_significant" in tree.children[0] (db) ${at}`, { field: 'significant', value: true }],
    ['a bad significant value', { children: [{ app: 'db', significant: 'yes' }] },
      `significant must be true or false, got "yes" (string) in tree.children[0] (db) ${at}`, { field: 'significant' }],
  ];

  for (const [what, raw, message, details] of cases) {
    it(`refuses ${what}`, () => {
      const error = treeError(raw);
      expect(error.message).toBe(message);
      expect(error.details).toMatchObject({ file: FILE, ...details });
    });
  }
});
