// The RPC handlers: check each request's shape at the boundary, then hand it to the manager.
import type { WatchChange } from '../client/api.js';
import type { AppConfig, TreeConfig } from '../config/types.js';
import { normalizedAppProblem } from '../config/normalized.js';
import { ArborError, describeValue } from '../errors.js';
import type { Manager } from './manager.js';

type Params = Record<string, unknown>;

function object(params: unknown, method: string): Params {
  if (params === undefined || params === null) return {};
  if (typeof params !== 'object' || Array.isArray(params)) {
    throw new ArborError('E_BAD_REQUEST', `${method}: params must be an object, got ${describeValue(params)}`, { details: { field: 'params', value: params } });
  }
  return params as Params;
}

function stringList(params: Params, field: string, method: string): string[] {
  const value = params[field];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value;
  if (typeof value === 'string') return [value];
  throw new ArborError('E_BAD_REQUEST', `${method}: ${field} must be a list of targets (ids, names, namespaces, all, /regex/), got ${describeValue(value)}`, {
    details: { field, value },
  });
}

function text(params: Params, field: string, method: string, optional = false): string {
  const value = params[field];
  if (typeof value === 'string' && value !== '') return value;
  if (optional && value === undefined) return undefined as unknown as string;
  throw new ArborError('E_BAD_REQUEST', `${method}: ${field} must be a non-empty string, got ${describeValue(value)}`, { details: { field, value } });
}

function apps(params: Params): AppConfig[] {
  const value = params.apps;
  if (!Array.isArray(value) || value.length === 0) {
    throw new ArborError('E_BAD_REQUEST', `start: apps must be a non-empty list of validated app configs (name, script, ...), got ${describeValue(value)}`, {
      details: { field: 'apps', value },
    });
  }
  value.forEach((app: unknown, index) => {
    const problem = normalizedAppProblem(app);
    if (problem === undefined) return;
    const name = typeof (app as { name?: unknown } | null)?.name === 'string' ? ` (${(app as { name: string }).name})` : '';
    throw new ArborError(
      'E_BAD_REQUEST',
      `start: apps[${index}]${name} is not a validated app config: ${problem.field} must be ${problem.allowed}, got ${describeValue(problem.value)} (the client's start() validates PM2's app options)`,
      { details: { field: `apps[${index}].${problem.field}`, value: problem.value, allowed: problem.allowed } },
    );
  });
  return value as AppConfig[];
}

function environment(params: Params, method: string): Record<string, string> | undefined {
  if (params.updateEnv !== true || params.env === undefined) return undefined;
  const env = params.env;
  if (typeof env === 'object' && env !== null && Object.values(env).every((value) => typeof value === 'string')) return env as Record<string, string>;
  throw new ArborError('E_BAD_REQUEST', `${method}: env must map names to strings, got ${describeValue(env)}`, { details: { field: 'env', value: env } });
}

// stop's `watch`: absent, or false (stop watching the apps too).
function stopWatch(params: Params): false | undefined {
  const value = params.watch;
  if (value === undefined || value === false) return value;
  throw new ArborError('E_BAD_REQUEST', `stop: watch must be false (stop watching too) or left out, got ${describeValue(value)}`, {
    details: { field: 'watch', value, allowed: 'false' },
  });
}

// restart's and reload's `watch`: absent, 'toggle', true (on again), or a non-empty list of paths to watch.
function watchChange(params: Params, method: string): WatchChange | undefined {
  const value = params.watch;
  if (value === undefined || value === 'toggle' || value === true) return value;
  if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string' && item !== '')) return value as string[];
  throw new ArborError('E_BAD_REQUEST', `${method}: watch must be 'toggle', true or a non-empty list of paths, got ${describeValue(value)}`, {
    details: { field: 'watch', value, allowed: "'toggle', true, or paths relative to the app's cwd" },
  });
}

// Builds the handler table for the RPC server; `kill` is given by the daemon's main (it ends the process).
export function createHandlers(manager: Manager, extra: { version: string; kill: () => Promise<{ stopped: number }> }): Record<string, (params: unknown) => unknown> {
  return {
    ping: () => ({ msg: 'pong', pid: process.pid, version: extra.version }),
    start: (raw) => {
      const params = object(raw, 'start');
      return manager.startApps(apps(params), params.tree as TreeConfig | undefined, params.force === true);
    },
    stop: (raw) => {
      const params = object(raw, 'stop');
      return manager.stop(stringList(params, 'targets', 'stop'), stopWatch(params));
    },
    restart: (raw) => {
      const params = object(raw, 'restart');
      return manager.restart(stringList(params, 'targets', 'restart'), environment(params, 'restart'), watchChange(params, 'restart'));
    },
    reload: (raw) => {
      const params = object(raw, 'reload');
      return manager.restart(stringList(params, 'targets', 'reload'), environment(params, 'reload'), watchChange(params, 'reload'));
    },
    delete: (raw) => manager.delete(stringList(object(raw, 'delete'), 'targets', 'delete')),
    list: async () => {
      await manager.refreshUsage();
      return manager.describe();
    },
    summary: async () => {
      await manager.refreshUsage();
      return manager.summarize();
    },
    describe: async (raw) => {
      const target = text(object(raw, 'describe'), 'target', 'describe');
      await manager.refreshUsage();
      return manager.describeTarget(target);
    },
    reset: (raw) => manager.reset(text(object(raw, 'reset'), 'target', 'reset')),
    scale: (raw) => {
      const params = object(raw, 'scale');
      const instances = params.instances;
      const delta = params.delta;
      if ((instances === undefined) === (delta === undefined) || (instances !== undefined && typeof instances !== 'number') || (delta !== undefined && typeof delta !== 'number')) {
        throw new ArborError('E_BAD_REQUEST', 'scale: give either instances (a number) or delta (a signed number)', { details: { field: 'instances', value: instances } });
      }
      return manager.scale(text(params, 'name', 'scale'), { instances: instances as number | undefined, delta: delta as number | undefined });
    },
    sendSignal: (raw) => {
      const params = object(raw, 'sendSignal');
      return manager.sendSignal(text(params, 'signal', 'sendSignal'), text(params, 'target', 'sendSignal'));
    },
    sendData: (raw) => {
      const params = object(raw, 'sendData');
      if (params.data === undefined) throw new ArborError('E_BAD_REQUEST', 'sendData: data is missing', { details: { field: 'data' } });
      return manager.sendData(text(params, 'target', 'sendData'), params.data);
    },
    save: (raw) => manager.save(object(raw, 'save').force === true),
    dump: (raw) => manager.save(object(raw, 'dump').force === true),
    resurrect: () => manager.resurrect(),
    cleardump: () => ({ file: manager.clearDump() }),
    flush: (raw) => ({ files: manager.flush(text(object(raw, 'flush'), 'target', 'flush', true)) }),
    reloadLogs: () => ({ files: manager.reloadLogs() }),
    logFiles: (raw) => manager.logFiles(text(object(raw, 'logFiles'), 'target', 'logFiles', true)),
    kill: () => extra.kill(),
  };
}
