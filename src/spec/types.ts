// The shapes of a supervision tree: what users write (…Options) and what the engine runs (…Spec, all defaults filled).

/** OTP restart types: permanent always, transient on abnormal exit only, temporary never. */
export type RestartType = 'permanent' | 'transient' | 'temporary';

/** The restart strategies a supervisor can use. */
export type StrategyName = 'one_for_one' | 'one_for_all' | 'rest_for_one';

/** OTP's auto_shutdown: whether a significant child's own exit stops the supervisor. */
export type AutoShutdown = 'never' | 'any_significant' | 'all_significant';

/** OTP shutdown: SIGKILL at once, kill signal then SIGKILL after N ms, or wait forever. */
export type Shutdown = 'brutal_kill' | 'infinity' | number;

/** Delay before a restart: initial, multiplied by factor up to max, jittered, reset after a stable run. */
export interface BackoffPolicy {
  /** First delay in ms (0: restart at once, as OTP does). */
  initial: number;
  /** Multiplier applied per consecutive restart (1: a fixed delay). */
  factor: number;
  /** Cap in ms before jitter. */
  max: number;
  /** Random extra fraction in [0, jitter) applied after the cap (Akka's randomFactor). */
  jitter: number;
  /** A child that stayed up at least this many ms gets its next delay back at `initial`. */
  resetAfter: number;
}

/** Crash-loop detection: `maxRestarts` exits each before `minUptime`, within a sliding `window`, mean errored. */
export interface UnstablePolicy {
  minUptime: number;
  maxRestarts: number;
  window: number;
}

/** How to launch a worker's OS process, before interpreter resolution. */
export interface LaunchOptions {
  /** A file to run: its interpreter comes from the extension, or it is executed directly. */
  script?: string;
  /** A shell command line, run with `/bin/sh -c`. */
  command?: string;
  /** Interpreter for `script` (name on PATH or a path); 'none' runs the script itself. */
  interpreter?: string;
  interpreterArgs?: string[];
  args?: string[];
  cwd?: string;
  env?: Record<string, string>;
}

/** A pipe through this process: the function receives the child's stream right after spawn (per-line transforms). */
export interface PipeTarget {
  pipe: (stream: import('node:stream').Readable) => void;
}

/** A Node IPC channel to the worker (fd 3, `process.send` in the child): `attach` gets each run's channel right after spawn. */
export interface IpcTarget {
  attach: (channel: { send(message: unknown): boolean; on(event: 'message', listener: (message: unknown) => void): unknown }) => void;
}

/**
 * A log file with a size cap, applied each time the process starts: a file already holding maxBytes or more is
 * renamed to file.1 (older ones shift up, keeping `retain`) before the new process opens a fresh one. The running
 * process holds its descriptor, so between starts the file can pass the cap (pipe the output for a hard cap).
 */
export interface RotatedFileTarget {
  file: string;
  maxBytes: number;
  retain: number;
}

/** Where a worker's stdout and stderr go: a file path (appended), a file rotated at starts, 'inherit', 'ignore', a file descriptor, or a pipe. */
export type OutputTarget = string | number | 'inherit' | 'ignore' | PipeTarget | RotatedFileTarget;

