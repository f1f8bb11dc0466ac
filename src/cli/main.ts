// The full `arbor` command (bundled as dist/cli.cjs): runs any command line against the real process and exits with
// its status. quick-main.ts hands it every line it does not answer itself.
//
// Kept to what every command needs; each command's module is imported only when that command runs (see commands/dispatch.ts).

import { runCli } from './commands/dispatch.js';
import { exitWhenFlushed, processIo } from './process-io.js';

// No top-level await: the CLI is bundled as CommonJS (see scripts/build-cli.mjs).
void runCli(process.argv.slice(2), processIo()).then(exitWhenFlushed);
