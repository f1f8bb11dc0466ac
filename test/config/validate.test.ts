import { homedir } from 'node:os';
import { describe, expect, it } from 'vitest';

import { normalizeApp, type NormalizeOptions } from '../../src/config/validate.js';
import { configError } from './helpers.js';

const FILE = '/srv/app/ecosystem.config.js';
const BASE: NormalizeOptions = { baseDir: '/srv/app', shellEnv: { HOME: '/home/me' }, cpuCount: 4 };

function normalize(raw: unknown, options: Partial<NormalizeOptions> = {}, index = 0) {
  return normalizeApp(raw, { file: FILE, index }, { ...BASE, ...options });
}


describe('normalizeApp defaults', () => {
  it('fills every PM2 default for a script-only app', () => {
    const { app, warnings } = normalize({ script: 'server.js' });
    expect(warnings).toEqual([]);
    expect(app).toEqual({
      name: 'server',
      script: 'server.js',
      args: [],
      cwd: '/srv/app',
      interpreter: undefined,
      interpreter_args: [],
      exec_mode: 'fork_mode',
      instances: 1,
      namespace: 'default',
      env: { HOME: '/home/me' },
      autorestart: true,
      autostart: true,
      stop_exit_codes: [],
      max_restarts: 16,
      min_uptime: 1000,
      restart_delay: 0,
      exp_backoff_restart_delay: 0,
      kill_timeout: 1600,
      kill_retry_time: 100,
      shutdown_with_message: false,
      treekill: true,
      max_memory_restart: undefined,
      out_file: undefined,
      error_file: undefined,
      log_file: undefined,
      merge_logs: true,
      time: false,
      log_date_format: undefined,
      log_type: 'raw',
      log_max_size: 10 * 1024 * 1024,
      log_retain: 5,
      pid_file: undefined,
      watch: false,
      ignore_watch: [],
      watch_delay: 0,
      watch_options: undefined,
      wait_ready: false,
      listen_timeout: 3000,
      increment_var: undefined,
      instance_var: 'NODE_APP_INSTANCE',
      cron_restart: undefined,
      force: false,
      source: { file: FILE, index: 0 },
    });
    expect('kill_signal' in app).toBe(false);
  });

  it('names the app after the script basename, or the first word of a command line', () => {
    expect(normalize({ script: './bin/worker.mjs' }).app.name).toBe('worker');
    expect(normalize({ script: 'python3 -m http.server 8000' }).app.name).toBe('python3');
    expect(normalize({ script: '/usr/local/bin/redis-server' }).app.name).toBe('redis-server');
    expect(normalize({ script: 'app.js', name: 'api' }).app.name).toBe('api');
  });

  it('resolves cwd against the config directory and paths in scripts against cwd; bare words and commands stay', () => {
    expect(normalize({ script: './server.js', cwd: 'services/api' }).app).toMatchObject({ cwd: '/srv/app/services/api', script: '/srv/app/services/api/server.js' });
    expect(normalize({ script: 'npm', args: 'start' }).app).toMatchObject({ cwd: '/srv/app', script: 'npm', args: ['start'] });
    expect(normalize({ script: 'node server.js --port 1' }).app.script).toBe('node server.js --port 1');
    expect(normalize({ script: '~/bin/job.sh', cwd: '~/work' }).app).toMatchObject({ cwd: '/home/me/work', script: '/home/me/bin/job.sh' });
    expect(normalize({ script: 'a.js', cwd: '~' }, { shellEnv: {} }).app.cwd).toBe(homedir());
    expect(normalize({ script: 'a.py', cwd: 'svc', interpreter: './venv/bin/python' }).app.interpreter).toBe('/srv/app/svc/venv/bin/python');
    expect(normalize({ script: 'a.py', interpreter: 'python3' }).app.interpreter).toBe('python3');
  });

  it('resolves log paths against cwd and keeps /dev/null and NULL as written', () => {
    const { app } = normalize({ script: 'a.js', cwd: '/var/app', out_file: 'logs/out.log', error_file: '/dev/null', log_file: 'NULL', pid_file: 'run/a.pid' });
    expect(app).toMatchObject({ out_file: '/var/app/logs/out.log', error_file: '/dev/null', log_file: 'NULL', pid_file: '/var/app/run/a.pid' });
    expect(normalize({ script: 'a.js', log: true }).app.log_file).toBe(true);
    expect(normalize({ script: 'a.js', log: false }).app.log_file).toBeUndefined();
    expect(normalize({ script: 'a.js', disable_logs: true, out: 'x.log', log: 'all.log' }).app).toMatchObject({ out_file: '/dev/null', error_file: '/dev/null', log_file: undefined });
  });
});

