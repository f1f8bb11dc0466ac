// The ecosystem.config.js that `arbor init` writes.

const SAMPLE = `// arbor ecosystem file (PM2-compatible): start everything with \`arbor start ecosystem.config.js\`,
// or \`arbor start ecosystem.config.js --env production\` to merge each app's env_production over its env.
// Only "script" is required. Relative paths are taken from this file's directory.
// Sizes take K/M/G ('300M'); durations take ms/s/m/h ('10s') or plain milliseconds.
module.exports = {
  apps: [
    {
      name: 'api',
      script: './server.js',            // a file (its interpreter is chosen from the extension) or a command line
      // args: ['--port', '3000'],      // or one string: '--port 3000'
      // cwd: './',
      // interpreter: 'node',           // 'none' runs the script itself
      // interpreter_args: ['--max-old-space-size=512'],
      instances: 2,                     // 'max' = one per CPU, -1 = all CPUs but one
      exec_mode: 'cluster',             // 'fork' (the default) or 'cluster' (instances share one listening port)
      env: {
        NODE_ENV: 'development',
      },
      env_production: {                 // chosen with --env production
        NODE_ENV: 'production',
      },
      // port: 3000,                    // sets env.PORT
      // increment_var: 'PORT',         // instance k gets PORT + k

      // Restarts
      autorestart: true,
      max_restarts: 16,                 // crash loop: this many exits, each before min_uptime, mean errored
      min_uptime: '1s',
      exp_backoff_restart_delay: 100,   // 100 ms, then x1.5 per restart (or a fixed restart_delay)
      // stop_exit_codes: [0],          // exits that are a deliberate stop
      max_memory_restart: '300M',
      // cron_restart: '0 3 * * *',

      // Stopping and readiness
      kill_timeout: 1600,               // ms between the kill signal (SIGINT) and SIGKILL
      // kill_signal: 'SIGTERM',
      // wait_ready: true,              // online only after process.send('ready')
      // listen_timeout: 3000,

      // Logs (default: the daemon's logs directory)
      // out_file: './logs/api-out.log',
      // error_file: './logs/api-error.log',
      // time: true,                    // prefix each line with a timestamp
      // log_max_size: '10M',           // rotate past this size...
      // log_retain: 5,                 // ...keeping this many old files

      // Watching
      // watch: ['src'],
      // ignore_watch: ['node_modules', 'logs'],
    },
    {
      name: 'worker',
      script: 'worker.py',
      interpreter: 'python3',
      // args: '--queue default',
      autorestart: true,
      restart_delay: '2s',
    },
  ],

  // arbor only: supervise apps as an OTP tree. Strings name apps above; apps left out run on their own as usual.
  // tree: {
  //   strategy: 'rest_for_one',        // one_for_one | one_for_all | rest_for_one
  //   intensity: 5,                    // give up after 5 restarts...
  //   period: 10,                      // ...within 10 seconds
  //   children: [
  //     'worker',                      // under rest_for_one, a worker restart also restarts everything after it
  //     { supervisor: 'web', strategy: 'one_for_one', children: ['api'] },
  //   ],
  // },
};
`;

// The commented ecosystem.config.js that `arbor init` writes (CommonJS, so it loads in any package).
export function sampleEcosystem(): string {
  return SAMPLE;
}
