// Bundles the CLI (src/cli/main.ts -> dist/cli.js) and the daemon (src/daemon/main.ts -> dist/daemon.js) with esbuild.
//
// Why a bundle: Node's ESM loader resolves, reads and links every module file separately (a few ms each on a slow
// machine), and `arbor ls` from tsc's output would load ~25 of them. Decisions, measured on a loaded 2-core box
// where `node -e 0` takes ~100 ms: `arbor ls` against a running daemon takes ~27 ms more (a raw socket call, 6 ms);
// - CLI: our code, commander and yaml are bundled; both packages are CommonJS, so a createRequire banner gives them
//   `require`. yaml from node_modules took ~130 ms to import against ~30 ms bundled (it is dozens of CommonJS files).
// - Code splitting keeps every command's dynamic import() lazy: `ls` loads cli.js and a few small chunks, never
//   commander (src/cli/commands/fast-request.ts skips it for bare verbs: ~10 ms), yaml or the config layer.
// - One file with everything (esbuild keeps dynamic imports lazy there too) measured no faster: it parses 550 KB.
// - Daemon: everything bundled and minified (see the daemon entry below: memory, not start time, matters there).
// A missing entry is skipped with a warning, not a failure.

import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

/** Lets bundled CommonJS code call require() for Node built-ins inside an ES module. */
const REQUIRE_BANNER = "import { createRequire as __arborCreateRequire } from 'node:module'; const require = __arborCreateRequire(import.meta.url);";

/** Packages bundled into the CLI; every other dependency is loaded from node_modules. */
const CLI_BUNDLED_PACKAGES = new Set(['commander', 'yaml']);

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
};

// Marks every bare import (a package) external except those listed.
function externalPackagesExcept(bundled) {
  return {
    name: 'external-packages',
    setup(builder) {
      builder.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path.startsWith('node:')) return { path: args.path, external: true };
        const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
        return bundled.has(name) ? undefined : { path: args.path, external: true };
      });
    },
  };
}

const entries = [
  {
    name: 'cli',
    source: join(root, 'src', 'cli', 'main.ts'),
    options: {
      outdir: dist,
      entryNames: 'cli',
      chunkNames: 'cli-chunks/[name]-[hash]',
      splitting: true,
      banner: { js: REQUIRE_BANNER },
      plugins: [externalPackagesExcept(CLI_BUNDLED_PACKAGES)],
    },
  },
  {
    name: 'daemon',
    source: join(root, 'src', 'daemon', 'main.ts'),
    // Everything bundled and minified: one file to load keeps the idle daemon's memory low (measured: 49.6 MB RSS
    // against 54.9 MB with packages loaded from node_modules, beside 42.7 MB for a bare Node holding a socket).
    // pino's transports (worker threads) are never used by the daemon, so nothing needs its own files at run time.
    options: {
      outfile: join(dist, 'daemon.js'),
      banner: { js: REQUIRE_BANNER },
      minify: true,
    },
  },
];

await rm(join(dist, 'cli-chunks'), { recursive: true, force: true });
for (const entry of entries) {
  if (!existsSync(entry.source)) {
    console.warn(`build-cli: skipping ${entry.name}: ${entry.source} does not exist`);
    continue;
  }
  await build({ ...common, entryPoints: [entry.source], ...entry.options });
  console.log(`build-cli: bundled ${entry.name}`);
}