describe('aliases and camelCase', () => {
  it('accepts every PM2 alias of a key', () => {
    const cases: Array<[string, string, unknown, unknown]> = [
      ['exec', 'script', 'a.js', 'a.js'],
      ['cmd', 'script', 'a.js', 'a.js'],
      ['command', 'script', 'a.js', 'a.js'],
      ['out', 'out_file', '/l/o.log', '/l/o.log'],
      ['output', 'out_file', '/l/o.log', '/l/o.log'],
      ['out_log', 'out_file', '/l/o.log', '/l/o.log'],
      ['error', 'error_file', '/l/e.log', '/l/e.log'],
      ['err', 'error_file', '/l/e.log', '/l/e.log'],
      ['err_file', 'error_file', '/l/e.log', '/l/e.log'],
      ['err_log', 'error_file', '/l/e.log', '/l/e.log'],
      ['log', 'log_file', '/l/c.log', '/l/c.log'],
      ['combine_logs', 'merge_logs', false, false],
      ['exec_interpreter', 'interpreter', 'python3', 'python3'],
      ['node_args', 'interpreter_args', '--inspect --trace-warnings', ['--inspect', '--trace-warnings']],
      ['cron', 'cron_restart', '0 * * * *', '0 * * * *'],
      ['pid', 'pid_file', '/run/a.pid', '/run/a.pid'],
      ['max_size', 'log_max_size', '1M', 1024 ** 2],
      ['retain', 'log_retain', '7', 7],
      ['maxMemoryRestart', 'max_memory_restart', '200M', 200 * 1024 ** 2],
      ['expBackoffRestartDelay', 'exp_backoff_restart_delay', 100, 100],
      ['interpreterArgs', 'interpreter_args', ['-u'], ['-u']],
      ['nodeArgs', 'interpreter_args', ['-u'], ['-u']],
      ['killTimeout', 'kill_timeout', '3s', 3000],
      ['errFile', 'error_file', '/l/e.log', '/l/e.log'],
      ['stopExitCodes', 'stop_exit_codes', [0, 2], [0, 2]],
      ['logMaxSize', 'log_max_size', '2K', 2048],
    ];
    for (const [spelled, key, given, expected] of cases) {
      const raw: Record<string, unknown> = { name: 'x', [spelled]: given };
      if (key !== 'script') raw.script = 'a.js';
      const { app, warnings } = normalize(raw);
      expect((app as unknown as Record<string, unknown>)[key], spelled).toEqual(expected);
      expect(warnings, spelled).toEqual([]);
    }
  });

  it('prefers the canonical spelling and warns when two spellings disagree', () => {
    const { app, warnings } = normalize({ script: 'a.js', name: 'api', out: '/l/alias.log', out_file: '/l/canonical.log' });
    expect(app.out_file).toBe('/l/canonical.log');
    expect(warnings).toEqual(['"out_file" and "out" are the same key with different values in apps[0] (api) of /srv/app/ecosystem.config.js; using "out_file"']);
    expect(normalize({ script: 'a.js', out: '/l/same.log', out_file: '/l/same.log' }).warnings).toEqual([]);
  });
});

describe('value forms', () => {
  it('parses numeric strings, sizes and durations wherever numbers go', () => {
    const { app } = normalize({
      script: 'a.js',
      max_restarts: '5',
      min_uptime: '10s',
      restart_delay: '250',
      kill_timeout: '1m',
      listen_timeout: '8s',
      max_memory_restart: '1G',
      log_max_size: '512K',
      watch_delay: '2s',
      port: '8080',
      stop_exit_codes: '0 2',
    });
    expect(app).toMatchObject({
      max_restarts: 5,
      min_uptime: 10_000,
      restart_delay: 250,
      kill_timeout: 60_000,
      listen_timeout: 8000,
      max_memory_restart: 1024 ** 3,
      log_max_size: 512 * 1024,
      watch_delay: 2000,
      stop_exit_codes: [0, 2],
    });
    expect(app.env.PORT).toBe('8080');
  });

  it('splits string arrays on whitespace, respecting quotes', () => {
    const { app } = normalize({ script: 'a.js', args: `--name "my app" -v`, ignore_watch: 'node_modules logs', watch: 'src lib' });
    expect(app.args).toEqual(['--name', 'my app', '-v']);
    expect(app.ignore_watch).toEqual(['node_modules', 'logs']);
    expect(app.watch).toEqual(['src', 'lib']);
    expect(normalize({ script: 'a.js', watch: 'true' }).app.watch).toBe(true);
  });

  it('reads booleans from "true"/"false" strings and normalizes signals', () => {
    const { app } = normalize({ script: 'a.js', autorestart: 'false', wait_ready: 'true', kill_signal: 'term' });
    expect(app).toMatchObject({ autorestart: false, wait_ready: true, kill_signal: 'SIGTERM' });
  });

  it('treats max_memory_restart 0 as no limit and cron 0 as no cron', () => {
    expect(normalize({ script: 'a.js', max_memory_restart: 0, cron_restart: 0 }).app).toMatchObject({ max_memory_restart: undefined, cron_restart: undefined });
  });

  it('ignores keys set to undefined or null, as JS configs do with missing env variables', () => {
    expect(normalize({ script: 'a.js', instances: undefined, cwd: null }).app).toMatchObject({ instances: 1, cwd: '/srv/app' });
  });
});

