import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadEcosystem } from '../../src/config/load.js';
import { sampleEcosystem } from '../../src/config/sample.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'arbor-sample-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// The sample with its commented-out `tree:` block turned on.
function withTreeUncommented(sample: string): string {
  const lines = sample.split('\n');
  const start = lines.findIndex((l) => l.startsWith('  // tree: {'));
  const end = lines.findIndex((l, i) => i > start && l === '  // },');
  expect(start).toBeGreaterThan(0);
  expect(end).toBeGreaterThan(start);
  return lines.map((l, i) => (i >= start && i <= end ? l.replace('  // ', '  ') : l)).join('\n');
}

describe('sampleEcosystem', () => {
  it('loads as an ecosystem.config.js without warnings', async () => {
    const file = join(dir, 'ecosystem.config.js');
    await writeFile(file, sampleEcosystem());
    const config = await loadEcosystem(file, { shellEnv: {} });
    expect(config.warnings).toEqual([]);
    expect(config.tree).toBeUndefined();
    expect(config.apps.map((a) => a.name)).toEqual(['api', 'worker']);
    expect(config.apps[0]).toMatchObject({ exec_mode: 'cluster_mode', instances: 2, max_memory_restart: 300 * 1024 ** 2, min_uptime: 1000, env: { NODE_ENV: 'development' } });
    expect(config.apps[1]).toMatchObject({ interpreter: 'python3', restart_delay: 2000, exec_mode: 'fork_mode' });
  });

  it('picks env_production with --env production', async () => {
    const file = join(dir, 'prod.config.js');
    await writeFile(file, sampleEcosystem());
    const config = await loadEcosystem(file, { env: 'production', shellEnv: {} });
    expect(config.apps[0]!.env).toEqual({ NODE_ENV: 'production' });
  });

  it('has a tree example that is valid once uncommented', async () => {
    const file = join(dir, 'tree.config.js');
    await writeFile(file, withTreeUncommented(sampleEcosystem()));
    const config = await loadEcosystem(file, { shellEnv: {} });
    expect(config.warnings).toEqual([]);
    expect(config.tree).toEqual({
      root: {
        kind: 'supervisor',
        options: { id: 'root', strategy: 'rest_for_one', intensity: 5, period: 10 },
        children: [
          { kind: 'app', app: 'worker' },
          { kind: 'supervisor', options: { id: 'web', strategy: 'one_for_one' }, children: [{ kind: 'app', app: 'api' }] },
        ],
      },
      unlisted: [],
    });
  });

  it('documents the most useful keys in comments', () => {
    const sample = sampleEcosystem();
    for (const key of ['module.exports', 'env_production', 'max_memory_restart', 'exp_backoff_restart_delay', 'kill_timeout', 'wait_ready', 'out_file', 'log_max_size', 'watch', 'cron_restart', 'tree:', 'rest_for_one']) {
      expect(sample, key).toContain(key);
    }
  });
});
