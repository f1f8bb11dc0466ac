// Parses the arbor command line into a CliRequest with commander: no execution, no printing, no process.exit.
// Loaded on every CLI run, so it imports commander and arbor's tiny error and flag modules only.
import { Command, CommanderError, Option } from 'commander';
import { ArborError, describeValue } from '../errors.js';
import type { AppFlags, CliRequest, GlobalFlags, ProcessActionRequest, ScaleChange } from './request.js';
import { APP_FLAGS, IGNORED_PM2_FLAGS, type AppFlag } from './start-flags.js';

/** How many log lines `logs` prints before following, as PM2. */
export const DEFAULT_LOG_LINES = 15;

/** The `logs --timestamp` format when none is given, as PM2. */
export const DEFAULT_TIMESTAMP_FORMAT = 'YYYY-MM-DD-HH:mm:ss';

/** Options for parsing. */
export interface ParseOptions {
  /** Width to wrap help text at (default 80; pass the terminal's columns). */
  helpWidth?: number;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A request before the global flags are added. */
type Draft = DistributiveOmit<CliRequest, keyof GlobalFlags>;

/** The verbs that take script arguments after `--` (they become `app.args`). */
const SCRIPT_ARG_VERBS: ReadonlySet<string> = new Set([
  'start',
  'restart',
  'reload',
  'startOrRestart',
  'startOrReload',
  'startOrGracefulReload',
]);

function usage(message: string, details: Record<string, unknown> = {}): ArborError {
  return new ArborError('E_USAGE', message, { details });
}

// Splits argv at the first `--`: what precedes is for arbor, what follows is the script's arguments (as PM2 does).
function splitScriptArgs(argv: readonly string[]): { head: string[]; scriptArgs: string[] | undefined } {
  const index = argv.indexOf('--');
  if (index === -1) return { head: [...argv], scriptArgs: undefined };
  return { head: argv.slice(0, index), scriptArgs: argv.slice(index + 1) };
}

// True when `value` is one of the command's (or the program's) flags, e.g. '--watch' or '-x' or '--name=api'.
function isKnownFlag(command: Command, value: string): boolean {
  if (!value.startsWith('-') || value.length < 2) return false;
  const flag = value.startsWith('--') && value.includes('=') ? value.slice(0, value.indexOf('=')) : value;
  if (flag === '-h' || flag === '--help') return true;
  for (let current: Command | null = command; current !== null; current = current.parent) {
    if (current.options.some((option) => option.short === flag || option.long === flag)) return true;
  }
  return false;
}

// Rejects a required option-argument that is really the next flag (`-n --watch`): commander would take it as the value.
function guardValue(command: Command, option: Option, value: string): void {
  if (isKnownFlag(command, value)) {
    throw usage(`option '${option.flags}' argument missing (the next word, '${value}', is an option)`, {
      field: option.long ?? option.flags,
      value,
      allowed: 'a value after the flag',
    });
  }
}

// Adds an option whose required value is guarded against being the next flag, with an optional collector.
function addGuardedOption(
  command: Command,
  option: Option,
  collect?: (value: string, previous: unknown) => unknown,
): Option {
  if (option.required || collect !== undefined) {
    option.argParser((value: string, previous: unknown) => {
      if (option.required) guardValue(command, option, value);
      if (collect !== undefined) return collect(value, previous);
      return option.variadic ? [...((previous as string[] | undefined) ?? []), value] : value;
    });
  }
  command.addOption(option);
  return option;
}

// Parses a whole number within bounds for a flag arbor itself interprets (no config layer parses it later).
function wholeNumber(text: string, field: string, min: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || !Number.isSafeInteger(Number(text))) {
    throw usage(`${field} must be a whole number of at least ${min}, got ${describeValue(text)}`, {
      field,
      value: text,
      allowed: `whole numbers >= ${min}`,
    });
  }
  return Number(text);
}

// Splits `--only a,b c` into names; an empty list is a usage error.
function onlyNames(text: string): string[] {
  const names = text.split(/[,\s]+/).filter((name) => name !== '');
  if (names.length === 0) {
    throw usage(`--only needs at least one app name, got ${describeValue(text)}`, {
      field: '--only',
      value: text,
      allowed: 'app names separated by commas',
    });
  }
  return names;
}