describe('instances and exec_mode', () => {
  it('resolves max, 0 and negatives against the CPU count', () => {
    expect(normalize({ script: 'a.js', instances: 'max' }).app.instances).toBe(4);
    expect(normalize({ script: 'a.js', instances: 0 }).app.instances).toBe(4);
    expect(normalize({ script: 'a.js', instances: -1 }).app.instances).toBe(3);
    expect(normalize({ script: 'a.js', instances: '-9' }).app.instances).toBe(1);
    expect(normalize({ script: 'a.js', instances: '3' }).app.instances).toBe(3);
  });

  it('uses the machine CPU count when none is given', async () => {
    const { availableParallelism } = await import('node:os');
    expect(normalizeApp({ script: 'a.js', instances: 'max' }, { index: 0 }, { baseDir: '/x' }).app.instances).toBe(availableParallelism());
  });

  it('chooses cluster mode when instances are given for a Node script and exec_mode is not', () => {
    expect(normalize({ script: 'a.js', instances: 2 }).app.exec_mode).toBe('cluster_mode');
    expect(normalize({ script: 'a.mjs', instances: 1 }).app.exec_mode).toBe('cluster_mode');
    expect(normalize({ script: 'run', interpreter: '/usr/bin/node', instances: 2 }).app.exec_mode).toBe('cluster_mode');
    expect(normalize({ script: 'a.ts', interpreter: 'bun', instances: 2 }).app.exec_mode).toBe('cluster_mode');
    expect(normalize({ script: 'a.js' }).app.exec_mode).toBe('fork_mode');
    expect(normalize({ script: 'a.py', instances: 2 }).app.exec_mode).toBe('fork_mode');
    expect(normalize({ script: 'a.js', interpreter: 'python3', instances: 2 }).app.exec_mode).toBe('fork_mode');
    expect(normalize({ script: 'node a.js', instances: 2 }).app.exec_mode).toBe('fork_mode');
    expect(normalize({ script: 'a.js', instances: 2, exec_mode: 'fork' }).app.exec_mode).toBe('fork_mode');
    expect(normalize({ script: 'a.py', exec_mode: 'cluster' }).app.exec_mode).toBe('cluster_mode');
  });

  it('merges logs by default unless cluster mode was explicit or a fixed instance count was given', () => {
    expect(normalize({ script: 'a.js' }).app.merge_logs).toBe(true);
    expect(normalize({ script: 'a.js', instances: 'max' }).app.merge_logs).toBe(true);
    expect(normalize({ script: 'a.js', instances: 2 }).app.merge_logs).toBe(false);
    expect(normalize({ script: 'a.js', exec_mode: 'cluster' }).app.merge_logs).toBe(false);
    expect(normalize({ script: 'a.js', instances: 2, merge_logs: true }).app.merge_logs).toBe(true);
  });
});

