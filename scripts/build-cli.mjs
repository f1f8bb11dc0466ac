// Bundles the CLI (src/cli/main.ts -> dist/cli.cjs) and the daemon (src/daemon/main.ts -> dist/daemon.js) with esbuild.
//
// Why a bundle: Node resolves, reads and links every module file separately, and `arbor ls` from tsc's output would
// load ~25 of them. Decisions, measured against a running daemon side by side with a bare `node -e 0`:
// - CLI: one CommonJS file (see the cli entry below): +19 ms over node -e 0 for `ls`, against +28 ms for the
//   previous ESM build with lazily imported chunks (the ESM loader itself cost ~10 ms). Our code and commander are
//   bundled; `ls` never runs commander (src/cli/commands/fast-request.ts skips it for bare verbs: ~10 ms), the config
//   layer or yaml, which stays in node_modules and is imported only when a YAML file is read.
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

/** Packages the daemon loads from node_modules on first use instead of bundling. */
const DAEMON_LAZY_PACKAGES = ['croner', 'chokidar', 'picomatch'];

/** Packages bundled into the CLI; every other dependency is loaded from node_modules. */
const CLI_BUNDLED_PACKAGES = new Set(['commander']);

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

// quick-main.ts's import of the full CLI becomes, in the bundle, a require() of the sibling dist/cli.cjs at run time
// (a dynamic import() left as is would start Node's ESM loader: +50 ms for every line the quick bundle hands on).
const FULL_CLI_AT_RUN_TIME = {
  name: 'full-cli-at-run-time',
  setup(builder) {
    builder.onResolve({ filter: /^\.\/main\.js$/ }, () => ({ path: 'full-cli', namespace: 'full-cli' }));
    builder.onLoad({ filter: /.*/, namespace: 'full-cli' }, () => ({ contents: "require('./cli.cjs');", loader: 'js' }));
    builder.onResolve({ filter: /^\.\/cli\.cjs$/ }, () => ({ path: './cli.cjs', external: true }));
  },
};

// The client's start() loads the config validator for apps given as PM2's options (src/client/app-input.ts). The quick
// bundle answers ls, jlist, ping and kill, which never start anything, so it gets a stub instead of 22 KB it would
// parse on every `arbor ls` (measured: ls +14.4 ms over node -e 0 with the validator inside, +11.6 ms without).
const NO_VALIDATOR_IN_QUICK_BUNDLE = {
  name: 'no-validator-in-quick-bundle',
  setup(builder) {
    builder.onResolve({ filter: /config\/validate\.js$/ }, (args) =>
      args.importer.endsWith(join('client', 'app-input.ts')) ? { path: 'validator-stub', namespace: 'validator-stub' } : undefined,
    );
    builder.onLoad({ filter: /.*/, namespace: 'validator-stub' }, () => ({
      contents: "export function normalizeApp() { throw new Error('the quick CLI bundle (ls, jlist, ping, kill) has no app validator'); }",
      loader: 'js',
    }));
  },
};

/** What both CLI bundles share: CommonJS, minified with names kept, import.meta.url from __filename. */
const CLI_BUNDLE = {
  format: 'cjs',
  minify: true,
  keepNames: true,
  define: { 'import.meta.url': '__arborImportMetaUrl' },
  banner: { js: "const __arborImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
};

const entries = [
  {
    name: 'cli-quick',
    source: join(root, 'src', 'cli', 'quick-main.ts'),
    // What bin/arbor.js loads: ls, jlist, ping and kill from a 26 KB file; any other line requires cli.cjs. Reading and
    // parsing the full bundle was the larger part of what `arbor ls` added to a bare `node -e 0` (+34 ms against +20).
    options: {
      outfile: join(dist, 'cli-quick.cjs'),
      ...CLI_BUNDLE,
      plugins: [FULL_CLI_AT_RUN_TIME, NO_VALIDATOR_IN_QUICK_BUNDLE, externalPackagesExcept(new Set())],
    },
  },
  {
    name: 'cli',
    source: join(root, 'src', 'cli', 'main.ts'),
    // CommonJS in one file: Node's ESM loader alone cost ~10 ms per run (module jobs, async file reads), which is a
    // third of what `arbor ls` adds to a bare `node -e 0`. esbuild keeps each command's dynamic import() lazy inside
    // the bundle (its module is initialised on first use), and yaml stays in node_modules, imported only to read a YAML file.
    // Measured side by side: ESM with chunks +28 ms over node -e 0, this +19 ms.
    // Minified (names kept, for readable stacks of unexpected errors; the linked source map has the rest): reading and
    // parsing 140 KB instead of 300 KB took `arbor ping` from +26 ms over node -e 0 to +17 ms (20 runs each, side by side).
    options: {
      outfile: join(dist, 'cli.cjs'),
      ...CLI_BUNDLE,
      plugins: [externalPackagesExcept(CLI_BUNDLED_PACKAGES)],
    },
  },
  {
    name: 'daemon',
    source: join(root, 'src', 'daemon', 'main.ts'),
    // Everything bundled and minified: one file to load keeps the idle daemon's memory low (measured: 49.6 MB RSS
    // against 54.9 MB with packages loaded from node_modules, beside 42.7 MB for a bare Node holding a socket).
    // pino's transports (worker threads) are never used by the daemon, so nothing needs its own files at run time.
    // The packages behind per-app policies (cron_restart, watch) stay in node_modules: the daemon imports them only
    // when an app sets those keys, so a daemon without such apps never parses them.
    options: {
      outfile: join(dist, 'daemon.js'),
      banner: { js: REQUIRE_BANNER },
      minify: true,
      external: DAEMON_LAZY_PACKAGES,
    },
  },
];

await rm(join(dist, 'cli-chunks'), { recursive: true, force: true });
await rm(join(dist, 'cli.js'), { force: true });
await rm(join(dist, 'cli.js.map'), { force: true });
for (const entry of entries) {
  if (!existsSync(entry.source)) {
    console.warn(`build-cli: skipping ${entry.name}: ${entry.source} does not exist`);
    continue;
  }
  await build({ ...common, entryPoints: [entry.source], ...entry.options });
  console.log(`build-cli: bundled ${entry.name}`);
}
