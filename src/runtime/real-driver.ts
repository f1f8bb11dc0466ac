// The driver that starts real OS processes, each in its own process group, and reports how they end.
import { spawn as spawnChild } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { isArborError } from '../errors.js';
import type { OpenedOutput } from '../process/output.js';
import type { Driver, LaunchRequest, ProcessHandle, ProcessListener } from './driver.js';
import { nativeCanStart, spawnNative } from './native-process.js';
import { nativeSpawnerStatus } from './native-spawner.js';
import { closeAll, errorText, groupHandle, killRestOfGroup, openOutputs, spawnFailure } from './spawn-support.js';
import type { SendingChannel, Warn } from './spawn-support.js';

/** Options of the real driver. */
export interface RealDriverOptions {
  /** Receives problems that have no listener callback (e.g. a signal that could not be sent); default process.emitWarning. */
  onWarning?: (message: string) => void;
  /**
   * How processes start. 'auto' (the default): through arbor's native spawner where it is built and the request
   * allows (see src/runtime/native-process.ts), else child_process.spawn. 'node': always child_process.spawn.
   */
  spawner?: 'auto' | 'node';
}

// Creates a driver that spawns real processes: each leads a process group of its own, stdin ignored, stdout/stderr
// to files or fds, no pipes held unless asked for; `ignored` is never called (a real exec either runs or fails).
// Children stay referenced, so the host's event loop lives while they run and every exit is observed; a host that
// wants to end stops its tree first. When a leader exits, the rest of its group is SIGKILLed before `exited` is
// reported, so no grandchild outlives its worker (an OTP link) or keeps holding its ports.
export function createRealDriver(options: RealDriverOptions = {}): Driver {
  const warn = options.onWarning ?? ((message: string) => process.emitWarning(message, 'ArborWarning'));
  const native = options.spawner === 'node' ? null : nativeSpawnerStatus().spawner;
  return {
    spawn: (request, listener) =>
      native !== null && nativeCanStart(request) ? spawnNative(native, request, listener, warn) : spawnProcess(request, listener, warn),
  };
}

// child_process.spawn: detached (a session and group of its own), exec awaited before it returns.
function spawnProcess(request: LaunchRequest, listener: ProcessListener, warn: Warn): ProcessHandle {
  const { launch } = request;
  // The group to signal: set once exec succeeded, cleared once the leader has exited and its group was killed.
  let pgid: number | undefined;
  let channel: ChildProcess | null = null;
  const handle = groupHandle(request, () => pgid, () => channel as SendingChannel | null, warn);

  let outputs: OpenedOutput[] = [];
  let child: ChildProcess;
  try {
    outputs = openOutputs(request);
    const [stdout, stderr] = outputs as [OpenedOutput, OpenedOutput];
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

