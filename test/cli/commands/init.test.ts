import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INIT_FILE, SIMPLE_ECOSYSTEM, writeEcosystemTemplate } from '../../../src/cli/commands/init.js';
import { loadEcosystem } from '../../../src/config/load.js';
import { sampleEcosystem } from '../../../src/config/sample.js';
import { isArborError } from '../../../src/errors.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'arbor-init-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeEcosystemTemplate', () => {
  it('writes the commented sample, or the simple one, as ecosystem.config.js', async () => {
    const file = await writeEcosystemTemplate(dir, false);
    expect(file).toBe(join(dir, INIT_FILE));
    expect(await readFile(file, 'utf8')).toBe(sampleEcosystem());

    const other = await mkdtemp(join(tmpdir(), 'arbor-init-'));
    try {
      const simple = await writeEcosystemTemplate(other, true);
      expect(await readFile(simple, 'utf8')).toBe(SIMPLE_ECOSYSTEM);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it('writes a simple template that loads as one app without warnings', async () => {
    const config = await loadEcosystem(await writeEcosystemTemplate(dir, true));
    expect(config.apps.map((app) => [app.name, app.script])).toEqual([['app', join(dir, 'app.js')]]);
    expect(config.warnings).toEqual([]);
  });

  it('refuses to overwrite an existing file with E_CONFIG naming it, and leaves it untouched', async () => {
    const file = join(dir, INIT_FILE);
    await writeFile(file, 'mine');
    const error = await writeEcosystemTemplate(dir, false).catch((caught: unknown) => caught);
    expect(isArborError(error, 'E_CONFIG')).toBe(true);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toContain('already exists');
    expect(await readFile(file, 'utf8')).toBe('mine');
  });
});
