import { describe, expect, it } from 'vitest';
import { ArborError, isArborError } from '../../src/errors.js';
import { DEFAULT_LOG_LINES, DEFAULT_TIMESTAMP_FORMAT, parseCommandLine } from '../../src/cli/parse.js';
import type { CliRequest } from '../../src/cli/request.js';
import { APP_FLAGS, IGNORED_PM2_FLAGS } from '../../src/cli/start-flags.js';

const parse = (line: string[]): CliRequest => parseCommandLine(line);

// Parses a line that must fail, returning the ArborError.
function parseError(line: string[]): ArborError {
  try {
    parseCommandLine(line);
  } catch (error) {
    if (isArborError(error)) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(line)} to be rejected`);
}

function startApp(line: string[]): Record<string, unknown> {
  const request = parse(['start', 'app.js', ...line]);
  if (request.command !== 'start') throw new Error(`expected start, got ${request.command}`);
  return request.app;
}

describe('parseCommandLine: verbs and aliases', () => {
  it.each([
    [['list'], 'list'],
    [['ls'], 'list'],
    [['l'], 'list'],
    [['ps'], 'list'],
    [['status'], 'list'],
    [['jlist'], 'jlist'],
    [['prettylist'], 'prettylist'],
    [['reloadLogs'], 'reloadLogs'],
    [['resurrect'], 'resurrect'],
    [['cleardump'], 'cleardump'],
    [['ping'], 'ping'],
    [['kill'], 'kill'],
  ] as const)('%j is %s', (line, command) => {
    expect(parse([...line])).toEqual({ command, noColor: false, silent: false });
  });

  it.each([
    ['describe', 'describe'],
    ['show', 'describe'],
    ['info', 'describe'],
    ['desc', 'describe'],
    ['env', 'env'],
    ['id', 'id'],
    ['reset', 'reset'],
  ] as const)('%s <target> is %s with the target', (verb, command) => {
    expect(parse([verb, 'api'])).toMatchObject({ command, target: 'api' });
  });

  it.each(['describe', 'env', 'id', 'reset'])('%s without a target is a usage error', (verb) => {
    const error = parseError([verb]);
    expect(error.code).toBe('E_USAGE');
    expect(error.message).toContain('missing required argument');
  });

  it.each(['pid', 'flush'] as const)('%s takes an optional target', (verb) => {
    expect(parse([verb])).toEqual({ command: verb, noColor: false, silent: false });
    expect(parse([verb, 'api'])).toMatchObject({ command: verb, target: 'api' });
  });

  it.each([
    ['stop', 'stop'],
    ['restart', 'restart'],
    ['reload', 'reload'],
    ['delete', 'delete'],
    ['del', 'delete'],
  ] as const)('%s takes several targets as %s', (verb, command) => {
    expect(parse([verb, 'api', '3', 'all', '/^w/'])).toMatchObject({
      command,
      targets: ['api', '3', 'all', '/^w/'],
      updateEnv: false,
      force: false,
      app: {},
      ignoredFlags: [],
    });
  });

  it.each(['stop', 'restart', 'reload', 'delete'])('%s without a target is a usage error', (verb) => {
    expect(parseError([verb]).code).toBe('E_USAGE');
  });

  it('restart and reload take -a/--update-env, --env, -f and app flags', () => {
    expect(parse(['restart', 'api', '-a', '--env', 'production'])).toMatchObject({
      command: 'restart',
      targets: ['api'],
      updateEnv: true,
      env: 'production',
    });
    expect(parse(['reload', 'all', '--update-env', '--max-memory-restart', '300M', '--parallel', '3'])).toMatchObject({
      command: 'reload',
      updateEnv: true,
      parallel: 3,
      app: { max_memory_restart: '300M' },
    });
  });

  it('stop --watch asks to stop watching too; the flag takes no paths, and delete has none', () => {
    expect(parse(['stop', 'api', '--watch'])).toMatchObject({ command: 'stop', targets: ['api'], watch: false, app: {} });
    expect(parse(['stop', 'api', '--watch', 'web'])).toMatchObject({ command: 'stop', targets: ['api', 'web'], watch: false });
    expect(parse(['stop', 'api'])).not.toHaveProperty('watch');
    expect(parseError(['delete', 'api', '--watch']).message).toContain("unknown option '--watch'");
  });

  it.each(['restart', 'reload'] as const)('%s --watch toggles watching, --watch a,b sets the paths; both leave app', (verb) => {
    expect(parse([verb, 'api', '--watch'])).toMatchObject({ command: verb, targets: ['api'], watch: 'toggle', app: {} });
    expect(parse([verb, 'api', '--watch', 'src,lib/*.{js,ts}', '--watch', 'conf'])).toMatchObject({
      command: verb,
      targets: ['api'],
      watch: ['src', 'lib/*.{js,ts}', 'conf'],
      app: {},
    });
    expect(parse([verb, 'api', '--watch', '--max-memory-restart', '1G'])).toMatchObject({ watch: 'toggle', app: { max_memory_restart: '1G' } });
    expect(parse([verb, 'api'])).not.toHaveProperty('watch');
  });

  it('restart --watch with an empty path list is a usage error naming the flag', () => {
    const error = parseError(['restart', 'api', '--watch', ',']);
    expect(error.code).toBe('E_USAGE');
    expect(error.details).toMatchObject({ field: '--watch', value: [] });
  });

  it('stop and delete take --only but not app flags', () => {
    expect(parse(['delete', 'ecosystem.config.js', '--only', 'api,worker'])).toMatchObject({
      command: 'delete',
      only: ['api', 'worker'],
    });
    expect(parseError(['stop', 'api', '--name', 'x']).message).toContain("unknown option '--name'");
  });

  it.each(['startOrRestart', 'startOrReload', 'startOrGracefulReload'] as const)(
    '%s takes a file and the start flags',
    (verb) => {
      expect(parse([verb, 'ecosystem.config.js', '--env', 'staging', '--only', 'api'])).toMatchObject({
        command: verb,
        file: 'ecosystem.config.js',
        env: 'staging',
        only: ['api'],
        updateEnv: false,
      });
      expect(parseError([verb]).code).toBe('E_USAGE');
    },
  );

  it('logs defaults to 15 lines of both streams, following', () => {
    expect(parse(['logs'])).toEqual({
      command: 'logs',
      lines: DEFAULT_LOG_LINES,
      source: 'all',
      raw: false,
      json: false,
      format: false,
      nostream: false,
      noColor: false,
      silent: false,
    });
    expect(DEFAULT_LOG_LINES).toBe(15);
  });

  it('logs reads every flag, and `log` is an alias', () => {
    expect(
      parse(['log', 'api', '--lines', '100', '--err', '--raw', '--json', '--format', '--nostream', '--highlight', 'GET']),
    ).toEqual({
      command: 'logs',
      target: 'api',
      lines: 100,
      source: 'err',
      raw: true,
      json: true,
      format: true,
      nostream: true,
      highlight: 'GET',
      noColor: false,
      silent: false,
    });
    expect(parse(['logs', '--out'])).toMatchObject({ source: 'out' });
  });

  it('logs --timestamp takes an optional format, defaulting to PM2s', () => {
    expect(parse(['logs', 'api', '--timestamp'])).toMatchObject({ target: 'api', timestamp: DEFAULT_TIMESTAMP_FORMAT });
    expect(parse(['logs', '--timestamp=HH:mm'])).toMatchObject({ timestamp: 'HH:mm' });
    expect(DEFAULT_TIMESTAMP_FORMAT).toBe('YYYY-MM-DD-HH:mm:ss');
  });

  it('logs rejects --out with --err and a bad --lines', () => {
    expect(parseError(['logs', '--out', '--err']).message).toContain('cannot be used with');
    const error = parseError(['logs', '--lines', 'ten']);
    expect(error.code).toBe('E_USAGE');
    expect(error.message).toContain('--lines must be a whole number');
    expect(error.details).toMatchObject({ field: '--lines', value: 'ten' });
    expect(parse(['logs', '--lines', '0'])).toMatchObject({ lines: 0 });
  });

  it('logs ignores a bare --highlight, as PM2 does', () => {
    expect(parse(['logs', '--highlight'])).not.toHaveProperty('highlight');
  });

  it('save and its alias dump take --force/-f', () => {
    expect(parse(['save'])).toMatchObject({ command: 'save', force: false });
    expect(parse(['dump', '--force'])).toMatchObject({ command: 'save', force: true });
    expect(parse(['save', '-f'])).toMatchObject({ command: 'save', force: true });
  });

  it('scale reads a count or a signed change', () => {
    expect(parse(['scale', 'api', '4'])).toMatchObject({ command: 'scale', target: 'api', change: { kind: 'set', instances: 4 } });
    expect(parse(['scale', 'api', '+2'])).toMatchObject({ change: { kind: 'add', delta: 2 } });
    expect(parse(['scale', 'api', '-1'])).toMatchObject({ change: { kind: 'add', delta: -1 } });
    expect(parse(['scale', 'api', '0'])).toMatchObject({ change: { kind: 'set', instances: 0 } });
    for (const bad of ['two', '1.5', '+', '']) {
      const error = parseError(['scale', 'api', bad]);
      expect(error.code).toBe('E_USAGE');
      expect(error.details).toMatchObject({ field: 'number', value: bad });
    }
  });

  it('sendSignal takes the signal then the target', () => {
    expect(parse(['sendSignal', 'SIGUSR2', 'api'])).toMatchObject({ command: 'sendSignal', signal: 'SIGUSR2', target: 'api' });
    expect(parseError(['sendSignal', 'SIGUSR2']).code).toBe('E_USAGE');
  });

  it('init and its alias ecosystem take an optional simple mode', () => {
    expect(parse(['init'])).toMatchObject({ command: 'init', simple: false });
    expect(parse(['ecosystem', 'simple'])).toMatchObject({ command: 'init', simple: true });
    expect(parseError(['init', 'complex']).message).toContain("init takes no mode or 'simple'");
  });

  it('rejects extra arguments to verbs that take none', () => {
    expect(parseError(['ls', 'api']).message).toContain('too many arguments');
  });
});

describe('parseCommandLine: start', () => {
  it('start with no target means the default ecosystem file (left to the caller)', () => {
    expect(parse(['start'])).toEqual({
      command: 'start',
      targets: [],
      scriptIsCommand: false,
      app: {},
      updateEnv: false,
      force: false,
      ignoredFlags: [],
      noColor: false,
      silent: false,
    });
  });

  it('start takes several targets', () => {
    expect(parse(['start', 'a.js', 'b.py', 'api'])).toMatchObject({ targets: ['a.js', 'b.py', 'api'], app: {} });
  });

  it.each([
    [['-n', 'api'], { name: 'api' }],
    [['--name', 'api'], { name: 'api' }],
    [['--name=api'], { name: 'api' }],
    [['-i', '4'], { instances: '4' }],
    [['-i', 'max'], { instances: 'max' }],
    [['-i', '-1'], { instances: '-1' }],
    [['-i', '0'], { instances: '0' }],
    [['--instances', 'max'], { instances: 'max' }],
    [['-x'], { exec_mode: 'fork_mode' }],
    [['--execute-command'], { exec_mode: 'fork_mode' }],
    [['--interpreter', 'python3'], { interpreter: 'python3' }],
    [['--interpreter-args', '--harmony'], { node_args: '--harmony' }],
    [['--node-args', '--max-old-space-size=4096'], { node_args: '--max-old-space-size=4096' }],
    [['--node-args=--inspect'], { node_args: '--inspect' }],
    [['--node-args', '--inspect', '--interpreter-args', '-r dotenv/config'], { node_args: '-r dotenv/config --inspect' }],
    [['-o', '/tmp/out.log'], { out_file: '/tmp/out.log' }],
    [['--output', '/tmp/out.log'], { out_file: '/tmp/out.log' }],
    [['-e', '/tmp/err.log'], { error_file: '/tmp/err.log' }],
    [['--error', '/dev/null'], { error_file: '/dev/null' }],
    [['-l', '/tmp/all.log'], { log_file: '/tmp/all.log' }],
    [['--log'], { log_file: true }],
    [['--merge-logs'], { merge_logs: true }],
    [['--time'], { time: true }],
    [['--log-date-format', 'YYYY-MM-DD HH:mm Z'], { log_date_format: 'YYYY-MM-DD HH:mm Z' }],
    [['--log-type', 'json'], { log_type: 'json' }],
    [['--disable-logs'], { disable_logs: true }],
    [['--max-restarts', '10'], { max_restarts: '10' }],
    [['--min-uptime', '5000'], { min_uptime: '5000' }],
    [['--restart-delay', '3000'], { restart_delay: '3000' }],
    [['--exp-backoff-restart-delay', '100'], { exp_backoff_restart_delay: '100' }],
    [['-k', '5000'], { kill_timeout: '5000' }],
    [['--kill-timeout', '5000'], { kill_timeout: '5000' }],
    [['--no-autorestart'], { autorestart: false }],
    [['--no-autostart'], { autostart: false }],
    [['--stop-exit-codes', '0'], { stop_exit_codes: [0] }],
    [['--stop-exit-codes', '0', '3', '255'], { stop_exit_codes: [0, 3, 255] }],
    [['--cwd', '/srv/app'], { cwd: '/srv/app' }],
    [['--namespace', 'backend'], { namespace: 'backend' }],
    [['--max-memory-restart', '200M'], { max_memory_restart: '200M' }],
    [['--watch'], { watch: true }],
    [['--watch', 'src'], { watch: ['src'] }],
    [['--watch', 'src', '--watch', 'lib'], { watch: ['src', 'lib'] }],
    [['--watch', 'src,lib/*.{js,ts}'], { watch: ['src', 'lib/*.{js,ts}'] }],
    [['--ignore-watch', 'node_modules logs'], { ignore_watch: 'node_modules logs' }],
    [['--ignore-watch', 'node_modules', '--ignore-watch', '*.log'], { ignore_watch: 'node_modules *.log' }],
    [['--watch-delay', '4'], { watch_delay: 4000 }],
    [['--watch-delay', '1.5'], { watch_delay: 1500 }],
    [['--watch-delay', '4000ms'], { watch_delay: '4000ms' }],
    [['--wait-ready'], { wait_ready: true }],
    [['--listen-timeout', '8000'], { listen_timeout: '8000' }],
    [['-c', '0 3 * * *'], { cron_restart: '0 3 * * *' }],
    [['--cron-restart', '0 3 * * *'], { cron_restart: '0 3 * * *' }],
    [['--shutdown-with-message'], { shutdown_with_message: true }],
    [['--no-treekill'], { treekill: false }],
    [['--uid', 'www'], { uid: 'www' }],
    [['--gid', 'www'], { gid: 'www' }],
    [['-p', '/run/app.pid'], { pid_file: '/run/app.pid' }],
    [['--pid', '/run/app.pid'], { pid_file: '/run/app.pid' }],
    [['--filter-env'], { filter_env: true }],
    [['--filter-env', 'SECRET_'], { filter_env: ['SECRET_'] }],
  ])('start app.js %j gives app %j', (flags, app) => {
    expect(startApp(flags)).toEqual(app);
  });

  it('the flag table fills exactly these app keys (a new flag needs a row in the table above)', () => {
    const keys = new Set(APP_FLAGS.map((flag) => flag.key));
    expect([...keys].sort()).toEqual(
      [
        'name', 'instances', 'exec_mode', 'interpreter', 'node_args', 'out_file', 'error_file', 'log_file', 'merge_logs',
        'time', 'log_date_format', 'log_type', 'disable_logs', 'max_restarts', 'min_uptime', 'restart_delay',
        'exp_backoff_restart_delay', 'kill_timeout', 'autorestart', 'autostart', 'stop_exit_codes', 'cwd', 'namespace',
        'max_memory_restart', 'watch', 'ignore_watch', 'watch_delay', 'wait_ready', 'listen_timeout', 'cron_restart',
        'shutdown_with_message', 'treekill', 'uid', 'gid', 'pid_file', 'filter_env',
      ].sort(),
    );
  });

  it('flags combine, and defaults of --no-* flags are not reported as given', () => {
    expect(startApp(['-n', 'api', '-i', 'max', '--max-restarts', '5', '--no-autorestart', '--time'])).toEqual({
      name: 'api',
      instances: 'max',
      max_restarts: '5',
      autorestart: false,
      time: true,
    });
  });

  it('flags may come before the target', () => {
    expect(parse(['start', '-i', '-1', '--name', 'api', 'server.js'])).toMatchObject({
      targets: ['server.js'],
      app: { instances: '-1', name: 'api' },
    });
  });

  it('takes the request flags: --env, -a, -f, --only, --parallel', () => {
    expect(
      parse(['start', 'ecosystem.config.js', '--env', 'production', '-a', '-f', '--only', 'api, worker', '--parallel', '2']),
    ).toMatchObject({
      command: 'start',
      targets: ['ecosystem.config.js'],
      env: 'production',
      updateEnv: true,
      force: true,
      only: ['api', 'worker'],
      parallel: 2,
      app: {},
    });
    expect(parse(['start', 'app.js', '--update-env', '--force'])).toMatchObject({ updateEnv: true, force: true });
  });

  it('rejects a bad --parallel and an empty --only', () => {
    expect(parseError(['restart', 'all', '--parallel', '0']).details).toMatchObject({ field: '--parallel', value: '0' });
    expect(parseError(['start', 'e.config.js', '--only', ',']).message).toContain('--only needs at least one app name');
  });

  it('rejects a non-numeric or out-of-range --stop-exit-codes', () => {
    for (const bad of ['abc', '-1', '256', '1.5']) {
      const error = parseError(['start', 'app.js', '--stop-exit-codes', bad]);
      expect(error.code).toBe('E_USAGE');
      expect(error.details).toMatchObject({ field: 'stop_exit_codes', value: bad });
    }
  });

  it('passes arguments after -- to the script as args', () => {
    expect(parse(['start', 'app.js', '--name', 'api', '--', '--port', '8080', '-v'])).toMatchObject({
      targets: ['app.js'],
      app: { name: 'api', args: ['--port', '8080', '-v'] },
    });
    expect(parse(['start', 'app.js', '--'])).toMatchObject({ app: { args: [] } });
    expect(parse(['restart', 'api', '--', 'x'])).toMatchObject({ app: { args: ['x'] } });
  });

  it('a -- after verbs that start no script is a usage error', () => {
    const error = parseError(['stop', 'api', '--', 'x']);
    expect(error.code).toBe('E_USAGE');
    expect(error.message).toContain("'stop' starts no script");
  });

  it('a target with spaces is a command line: it goes to app.script and must stand alone', () => {
    expect(parse(['start', 'npm run dev', '--name', 'web'])).toMatchObject({
      targets: ['npm run dev'],
      scriptIsCommand: true,
      app: { script: 'npm run dev', name: 'web' },
    });
    expect(parse(['start', 'python3\t-m http.server'])).toMatchObject({ scriptIsCommand: true });
    expect(parse(['start', 'app.js'])).toMatchObject({ scriptIsCommand: false, app: {} });
    const error = parseError(['start', 'npm run dev', 'api.js']);
    expect(error.code).toBe('E_USAGE');
    expect(error.message).toContain('must be the only start target');
    expect(parseError(['start', '']).message).toContain('must not be empty');
  });

  it('keeps - (JSON on stdin) as a target', () => {
    expect(parse(['start', '-'])).toMatchObject({ targets: ['-'], scriptIsCommand: false });
  });

  it('accepts the ignored PM2 flags and reports them', () => {
    const request = parse(['start', 'app.js', '--no-vizion', '--no-pmx', '--trace', '--ext', 'js,json', '-n', 'api']);
    expect(request).toMatchObject({ app: { name: 'api' }, ignoredFlags: ['--no-vizion', '--no-pmx', '--trace', '--ext'] });
    for (const { flags } of IGNORED_PM2_FLAGS) {
      const flag = flags.split(' ')[0] ?? flags;
      const line = flags.includes('<') ? ['start', 'app.js', flag, 'x'] : ['start', 'app.js', flag];
      expect(parse(line)).toMatchObject({ app: {}, ignoredFlags: [flag] });
    }
  });
});

describe('parseCommandLine: errors', () => {
  it('an unknown verb is a usage error with a suggestion', () => {
    const error = parseError(['lst']);
    expect(error).toBeInstanceOf(ArborError);
    expect(error.code).toBe('E_USAGE');
    expect(error.message).toMatch(/^unknown command 'lst'/);
    expect(error.message).toContain('list');
    expect(error.details).toMatchObject({ commanderCode: 'commander.unknownCommand' });
  });

  it('an unknown flag is a usage error', () => {
    expect(parseError(['start', 'app.js', '--bogus']).message).toBe("unknown option '--bogus'");
    expect(parseError(['ls', '--bogus']).message).toBe("unknown option '--bogus'");
    expect(parseError(['--bogus']).code).toBe('E_USAGE');
  });

  it.each([
    [['start', 'app.js', '-n']],
    [['start', 'app.js', '--max-restarts']],
    [['start', 'app.js', '--stop-exit-codes']],
    [['restart', 'api', '--env']],
    [['logs', '--lines']],
  ])('%j: a flag without its value is a usage error', (line) => {
    const error = parseError(line);
    expect(error.code).toBe('E_USAGE');
    expect(error.message).toContain('argument missing');
  });

  it('a flag whose value is the next flag is missing its value', () => {
    const error = parseError(['start', 'app.js', '-n', '--watch']);
    expect(error.code).toBe('E_USAGE');
    expect(error.message).toContain("argument missing (the next word, '--watch', is an option)");
    expect(parseError(['start', 'app.js', '--cwd', '-x']).message).toContain('argument missing');
    expect(parseError(['start', 'app.js', '--stop-exit-codes', '--time']).message).toContain('argument missing');
    expect(parseError(['start', 'app.js', '-o', '--no-color']).message).toContain('argument missing');
  });

  it('a value that merely starts with a dash is still a value', () => {
    expect(startApp(['--node-args', '--inspect=0.0.0.0:9229'])).toEqual({ node_args: '--inspect=0.0.0.0:9229' });
    expect(startApp(['-i', '-2'])).toEqual({ instances: '-2' });
  });

  it('never prints nor exits', () => {
    const writes: string[] = [];
    const out = process.stdout.write.bind(process.stdout);
    const err = process.stderr.write.bind(process.stderr);
    process.stdout.write = ((chunk: string) => (writes.push(chunk), true)) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string) => (writes.push(chunk), true)) as typeof process.stderr.write;
    try {
      for (const line of [[], ['--help'], ['-v'], ['lst'], ['start', '--bogus'], ['help', 'logs'], ['describe']]) {
        try {
          parseCommandLine(line);
        } catch {
          // errors are expected for some lines; only output matters here
        }
      }
    } finally {
      process.stdout.write = out;
      process.stderr.write = err;
    }
    expect(writes).toEqual([]);
  });
});

describe('parseCommandLine: help, version and global flags', () => {
  it('-v and --version ask for the version', () => {
    expect(parse(['-v'])).toEqual({ command: 'version', noColor: false, silent: false });
    expect(parse(['--version'])).toMatchObject({ command: 'version' });
  });

  it('--help returns the program help listing every verb', () => {
    const request = parse(['--help']);
    if (request.command !== 'help') throw new Error('expected help');
    expect(request.requested).toBe(true);
    expect(request.text).toContain('Usage: arbor [options] <command>');
    for (const verb of ['start', 'stop', 'restart', 'reload', 'delete|del', 'list|ls', 'jlist', 'describe|show', 'logs|log', 'save|dump', 'scale', 'sendSignal', 'init|ecosystem', 'startOrGracefulReload']) {
      expect(request.text).toContain(verb);
    }
    expect(request.text).toContain('start [options] [targets...]');
    expect(parse(['-h'])).toMatchObject({ command: 'help', requested: true });
    expect(parse(['help'])).toMatchObject({ command: 'help', requested: true, text: request.text });
  });

  it('<verb> --help and help <verb> return that verb\'s help', () => {
    const request = parse(['start', '--help']);
    if (request.command !== 'help') throw new Error('expected help');
    expect(request.text).toContain('Usage: arbor start [options] [targets...]');
    expect(request.text).toContain('--max-memory-restart <memory>');
    expect(request.text).toContain('--no-color');
    expect(request.text).not.toContain('--no-vizion');
    expect(parse(['help', 'start'])).toEqual(request);
    expect(parse(['logs', '-h'])).toMatchObject({ command: 'help', text: expect.stringContaining('--nostream') });
    expect(parse(['help', 'restart'])).toMatchObject({ command: 'help', text: expect.stringContaining('--update-env') });
    expect(parse(['del', '--help'])).toMatchObject({ command: 'help', text: expect.stringContaining('--only') });
  });

  it('no verb at all gives the help as a usage complaint', () => {
    expect(parse([])).toMatchObject({ command: 'help', requested: false, text: expect.stringContaining('Commands:') });
    expect(parse(['--no-color'])).toMatchObject({ command: 'help', requested: false, noColor: true });
  });

  it('wraps help at the given width', () => {
    const request = parseCommandLine(['start', '--help'], { helpWidth: 200 });
    if (request.command !== 'help') throw new Error('expected help');
    expect(request.text).toContain('number of instances: a number, \'max\' or 0 (one per CPU), or -n (CPUs minus n)');
  });

  it('--no-color and -s/--silent are accepted before or after the verb', () => {
    expect(parse(['--no-color', 'ls'])).toEqual({ command: 'list', noColor: true, silent: false });
    expect(parse(['ls', '--no-color'])).toEqual({ command: 'list', noColor: true, silent: false });
    expect(parse(['start', 'app.js', '-s', '--no-color'])).toMatchObject({ command: 'start', noColor: true, silent: true });
    expect(parse(['-s', 'jlist'])).toMatchObject({ command: 'jlist', silent: true });
    expect(parse(['logs', '--silent'])).toMatchObject({ command: 'logs', silent: true });
  });
});
