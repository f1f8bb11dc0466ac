// The module loaders as plain Node runs them: vitest replaces `import()` in source with its own loader, which (for one)
// gives ESM files CommonJS globals, so the Node-specific paths are checked in a child process on an esbuild bundle.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const here = fileURLToPath(new URL('.', import.meta.url));

let dir: string;
let results: Record<string, unknown>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'arbor-native-load-'));
  const bundle = join(dir, 'load.mjs');
  await build({
    entryPoints: [join(here, '../../src/config/load.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: bundle,
    logLevel: 'silent',
    // The bundled `yaml` package calls require(); give the ESM bundle one.
    banner: { js: "import { createRequire as __bundleCreateRequire } from 'node:module'; const require = __bundleCreateRequire(import.meta.url);" },
  });
  const { stdout } = await run(process.execPath, [join(here, 'fixtures/native-load.mjs'), bundle, join(dir, 'work')], { timeout: 20_000 });
  results = JSON.parse(stdout) as Record<string, unknown>;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loading config modules in plain Node', () => {
  it('reads module.exports in a "type": "module" package as CommonJS and says how to fix the file', () => {
    const result = results.moduleExportsInEsmPackage as { names: string[]; warnings: string[] };
    expect(result.names).toEqual(['legacy']);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(/ecosystem\.config\.js uses CommonJS \(module\.exports\) inside a "type": "module" package; it was read as CommonJS\. Rename it to .*ecosystem\.config\.cjs or use export default\.$/);
  });

  it('imports export default and sees edits on a re-load (cache-busting query)', () => {
    expect(results.esmReload).toEqual([
      { names: ['one'], warnings: [] },
      { names: ['two'], warnings: [] },
    ]);
  });

  it('imports ESM syntax in a CommonJS package and sees edits on a re-load', () => {
    expect(results.esmSyntaxInCjsPackage).toEqual([
      { names: ['detected'], warnings: [] },
      { names: ['detected-edited'], warnings: [] },
    ]);
  });

  it('requires module.exports afresh on a re-load', () => {
    expect(results.cjsReload).toEqual([
      { names: ['plain'], warnings: [] },
      { names: ['plain-edited'], warnings: [] },
    ]);
  });

  it('turns an ESM syntax error into E_CONFIG', () => {
    const result = results.esmSyntaxError as { code: string; message: string };
    expect(result.code).toBe('E_CONFIG');
    expect(result.message).toMatch(/^could not load .*broken\.config\.mjs: SyntaxError: /);
  });
});
