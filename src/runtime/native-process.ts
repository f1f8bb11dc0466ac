// Starts one process through arbor's native spawner (native/spawn.c): forked without waiting for its exec, leading a
// new process group in the host's session.
//
// It counts as spawned once forked, as systemd counts a Type=simple service started: its pid is final and its group
// exists. An exec that then fails (a file removed or made non-executable since the launch was resolved) ends the
// process with exit code 127, as a shell's does; the E_SPAWN_FAILED error is warned and written where the process's
// stderr goes, so `arbor logs` shows why. child_process.spawn instead blocks the event loop until each exec is done:
// starting 50 apps at once took 1.12-1.20 s with it and 0.28-0.34 s with this (numbers in native/spawn.c). The
// spawns of one turn of the event loop also share a start gate (batchGate below).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ArborError } from '../errors.js';
import type { OpenedOutput } from '../process/output.js';
import type { OutputTarget } from '../spec/types.js';
import type { LaunchRequest, ProcessHandle, ProcessListener } from './driver.js';
import type { NativeSpawner } from './native-spawner.js';
import { IPC_CHILD_ENV, openIpcChannel } from './native-ipc.js';
import type { IpcChannel } from './native-ipc.js';
import { errnoError, NATIVE_EVENT, NATIVE_FAILED_STAGE, NATIVE_SLOT, signalName } from './native-spawner.js';
import { closeAll, groupHandle, killRestOfGroup, openOutputs, spawnFailure } from './spawn-support.js';
import type { SendingChannel, Warn } from './spawn-support.js';

/** The exit code of a process whose exec failed (a shell's "cannot execute" / "not found"). */
export const EXEC_FAILED_EXIT_CODE = 127;

/** The system call behind each failed stage the addon reports, for the error's message. */
const STAGE_CALLS: Record<(typeof NATIVE_FAILED_STAGE)[number], string> = { exec: 'execve', cwd: 'chdir', stdio: 'dup2' };

// True when the native spawner can start this request: no pipe through the host (those need child_process), an
// absolute file (it does not search PATH), and no NUL byte in an argument or the environment (child_process refuses
// those with a clear error; C strings would silently cut them short).
export function nativeCanStart(request: LaunchRequest): boolean {
  if (isPipe(request.stdout) || isPipe(request.stderr)) return false;
  const { file, args, env, cwd } = request.launch;
  if (!path.isAbsolute(file) || hasNul(file) || hasNul(cwd) || args.some(hasNul)) return false;
  for (const key in env) if (hasNul(key) || hasNul(env[key]!)) return false;
  return true;
}

// Forks and execs `request` through the addon and reports it spawned before returning; exits come from the event loop.
export function spawnNative(native: NativeSpawner, request: LaunchRequest, listener: ProcessListener, warn: Warn): ProcessHandle {
  // The group to signal: the child's pid from the fork on, cleared once the leader has exited and its group was killed.
  let pgid: number | undefined;
  let channel: IpcChannel | null = null;
  const handle = groupHandle(request, () => pgid, () => channel as SendingChannel | null, warn);
  const wantsChannel = Boolean(request.ipc) || request.messages === true;
  let outputs: [OpenedOutput, OpenedOutput];
  let sockets: [number, number] | null = null;
  try {
    outputs = openOutputs(request);
    try {
      if (wantsChannel) sockets = native.socketpair();
    } catch (error) {
      closeAll(outputs);
      throw spawnFailure(request, error);
    }
  } catch (error) {
    process.nextTick(() => listener.failed(error as ArborError));
    return handle;
  }
  const { launch } = request;
  const gate = batchGate(native);
  const onEvent = (kind: number, value: number, extra: number): void => {
    if (kind === NATIVE_EVENT.failed) {
      const stage = NATIVE_FAILED_STAGE[extra] ?? 'exec';
      const failure = spawnFailure(request, errnoError(value, STAGE_CALLS[stage]));
      warn(failure.message);
      tellStderr(request.stderr, failure.message);
      return;
    }
    if (kind !== NATIVE_EVENT.exited) return;
    pgid = undefined;
    channel?.disconnect();
    if (request.killTree !== false) killRestOfGroup(pid, request.id, warn);
    listener.exited({ code: value >= 0 ? value : null, signal: extra === 0 ? null : signalName(extra) });
  };
  const pid = native.spawn(
    launch.file,
    [launch.file, ...launch.args],
    environment(launch.env, sockets !== null),
    launch.cwd,
    NATIVE_SLOT.devNull,
    stdioSlot(outputs[0], 1),
    stdioSlot(outputs[1], 2),
    sockets === null ? NATIVE_SLOT.none : sockets[1],
    gate.hold,
    gate.release,
    onEvent,
  );
  // The child holds its own copies of the log fds and its end of the channel now (or nothing was forked).
  closeAll(outputs);
  if (pid > 0) holdBehind(gate);
  if (sockets !== null) fs.closeSync(sockets[1]);
  if (pid < 0) {
    if (sockets !== null) fs.closeSync(sockets[0]);
    const failure = spawnFailure(request, errnoError(-pid, 'fork'));
    process.nextTick(() => listener.failed(failure));
    return handle;
  }
  pgid = pid;
  if (sockets !== null) {
    const opened = openIpcChannel(sockets[0], (line) => warn(`worker "${request.id}" (pid ${pid}) sent a line on its IPC channel that is not JSON: ${line.slice(0, 200)}`));
    channel = opened;
    if (request.ipc) request.ipc.attach(opened);
    if (request.messages) opened.on('message', (data) => listener.message?.(data));
  }
  listener.spawned(pid);
  return handle;
}

