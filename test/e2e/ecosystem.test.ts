// Ecosystem files as PM2 users write them (YAML with env_production, an ES module with export default, JSON), startOrRestart
// and --only; a bad file is refused naming the file, the app, the field and the value, and nothing else is touched.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect } from 'vitest';
import { BUILD_TIMEOUT_MS, E2E_TEST_TIMEOUT_MS, describeResult, e2e, ensureFreshBuild, summarize } from './harness.js';

beforeAll(() => ensureFreshBuild(), BUILD_TIMEOUT_MS);

describe.concurrent('ecosystem files', { timeout: E2E_TEST_TIMEOUT_MS }, () => {
  e2e('YAML: --env production merges env_production over env, and the app sees it', async ({ session }) => {
    await session.ok(['start', 'ecosystem.yaml', '--env', 'production']);
    const web = await session.proc('web');
    expect(web.pm2_env.env).toMatchObject({ APP_MODE: 'production', GREETING: 'hello-yaml' });
    await session.waitForLog(session.logFile('web', 'out'), 'app started mode=production greeting=hello-yaml');
  });

  e2e('an .mjs file with `export default` starts its apps (PM2 fails here with ERR_REQUIRE_ESM)', async ({ session }) => {
    const start = await session.ok(['start', 'esm.config.mjs']);
    expect(start.stderr, describeResult(start)).toBe('');
    const esm = await session.proc('esm');
    expect(esm.pm2_env.status).toBe('online');
    await session.waitForLog(session.logFile('esm', 'out'), 'app started mode=esm-module');
  });

  e2e('JSON with --only, then startOrRestart on the same file restarts the running apps and starts the others', async ({ session }) => {
    await session.ok(['start', 'apps.json', '--only', 'beta']);
    let procs = await session.waitForList('beta online', (list) => list[0]?.pm2_env.status === 'online');
    expect(procs.map((proc) => proc.name), '--only beta starts beta alone').toEqual(['beta']);
    const beta = procs[0]!;

    const first = await session.ok(['startOrRestart', 'apps.json']);
    expect(first.stderr, describeResult(first)).toBe('');
    procs = await session.waitForList('alpha and beta online', (list) => list.length === 2 && list.every((proc) => proc.pm2_env.status === 'online'));
    const byName = new Map(procs.map((proc) => [proc.name, proc]));
    expect(byName.get('beta')!.pid, 'beta was restarted').not.toBe(beta.pid);
    expect(byName.get('beta')!.pm2_env.restart_time).toBe(1);
    expect(byName.get('alpha')!.pm2_env.restart_time).toBe(0);
    expect(byName.get('alpha')!.pm2_env.env.APP_MODE).toBe('alpha');

    // Again: nothing fails with "already launched", both are restarted.
    await session.ok(['startOrRestart', 'apps.json']);
    procs = await session.waitForList('both restarted', (list) => list.length === 2 && list.every((proc) => proc.pm2_env.status === 'online' && proc.pm2_env.restart_time >= 1));
    expect(procs.map((proc) => [proc.name, proc.pm2_env.restart_time]).sort()).toEqual([['alpha', 1], ['beta', 2]]);

    // --only with startOrRestart touches that app alone.
    const before = new Map(procs.map((proc) => [proc.name, proc.pid]));
    await session.ok(['startOrRestart', 'apps.json', '--only', 'alpha']);
    procs = await session.waitForList('alpha restarted', (list) => list.every((proc) => proc.pm2_env.status === 'online') && list.find((proc) => proc.name === 'alpha')!.pid !== before.get('alpha'));
    expect(procs.find((proc) => proc.name === 'beta')!.pid, 'beta untouched by --only alpha').toBe(before.get('beta'));
  });

  e2e('a file whose apps already run: `start` on it again restarts them instead of failing', async ({ session }) => {
    await session.ok(['start', 'apps.json']);
    const before = await session.waitForList('alpha and beta online', (list) => list.length === 2 && list.every((proc) => proc.pm2_env.status === 'online'));
    const again = await session.run(['start', 'apps.json']);
    expect(again.code, describeResult(again)).toBe(0);
    const after = await session.waitForList('both online again', (list) => list.every((proc) => proc.pm2_env.status === 'online'));
    expect(after.map((proc) => proc.name)).toEqual(['alpha', 'beta']);
    for (const [index, proc] of after.entries()) expect(proc.pid, `${proc.name} restarted`).not.toBe(before[index]!.pid);
  });
});

