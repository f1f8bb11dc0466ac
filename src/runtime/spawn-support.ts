// What both ways of starting a process share: opening its outputs, signalling its group, killing what is left of
// the group after the leader exited, and the errors they report.
import { ArborError, isArborError } from '../errors.js';
import { signalGroup, signalLeader } from '../process/kill-tree.js';
import { openOutput } from '../process/output.js';
import type { OpenedOutput } from '../process/output.js';
import type { LaunchRequest, ProcessHandle } from './driver.js';

/** Reports a problem that has no listener callback (e.g. a signal that could not be sent). */
export type Warn = (message: string) => void;

/** The part of an IPC channel a handle sends on (a ChildProcess, or the native spawner's channel). */
export interface SendingChannel {
  readonly connected: boolean;
  send(message: unknown): boolean;
}

// A handle whose signals go to the group `currentGroup()` names, or nowhere once it returns undefined (not started
// yet, or exited: the id may belong to an unrelated process by then), and whose messages go over `currentChannel()`.
export function groupHandle(
  request: LaunchRequest,
  currentGroup: () => number | undefined,
  currentChannel: () => SendingChannel | null,
  warn: Warn,
): ProcessHandle {
  return {
    send(message) {
      const channel = currentChannel();
      if (channel === null || !channel.connected) return false;
      try {
        return channel.send(message);
      } catch (error) {
        warn(`could not send a message to worker "${request.id}": ${errorText(error)}`);
        return false;
      }
    },
    signalGroup(signal) {
      const pgid = currentGroup();
      if (pgid === undefined) return;
      try {
        if (request.killTree === false) signalLeader(pgid, signal);
        else signalGroup(pgid, signal);
      } catch (error) {
        warn(`could not send ${signal} to worker "${request.id}" (process group ${pgid}): ${errorText(error)}`);
      }
    },
  };
}

// Opens the request's stdout and stderr (stdout first); on failure closes what it opened and throws E_LOG_IO.
export function openOutputs(request: LaunchRequest): [OpenedOutput, OpenedOutput] {
  const stdout = openStream(request, 'stdout');
  try {
    return [stdout, openStream(request, 'stderr')];
  } catch (error) {
    stdout.close();
    throw error;
  }
}

// Opens one output stream, naming it in the error if the file system refuses.
function openStream(request: LaunchRequest, stream: 'stdout' | 'stderr'): OpenedOutput {
  const target = request[stream];
  try {
    return openOutput(target);
  } catch (error) {
    if (isArborError(error)) throw error;
    throw new ArborError(
      'E_LOG_IO',
      `cannot start worker "${request.id}": its ${stream} file ${typeof target === 'object' && target !== null && 'file' in target ? target.file : String(target)} cannot be opened: ${errorText(error)}`,
      { cause: error, details: { field: stream, value: target, errno: errnoCode(error) } },
    );
  }
}

// SIGKILLs whatever is left of the group after its leader exited; a group already gone is the normal case.
export function killRestOfGroup(pgid: number, id: string, warn: Warn): void {
  try {
    signalGroup(pgid, 'SIGKILL');
  } catch (error) {
    warn(`could not kill the rest of process group ${pgid} of worker "${id}": ${errorText(error)}`);
  }
}

// E_SPAWN_FAILED for a request whose exec (or the set-up before it) failed with `error`.
export function spawnFailure(request: LaunchRequest, error: unknown): ArborError {
  const { file, cwd } = request.launch;
  const errno = errnoCode(error);
  return new ArborError(
    'E_SPAWN_FAILED',
    `cannot start worker "${request.id}": exec of ${file} in ${cwd} failed with ${errno ?? 'an error'} (${errorText(error)})`,
    { cause: error, details: { field: 'launch.file', value: file, cwd, errno } },
  );
}

export function closeAll(outputs: readonly OpenedOutput[]): void {
  for (const output of outputs) output.close();
}

export function errnoCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
