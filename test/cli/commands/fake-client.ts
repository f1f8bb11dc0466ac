// A fake ArborClient that records calls and answers from a process table, and a CliIo that captures output.
import { EventEmitter } from 'node:events';
import { resolveHome } from '../../../src/daemon/home.js';
import type { ArborBus, ArborClient, BusEvents } from '../../../src/client/client.js';
import type { ProcessDescription } from '../../../src/client/types.js';
import type { LogFiles } from '../../../src/client/api.js';
import type { CliIo } from '../../../src/cli/commands/dispatch.js';
import { ArborError } from '../../../src/errors.js';
import { makeProcess } from '../format/make-process.js';

/** One recorded call: the method and its arguments. */
export interface RecordedCall {
  method: string;
  args: unknown[];
}

/** What the fake answers with. */
export interface FakeState {
  procs: ProcessDescription[];
  logFiles?: LogFiles[];
  /** Makes the named method reject with this error. */
  failures?: Record<string, ArborError>;
}

/** A fake client and everything it was asked. */
export interface FakeClient {
  client: ArborClient;
  calls: RecordedCall[];
  state: FakeState;
  disconnected: () => number;
}

// Matches a target as the daemon would for the tests' purposes: 'all', an id, a name or a namespace.
function matching(procs: readonly ProcessDescription[], target: string): ProcessDescription[] {
  if (target === 'all') return [...procs];
  return procs.filter((proc) => String(proc.pm_id) === target || proc.name === target || proc.pm2_env.namespace === target);
}

// Builds a fake client over the state; every method records its call.
export function fakeClient(state: FakeState, home = '/tmp/arbor-fake-home'): FakeClient {
  const calls: RecordedCall[] = [];
  let disconnects = 0;
  const answer = async <T>(method: string, args: unknown[], value: () => T): Promise<T> => {
    calls.push({ method, args });
    const failure = state.failures?.[method];
    if (failure !== undefined) throw failure;
    return value();
  };
  const byTargets = (targets: string | string[]): ProcessDescription[] => {
    const list = Array.isArray(targets) ? targets : [targets];
    const found = list.flatMap((target) => matching(state.procs, target));
    if (found.length === 0) throw new ArborError('E_APP_NOT_FOUND', `no process matches ${JSON.stringify(list)}`);
    return found;
  };
  const client: ArborClient = {
    home: resolveHome({ ARBOR_HOME: home }),
    started: false,
    call: (method, params) => answer(method, [params], () => undefined as never),
    ping: () => answer('ping', [], () => ({ msg: 'pong' as const, pid: 1, version: '0.0.0' })),
    start: (input, options) =>
      answer('start', [input, options], () => {
        const apps = Array.isArray(input) ? input : input.apps;
        return apps.map((app, index) => makeProcess({ name: app.name as string, pm_id: state.procs.length + index }));
      }),
    stop: (targets) => answer('stop', [targets], () => byTargets(targets)),
    restart: (targets, options) => answer('restart', [targets, options], () => byTargets(targets)),
    reload: (targets, options) => answer('reload', [targets, options], () => byTargets(targets)),
    delete: (targets) => answer('delete', [targets], () => byTargets(targets)),
    list: () => answer('list', [], () => [...state.procs]),
    summary: () => answer('summary', [], () => [...state.procs]),
    describe: (target) => answer('describe', [target], () => byTargets(target)),
    reset: (target) => answer('reset', [target], () => byTargets(target)),
    scale: (name, change) => answer('scale', [name, change], () => byTargets(name)),
    sendSignal: (signal, target) => answer('sendSignal', [signal, target], () => byTargets(target)),
    dump: (options) => answer('dump', [options], () => ({ file: `${home}/dump.json`, count: state.procs.length })),
    resurrect: () => answer('resurrect', [], () => [...state.procs]),
    cleardump: () => answer('cleardump', [], () => ({ file: `${home}/dump.json` })),
    flush: (target) => answer('flush', [target], () => ({ files: [] })),
    reloadLogs: () => answer('reloadLogs', [], () => ({ files: [] })),
    logFiles: (target) => answer('logFiles', [target], () => state.logFiles ?? []),
    sendData: (target, data) => answer('sendData', [target, data], () => undefined),
    bus: () => answer('bus', [], () => new EventEmitter<BusEvents>() as ArborBus),
    killDaemon: () => answer('killDaemon', [], () => ({ stopped: state.procs.length })),
    disconnect: async () => {
      disconnects += 1;
    },
  };
  return { client, calls, state, disconnected: () => disconnects };
}

/** Captured output of one CLI run. */
export interface CapturedIo {
  io: CliIo;
  stdout: () => string;
  stderr: () => string;
  /** Fires the interrupt handlers (as Ctrl-C would). */
  interrupt: () => void;
  /** How many times connect was called, and with which options. */
  connects: Array<{ autoStart?: boolean }>;
}

// A CliIo over string buffers; connect hands out the fake client (or fails with the given error).
export function captureIo(options: { cwd: string; client?: ArborClient; connectError?: ArborError; stdin?: string; env?: NodeJS.ProcessEnv }): CapturedIo {
  let out = '';
  let err = '';
  const handlers = new Set<() => void>();
  const connects: Array<{ autoStart?: boolean }> = [];
  const io: CliIo = {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    env: options.env ?? { PATH: process.env['PATH'] ?? '', NO_COLOR: '1' },
    cwd: options.cwd,
    readStdin: async () => options.stdin ?? '',
    onInterrupt: (handler) => {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    connect: async (connectOptions) => {
      connects.push(connectOptions);
      if (options.connectError !== undefined) throw options.connectError;
      if (options.client === undefined) throw new Error('this test gave no client');
      return options.client;
    },
  };
  return {
    io,
    stdout: () => out,
    stderr: () => err,
    interrupt: () => {
      for (const handler of [...handlers]) handler();
    },
    connects,
  };
}