describe.concurrent('a bad ecosystem file', { timeout: E2E_TEST_TIMEOUT_MS }, () => {
  e2e('is refused with exit 1 naming the file, the app, the field and the value; the daemon and its apps carry on', async ({ session }) => {
    await session.ok(['start', 'app.js', '--name', 'api']);
    const before = summarize(await session.waitForList('api online', (procs) => procs[0]?.pm2_env.status === 'online'));
    const daemon = session.daemonPid();

    const bad = await session.run(['start', 'bad-instances.json']);
    expect(bad.code, describeResult(bad)).toBe(1);
    const lines = bad.stderr.trim().split('\n');
    expect(lines, `one line on stderr\n${describeResult(bad)}`).toHaveLength(1);
    for (const part of ['bad-instances.json', 'broken', 'apps[0]', 'instances', '"abc"']) expect(lines[0], describeResult(bad)).toContain(part);

    const ping = await session.ok(['ping']);
    expect(ping.stdout.trim()).toBe("{ msg: 'pong' }");
    expect(session.daemonPid(), 'the same daemon answers').toBe(daemon);
    expect(summarize(await session.jlist()), 'the running apps are untouched and nothing was added').toEqual(before);

    // The same refusal through startOrRestart and through an ecosystem given by absolute path.
    const again = await session.run(['startOrRestart', join(session.project, 'bad-instances.json')]);
    expect(again.code, describeResult(again)).toBe(1);
    expect(again.stderr, describeResult(again)).toContain('instances');
    expect(summarize(await session.jlist())).toEqual(before);
  });

  e2e('config files are user code: what they leave running (a server, a timer) does not keep the command from ending', async ({ session }) => {
    // A script named where a config is expected (PM2 requires it too): app.js runs and keeps its timers, the error is printed.
    const script = await session.run(['startOrRestart', 'app.js'], { timeoutMs: 15_000 });
    expect(script.timedOut, describeResult(script)).toBe(false);
    expect(script.code, describeResult(script)).toBe(1);
    expect(script.stderr).toContain('no apps found');

    writeFileSync(join(session.project, 'timer.config.js'), "setInterval(() => {}, 1000);\nmodule.exports = { apps: [{ name: 'timed', script: 'app.js' }] };\n");
    const timed = await session.run(['start', 'timer.config.js'], { timeoutMs: 15_000 });
    expect(timed.timedOut, describeResult(timed)).toBe(false);
    expect(timed.code, describeResult(timed)).toBe(0);
    expect((await session.proc('timed')).pm2_env.status).toBe('online');
  });

  e2e('a YAML syntax error names the file and exits 1', async ({ session }) => {
    writeFileSync(join(session.project, 'broken.yaml'), 'apps:\n  - name: x\n    script: app.js\n   env: [unclosed\n');
    const result = await session.run(['start', 'broken.yaml']);
    expect(result.code, describeResult(result)).toBe(1);
    expect(result.stderr.trim().split('\n'), describeResult(result)).toHaveLength(1);
    expect(result.stderr).toContain('broken.yaml');
  });

  e2e('an unknown key starts the app with a warning naming the closest key', async ({ session }) => {
    const result = await session.ok(['start', 'typo.json']);
    expect(result.stderr, describeResult(result)).toMatch(/warning/i);
    expect(result.stderr).toContain('max_restart');
    expect(result.stderr).toMatch(/did you mean "?max_restarts"?/);
    expect((await session.proc('typo')).pm2_env.status).toBe('online');
  });
});
