#!/usr/bin/env node
// The arbor command: the bundled CLI (npm run build writes dist/cli.js).
import '../dist/cli.js';