/** Reads the AppFlags of a command once commander has parsed it. */
type AppFlagsReader = (scriptArgs: string[] | undefined) => AppFlags;

// Adds the app-config flags, the request flags (--env, -a, -f, --only, --parallel) and the ignored PM2 flags.
function addAppFlags(command: Command): AppFlagsReader {
  const bindings: { option: Option; flag: AppFlag }[] = APP_FLAGS.map((flag) => ({
    option: addGuardedOption(command, new Option(flag.flags, flag.description), flag.collect),
    flag,
  }));
  addGuardedOption(command, new Option('--env <name>', 'apply the env_<name> block of the ecosystem file'));
  command.addOption(new Option('-a, --update-env', 'replace the stored environment on restart or reload'));
  command.addOption(new Option('-f, --force', 'start even if the script already runs under that name'));
  addGuardedOption(command, new Option('--only <names>', 'act only on these apps of the ecosystem file (a,b)'));
  addGuardedOption(command, new Option('--parallel <number>', 'how many processes to restart or reload at once'));
  const ignored = IGNORED_PM2_FLAGS.map(({ flags, reason }) =>
    addGuardedOption(command, new Option(flags, `ignored: ${reason}`).hideHelp()),
  );

  return (scriptArgs) => {
    const fromCli = (option: Option): boolean => command.getOptionValueSource(option.attributeName()) === 'cli';
    const app: Record<string, unknown> = {};
    for (const { option, flag } of bindings) {
      if (!fromCli(option)) continue;
      const raw: unknown = command.getOptionValue(option.attributeName());
      let value = flag.toValue === undefined ? raw : flag.toValue(raw);
      const previous = app[flag.key];
      if (flag.joins === true && typeof previous === 'string' && typeof value === 'string') {
        value = `${previous} ${value}`;
      }
      app[flag.key] = value;
    }
    if (scriptArgs !== undefined) app['args'] = scriptArgs;

    const opts = command.opts<{
      env?: string;
      updateEnv?: boolean;
      force?: boolean;
      only?: string;
      parallel?: string;
    }>();
    const flags: AppFlags = {
      app,
      updateEnv: opts.updateEnv === true,
      force: opts.force === true,
      ignoredFlags: ignored.filter(fromCli).map((option) => option.long ?? option.flags),
    };
    if (opts.env !== undefined) flags.env = opts.env;
    if (opts.only !== undefined) flags.only = onlyNames(opts.only);
    if (opts.parallel !== undefined) flags.parallel = wholeNumber(opts.parallel, '--parallel', 1);
    return flags;
  };
}

// The flags of stop and delete: only --only; the other AppFlags fields stay at their neutral values.
function addOnlyFlag(command: Command): AppFlagsReader {
  addGuardedOption(command, new Option('--only <names>', 'act only on these apps of the ecosystem file (a,b)'));
  return () => {
    const only = command.opts<{ only?: string }>().only;
    const flags: AppFlags = { app: {}, updateEnv: false, force: false, ignoredFlags: [] };
    if (only !== undefined) flags.only = onlyNames(only);
    return flags;
  };
}

/** What --watch asks of stop, restart and reload. */
type WatchFlag = Pick<ProcessActionRequest, 'watch'>;

// `stop --watch` (PM2): stop watching the apps too; the flag takes no paths.
function addStopWatchFlag(command: Command): () => WatchFlag {
  command.addOption(new Option('--watch', 'stop watching the apps for file changes too'));
  return () => (command.opts<{ watch?: boolean }>().watch === true ? { watch: false } : {});
}

// `restart|reload --watch [paths]` (PM2): bare toggles watching, paths are watched from now on. It leaves `app`, whose
// keys restart does not apply.
function takeWatch(flags: AppFlags): AppFlags & WatchFlag {
  if (!('watch' in flags.app)) return flags;
  const { watch, ...app } = flags.app;
  if (watch === true) return { ...flags, app, watch: 'toggle' };
  if (Array.isArray(watch) && watch.length > 0) return { ...flags, app, watch: watch as string[] };
  throw usage(`--watch takes paths separated by commas, or nothing to toggle watching; got ${describeValue(watch)}`, {
    field: '--watch',
    value: watch,
    allowed: 'no value (toggle), or paths such as src,lib',
  });
}

