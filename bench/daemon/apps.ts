// The fixture apps the scenarios start: idle Node, Python and bash apps, the app that exits after 200 ms, the log flooder.
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import type { BenchApp } from './tools.js';
import { FIXTURES } from './tools.js';

// The real python3 executable (not a pyenv shim, which would put a bash process in front of it), or 'python3'.
export function findPython(): string {
  try {
    return execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8', timeout: 10_000 }).trim() || 'python3';
  } catch {
    return 'python3';
  }
}

// `count` idle Node apps named <prefix>0..
export function idleNodeApps(prefix: string, count: number): BenchApp[] {
  return Array.from({ length: count }, (_, index) => ({ name: `${prefix}${index}`, script: path.join(FIXTURES, 'idle.cjs'), interpreter: 'node' }));
}

// The 50-app mix of the issue: 40 idle Node apps, 5 python3 and 5 bash sleeping scripts.
export function fiftyIdleApps(prefix: string, python: string): BenchApp[] {
  return [
    ...idleNodeApps(`${prefix}node-`, 40),
    ...Array.from({ length: 5 }, (_, index) => ({ name: `${prefix}py-${index}`, script: path.join(FIXTURES, 'idle.py'), interpreter: python })),
    ...Array.from({ length: 5 }, (_, index) => ({ name: `${prefix}sh-${index}`, script: path.join(FIXTURES, 'idle.sh'), interpreter: 'bash' })),
  ];
}

// The app that exits 200 ms after each start, restarted at once, recording its starts and exits to `record`.
export function flappingApp(name: string, record: string): BenchApp {
  return {
    name,
    script: path.join(FIXTURES, 'exit-after.cjs'),
    interpreter: 'node',
    env: { BENCH_RECORD: record, BENCH_LIFETIME_MS: '200' },
    autorestart: true,
    // PM2 refuses a min_uptime below 100 ms; 200 ms lives are then stable for both, so neither stops restarting.
    min_uptime: 100,
    max_restarts: 1_000_000,
  };
}

/** Where a flood app's output goes and for how long it floods. */
export interface FloodSetup {
  record: string;
  outFile: string;
  errorFile: string;
  floodMs: number;
  /** Timestamped lines (`time: true`), which both managers write through the daemon. */
  timestamps: boolean;
}

// The app that prints numbered lines flat out for floodMs into outFile, recording its start and line count to record.
export function floodApp(name: string, setup: FloodSetup): BenchApp {
  return {
    name,
    script: path.join(FIXTURES, 'flood.cjs'),
    interpreter: 'node',
    env: { BENCH_RECORD: setup.record, BENCH_FLOOD_MS: String(setup.floodMs) },
    autorestart: false,
    out_file: setup.outFile,
    error_file: setup.errorFile,
    time: setup.timestamps,
  };
}
