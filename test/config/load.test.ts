import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { isConfigFile, loadEcosystem } from '../../src/config/load.js';
import { nodeStripsTypes } from '../../src/config/load-module.js';
import { ArborError, isArborError } from '../../src/errors.js';

let root: string;
let counter = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'arbor-config-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

// A fresh directory holding the given files; returns the path of the first one.
async function files(entries: Record<string, string>): Promise<string> {
  const dir = join(root, `case-${++counter}`);
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(entries)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return join(dir, Object.keys(entries)[0]!);
}

async function loadError(file: string, options: { env?: string } = {}): Promise<ArborError> {
  try {
    await loadEcosystem(file, options);
  } catch (error) {
    if (isArborError(error, 'E_CONFIG')) return error;
    throw error;
  }
  throw new Error('expected an E_CONFIG error');
}

const APPS_JSON = JSON.stringify({ apps: [{ name: 'api', script: './api.js', instances: '2' }] });

describe('loader formats', () => {
  it('reads strict JSON, with relative paths taken from the file directory', async () => {
    const file = await files({ 'process.json': APPS_JSON });
    const config = await loadEcosystem(file, { shellEnv: {} });
    expect(config.file).toBe(file);
    expect(config.warnings).toEqual([]);
    expect(config.apps).toHaveLength(1);
    expect(config.apps[0]).toMatchObject({ name: 'api', script: join(file, '..', 'api.js'), cwd: join(file, '..'), instances: 2, exec_mode: 'cluster_mode', source: { file, index: 0 } });
  });

  it('reads PM2-style relaxed JSON (comments, trailing commas, bare keys) with a warning', async () => {
    const file = await files({ 'ecosystem.json': `{\n  // the API\n  apps: [{ name: 'api', script: 'api.js', },],\n}\n` });
    const config = await loadEcosystem(file, { shellEnv: {} });
    expect(config.apps[0]!.name).toBe('api');
    expect(config.warnings).toHaveLength(1);
    expect(config.warnings[0]).toMatch(/ecosystem\.json is not strict JSON \(.* at line 2, column 3\); it was read as a JavaScript object literal, as PM2 does$/);
  });

  it('reports a JSON syntax error with its line and column', async () => {
    const file = await files({ 'bad.json': '{\n  "apps": [\n    { "script": "a.js" }\n    { "script": "b.js" }\n  ]\n}\n' });
    const error = await loadError(file);
    expect(error.message).toMatch(/bad\.json is not valid JSON: .* at line 4, column 5$/);
    expect(error.details.file).toBe(file);
  });

  it('requires a .js file with module.exports', async () => {
    const file = await files({ 'ecosystem.config.js': `module.exports = { apps: [{ name: 'web', script: __dirname + '/web.js' }] };\n` });
    const config = await loadEcosystem(file, { shellEnv: {} });
    expect(config.apps[0]).toMatchObject({ name: 'web', script: join(file, '..', 'web.js') });
  });

  it('requires a .cjs file and sees edits on a re-load', async () => {
    const file = await files({ 'ecosystem.config.cjs': `module.exports = { apps: [{ name: 'one', script: 'a.js' }] };\n` });
    expect((await loadEcosystem(file, { shellEnv: {} })).apps[0]!.name).toBe('one');
    await writeFile(file, `module.exports = { apps: [{ name: 'two', script: 'a.js' }] };\n`);
    expect((await loadEcosystem(file, { shellEnv: {} })).apps[0]!.name).toBe('two');
  });

  it('imports a .mjs file with export default (which PM2 cannot) and sees edits on a re-load', async () => {
    const file = await files({ 'ecosystem.config.mjs': `export default { apps: [{ name: 'one', script: 'a.js' }] };\n` });
    expect((await loadEcosystem(file, { shellEnv: {} })).apps[0]!.name).toBe('one');
    await writeFile(file, `export default { apps: [{ name: 'two', script: 'a.js' }] };\n`);
    expect((await loadEcosystem(file, { shellEnv: {} })).apps[0]!.name).toBe('two');
  });

  it('imports named exports when there is no default', async () => {
    const file = await files({ 'ecosystem.config.mjs': `export const apps = [{ name: 'named', script: 'a.js' }];\n` });
    expect((await loadEcosystem(file, { shellEnv: {} })).apps[0]!.name).toBe('named');
  });

  it('imports a .js file in a "type": "module" package', async () => {
    const file = await files({
      'ecosystem.config.js': `import { helper } from './helper.js';\nexport default { apps: [{ name: helper(), script: 'a.js' }] };\n`,
      'helper.js': `export const helper = () => 'esm';\n`,
      'package.json': '{ "type": "module" }',
    });
    const config = await loadEcosystem(file, { shellEnv: {} });
    expect(config.apps[0]!.name).toBe('esm');
    expect(config.warnings).toEqual([]);
  });

  it('imports a .js file written as ESM in a CommonJS package, as Node would detect it', async () => {
    const file = await files({ 'ecosystem.config.js': `export default { apps: [{ name: 'detected', script: 'a.js' }] };\n` });
    expect((await loadEcosystem(file, { shellEnv: {} })).apps[0]!.name).toBe('detected');
    await writeFile(file, `export default { apps: [{ name: 'edited', script: 'a.js' }] };\n`);
    expect((await loadEcosystem(file, { shellEnv: {} })).apps[0]!.name).toBe('edited');
  });

  it('reads YAML and merges env_production chosen by --env production', async () => {
    const file = await files({
      'ecosystem.yaml': [
        'apps:',
        '  - name: api',
        '    script: server.js',
        '    max_memory_restart: 300M',
        '    env:',
        '      NODE_ENV: development',
        '      PORT: 3000',
        '    env_production:',
        '      NODE_ENV: production',
        '',
      ].join('\n'),
    });
    const dev = await loadEcosystem(file, { shellEnv: { KEEP: 'shell' } });
    expect(dev.apps[0]!.env).toEqual({ KEEP: 'shell', NODE_ENV: 'development', PORT: '3000' });
    const prod = await loadEcosystem(file, { env: 'production', shellEnv: { KEEP: 'shell' } });
    expect(prod.apps[0]!.env).toEqual({ KEEP: 'shell', NODE_ENV: 'production', PORT: '3000' });
    expect(prod.apps[0]!.max_memory_restart).toBe(300 * 1024 * 1024);
    expect(prod.warnings).toEqual([]);
  });

  it('reports a YAML syntax error with its line and column', async () => {
    const file = await files({ 'bad.yml': 'apps:\n  - name: api\n    script: [a.js\n' });
    const error = await loadError(file);
    expect(error.message).toMatch(/bad\.yml is not valid YAML at line \d+, column \d+: /);
  });

  it.runIf(!nodeStripsTypes())('refuses TypeScript on a Node without type stripping, naming the fix', async () => {
    const file = await files({ 'ecosystem.config.ts': `export default { apps: [{ name: 'ts', script: 'a.js' }] } satisfies object;\n` });
    const error = await loadError(file);
    expect(error.message).toContain(`ecosystem.config.ts is TypeScript, which this Node (${process.version}) cannot load`);
    expect(error.message).toContain('Node 22.6+ with --experimental-strip-types');
    expect(error.message).toContain('rename it to');
    expect(error.message).toContain('ecosystem.config.mjs');
    expect(error.details).toMatchObject({ file, field: 'file' });
  });

  it.runIf(nodeStripsTypes())('imports TypeScript where Node strips types', async () => {
    const file = await files({ 'ecosystem.config.ts': `const name: string = 'ts';\nexport default { apps: [{ name, script: 'a.js' }] };\n` });
    expect((await loadEcosystem(file, { shellEnv: {} })).apps[0]!.name).toBe('ts');
  });
});

