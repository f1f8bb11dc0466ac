// Validation at the boundary: turns drafts into specs with every default filled, or says exactly what to fix.
import { constants } from 'node:os';
import { ArborError, describeValue, type ErrorCode } from '../errors.js';
import { resolveLaunch } from '../process/interpreter.js';
import type {
  AutoShutdown,
  BackoffPolicy,
  ChildDraft,
  ChildSpec,
  IpcTarget,
  OutputTarget,
  ReadinessPolicy,
  RestartType,
  RotatedFileTarget,
  Shutdown,
  StrategyName,
  SupervisorSpec,
  UnstablePolicy,
  WorkerOptions,
  WorkerSpec,
} from './types.js';

/** Where relative paths start and which environment children inherit. */
export interface ValidationContext {
  baseDir: string;
  env?: NodeJS.ProcessEnv;
}

const STRATEGIES: readonly StrategyName[] = ['one_for_one', 'one_for_all', 'rest_for_one'];
const RESTART_TYPES: readonly RestartType[] = ['permanent', 'transient', 'temporary'];
const AUTO_SHUTDOWNS: readonly AutoShutdown[] = ['never', 'any_significant', 'all_significant'];

/** OTP's supervisor defaults (intensity 1 within 5 s, one_for_one) and PM2's kill timeout for workers. */
export const DEFAULTS = {
  strategy: 'one_for_one' as StrategyName,
  intensity: 1,
  period: 5,
  workerShutdown: 1600,
  killSignal: 'SIGINT' as NodeJS.Signals,
  readyMessage: 'ready',
  readyTimeoutMs: 3000,
  backoffFactor: 2,
  backoffResetAfter: 30_000,
  minUptime: 1000,
  maxRestarts: 16,
};

function fail(code: ErrorCode, where: string, field: string, value: unknown, allowed: string): never {
  throw new ArborError(code, `${field} must be ${allowed}, got ${describeValue(value)} in ${where}`, {
    details: { field, value, allowed, where },
  });
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T, where: string, field: string, code: ErrorCode = 'E_INVALID_SPEC'): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  return fail(code, where, field, value, `one of ${allowed.join(', ')}`);
}

function wholeNumber(value: unknown, fallback: number, min: number, where: string, field: string): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isInteger(value) && value >= min) return value;
  return fail('E_INVALID_SPEC', where, field, value, `a whole number >= ${min}`);
}

function duration(value: unknown, fallback: number, where: string, field: string): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && value >= 0 && !Number.isNaN(value)) return value;
  return fail('E_INVALID_SPEC', where, field, value, 'a number of milliseconds >= 0');
}

function shutdown(value: unknown, fallback: Shutdown, where: string): Shutdown {
  if (value === undefined) return fallback;
  if (value === 'brutal_kill' || value === 'infinity') return value;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  return fail('E_INVALID_SPEC', where, 'shutdown', value, '"brutal_kill", "infinity" or a whole number of ms >= 0');
}

function identifier(value: unknown, where: string): string {
  if (typeof value === 'string' && value.length > 0 && !value.includes('/')) return value;
  return fail('E_INVALID_SPEC', where, 'id', value, 'a non-empty string without "/"');
}

function backoff(value: WorkerOptions['backoff'], where: string): BackoffPolicy {
  if (value === undefined) return { initial: 0, factor: 1, max: 0, jitter: 0, resetAfter: DEFAULTS.backoffResetAfter };
  if (typeof value === 'number') {
    const ms = duration(value, 0, where, 'backoff');
    return { initial: ms, factor: 1, max: ms, jitter: 0, resetAfter: Infinity };
  }
  if (typeof value !== 'object' || value === null) return fail('E_INVALID_SPEC', where, 'backoff', value, 'a number of ms or { initial, factor, max, jitter, resetAfter }');
  const initial = duration(value.initial, 0, where, 'backoff.initial');
  const factor = value.factor === undefined ? DEFAULTS.backoffFactor : value.factor;
  if (typeof factor !== 'number' || !(factor >= 1)) fail('E_INVALID_SPEC', where, 'backoff.factor', factor, 'a number >= 1');
  const max = duration(value.max, Math.max(initial, 30_000), where, 'backoff.max');
  if (max < initial) fail('E_INVALID_SPEC', where, 'backoff.max', max, `a number >= backoff.initial (${initial})`);
  const jitter = value.jitter === undefined ? 0 : value.jitter;
  if (typeof jitter !== 'number' || !(jitter >= 0 && jitter <= 1)) fail('E_INVALID_SPEC', where, 'backoff.jitter', jitter, 'a fraction from 0 to 1');
  const resetAfter = duration(value.resetAfter, DEFAULTS.backoffResetAfter, where, 'backoff.resetAfter');
  return { initial, factor, max, jitter, resetAfter };
}

