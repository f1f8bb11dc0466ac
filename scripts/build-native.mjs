// npm's install step: builds the native spawner (native/spawn.c -> build/Release/arbor_spawn.node) with node-gyp.
// Linux only (it needs pidfd). Never fails the install: without the addon, arbor starts processes through
// child_process.spawn, which is correct but slower when many apps start at once (see native/spawn.c). Set
// ARBOR_SKIP_NATIVE=1 to skip the build.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function nodeGypScript() {
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm && existsSync(fromNpm)) return fromNpm;
  const besideNode = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  return existsSync(besideNode) ? besideNode : undefined;
}

function skip(reason) {
  process.stderr.write(`arbor: native spawner not built (${reason}); processes will start through child_process.spawn\n`);
  process.exit(0);
}

if (process.env.ARBOR_SKIP_NATIVE === '1') skip('ARBOR_SKIP_NATIVE=1');
if (process.platform !== 'linux') skip(`it needs Linux, this is ${process.platform}`);
const gyp = nodeGypScript();
if (gyp === undefined) skip('node-gyp was not found beside npm');
const args = [gyp, 'rebuild'];
if (process.env.npm_config_nodedir) args.push(`--nodedir=${process.env.npm_config_nodedir}`);
const result = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 300_000 });
if (result.status !== 0) {
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
  skip(`node-gyp rebuild exited with ${result.status ?? result.signal ?? result.error?.message}:\n${output}\n`);
}
