// The boundary between the engine and OS processes: the real driver spawns them, the simulated one pretends.
import type { ArborError } from '../errors.js';
import type { IpcTarget, OutputTarget, ResolvedLaunch } from '../spec/types.js';

/** How a process ended, as the OS reports it. */
export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** What the driver needs to start one process. */
export interface LaunchRequest {
  /** The worker's id (the simulated driver scripts behaviour by it). */
  id: string;
  launch: ResolvedLaunch;
  stdout: OutputTarget;
  stderr: OutputTarget;
  /** Open a Node IPC channel as fd 3 and hand it over after spawn. */
  ipc?: IpcTarget | null;
  /** Open the IPC channel (even without an `ipc` target) and report what the process sends to `listener.message`. */
  messages?: boolean;
  /** False: signal only the main process and leave its group alone when it exits (default true). */
  killTree?: boolean;
}

/** Callbacks from a driver about one spawned process; each is called at most once, `spawned` before `exited`. */
export interface ProcessListener {
  /** The process runs (exec succeeded). May be called synchronously from `spawn`. */
  spawned(pid: number): void;
  /** The process could not be started (OTP `{error, E}`); `exited` will not follow. */
  failed(error: ArborError): void;
  /** The process (the group leader) has exited. */
  exited(status: ExitStatus): void;
  /** The start was declined without an error (OTP `ignore`): nothing runs and nothing follows. Simulated drivers only. */
  ignored(): void;
  /** A message the process sent over IPC (only when the request asked for `messages`), between `spawned` and `exited`. */
  message?(data: unknown): void;
}

/** A started (or starting) process. */
export interface ProcessHandle {
  /** Sends a signal to the whole process group (to the main process alone when killTree is false). Never throws (a gone group is ignored). */
  signalGroup(signal: NodeJS.Signals): void;
  /** Sends a message over the IPC channel; false when there is none (or it is closed). Never throws. */
  send?(message: unknown): boolean;
}

/** Starts processes. */
export interface Driver {
  spawn(request: LaunchRequest, listener: ProcessListener): ProcessHandle;
}
