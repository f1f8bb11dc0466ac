// PM2 driven through its programmatic API with a private PM2_HOME, so the bench touches no user's PM2 and leaves no daemon.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** What a worker run under PM2 needs. */
export interface Pm2App {
  name: string;
  script: string;
  env: Record<string, string>;
}

/** A connected PM2 (its daemon running under a temp PM2_HOME). */
export interface Pm2Session {
  /** Starts an app with autorestart on, no restart delay and crash-loop detection off. */
  startApp(app: Pm2App): Promise<void>;
  deleteApp(name: string): Promise<void>;
  /** Kills the daemon and every process it runs, disconnects, and removes the temp PM2_HOME. */
  close(): Promise<void>;
}

type Pm2Api = typeof import('pm2');

function call(run: (done: (error: unknown) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => run((error) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve())));
}

// Connects to a fresh PM2 daemon whose home is `home` (created here, removed on close); null when pm2 is not installed.
export async function openPm2(home: string): Promise<Pm2Session | null> {
  fs.mkdirSync(home, { recursive: true });
  // PM2 reads its home from the environment when it is loaded and hands it on to the daemon it spawns.
  const previousHome = process.env.PM2_HOME;
  process.env.PM2_HOME = home;
  let pm2: Pm2Api;
  try {
    pm2 = ((await import('pm2')) as unknown as { default: Pm2Api }).default;
  } catch {
    restoreHome(previousHome);
    fs.rmSync(home, { recursive: true, force: true });
    return null;
  }
  await call((done) => pm2.connect(done));
  return {
    startApp: (app) =>
      call((done) =>
        pm2.start(
          {
            name: app.name,
            script: app.script,
            interpreter: 'node',
            autorestart: true,
            max_restarts: 1_000_000,
            min_uptime: 0,
            env: app.env,
            output: '/dev/null',
            error: '/dev/null',
          },
          done,
        ),
      ),
    deleteApp: (name) => call((done) => pm2.delete(name, done)),
    close: async () => {
      try {
        await call((done) => pm2.killDaemon(done));
      } finally {
        pm2.disconnect();
        stopReconnecting(pm2);
        restoreHome(previousHome);
        fs.rmSync(path.resolve(home), { recursive: true, force: true });
      }
    },
  };
}

// PM2's client sockets (axon) retry forever once the daemon they talk to is gone, unless they were closed first, and
// disconnect() skips a socket that already lost its peer; closing them here is what lets this process exit.
function stopReconnecting(pm2: Pm2Api): void {
  const client = (pm2 as unknown as { Client?: Record<string, { closing?: boolean; close?: () => void } | undefined> }).Client;
  for (const socket of [client?.client_sock, client?.sub_sock]) {
    if (socket && socket.closing !== true && typeof socket.close === 'function') socket.close();
  }
}

function restoreHome(previous: string | undefined): void {
  if (previous === undefined) delete process.env.PM2_HOME;
  else process.env.PM2_HOME = previous;
}