// Reads `scale`'s count: '3' sets the instance count, '+2' and '-1' change it.
function scaleChange(text: string): ScaleChange {
  const match = /^([+-]?)(\d+)$/.exec(text);
  if (match === null || !Number.isSafeInteger(Number(match[2]))) {
    throw usage(`scale takes a number of instances (3) or a change (+2, -1), got ${describeValue(text)}`, {
      field: 'number',
      value: text,
      allowed: 'n, +n or -n',
    });
  }
  const amount = Number(match[2]);
  if (match[1] === '') return { kind: 'set', instances: amount };
  return { kind: 'add', delta: match[1] === '-' ? -amount : amount };
}

// Splits a start target list: a target with whitespace is a command line and must stand alone.
function startTargets(targets: string[]): { app: Record<string, unknown>; scriptIsCommand: boolean } {
  const empty = targets.find((target) => target.trim() === '');
  if (empty !== undefined) {
    throw usage(`a start target must not be empty, got ${describeValue(empty)}`, {
      field: 'target',
      value: empty,
      allowed: 'a name, id, namespace, file, or a command line in quotes',
    });
  }
  const commandLine = targets.find((target) => /\s/.test(target));
  if (commandLine === undefined) return { app: {}, scriptIsCommand: false };
  if (targets.length > 1) {
    throw usage(
      `a command line (${describeValue(commandLine)}) must be the only start target; start the others separately`,
      { field: 'target', value: targets, allowed: 'one command line, or names and files without spaces' },
    );
  }
  return { app: { script: commandLine }, scriptIsCommand: true };
}

