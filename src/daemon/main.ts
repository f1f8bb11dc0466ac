// The arbor daemon: one per ARBOR_HOME; holds the lock, serves RPC on the unix socket, runs the apps' tree.
import { pino } from 'pino';
import { packageVersion } from '../client/daemon-entry.js';
import { isArborError } from '../errors.js';
import { nativeSpawnerStatus } from '../runtime/native-spawner.js';
import { createHandlers } from './handlers.js';
import { createIdleGc } from './idle-gc.js';
import { ensureHome, resolveHome } from './home.js';
import { acquireDaemonLock } from './lock.js';
import { Manager } from './manager.js';
import { createRpcServer, type RpcServer } from './rpc-server.js';

// The version the daemon reports in ping (the client's own lookup: the package.json above this file).
function daemonVersion(): string {
  try {
    return packageVersion();
  } catch {
    return '0.0.0';
  }
}

// Runs the daemon until `kill` or a termination signal; stdout is the daemon log (the launcher appends it to arbor.log).
export async function runDaemon(): Promise<void> {
  const paths = resolveHome();
  ensureHome(paths);
  const log = pino({ base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime });
  const lock = await acquireDaemonLock(paths);
  const version = daemonVersion();
  let server: RpcServer | null = null;
  let closing: Promise<void> | null = null;

  const idle = createIdleGc();
  const manager = await Manager.create(paths, {
    broadcast: (event, data) => {
      idle.touch();
      server?.broadcast(event, data);
    },
    log,
    version,
  });

  const shutdown = (reason: string, save: boolean): Promise<void> => {
    closing ??= (async () => {
      log.info({ reason }, 'daemon stopping');
      const stopped = await manager.shutdown(save);
      log.info({ stopped }, 'every app stopped');
      await server?.close();
      lock.release();
      log.flush();
    })().finally(() => setImmediate(() => process.exit(0)));
    return closing;
  };

  server = await createRpcServer({
    socketPath: paths.socket,
    handlers: withActivity(idle.touch, createHandlers(manager, {
      version,
      kill: async () => {
        const count = manager.entries().length;
        setImmediate(() => void shutdown('kill requested', false));
        return { stopped: count };
      },
    })),
    onError: (error) => log.error({ err: error instanceof Error ? { message: error.message, stack: error.stack } : error }, 'rpc failure'),
  });

  for (const signal of ['SIGTERM', 'SIGINT', 'SIGQUIT'] as const) process.on(signal, () => void shutdown(signal, true));
  process.on('SIGHUP', () => log.info('SIGHUP ignored'));
  process.on('SIGUSR2', () => log.info({ files: manager.reloadLogs().length }, 'logs reopened'));
  // A bug in one request must not take every app down with the daemon: log it and carry on.
  process.on('uncaughtException', (error) => log.error({ err: { message: error.message, stack: error.stack } }, 'uncaught exception'));
  process.on('unhandledRejection', (error) => log.error({ err: isArborError(error) ? error.toJSON() : String(error) }, 'unhandled rejection'));
  const spawner = nativeSpawnerStatus();
  log.info({ home: paths.home, socket: paths.socket, version, spawner: spawner.spawner ? 'native' : 'child_process', spawnerNote: spawner.reason }, 'daemon ready');
}

// Wraps each handler so that every request counts as activity.
function withActivity(touch: () => void, handlers: Record<string, (params: unknown) => unknown>): Record<string, (params: unknown) => unknown> {
  return Object.fromEntries(Object.entries(handlers).map(([name, handler]) => [name, (params: unknown) => (touch(), handler(params))]));
}

await runDaemon();
