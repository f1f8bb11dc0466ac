#!/usr/bin/env node
// The arbor command (npm run build writes dist/): the small bundle answers ls, jlist, ping and kill and loads the full
// CLI, dist/cli.cjs, for every other line. CommonJS (bin/package.json), so Node never starts its ESM loader for a CLI
// run: that alone is ~10 ms of every `arbor ls`.
require('../dist/cli-quick.cjs');