describe('loader errors', () => {
  it('says when the file does not exist', async () => {
    const missing = join(root, 'nope', 'ecosystem.config.js');
    const error = await loadError(missing);
    expect(error.message).toBe(`config file not found: ${missing}`);
  });

  it('refuses an extension it cannot read', async () => {
    const file = await files({ 'ecosystem.toml': 'apps = []' });
    expect((await loadError(file)).message).toContain('ecosystem.toml is not a config file arbor can read: the name must end in .json, .yaml');
  });

  it('wraps an error thrown while loading, keeping it as the cause', async () => {
    const file = await files({ 'ecosystem.config.cjs': `throw new Error('boom from config');\n` });
    const error = await loadError(file);
    expect(error.message).toMatch(/could not load .*ecosystem\.config\.cjs: Error: boom from config$/);
    expect((error.cause as Error).message).toBe('boom from config');
  });

  it('names the line of a JavaScript syntax error', async () => {
    const file = await files({ 'ecosystem.config.cjs': `module.exports = {\n  apps: [\n    { script: 'a.js' }}\n  ]\n};\n` });
    const error = await loadError(file);
    expect(error.message).toMatch(/could not load .*ecosystem\.config\.cjs: SyntaxError: .* \(line 3\)$/);
  });

  it('refuses a top level with no apps, naming what it found', async () => {
    const file = await files({ 'ecosystem.json': JSON.stringify({ app: [{ script: 'a.js' }] }) });
    const error = await loadError(file);
    expect(error.message).toMatch(/^no apps found \(it has "app"\); expected \{ apps: \[\.\.\.\] \} \(or pm2: \[\.\.\.\]\), an array of apps, or a single app object in .*ecosystem\.json$/);
    expect(error.details).toMatchObject({ file, field: 'apps' });
  });

  it('refuses an empty apps array and a non-object export', async () => {
    expect((await loadError(await files({ 'e.json': '{"apps": []}' }))).message).toMatch(/^apps must be an array holding at least one app, got \[\] \(array\) in /);
    expect((await loadError(await files({ 'e.json': '"server.js"' }))).message).toMatch(/^the ecosystem must be .*, got "server.js" \(string\) in /);
  });

  it('refuses duplicate app names in one file', async () => {
    const file = await files({ 'e.json': JSON.stringify({ apps: [{ script: 'api.js' }, { script: 'w.js' }, { script: 'other/api.js' }] }) });
    const error = await loadError(file);
    expect(error.message).toMatch(/^apps\[2\] \(api\) of .*e\.json: name "api" is already used by apps\[0\]; app names must be unique in a file$/);
    expect(error.details).toMatchObject({ file, field: 'name', value: 'api', app: 'api' });
  });
});