// The verb the line names: the first word that is not a flag (arbor's global flags take no values); after `help`, the next.
function namedVerb(head: readonly string[]): string | undefined {
  const words = head.filter((arg) => !arg.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}

// Adds the ~55 app flags only to the verb being run (or to all when showing the full help): commander spends
// ~12 ms registering them on all six start-like verbs, which every `arbor ls` would pay.
function appFlagsIfNamed(command: Command, verb: string | undefined): AppFlagsReader {
  if (verb === undefined || command.name() === verb || command.aliases().includes(verb)) return addAppFlags(command);
  return () => {
    throw new Error(`arbor: '${command.name()}' ran without its flags although the line names '${verb}'`);
  };
}

const PROGRAM_HELP_FOOTER = `
Run \`arbor <command> --help\` for a command's flags.
Arguments after -- go to the script: arbor start app.js -- --port 8080`;

// Builds the commander program; each verb's action hands its request draft to `emit`.
function buildProgram(
  output: { out: string; err: string },
  helpWidth: number,
  scriptArgs: string[] | undefined,
  verb: string | undefined,
  emit: (draft: Draft) => void,
): Command {
  const program = new Command('arbor');
  program
    .usage('[options] <command>')
    .description('A process manager built on OTP supervision trees, with PM2\'s command set.')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => {
        output.out += text;
      },
      writeErr: (text) => {
        output.err += text;
      },
      outputError: () => {},
      getOutHelpWidth: () => helpWidth,
      getErrHelpWidth: () => helpWidth,
      getOutHasColors: () => false,
      getErrHasColors: () => false,
    })
    .version('', '-v, --version', 'print the arbor version')
    .option('-s, --silent', 'print nothing but the requested data')
    .option('--no-color', 'no colours in the output')
    .configureHelp({ showGlobalOptions: true })
    .addHelpText('after', PROGRAM_HELP_FOOTER);

  const start = program
    .command('start')
    .description('start apps from scripts or config files')
    .argument('[targets...]', 'names, ids, namespaces, files, "a command line", or - (JSON on stdin)');
  const startFlags = appFlagsIfNamed(start, verb);
  start.action((targets: string[]) => {
    const { app, scriptIsCommand } = startTargets(targets);
    const flags = startFlags(scriptArgs);
    emit({ command: 'start', targets, scriptIsCommand, ...flags, app: { ...app, ...flags.app } });
  });

  for (const name of ['stop', 'restart', 'reload', 'delete'] as const) {
    const command = program
      .command(name)
      .description(
        {
          stop: 'stop processes (they stay listed)',
          restart: 'stop then start processes',
          reload: 'restart processes one at a time (zero-downtime reload comes with cluster mode)',
          delete: 'stop processes and remove them',
        }[name],
      )
      .argument('<targets...>', 'ids, names, namespaces, all, /regex/, ecosystem files, or - (JSON on stdin)');
    if (name === 'delete') command.alias('del');
    if (name === 'stop' || name === 'delete') {
      const read = addOnlyFlag(command);
      const readWatch = name === 'stop' ? addStopWatchFlag(command) : (): WatchFlag => ({});
      command.action((targets: string[]) => emit({ command: name, targets, ...read(scriptArgs), ...readWatch() }));
    } else {
      const read = appFlagsIfNamed(command, verb);
      command.action((targets: string[]) => emit({ command: name, targets, ...takeWatch(read(scriptArgs)) }));
    }
  }

  for (const name of ['startOrRestart', 'startOrReload', 'startOrGracefulReload'] as const) {
    const command = program
      .command(name)
      .description(`start or ${name === 'startOrRestart' ? 'restart' : 'reload'} the apps of a file`)
      .argument('<file>', 'ecosystem file');
    const read = appFlagsIfNamed(command, verb);
    command.action((file: string) => emit({ command: name, file, ...read(scriptArgs) }));
  }

  const bare = [
    ['list', 'list processes as a table', ['ls', 'l', 'ps', 'status']],
    ['jlist', 'list processes as JSON', []],
    ['prettylist', 'list processes as an inspect dump', []],
    ['reloadLogs', 'reopen the log files', []],
    ['resurrect', 'start the processes of the last save', []],
    ['cleardump', 'empty the saved process list', []],
    ['ping', 'start the daemon if needed, ping it', []],
    ['kill', 'stop every process and the daemon', []],
  ] as const;
  for (const [name, description, aliases] of bare) {
    program
      .command(name)
      .description(description)
      .aliases(aliases)
      .action(() => emit({ command: name }));
  }

  const targeted = [
    ['describe', 'show everything about a process', ['show', 'info', 'desc'], '<target>', 'name or id'],
    ['env', "print a process's environment", [], '<target>', 'id'],
    ['id', 'print the ids of an app', [], '<target>', 'name'],
    ['reset', 'zero the restart counters', [], '<target>', 'name, id or all'],
  ] as const;
  for (const [name, description, aliases, argument, argumentHelp] of targeted) {
    program
      .command(name)
      .description(description)
      .aliases(aliases)
      .argument(argument, argumentHelp)
      .action((target: string) => emit({ command: name, target }));
  }

  for (const [name, description] of [
    ['pid', 'print pids (of an app, or all)'],
    ['flush', 'empty log files (of an app, or all)'],
  ] as const) {
    program
      .command(name)
      .description(description)
      .argument('[target]', 'name, id or namespace')
      .action((target: string | undefined) =>
        emit(target === undefined ? { command: name } : { command: name, target }),
      );
  }

  const logs = program
    .command('logs')
    .alias('log')
    .description('print and follow log lines')
    .argument('[target]', 'id, name or namespace (default: all)');
  addGuardedOption(logs, new Option('--lines <n>', `lines of history to print (default ${DEFAULT_LOG_LINES})`));
  logs
    .addOption(new Option('--out', 'only standard output').conflicts('err'))
    .addOption(new Option('--err', 'only standard error'))
    .option('--raw', 'lines as written, without prefixes')
    .option('--json', 'one JSON object per line')
    .option('--format', 'key=value lines')
    .option('--timestamp [format]', `prefix lines with the time (default format ${DEFAULT_TIMESTAMP_FORMAT})`)
    .option('--nostream', 'print the history and exit')
    .option('--highlight [value]', 'emphasise this text')
    .action((target: string | undefined) => {
      const opts = logs.opts<{
        lines?: string;
        out?: boolean;
        err?: boolean;
        raw?: boolean;
        json?: boolean;
        format?: boolean;
        timestamp?: string | true;
        nostream?: boolean;
        highlight?: string | true;
      }>();
      emit({
        command: 'logs',
        ...(target === undefined ? {} : { target }),
        lines: opts.lines === undefined ? DEFAULT_LOG_LINES : wholeNumber(opts.lines, '--lines', 0),
        source: opts.err === true ? 'err' : opts.out === true ? 'out' : 'all',
        raw: opts.raw === true,
        json: opts.json === true,
        format: opts.format === true,
        ...(opts.timestamp === undefined
          ? {}
          : { timestamp: opts.timestamp === true ? DEFAULT_TIMESTAMP_FORMAT : opts.timestamp }),
        nostream: opts.nostream === true,
        // PM2 ignores a bare --highlight.
        ...(typeof opts.highlight === 'string' ? { highlight: opts.highlight } : {}),
      });
    });

  const save = program
    .command('save')
    .alias('dump')
    .description('save the process list for resurrect')
    .option('-f, --force', 'save even an empty list');
  save.action(() => emit({ command: 'save', force: save.opts<{ force?: boolean }>().force === true }));

  program
    .command('scale')
    .description('set instances, or change them by +n/-n')
    .argument('<app>', 'app name')
    .argument('<number>', 'n, +n or -n')
    .action((target: string, count: string) => emit({ command: 'scale', target, change: scaleChange(count) }));

  program
    .command('sendSignal')
    .description('signal the main process of an app')
    .argument('<signal>', 'signal name, e.g. SIGUSR2')
    .argument('<target>', 'id or name')
    .action((signal: string, target: string) => emit({ command: 'sendSignal', signal, target }));

  program
    .command('init')
    .alias('ecosystem')
    .description('write an ecosystem.config.js')
    .argument('[mode]', "'simple' for a minimal template")
    .action((mode: string | undefined) => {
      if (mode !== undefined && mode !== 'simple') {
        throw usage(`init takes no mode or 'simple', got ${describeValue(mode)}`, {
          field: 'mode',
          value: mode,
          allowed: "'simple'",
        });
      }
      emit({ command: 'init', simple: mode === 'simple' });
    });

  return program;
}