/** What a user writes for a worker (library API; camelCase). */
export interface WorkerOptions extends LaunchOptions {
  id: string;
  restart?: RestartType;
  significant?: boolean;
  shutdown?: Shutdown;
  /** Signal sent to the process group on a graceful stop (default SIGINT, as PM2). */
  killSignal?: NodeJS.Signals;
  /** Exit codes that count as a normal exit (besides 0). */
  stopExitCodes?: number[];
  /** The complete list of exit codes that count as normal, replacing [0, ...stopExitCodes] (PM2 apps: exactly stop_exit_codes). */
  normalExitCodes?: number[];
  /** Backoff between restarts; a number is a fixed delay in ms. */
  backoff?: Partial<BackoffPolicy> | number;
  /** Crash-loop detection; omitted means off. */
  unstable?: Partial<UnstablePolicy> | false;
  stdout?: OutputTarget;
  stderr?: OutputTarget;
  /** Opens a Node IPC channel to the process (for Node scripts: `process.send` / `process.on('message')`). */
  ipc?: IpcTarget;
  /**
   * Readiness (PM2's wait_ready): the worker's start completes, and it is `online`, when the process sends `message`
   * over IPC (`process.send('ready')`), or after `timeoutMs` (default 3000, PM2's listen_timeout) if it never does.
   * Until then it is `launching`, and an ordered start waits before the next child. A message opens an IPC channel;
   * `message: null` waits for the timeout alone (for programs that cannot send one). Further probes (HTTP, TCP, exec)
   * belong here too: each another way for the start to complete before the timeout.
   */
  ready?: Partial<ReadinessPolicy>;
  /** Stops the worker by sending this message over IPC instead of the kill signal (PM2's shutdown_with_message: 'shutdown'). */
  shutdownMessage?: string;
  /**
   * True (default): signals go to the worker's whole process group, and what is left of the group is SIGKILLed when
   * the worker exits. False (PM2's treekill: false): only the main process is signalled, and its children outlive it.
   */
  killTree?: boolean;
}

/** When a started worker counts as ready. */
export interface ReadinessPolicy {
  /** The IPC message that says "ready" (PM2: 'ready'); null: no message is awaited, the timeout alone decides. */
  message: string | null;
  /** How long to wait for it before counting the worker as ready anyway, as PM2 does (ms). */
  timeoutMs: number;
}

/** What a user writes for a supervisor (library API). */
export interface SupervisorOptions {
  id: string;
  strategy?: StrategyName;
  /** Restarts allowed within `period` seconds before giving up (OTP default 1). */
  intensity?: number;
  /** The intensity window in whole seconds (OTP default 5). */
  period?: number;
  autoShutdown?: AutoShutdown;
  /** This supervisor's restart type as a child of its parent. */
  restart?: RestartType;
  significant?: boolean;
  shutdown?: Shutdown;
}

/** A worker's launch, resolved: the exact file and argv to exec. */
export interface ResolvedLaunch {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** The interpreter chosen ('none' when the file runs itself, 'sh' for a command string). */
  interpreter: string;
  /** The script or command as the user gave it (for display). */
  display: string;
}

/** A validated worker spec: every default filled, the launch resolved. */
export interface WorkerSpec {
  kind: 'worker';
  id: string;
  restart: RestartType;
  significant: boolean;
  shutdown: Shutdown;
  killSignal: NodeJS.Signals;
  /** Exit codes that count as a normal exit (OTP `normal`); any other code or signal is a crash. */
  normalExitCodes: number[];
  backoff: BackoffPolicy;
  unstable: UnstablePolicy | null;
  launch: ResolvedLaunch;
  stdout: OutputTarget;
  stderr: OutputTarget;
  ipc: IpcTarget | null;
  /** Null: ready as soon as the process runs. */
  ready: ReadinessPolicy | null;
  /** Null: stopped with killSignal. */
  shutdownMessage: string | null;
  killTree: boolean;
}

/** A validated supervisor spec with its children in start order. */
export interface SupervisorSpec {
  kind: 'supervisor';
  id: string;
  strategy: StrategyName;
  intensity: number;
  period: number;
  autoShutdown: AutoShutdown;
  restart: RestartType;
  significant: boolean;
  shutdown: Shutdown;
  children: ChildSpec[];
}

/** Any node of a tree. */
export type ChildSpec = WorkerSpec | SupervisorSpec;

/** An unvalidated tree node as built by `worker()` and `supervisor()`. */
export type ChildDraft =
  | { kind: 'worker'; options: WorkerOptions }
  | { kind: 'supervisor'; options: SupervisorOptions; children: ChildDraft[] };