describe('top-level shapes', () => {
  it('accepts apps, pm2, a bare array and a bare single app', async () => {
    const shapes = [
      { apps: [{ script: 'a.js' }] },
      { pm2: [{ script: 'a.js' }] },
      [{ script: 'a.js' }],
      { script: 'a.js' },
      { apps: { script: 'a.js' } },
    ];
    for (const shape of shapes) {
      const file = await files({ 'e.json': JSON.stringify(shape) });
      const config = await loadEcosystem(file, { shellEnv: {} });
      expect(config.apps.map((a) => a.name), JSON.stringify(shape)).toEqual(['a']);
    }
  });

  it('warns about unknown top-level keys and ignores deploy', async () => {
    const file = await files({ 'e.json': JSON.stringify({ apps: [{ script: 'a.js' }], deploy: { production: { host: 'x' } }, tre: {} }) });
    const config = await loadEcosystem(file, { shellEnv: {} });
    expect(config.warnings).toEqual([expect.stringMatching(/^unknown top-level key "tre" in .*e\.json; did you mean "tree"\?$/)]);
  });

  it('uses deploy.<env>.env as the lowest env layer for --env <env>', async () => {
    const file = await files({ 'e.json': JSON.stringify({ apps: [{ script: 'a.js', env: { B: 'app' } }], deploy: { production: { env: { A: 'deploy', B: 'deploy' } } } }) });
    const config = await loadEcosystem(file, { env: 'production', shellEnv: {} });
    expect(config.apps[0]!.env).toEqual({ A: 'deploy', B: 'app' });
    expect(config.warnings).toEqual([]);
  });

  it('warns once when --env matches no app, and not at all when some app has it', async () => {
    const file = await files({ 'e.json': JSON.stringify({ apps: [{ script: 'a.js' }, { script: 'b.js', env_production: {} }] }) });
    expect((await loadEcosystem(file, { env: 'production', shellEnv: {} })).warnings).toEqual([]);
    const none = await loadEcosystem(file, { env: 'staging', shellEnv: {} });
    expect(none.warnings).toEqual([expect.stringMatching(/^--env staging selects nothing: no app in .*e\.json has env_staging$/)]);
  });

  it('carries the tree section through', async () => {
    const file = await files({ 'e.yaml': 'apps:\n  - script: db.js\n  - script: api.js\ntree:\n  strategy: rest_for_one\n  children: [db, api]\n' });
    const config = await loadEcosystem(file, { shellEnv: {} });
    expect(config.tree?.root.children).toEqual([{ kind: 'app', app: 'db' }, { kind: 'app', app: 'api' }]);
    expect(config.tree?.unlisted).toEqual([]);
  });
});

describe('isConfigFile', () => {
  it('follows PM2: *.config.{js,cjs,mjs}, .json, .yml, .yaml, and ecosystem.*', () => {
    for (const yes of ['ecosystem.config.js', 'app.config.cjs', '/x/y/pm2.config.mjs', 'process.json', 'apps.yml', 'apps.YAML', 'ecosystem.js', 'ecosystem.mjs', 'ecosystem.config.ts', 'ecosystem.cts']) {
      expect(isConfigFile(yes), yes).toBe(true);
    }
    for (const no of ['server.js', 'app.mjs', 'config.js', 'ecosystem.txt', 'ecosystem', 'worker.py', 'run.sh', 'app.json.bak']) {
      expect(isConfigFile(no), no).toBe(false);
    }
  });
});
