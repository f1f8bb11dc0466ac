// Three workers in three languages under one one_for_one supervisor; the python one crashes now and then and is
// restarted after a growing backoff (0.5 s, 1 s, 2 s, ... 8 s). Run from the repo root: `npm run demo`.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { start, supervisor, worker } from '../../src/index.js';
import { createDemo } from '../shared/demo-run.js';
import { prefixedOutput } from '../shared/prefixed-output.js';
import { paint, say } from '../shared/terminal.js';

const here = path.dirname(fileURLToPath(import.meta.url));

const tree = supervisor({ id: 'root', strategy: 'one_for_one', intensity: 5, period: 10 }, [
  worker({
    id: 'ticker',
    script: 'workers/ticker.sh',
    stdout: prefixedOutput('ticker', 'blue'),
    stderr: prefixedOutput('ticker', 'blue', 'stderr'),
  }),
  worker({
    id: 'flaky',
    script: 'workers/flaky.py',
    backoff: { initial: 500, factor: 2, max: 8000 },
    stdout: prefixedOutput('flaky', 'magenta'),
    stderr: prefixedOutput('flaky', 'magenta', 'stderr'),
  }),
  worker({
    id: 'heartbeat',
    script: 'workers/heartbeat.js',
    stdout: prefixedOutput('heartbeat', 'green'),
    stderr: prefixedOutput('heartbeat', 'green', 'stderr'),
  }),
]);

const demo = createDemo('arbor demo: bash, python and node workers under one one_for_one supervisor');
try {
  const running = await start(tree, { baseDir: here, onEvent: demo.onEvent });
  say(paint('dim', 'all three workers are up; watch root/flaky crash and come back after 0.5 s, 1 s, 2 s, 4 s, 8 s, 8 s...'));
  await demo.run(running);
} catch (error) {
  say(paint('red', `could not start the tree: ${error instanceof Error ? error.message : String(error)}`));
  process.exit(1);
}
