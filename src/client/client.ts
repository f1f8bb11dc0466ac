// The programmatic client of the daemon: typed promise methods for every RPC, the event bus, and killing the daemon.
//
// Loaded by every CLI command that talks to the daemon, so it imports only the connection, the launcher and node:events
// (the config validator, for start() with PM2's app options, is loaded when such apps are given).

import { EventEmitter } from 'node:events';
import { ArborError } from '../errors.js';
import type { TreeConfig } from '../config/types.js';
import { resolveHome } from '../daemon/home.js';
import type { HomePaths } from '../daemon/home.js';
import { isProcessAlive } from '../daemon/lock.js';
import { socketAnswers } from '../daemon/socket-probe.js';
import type { DaemonApi, DaemonEvents, DaemonMethod, LogFiles, Target, WatchChange } from './api.js';
import { connect as openConnection } from './connection.js';
import type { RpcConnection } from './connection.js';
import { daemonEntry } from './daemon-entry.js';
import { ensureDaemon } from './launch-daemon.js';
import type { ProcessDescription, ProcessSummary } from './types.js';
import { normalizeAppInputs, type AppInput } from './app-input.js';

/** Options of connect. */
export interface ClientOptions {
  /** The arbor home (default: ARBOR_HOME, else ~/.arbor). */
  home?: string;
  /** Start the daemon when none answers (default true); false fails with E_DAEMON_UNREACHABLE instead. */
  autoStart?: boolean;
  /** How long to wait for the daemon to accept, or, when it is started, to answer (default 5000 ms). */
  timeoutMs?: number;
  /** The environment the home and the daemon's entry are read from, and a started daemon gets (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/** What start takes: apps (PM2's app options, or AppConfigs arbor normalized), or apps with the tree section of their ecosystem file. */
export type StartInput = AppInput[] | { apps: AppInput[]; tree?: TreeConfig };

/** Options of start. */
export interface StartOptions {
  /** Start the apps even when apps of the same names run. */
  force?: boolean;
  /** Receives each warning about the apps' options (default: process.emitWarning). */
  onWarning?: (warning: string) => void;
}

/** Options of restart and reload. */
export interface RestartOptions {
  /** Replace the stored environment with `env`. */
  updateEnv?: boolean;
  env?: Record<string, string>;
  /** Change the apps' watching: 'toggle' (PM2's bare `restart --watch`), true (on again), or these paths. */
  watch?: WatchChange;
}

/** Options of stop. */
export interface StopOptions {
  /** false: stop watching the apps for file changes too (PM2's `stop --watch`). */
  watch?: false;
}

/** What scale takes: a number of instances, or a change of it. */
export type ScaleInput = number | { delta: number };

/** The events the bus re-emits, plus '*' (every event) and 'close' (the connection ended). */
export interface BusEvents {
  'process:event': [DaemonEvents['process:event']];
  'process:msg': [DaemonEvents['process:msg']];
  'log:out': [DaemonEvents['log:out']];
  'log:err': [DaemonEvents['log:err']];
  '*': [event: string, data: unknown];
  close: [error?: ArborError];
}

/** PM2's launchBus: the daemon's broadcasts as an EventEmitter. */
export type ArborBus = EventEmitter<BusEvents>;

/** The events bus() subscribes to. */
export const BUS_EVENTS: readonly (keyof DaemonEvents)[] = ['process:event', 'process:msg', 'log:out', 'log:err'];

/** How long killDaemon waits for the daemon's process to end by default (ms): it stops every app first. */
export const DEFAULT_KILL_WAIT_MS = 30_000;
const KILL_POLL_MS = 20;

/** A connection to the daemon with one method per RPC. */
export interface ArborClient {
  /** The home this client talks to. */
  readonly home: HomePaths;
  /** True when connect started the daemon. */
  readonly started: boolean;
  /** Calls any method of the contract with its typed params. */
  call<M extends DaemonMethod>(method: M, params: DaemonApi[M]['params']): Promise<DaemonApi[M]['result']>;
  ping(): Promise<DaemonApi['ping']['result']>;
  start(input: StartInput, options?: StartOptions): Promise<ProcessDescription[]>;
  stop(targets: Target | Target[], options?: StopOptions): Promise<ProcessDescription[]>;
  restart(targets: Target | Target[], options?: RestartOptions): Promise<ProcessDescription[]>;
  reload(targets: Target | Target[], options?: RestartOptions): Promise<ProcessDescription[]>;
  delete(targets: Target | Target[]): Promise<ProcessDescription[]>;
  list(): Promise<ProcessDescription[]>;
  /** The process table's view of every process (what `arbor ls` prints): the fields list() gives, minus env and config. */
  summary(): Promise<ProcessSummary[]>;
  describe(target: Target): Promise<ProcessDescription[]>;
  reset(target: Target): Promise<ProcessDescription[]>;
  scale(name: string, change: ScaleInput): Promise<ProcessDescription[]>;
  sendSignal(signal: string, target: Target): Promise<ProcessDescription[]>;
  /** Saves the process list for resurrect (PM2's dump); refuses an empty list unless force. */
  dump(options?: { force?: boolean }): Promise<DaemonApi['save']['result']>;
  resurrect(): Promise<ProcessDescription[]>;
  cleardump(): Promise<DaemonApi['cleardump']['result']>;
  flush(target?: Target): Promise<DaemonApi['flush']['result']>;
  reloadLogs(): Promise<DaemonApi['reloadLogs']['result']>;
  logFiles(target?: Target): Promise<LogFiles[]>;
  /** Sends data to the target's processes over their IPC channel (the daemon may not support it: its error is passed on). */
  sendData(target: Target, data: unknown): Promise<unknown>;
  /** Subscribes to the daemon's events; the same bus on every call. */
  bus(): Promise<ArborBus>;
  /** Stops every app and the daemon; resolves once the daemon's process has ended (waiting at most timeoutMs, default 30 s). */
  killDaemon(options?: { timeoutMs?: number }): Promise<DaemonApi['kill']['result']>;
  /** Closes the connection (the daemon keeps running). */
  disconnect(): Promise<void>;
}

// Connects to the home's daemon, starting it when none answers (unless autoStart is false).
export async function connect(options: ClientOptions = {}): Promise<ArborClient> {
  const env = options.env ?? process.env;
  const home = resolveHome(options.home === undefined ? env : { ...env, ARBOR_HOME: options.home });
  if (options.autoStart === false) {
    const connection = await openConnection(home.socket, options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs });
    return createClient(connection, home, false, env);
  }
  const entry = daemonEntry(env);
  const ensured = await ensureDaemon(home, {
    entry: entry.entry,
    nodeArgs: entry.nodeArgs,
    env,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  return createClient(ensured.connection, home, ensured.started, env);
}

// Wraps an open connection in the typed methods; `env` is the shell environment of apps given as PM2's options.
export function createClient(connection: RpcConnection, home: HomePaths, started: boolean, env: NodeJS.ProcessEnv = process.env): ArborClient {
  const call = <M extends DaemonMethod>(method: M, params: DaemonApi[M]['params']): Promise<DaemonApi[M]['result']> =>
    connection.call<DaemonApi[M]['result']>(method, params);
  const targetList = (targets: Target | Target[]): Target[] => (Array.isArray(targets) ? [...targets] : [targets]);
  let bus: Promise<ArborBus> | undefined;

  return {
    home,
    started,
    call,
    ping: () => call('ping', undefined),
    start: async (input, options = {}) => {
      const { apps, tree } = Array.isArray(input) ? { apps: input, tree: undefined } : input;
      const onWarning = options.onWarning ?? ((warning: string) => process.emitWarning(warning, 'ArborConfigWarning'));
      return call('start', {
        apps: await normalizeAppInputs(apps, { cwd: process.cwd(), env, onWarning }),
        ...(tree === undefined ? {} : { tree }),
        ...(options.force === undefined ? {} : { force: options.force }),
      });
    },
    stop: (targets, options = {}) => call('stop', { targets: targetList(targets), ...(options.watch === undefined ? {} : { watch: options.watch }) }),
    restart: (targets, options = {}) => call('restart', { targets: targetList(targets), ...restartParams(options) }),
    reload: (targets, options = {}) => call('reload', { targets: targetList(targets), ...restartParams(options) }),
    delete: (targets) => call('delete', { targets: targetList(targets) }),
    list: () => call('list', undefined),
    summary: () => call('summary', undefined),
    describe: (target) => call('describe', { target }),
    reset: (target) => call('reset', { target }),
    scale: (name, change) => call('scale', typeof change === 'number' ? { name, instances: change } : { name, delta: change.delta }),
    sendSignal: (signal, target) => call('sendSignal', { signal, target }),
    dump: (options = {}) => call('save', options.force === undefined ? {} : { force: options.force }),
    resurrect: () => call('resurrect', undefined),
    cleardump: () => call('cleardump', undefined),
    flush: (target) => call('flush', target === undefined ? {} : { target }),
    reloadLogs: () => call('reloadLogs', undefined),
    logFiles: (target) => call('logFiles', target === undefined ? {} : { target }),
    sendData: (target, data) => connection.call('sendData', { target, data }),
    bus() {
      bus ??= openBus(connection).catch((error: unknown) => {
        bus = undefined;
        throw error;
      });
      return bus;
    },
    async killDaemon(options = {}) {
      const { pid } = await call('ping', undefined);
      const result = await call('kill', undefined);
      await connection.close();
      await waitForDaemonEnd(pid, home.socket, options.timeoutMs ?? DEFAULT_KILL_WAIT_MS);
      return result;
    },
    disconnect: () => connection.close(),
  };
}

function restartParams(options: RestartOptions): Omit<DaemonApi['restart']['params'], 'targets'> {
  return {
    ...(options.updateEnv === undefined ? {} : { updateEnv: options.updateEnv }),
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(options.watch === undefined ? {} : { watch: options.watch }),
  };
}

// Subscribes the connection to the bus events and re-emits each under its name and under '*'.
async function openBus(connection: RpcConnection): Promise<ArborBus> {
  const bus: ArborBus = new EventEmitter<BusEvents>();
  await connection.subscribe([...BUS_EVENTS], (event, data) => {
    bus.emit('*', event, data);
    if ((BUS_EVENTS as readonly string[]).includes(event)) {
      (bus.emit as (name: string, payload: unknown) => boolean)(event, data);
    }
  });
  connection.onClose((error) => bus.emit('close', error));
  return bus;
}

// Waits until the daemon's process has ended; one still alive after timeoutMs counts as gone if its socket refuses.
async function waitForDaemonEnd(pid: number, socketPath: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (performance.now() > deadline) {
      if (!(await socketAnswers(socketPath, 500))) return;
      throw new ArborError('E_DAEMON_UNREACHABLE', `the daemon (pid ${pid}) was asked to exit but still runs after ${timeoutMs} ms`, {
        details: { pid, socket: socketPath },
      });
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, KILL_POLL_MS));
  }
}
