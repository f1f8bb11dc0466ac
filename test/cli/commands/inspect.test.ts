import { describe, expect, it } from 'vitest';
import { formatIds, runningPids } from '../../../src/cli/commands/inspect.js';
import { describeApps } from '../../../src/cli/commands/show-table.js';
import { envUpdates } from '../../../src/cli/commands/update-env.js';
import { makeProcess } from '../format/make-process.js';

const procs = [
  makeProcess({ pm_id: 2, name: 'api', pid: 300 }),
  makeProcess({ pm_id: 0, name: 'api', pid: 100 }),
  makeProcess({ pm_id: 1, name: 'worker', pid: 0, pm2_env: { status: 'stopped', env: { A: 'worker' } } }),
];

describe('runningPids', () => {
  it('lists the pids of running processes by id, leaving out the 0 of stopped ones', () => {
    expect(runningPids(procs)).toEqual([100, 300]);
    expect(runningPids([])).toEqual([]);
  });
});

describe('formatIds', () => {
  it("prints ids as Node prints an array, like PM2's `id`", () => {
    expect(formatIds(procs, 'api')).toBe('[ 0, 2 ]');
    expect(formatIds(procs, 'worker')).toBe('[ 1 ]');
    expect(formatIds(procs, 'none')).toBe('[]');
  });
});

describe('describeApps', () => {
  it('groups ids by app in first-seen order', () => {
    expect(describeApps(procs)).toEqual(['api (2, 0)', 'worker (1)']);
  });
});

describe('envUpdates', () => {
  it("gives each app its stored env with the shell's over it, once per app", () => {
    const updates = envUpdates(procs, { A: 'shell', B: 'b', UNSET: undefined });
    expect(updates).toEqual([
      { name: 'api', env: { NODE_ENV: 'production', PORT: '8080', A: 'shell', B: 'b' } },
      { name: 'worker', env: { A: 'shell', B: 'b' } },
    ]);
  });
});