function unstable(value: WorkerOptions['unstable'], where: string): UnstablePolicy | null {
  if (value === undefined || value === false) return null;
  if (typeof value !== 'object' || value === null) return fail('E_INVALID_SPEC', where, 'unstable', value, 'false or { minUptime, maxRestarts, window }');
  const minUptime = duration(value.minUptime, DEFAULTS.minUptime, where, 'unstable.minUptime');
  const maxRestarts = wholeNumber(value.maxRestarts, DEFAULTS.maxRestarts, 1, where, 'unstable.maxRestarts');
  const window = duration(value.window, minUptime * maxRestarts, where, 'unstable.window');
  return { minUptime, maxRestarts, window };
}

function output(value: unknown, where: string, field: string): OutputTarget {
  if (value === undefined) return 'inherit';
  if (typeof value === 'object' && value !== null && typeof (value as { pipe?: unknown }).pipe === 'function') return value as OutputTarget;
  if (typeof value === 'object' && value !== null && 'file' in value) return rotatedFile(value as Partial<RotatedFileTarget>, where, field);
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  return fail('E_INVALID_SPEC', where, field, value, '"inherit", "ignore", a file path, { file, maxBytes, retain } or a file descriptor');
}

function rotatedFile(value: Partial<RotatedFileTarget>, where: string, field: string): RotatedFileTarget {
  const { file, maxBytes, retain } = value;
  if (typeof file !== 'string' || file === '') return fail('E_INVALID_SPEC', where, `${field}.file`, file, 'a file path');
  if (typeof maxBytes !== 'number' || !Number.isSafeInteger(maxBytes) || maxBytes <= 0) return fail('E_INVALID_SPEC', where, `${field}.maxBytes`, maxBytes, 'a whole number of bytes > 0');
  if (typeof retain !== 'number' || !Number.isSafeInteger(retain) || retain < 1) return fail('E_INVALID_SPEC', where, `${field}.retain`, retain, 'a whole number >= 1');
  return { file, maxBytes, retain };
}

function ipcTarget(value: unknown, where: string): IpcTarget | null {
  if (value === undefined) return null;
  if (typeof value === 'object' && value !== null && typeof (value as IpcTarget).attach === 'function') return value as IpcTarget;
  return fail('E_INVALID_SPEC', where, 'ipc', value, 'an object with an attach(channel) function');
}

function readiness(value: unknown, where: string): ReadinessPolicy | null {
  if (value === undefined) return null;
  if (typeof value !== 'object' || value === null) return fail('E_INVALID_SPEC', where, 'ready', value, '{ message?, timeoutMs? }');
  const { message = DEFAULTS.readyMessage, timeoutMs = DEFAULTS.readyTimeoutMs } = value as Partial<ReadinessPolicy>;
  if (message !== null && (typeof message !== 'string' || message === '')) {
    return fail('E_INVALID_SPEC', where, 'ready.message', message, 'a non-empty string, or null for the timeout alone');
  }
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs < 0) {
    return fail('E_INVALID_SPEC', where, 'ready.timeoutMs', timeoutMs, 'a number of milliseconds >= 0');
  }
  return { message, timeoutMs };
}

function flag(value: unknown, fallback: boolean, where: string, field: string): boolean {
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  return fail('E_INVALID_SPEC', where, field, value, 'true or false');
}

function shutdownMessage(value: unknown, where: string): string | null {
  if (value === undefined) return null;
  if (typeof value === 'string' && value !== '') return value;
  return fail('E_INVALID_SPEC', where, 'shutdownMessage', value, "a non-empty string such as 'shutdown'");
}

function exitCodes(value: unknown, where: string, field = 'stopExitCodes'): number[] {
  if (value === undefined) return [];
  if (Array.isArray(value) && value.every((code) => Number.isInteger(code) && code >= 0 && code <= 255)) return [...value];
  return fail('E_INVALID_SPEC', where, field, value, 'an array of exit codes from 0 to 255');
}

function killSignal(value: unknown, where: string): NodeJS.Signals {
  if (value === undefined) return DEFAULTS.killSignal;
  if (typeof value === 'string' && value in constants.signals) return value as NodeJS.Signals;
  return fail('E_INVALID_SPEC', where, 'killSignal', value, 'a signal name such as SIGINT or SIGTERM');
}

