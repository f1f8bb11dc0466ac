// log_max_size / log_retain for apps writing straight to their files: the daemon rotates a file that passed the size
// as the next run opens it (a restart, a crash restart), keeps log_retain rotated files, and loses no line.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../process/helpers.js';
import { appConfig, byName, daemonPerTest, waitForApps } from './policy-harness.js';

describe('log rotation of apps writing straight to their files', () => {
  const daemons = daemonPerTest();

  it('rotates the out file at each start once it holds log_max_size, keeping log_retain files and every line', async () => {
    const daemon = await daemons.start();
    const appDir = path.join(daemon.paths.home, 'app');
    fs.mkdirSync(appDir);
    // Each run prints 40 numbered lines of ~50 bytes (2 KB, over the 1 KB cap), then idles.
    fs.writeFileSync(
      path.join(appDir, 'talker.cjs'),
      "for (let i = 0; i < 40; i++) console.log(`${process.pid} line ${String(i).padStart(2, '0')} ${'x'.repeat(30)}`);\nsetInterval(() => {}, 1000);\n",
    );
    const out = path.join(appDir, 'talker-out.log');
    const app = appConfig({ name: 'talker', script: path.join(appDir, 'talker.cjs'), cwd: appDir, out_file: out, log_max_size: '1K', log_retain: 2 });
    await daemon.rpc.call('start', { apps: [app] });

    const pidsSeen: number[] = [];
    const runFinished = async (what: string): Promise<void> => {
      const [proc] = await waitForApps(daemon, what, (procs) => byName(procs, 'talker').pm2_env.status === 'online');
      pidsSeen.push(proc!.pid);
      await waitFor(`${what}: its 40 lines`, () => fs.readFileSync(out, 'utf8').split('\n').filter((line) => line.startsWith(`${proc!.pid} `)).length === 40, 10_000);
    };
    await runFinished('the first run');
    expect(fs.existsSync(`${out}.1`), 'nothing is rotated while the process runs').toBe(false);

    for (const run of ['the second run', 'the third run', 'the fourth run']) {
      await daemon.rpc.call('restart', { targets: ['talker'] });
      await runFinished(run);
    }

    const linesOf = (file: string): string[] => fs.readFileSync(file, 'utf8').split('\n').filter((line) => line !== '');
    const pidOf = (file: string): number => Number(linesOf(file)[0]!.split(' ')[0]);
    // Each start found a full file and moved it aside: out holds the fourth run, .1 the third, .2 the second.
    expect(pidOf(out)).toBe(pidsSeen[3]);
    expect(pidOf(`${out}.1`)).toBe(pidsSeen[2]);
    expect(pidOf(`${out}.2`)).toBe(pidsSeen[1]);
    expect(fs.existsSync(`${out}.3`), 'log_retain 2 drops the first run').toBe(false);
    for (const file of [out, `${out}.1`, `${out}.2`]) expect(linesOf(file), file).toHaveLength(40);
  }, 60_000);
});