describe('environment', () => {
  const shellEnv = { HOME: '/home/me', A: 'shell', B: 'shell', C: 'shell', SECRET_TOKEN: 't', PATH: '/bin' };

  it('merges shell env < env < env_<name> chosen by --env, with port as env.PORT', () => {
    const raw = {
      script: 'a.js',
      port: 3000,
      env: { B: 'env', C: 'env', PORT: 1, DEBUG: true },
      env_production: { C: 'production', PORT: '80' },
      env_staging: { C: 'staging' },
    };
    expect(normalize(raw, { shellEnv }).app.env).toEqual({ ...shellEnv, B: 'env', C: 'env', PORT: '3000', DEBUG: 'true' });
    expect(normalize(raw, { shellEnv, env: 'production' }).app.env).toEqual({ ...shellEnv, B: 'env', C: 'production', PORT: '80', DEBUG: 'true' });
    expect(normalize(raw, { shellEnv, env: 'staging' }).app.env.C).toBe('staging');
  });

  it('puts deploy.<env>.env below the shell env, as PM2 does', () => {
    const { app } = normalize({ script: 'a.js', env: { C: 'env' } }, { shellEnv, env: 'production', deployEnv: { A: 'deploy', Z: 'deploy' } });
    expect(app.env).toMatchObject({ A: 'shell', Z: 'deploy', C: 'env' });
  });

  it('removes a variable set to null in a higher layer', () => {
    const { app } = normalize({ script: 'a.js', env: { SECRET_TOKEN: null }, env_prod: { PATH: null } }, { shellEnv, env: 'prod' });
    expect(app.env).not.toHaveProperty('SECRET_TOKEN');
    expect(app.env).not.toHaveProperty('PATH');
    expect(app.env.A).toBe('shell');
  });

  it('applies filter_env to the shell env only', () => {
    expect(normalize({ script: 'a.js', filter_env: true, env: { X: '1' } }, { shellEnv }).app.env).toEqual({ X: '1' });
    const filtered = normalize({ script: 'a.js', filter_env: ['SECRET', 'PATH'], env: { SECRET_X: 'kept' } }, { shellEnv }).app.env;
    expect(filtered).toEqual({ HOME: '/home/me', A: 'shell', B: 'shell', C: 'shell', SECRET_X: 'kept' });
  });

  it('warns when --env names a section the app does not have, and selects nothing', () => {
    const { app, warnings } = normalize({ name: 'api', script: 'a.js', env: { C: 'env' }, env_production: { C: 'p' } }, { shellEnv, env: 'prod' });
    expect(app.env.C).toBe('env');
    expect(warnings).toEqual(['--env prod selects nothing in apps[0] (api) of /srv/app/ecosystem.config.js: no env_prod (it has env_production)']);
  });

  it('appends the env name to the app name with append_env_to_name', () => {
    expect(normalize({ name: 'api', script: 'a.js', append_env_to_name: true }, { env: 'production' }).app.name).toBe('api-production');
    expect(normalize({ name: 'api', script: 'a.js', append_env_to_name: true }).app.name).toBe('api');
  });
});

describe('key warnings', () => {
  it('names the closest known key for an unknown one', () => {
    const { app, warnings } = normalize({ name: 'api', script: 'a.js', instnaces: 4 });
    expect(app.instances).toBe(1);
    expect(warnings).toEqual(['unknown key "instnaces" in apps[0] (api) of /srv/app/ecosystem.config.js; did you mean "instances"?']);
  });

  it('suggests the nearest spelling, camelCase included, and says when nothing is close', () => {
    expect(normalize({ script: 'a.js', maxMemoryRestrat: '1G' }).warnings[0]).toContain('did you mean "maxMemoryRestart"?');
    expect(normalize({ script: 'a.js', autorestrat: false }).warnings[0]).toContain('did you mean "autorestart"?');
    expect(normalize({ script: 'a.js', completely_unrelated: 1 }).warnings).toEqual([
      'unknown key "completely_unrelated" in apps[0] (a) of /srv/app/ecosystem.config.js; it is ignored',
    ]);
  });

  it('accepts PM2-only switches silently and explains keys that would change what runs', () => {
    expect(normalize({ script: 'a.js', vizion: false, pmx: false, trace: true, io: {}, windowsHide: true, automation: false }).warnings).toEqual([]);
    const { warnings } = normalize({ name: 'api', script: 'a.js', uid: 'www', gid: 'www' });
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toBe('key "uid" in apps[0] (api) of /srv/app/ecosystem.config.js has no effect: arbor runs apps as the user that runs the daemon; start the daemon as that user instead');
  });
});

