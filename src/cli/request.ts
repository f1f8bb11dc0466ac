// What the arbor command line asks for, as data: one variant per verb, produced by parseCommandLine.

/** Flags accepted anywhere on the command line, before or after the verb. */
export interface GlobalFlags {
  /** --no-color was given (NO_COLOR and the TTY are the caller's to check). */
  noColor: boolean;
  /** -s/--silent: print nothing but the requested data. */
  silent: boolean;
}

/** What the verbs that start or re-apply apps share (start, restart, reload, startOr*). */
export interface AppFlags {
  /**
   * Raw PM2-style app keys from the flags, snake_case, exactly as an ecosystem file would hold them
   * (e.g. { name: 'api', instances: 'max', kill_timeout: '3000', args: ['--port', '80'] }).
   * Numbers stay strings for the config layer to parse; stop_exit_codes are numbers.
   */
  app: Record<string, unknown>;
  /** --env <name>: which env_<name> block of an ecosystem file to apply. */
  env?: string;
  /** -a/--update-env: replace the stored environment on restart or reload. */
  updateEnv: boolean;
  /** -f/--force: start even if the same script already runs under the same name. */
  force: boolean;
  /** --only a,b: act only on these apps of an ecosystem file. */
  only?: string[];
  /** --parallel <n>: how many processes to restart or reload at once. */
  parallel?: number;
  /** PM2 flags that were given and that arbor ignores (see IGNORED_PM2_FLAGS), for a warning. */
  ignoredFlags: string[];
}

/** `start [targets...]`: names, ids, namespaces, script files, ecosystem files, or '-' (JSON on stdin). */
export interface StartRequest extends GlobalFlags, AppFlags {
  command: 'start';
  /** As given; empty means the default ecosystem file (PM2: ecosystem.config.js). */
  targets: string[];
  /**
   * True when the target is a shell command line (it contains whitespace, e.g. "npm run dev"): PM2 runs it with
   * `bash -c`. Then it is the only target and `app.script` holds it. A path with spaces that exists as a file is
   * the caller's to recognise (parsing does not touch the file system).
   */
  scriptIsCommand: boolean;
}

/** `stop|restart|reload|delete <targets...>`: ids, names, namespaces, 'all', /regex/, ecosystem files or '-'. */
export interface ProcessActionRequest extends GlobalFlags, AppFlags {
  command: 'stop' | 'restart' | 'reload' | 'delete';
  targets: string[];
  /**
   * --watch, taken out of `app` (PM2): `stop --watch` stops watching (false); a bare `restart|reload --watch` toggles
   * watching ('toggle'); `restart|reload --watch a,b` watches these paths. Absent without the flag.
   */
  watch?: false | 'toggle' | string[];
}

/** `startOrRestart|startOrReload|startOrGracefulReload <file>`: apply an ecosystem file. */
export interface StartOrRequest extends GlobalFlags, AppFlags {
  command: 'startOrRestart' | 'startOrReload' | 'startOrGracefulReload';
  file: string;
}

/** Verbs without arguments. */
export interface BareRequest extends GlobalFlags {
  command: 'list' | 'jlist' | 'prettylist' | 'reloadLogs' | 'resurrect' | 'cleardump' | 'ping' | 'kill';
}

/** Verbs with one required target: `describe <name|id>`, `env <id>`, `id <name>`, `reset <name|id|all>`. */
export interface TargetRequest extends GlobalFlags {
  command: 'describe' | 'env' | 'id' | 'reset';
  target: string;
}

/** Verbs with an optional target: `pid [app]`, `flush [app]` (absent means all). */
export interface OptionalTargetRequest extends GlobalFlags {
  command: 'pid' | 'flush';
  target?: string;
}

/** `logs [target]`: tail and follow log files. */
export interface LogsRequest extends GlobalFlags {
  command: 'logs';
  /** Id, name or namespace; absent means all. */
  target?: string;
  /** Lines of history to print first (--lines, default 15). */
  lines: number;
  /** Which stream: both, or only --out or only --err. */
  source: 'all' | 'out' | 'err';
  /** --raw: no prefixes, the lines as written. */
  raw: boolean;
  /** --json: one JSON object per line. */
  json: boolean;
  /** --format: key=value lines. */
  format: boolean;
  /** --timestamp [format]: prefix lines with the time in this format (bare: 'YYYY-MM-DD-HH:mm:ss'). */
  timestamp?: string;
  /** --nostream: print the history and exit instead of following. */
  nostream: boolean;
  /** --highlight <value>: emphasise this text in each line. */
  highlight?: string;
}

/** `save|dump [--force]`. */
export interface SaveRequest extends GlobalFlags {
  command: 'save';
  /** Save even an empty list (PM2 refuses without --force). */
  force: boolean;
}

/** How `scale` changes the instance count: to a number, or by a signed delta (+n / -n). */
export type ScaleChange = { kind: 'set'; instances: number } | { kind: 'add'; delta: number };

/** `scale <app> <n|+n|-n>`. */
export interface ScaleRequest extends GlobalFlags {
  command: 'scale';
  target: string;
  change: ScaleChange;
}

/** `sendSignal <signal> <target>`: signal the main process (the signal name is validated by the daemon). */
export interface SendSignalRequest extends GlobalFlags {
  command: 'sendSignal';
  signal: string;
  target: string;
}

/** `init|ecosystem [simple]`: write an ecosystem.config.js template. */
export interface InitRequest extends GlobalFlags {
  command: 'init';
  simple: boolean;
}

/** Help text for the caller to print: asked for (-h, --help, `help`), or shown because no verb was given. */
export interface HelpRequest extends GlobalFlags {
  command: 'help';
  text: string;
  /** False when no verb was given: print to stderr and exit as a usage error. */
  requested: boolean;
}

/** `-v/--version`: the caller prints its version. */
export interface VersionRequest extends GlobalFlags {
  command: 'version';
}

/** Everything the command line can ask for. */
export type CliRequest =
  | StartRequest
  | ProcessActionRequest
  | StartOrRequest
  | BareRequest
  | TargetRequest
  | OptionalTargetRequest
  | LogsRequest
  | SaveRequest
  | ScaleRequest
  | SendSignalRequest
  | InitRequest
  | HelpRequest
  | VersionRequest;

/** Every verb name a request can carry. */
export type CliCommand = CliRequest['command'];