/** The start gate of a batch: the two ends of a socket pair, open until the batch is released. */
interface Gate {
  hold: number;
  release: number;
  /** Children forked behind it so far. */
  held: number;
  open: boolean;
}

/**
 * The most children held in one turn. A full gate is released at once and the rest of the turn's spawns exec
 * without one: held children are copy-on-write copies of the host, and a long turn of gate after gate made `arbor
 * start` of 1000 bash apps take 4.1-4.5 s instead of 3.2-3.5 s; with one gate of 64 per turn it took 3.2-3.3 s.
 */
export const GATE_CAPACITY = 64;

const NO_GATE: Gate = { hold: -1, release: -1, held: 0, open: false };

let openGate: Gate | null = null;
/** A gate filled up in this turn: the rest of the turn's spawns exec at once. */
let gateFilledThisTurn = false;

// The gate of the spawns made in this turn of the event loop, released (all their execs let go at once) when the
// turn is over or when it holds GATE_CAPACITY children. Why: the host shares the CPU with the apps it starts (they
// are in its session, so in its scheduling autogroup), and fifty booting Node apps leave it a fiftieth of a core
// while it still has the rest of a batch to start; held at their exec, they wait the few milliseconds of bookkeeping
// the host has left. Measured on 2 cores, 50 apps (40 Node), `arbor start` took 1.56-1.66 s without the gate and
// 0.66-0.86 s with it. Without a socket pair (out of fds) there is no gate: each child execs at once.
function batchGate(native: NativeSpawner): Gate {
  if (openGate !== null) return openGate;
  if (gateFilledThisTurn) return NO_GATE;
  let hold: number;
  let release: number;
  try {
    [hold, release] = native.socketpair();
  } catch {
    return NO_GATE;
  }
  const gate: Gate = { hold, release, held: 0, open: true };
  openGate = gate;
  setImmediate(() => releaseGate(gate));
  return gate;
}

// Counts a child forked behind `gate`, releasing the gate once it is full.
function holdBehind(gate: Gate): void {
  if (!gate.open) return;
  gate.held += 1;
  if (gate.held < GATE_CAPACITY) return;
  releaseGate(gate);
  gateFilledThisTurn = true;
  setImmediate(() => {
    gateFilledThisTurn = false;
  });
}

// Lets every child held at `gate` exec (EOF on their end), once.
function releaseGate(gate: Gate): void {
  if (!gate.open) return;
  gate.open = false;
  if (openGate === gate) openGate = null;
  fs.closeSync(gate.release);
  fs.closeSync(gate.hold);
}

// The child's environment as NAME=value strings, with what Node needs to open an IPC channel on fd 3.
function environment(env: Record<string, string>, withChannel: boolean): string[] {
  const entries = Object.entries(withChannel ? { ...env, ...IPC_CHILD_ENV } : env);
  return entries.map(([key, value]) => `${key}=${value}`);
}

// The fd the child gets for a stream: the opened file or the given fd, the host's own for 'inherit', -1 for /dev/null.
function stdioSlot(output: OpenedOutput, own: 1 | 2): number {
  if (output.stdio === 'inherit') return own;
  if (output.stdio === 'ignore') return NATIVE_SLOT.devNull;
  if (typeof output.stdio === 'number') return output.stdio;
  throw new Error(`the native spawner cannot give a child a ${output.stdio} (nativeCanStart admits no pipes)`);
}

// Appends a line where the process's stderr goes (a file, or the host's stderr); a failure to write is left to the warning.
function tellStderr(target: OutputTarget, message: string): void {
  const line = `arbor: ${message}\n`;
  try {
    if (target === 'inherit') process.stderr.write(line);
    else if (typeof target === 'string' && target !== 'ignore' && target !== '/dev/null' && target !== 'NULL') fs.appendFileSync(target, line);
    else if (typeof target === 'object' && target !== null && 'file' in target && target.file !== '/dev/null' && target.file !== 'NULL') fs.appendFileSync(target.file, line);
  } catch {
    // the warning already carries the message
  }
}

function isPipe(target: OutputTarget): boolean {
  return typeof target === 'object' && target !== null && 'pipe' in target;
}

function hasNul(text: string): boolean {
  return text.includes('\0');
}
