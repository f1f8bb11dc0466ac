// The driver that starts real OS processes, each in its own process group, and reports how they end.
import { spawn as spawnChild } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { ArborError, isArborError } from '../errors.js';
import { signalGroup, signalLeader } from '../process/kill-tree.js';
import { openOutput } from '../process/output.js';
import type { OpenedOutput } from '../process/output.js';
import type { Driver, LaunchRequest, ProcessHandle, ProcessListener } from './driver.js';

/** Options of the real driver. */
export interface RealDriverOptions {
  /** Receives problems that have no listener callback (e.g. a signal that could not be sent); default process.emitWarning. */
  onWarning?: (message: string) => void;
}

// Creates a driver that spawns real processes: detached (pgid = pid), stdin ignored, stdout/stderr to files or fds,
// no pipes held; `ignored` is never called (a real exec either runs or fails). Children stay referenced, so the host's event loop lives while they run and every exit is observed;
// a host that wants to end stops its tree first. When a leader exits, the rest of its group is SIGKILLed before
// `exited` is reported, so no grandchild outlives its worker (an OTP link) or keeps holding its ports.
export function createRealDriver(options: RealDriverOptions = {}): Driver {
  const warn = options.onWarning ?? ((message: string) => process.emitWarning(message, 'ArborWarning'));
  return { spawn: (request, listener) => spawnProcess(request, listener, warn) };
}

function spawnProcess(request: LaunchRequest, listener: ProcessListener, warn: (message: string) => void): ProcessHandle {
  const { launch } = request;
  // The group to signal: set once exec succeeded, cleared once the leader has exited and its group was killed
  // (from then on the id may be reused by an unrelated process).
  let pgid: number | undefined;
  let channel: ChildProcess | null = null;
  const handle: ProcessHandle = {
    send(message) {
      if (channel === null || !channel.connected) return false;
      try {
        return channel.send(message as never);
      } catch (error) {
        warn(`could not send a message to worker "${request.id}": ${errorText(error)}`);
        return false;
      }
    },
    signalGroup(signal) {
      if (pgid === undefined) return;
      try {
        if (request.killTree === false) signalLeader(pgid, signal);
        else signalGroup(pgid, signal);
      } catch (error) {
        warn(`could not send ${signal} to worker "${request.id}" (process group ${pgid}): ${errorText(error)}`);
      }
    },
  };

  const outputs: OpenedOutput[] = [];
  let child: ChildProcess;
  try {
    const stdout = openStream(request, 'stdout');
    outputs.push(stdout);
    const stderr = openStream(request, 'stderr');
    outputs.push(stderr);
    child = spawnChild(launch.file, launch.args, {
      cwd: launch.cwd,
      env: launch.env,
      detached: true,
      stdio: request.ipc || request.messages ? ['ignore', stdout.stdio, stderr.stdio, 'ipc'] : ['ignore', stdout.stdio, stderr.stdio],
    });
  } catch (error) {
    // A synchronous refusal (bad argument, unexpected errno, unopenable log): reported like an async one, after return.
    closeAll(outputs);
    const failure = isArborError(error) ? error : spawnFailure(request, error);
    process.nextTick(() => listener.failed(failure));
    return handle;
  }
  // The child holds its own copies of the log fds now.
  closeAll(outputs);

  let failedReported = false;
  child.on('error', (error) => {
    if (child.pid === undefined && !failedReported) {
      failedReported = true;
      listener.failed(spawnFailure(request, error));
      return;
    }
    warn(`worker "${request.id}" (pid ${String(child.pid)}) reported an error: ${errorText(error)}`);
  });
  child.once('exit', (code, signal) => {
    const leader = child.pid;
    if (leader === undefined || failedReported) return;
    pgid = undefined;
    if (request.killTree !== false) killRestOfGroup(leader, request.id, warn);
    listener.exited({ code, signal });
  });

  if (child.pid !== undefined) {
    pgid = child.pid;
    handOverPipe(request.stdout, child.stdout);
    handOverPipe(request.stderr, child.stderr);
    if (request.ipc || request.messages) channel = child;
    if (request.ipc) request.ipc.attach(child);
    if (request.messages) child.on('message', (data) => listener.message?.(data));
    listener.spawned(child.pid);
  }
  return handle;
}

// Gives a piped stream to the target that asked for it.
function handOverPipe(target: LaunchRequest['stdout'], stream: Readable | null): void {
  if (stream && typeof target === 'object' && target !== null && 'pipe' in target) target.pipe(stream);
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
function killRestOfGroup(pgid: number, id: string, warn: (message: string) => void): void {
  try {
    signalGroup(pgid, 'SIGKILL');
  } catch (error) {
    warn(`could not kill the rest of process group ${pgid} of worker "${id}": ${errorText(error)}`);
  }
}

function spawnFailure(request: LaunchRequest, error: unknown): ArborError {
  const { file, cwd } = request.launch;
  const errno = errnoCode(error);
  return new ArborError(
    'E_SPAWN_FAILED',
    `cannot start worker "${request.id}": exec of ${file} in ${cwd} failed with ${errno ?? 'an error'} (${errorText(error)})`,
    { cause: error, details: { field: 'launch.file', value: file, cwd, errno } },
  );
}

function closeAll(outputs: OpenedOutput[]): void {
  for (const output of outputs) output.close();
}

function errnoCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