function globalFlags(program: Command): GlobalFlags {
  const opts = program.opts<{ color?: boolean; silent?: boolean }>();
  return { noColor: opts.color === false, silent: opts.silent === true };
}

// Turns commander's exits into requests (help, version) or usage errors.
function fromCommanderExit(error: CommanderError, output: { out: string; err: string }, globals: GlobalFlags): CliRequest {
  switch (error.code) {
    case 'commander.version':
      return { ...globals, command: 'version' };
    case 'commander.helpDisplayed':
    case 'commander.help':
      // Asked-for help goes to stdout; help shown because no verb was given goes to stderr.
      return output.out !== ''
        ? { ...globals, command: 'help', text: output.out, requested: true }
        : { ...globals, command: 'help', text: output.err, requested: false };
    default:
      throw new ArborError('E_USAGE', error.message.replace(/^error: /, ''), {
        cause: error,
        details: { commanderCode: error.code },
      });
  }
}

// Parses the user's arguments (process.argv.slice(2)) into a request; throws ArborError('E_USAGE') on a bad line.
export function parseCommandLine(argv: readonly string[], options: ParseOptions = {}): CliRequest {
  const { head, scriptArgs } = splitScriptArgs(argv);
  const output = { out: '', err: '' };
  let draft: Draft | undefined;
  const program = buildProgram(output, options.helpWidth ?? 80, scriptArgs, namedVerb(head), (made) => {
    draft = made;
  });

  try {
    program.parse(head, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return fromCommanderExit(error, output, globalFlags(program));
    throw error;
  }
  if (draft === undefined) {
    // Every path through commander either runs an action or exits; reaching here is a bug in the program above.
    throw usage(`no command was recognised in ${describeValue(argv)}`, { value: argv });
  }
  if (scriptArgs !== undefined && !SCRIPT_ARG_VERBS.has(draft.command)) {
    throw usage(
      `arguments after -- go to the script, and '${draft.command}' starts no script; got ${describeValue(scriptArgs)}`,
      { field: '--', value: scriptArgs, allowed: [...SCRIPT_ARG_VERBS].join(', ') },
    );
  }
  return { ...globalFlags(program), ...draft } as CliRequest;
}
