// A real daemon started from source for the daemon feature tests (policies, readiness, logs): start, list, poll, tear down.
import * as path from 'node:path';
import { afterEach } from 'vitest';
import type { ProcessDescription } from '../../src/client/types.js';
import { ensureDaemon } from '../../src/client/launch-daemon.js';
import type { RpcConnection } from '../../src/client/connection.js';
import { normalizeApp } from '../../src/config/validate.js';
import type { AppConfig } from '../../src/config/types.js';
import type { HomePaths } from '../../src/daemon/home.js';
import { isProcessAlive, readPidFile } from '../../src/daemon/lock.js';
import { cleanupHome, makeTempHome, tsxNodeArgs } from '../fixtures/daemon-harness.js';
import { isRunning, waitFor } from '../process/helpers.js';

const DAEMON_ENTRY = path.resolve('src/daemon/main.ts');

/** One daemon in a temporary home, and every app pid it was seen running. */
export interface PolicyDaemon {
  paths: HomePaths;
  rpc: RpcConnection;
  pids: Set<number>;
}

// Starts a daemon in a fresh home with extra environment variables (e.g. a short memory check interval).
export async function startPolicyDaemon(env: Record<string, string> = {}): Promise<PolicyDaemon> {
  const paths = await makeTempHome();
  const { connection } = await ensureDaemon(paths, { entry: DAEMON_ENTRY, nodeArgs: tsxNodeArgs(), env: { ...process.env, ...env }, timeoutMs: 15_000 });
  return { paths, rpc: connection, pids: new Set() };
}

// Kills the daemon (it stops its apps), then any app pid still alive, then removes the home.
export async function stopPolicyDaemon(daemon: PolicyDaemon): Promise<void> {
  const daemonPid = readPidFile(daemon.paths);
  await daemon.rpc.call('kill').catch(() => undefined);
  await daemon.rpc.close();
  if (daemonPid) await waitFor('the daemon to exit', () => !isProcessAlive(daemonPid), 10_000).catch(() => process.kill(daemonPid, 'SIGKILL'));
  for (const pid of daemon.pids) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
  await cleanupHome(daemon.paths);
}

// A validated app config, as the CLI would send it.
export function appConfig(raw: Record<string, unknown>): AppConfig {
  return normalizeApp(raw, { index: 0 }, { baseDir: process.cwd(), shellEnv: process.env }).app;
}

// The jlist, remembering every pid seen so teardown can kill strays.
export async function listApps(daemon: PolicyDaemon): Promise<ProcessDescription[]> {
  const procs = await daemon.rpc.call<ProcessDescription[]>('list');
  for (const proc of procs) if (proc.pid) daemon.pids.add(proc.pid);
  return procs;
}

// Polls the jlist until `ok` holds; the error shows the last list.
export async function waitForApps(daemon: PolicyDaemon, what: string, ok: (procs: ProcessDescription[]) => boolean, timeoutMs = 15_000): Promise<ProcessDescription[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const procs = await listApps(daemon);
    if (ok(procs)) return procs;
    if (Date.now() > deadline) {
      const shown = procs.map((p) => [p.name, p.pid, p.pm2_env.status, p.pm2_env.restart_time]);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last list: ${JSON.stringify(shown)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// The process named `name` in a list (fails the test when absent).
export function byName(procs: ProcessDescription[], name: string): ProcessDescription {
  const found = procs.find((proc) => proc.name === name);
  if (!found) throw new Error(`no process named ${name} in ${JSON.stringify(procs.map((p) => p.name))}`);
  return found;
}

/** The daemon of the running test, if it started one. */
export interface DaemonPerTest {
  /** The daemon started by this test; throws when none was. */
  readonly current: PolicyDaemon;
  /** Starts this test's daemon (stopped after the test, whatever happens). */
  start(env?: Record<string, string>): Promise<PolicyDaemon>;
}

// One daemon per test in the calling describe block: `start()` in the test, teardown in an afterEach registered here.
export function daemonPerTest(): DaemonPerTest {
  let daemon: PolicyDaemon | undefined;
  afterEach(async () => {
    if (daemon) await stopPolicyDaemon(daemon);
    daemon = undefined;
  }, 20_000);
  return {
    get current() {
      if (!daemon) throw new Error('this test started no daemon');
      return daemon;
    },
    async start(env = {}) {
      daemon = await startPolicyDaemon(env);
      return daemon;
    },
  };
}