function significance(value: unknown, restart: RestartType, where: string): boolean {
  if (value === undefined || value === false) return false;
  if (value !== true) return fail('E_INVALID_SPEC', where, 'significant', value, 'true or false');
  if (restart === 'permanent') {
    throw new ArborError('E_BAD_COMBINATION', `significant: true cannot go with restart: "permanent" in ${where} (use transient or temporary)`, {
      details: { field: 'significant', value, allowed: 'significant only with restart transient or temporary', where },
    });
  }
  return true;
}

// Validates a worker draft and resolves its launch (script found, interpreter found).
export function validateWorker(options: WorkerOptions, path: string, context: ValidationContext): WorkerSpec {
  if (typeof options !== 'object' || options === null) fail('E_INVALID_SPEC', path, 'worker', options, 'an object');
  const id = identifier(options.id, `worker under '${path}'`);
  const where = `worker '${path}/${id}'`;
  const restart = oneOf(options.restart, RESTART_TYPES, 'permanent', where, 'restart');
  return {
    kind: 'worker',
    id,
    restart,
    significant: significance(options.significant, restart, where),
    shutdown: shutdown(options.shutdown, DEFAULTS.workerShutdown, where),
    killSignal: killSignal(options.killSignal, where),
    normalExitCodes: options.normalExitCodes !== undefined ? exitCodes(options.normalExitCodes, where, 'normalExitCodes') : [0, ...exitCodes(options.stopExitCodes, where)],
    backoff: backoff(options.backoff, where),
    unstable: unstable(options.unstable, where),
    launch: resolveLaunch(options, { id: `${path}/${id}`, baseDir: context.baseDir, env: context.env }),
    stdout: output(options.stdout, where, 'stdout'),
    stderr: output(options.stderr, where, 'stderr'),
    ipc: ipcTarget(options.ipc, where),
    ready: readiness(options.ready, where),
    shutdownMessage: shutdownMessage(options.shutdownMessage, where),
    killTree: flag(options.killTree, true, where, 'killTree'),
  };
}

// Validates a whole tree (or subtree) draft; the first problem found is thrown, naming its place in the tree.
export function validateTree(draft: ChildDraft, context: ValidationContext, parentPath = ''): ChildSpec {
  if (typeof draft !== 'object' || draft === null || (draft.kind !== 'worker' && draft.kind !== 'supervisor')) {
    return fail('E_INVALID_SPEC', parentPath || 'the tree', 'child', draft, 'a worker(...) or supervisor(...)');
  }
  if (draft.kind === 'worker') return validateWorker(draft.options, parentPath, context);
  return validateSupervisor(draft, context, parentPath);
}

function validateSupervisor(draft: Extract<ChildDraft, { kind: 'supervisor' }>, context: ValidationContext, parentPath: string): SupervisorSpec {
  const options = draft.options;
  const id = identifier(options?.id, parentPath ? `supervisor under '${parentPath}'` : 'the root supervisor');
  const path = parentPath ? `${parentPath}/${id}` : id;
  const where = `supervisor '${path}'`;
  const strategy = oneOf(options.strategy, STRATEGIES, DEFAULTS.strategy, where, 'strategy', 'E_UNKNOWN_STRATEGY');
  const restart = oneOf(options.restart, RESTART_TYPES, 'permanent', where, 'restart');
  const autoShutdown = oneOf(options.autoShutdown, AUTO_SHUTDOWNS, 'never', where, 'autoShutdown');
  const intensity = wholeNumber(options.intensity, DEFAULTS.intensity, 0, where, 'intensity');
  const period = wholeNumber(options.period, DEFAULTS.period, 1, where, 'period');
  if (!Array.isArray(draft.children)) fail('E_INVALID_SPEC', where, 'children', draft.children, 'an array of worker(...) and supervisor(...)');
  const seen = new Set<string>();
  const children = draft.children.map((child) => {
    const spec = validateTree(child, context, path);
    if (seen.has(spec.id)) {
      throw new ArborError('E_DUPLICATE_ID', `duplicate child id '${spec.id}' under ${where}: ids must be unique among siblings`, {
        details: { field: 'id', value: spec.id, allowed: 'an id no sibling uses', where },
      });
    }
    seen.add(spec.id);
    if (spec.significant && autoShutdown === 'never') {
      throw new ArborError('E_BAD_COMBINATION', `child '${spec.id}' is significant but ${where} has autoShutdown "never" (set autoShutdown to any_significant or all_significant)`, {
        details: { field: 'significant', value: true, allowed: 'significant children only under autoShutdown any_significant or all_significant', where },
      });
    }
    return spec;
  });
  return {
    kind: 'supervisor',
    id,
    strategy,
    intensity,
    period,
    autoShutdown,
    restart,
    significant: significance(options.significant, restart, where),
    shutdown: shutdown(options.shutdown, 'infinity', where),
    children,
  };
}
