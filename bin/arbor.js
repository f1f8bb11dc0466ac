#!/usr/bin/env node
// The arbor command: the bundled CLI (npm run build writes dist/cli.cjs). CommonJS (bin/package.json), so Node never
// starts its ESM loader for a CLI run: that alone is ~10 ms of every `arbor ls`.
require('../dist/cli.cjs');