describe('E_CONFIG errors', () => {
  it('gives the instances message of the style guide, with details', () => {
    const error = configError(() => normalizeApp({ script: 'a.js', instances: 'abc' }, { file: `${process.cwd()}/ecosystem.config.js`, index: 2 }, BASE));
    expect(error.message).toBe('instances must be a whole number, "max" or a negative number, got "abc" (string) in apps[2] (a) of ecosystem.config.js');
    expect(error.details).toMatchObject({ file: `${process.cwd()}/ecosystem.config.js`, app: 'a', field: 'instances', value: 'abc', allowed: 'a whole number, "max" or a negative number' });
  });

  it('names file, app, field as written, value and what is allowed for each kind of bad value', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ maxMemoryRestart: 'lots' }, 'maxMemoryRestart must be a size in bytes: a number >= 0 or a string like "512K", "200M" or "1G", got "lots" (string)'],
      [{ min_uptime: 50 }, 'min_uptime must be a duration: milliseconds >= 100, or a string like "500ms", "10s", "5m" or "1h", got 50 (number)'],
      [{ max_restarts: -1 }, 'max_restarts must be a whole number >= 0, got -1 (number)'],
      [{ exec_mode: 'threads' }, 'exec_mode must be "fork", "cluster", "fork_mode" or "cluster_mode", got "threads" (string)'],
      [{ autorestart: 'yes' }, 'autorestart must be true or false, got "yes" (string)'],
      [{ args: { a: 1 } }, 'args must be an array of strings, or a string of words separated by spaces (quotes group words), got {"a":1} (object)'],
      [{ args: '"unclosed' }, 'args must be a string of words with balanced quotes (a " is never closed), got "\\"unclosed" (string)'],
      [{ port: 70000 }, 'port must be a whole number from 0 to 65535, got 70000 (number)'],
      [{ log_type: 'text' }, 'log_type must be "raw" or "json", got "text" (string)'],
      [{ kill_signal: 'SIGFOO' }, 'kill_signal must be a signal name such as "SIGINT", "SIGTERM" or "SIGUSR2", got "SIGFOO" (string)'],
      [{ cron: 'daily' }, 'cron must be a cron pattern of 5 or 6 fields (e.g. "0 3 * * *") or "@hourly", "@daily", "@weekly", "@monthly", "@yearly"; 0 for none, got "daily" (string)'],
      [{ stop_exit_codes: ['x'] }, 'stop_exit_codes must be a whole number from 0 to 255, or a list of them, got ["x"] (array)'],
      [{ env: 'NODE_ENV=production' }, 'env must be an object of variable names to values, got "NODE_ENV=production" (string)'],
      [{ env: { NESTED: { a: 1 } } }, 'env.NESTED must be a string, number or boolean (null removes the variable), got {"a":1} (object)'],
      [{ env_production: [] }, 'env_production must be an object of variable names to values, got [] (array)'],
      [{ increment_var: 'MY-PORT' }, 'increment_var must be an environment variable name (letters, digits and _, not starting with a digit), got "MY-PORT" (string)'],
      [{ namespace: 'all' }, 'namespace must be a non-empty string without "/", "\\", control characters or surrounding spaces, not "all" and not only digits, got "all" (string)'],
      [{ cwd: '' }, 'cwd must be a non-empty string, got "" (string)'],
      [{ watch_options: 'fast' }, 'watch_options must be an object, got "fast" (string)'],
      [{ log_retain: 0 }, 'log_retain must be a whole number >= 1, got 0 (number)'],
    ];
    for (const [fields, message] of cases) {
      const error = configError(() => normalize({ name: 'api', script: 'a.js', ...fields }, {}, 3));
      expect(error.message).toBe(`${message} in apps[3] (api) of /srv/app/ecosystem.config.js`);
      const field = Object.keys(fields)[0]!;
      expect(error.details.file).toBe(FILE);
      expect(error.details.app).toBe('api');
      expect(error.details.field).toBe(error.message.split(' must be ')[0]);
      expect(error.details.field === field || (error.details.field as string).startsWith(`${field}.`)).toBe(true);
      expect(typeof error.details.allowed).toBe('string');
    }
  });

  it('requires script, naming the field and its aliases', () => {
    const error = configError(() => normalize({ name: 'api', args: '-v' }, {}, 1));
    expect(error.message).toBe('script is required: a file to run or a command line (also spelled exec, cmd or command) in apps[1] (api) of /srv/app/ecosystem.config.js');
    expect(error.details).toMatchObject({ field: 'script', value: undefined, file: FILE, app: 'api' });
    expect(configError(() => normalize({ script: '  ' })).message).toContain('script must be a file to run or a command line');
  });

  it('refuses a bad name before it is used, and a derived name that is not usable', () => {
    expect(configError(() => normalize({ name: 'a/b', script: 'a.js' })).message).toMatch(/^name must be .*, got "a\/b" \(string\) in apps\[0\] of \/srv\/app\/ecosystem.config.js$/);
    expect(configError(() => normalize({ script: '42.js' })).message).toContain('the name taken from script "42.js" is "42"');
  });

  it('refuses an app that is not an object', () => {
    const error = configError(() => normalize('server.js'));
    expect(error.message).toBe('apps[0] must be an object describing an app (with at least "script"), got "server.js" (string) in apps[0] of /srv/app/ecosystem.config.js');
  });

  it('leaves the file out of messages when there is none', () => {
    const error = configError(() => normalizeApp({ script: 'a.js', instances: 'abc' }, { index: 0 }, BASE));
    expect(error.message).toBe('instances must be a whole number, "max" or a negative number, got "abc" (string) in apps[0] (a)');
  });
});
