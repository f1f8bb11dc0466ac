// A nested tree: a rest_for_one root over [db, jobs (a one_for_all supervisor over indexer and mailer), api].
// After a few seconds it kills a jobs worker, then db, from outside and prints the pids before and after.
// Run from the repo root: `npm run demo:nested`.
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { start, supervisor, worker, type Tree } from '../../src/index.js';
import { createDemo } from '../shared/demo-run.js';
import { prefixedOutput } from '../shared/prefixed-output.js';
import { paint, say, type Colour } from '../shared/terminal.js';
import { killAndCompare } from './kill-and-compare.js';

const here = path.dirname(fileURLToPath(import.meta.url));

// A worker whose output is shown prefixed with its id.
function shown(id: string, script: string, colour: Colour) {
  return worker({ id, script, stdout: prefixedOutput(id, colour), stderr: prefixedOutput(id, colour, 'stderr') });
}

const tree = supervisor({ id: 'root', strategy: 'rest_for_one', intensity: 3, period: 10 }, [
  shown('db', 'workers/db.sh', 'blue'),
  supervisor({ id: 'jobs', strategy: 'one_for_all', intensity: 3, period: 10 }, [
    shown('indexer', 'workers/indexer.py', 'magenta'),
    shown('mailer', 'workers/mailer.js', 'green'),
  ]),
  shown('api', 'workers/api.js', 'cyan'),
]);

// The scripted part: two kills, a pause before each so the output of the previous step can be read.
async function scenario(running: Tree, aborted: AbortSignal): Promise<void> {
  await sleep(2000, undefined, { signal: aborted });
  await killAndCompare(running, 'root/jobs/mailer', 'jobs is one_for_all, so indexer restarts too; db and api keep running', aborted);
  await sleep(1500, undefined, { signal: aborted });
  await killAndCompare(running, 'root/db', 'root is rest_for_one, so everything started after db (jobs, api) restarts too', aborted);
}

const demo = createDemo('arbor demo: a nested tree, rest_for_one over [db, jobs (one_for_all), api]');
try {
  const running = await start(tree, { baseDir: here, onEvent: demo.onEvent });
  say(paint('dim', 'the tree is up; in 2 s a jobs worker gets killed, then db'));
  await demo.run(running, (aborted) => scenario(running, aborted));
} catch (error) {
  say(paint('red', `could not start the tree: ${error instanceof Error ? error.message : String(error)}`));
  process.exit(1);
}
