import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  canFlushCode,
  createIdleGc,
  IDLE_GC_COST_FACTOR,
  IDLE_GC_ROUNDS,
  idleCollectionDueAt,
  type ExposedGc,
} from '../../src/daemon/idle-gc.js';

describe('idleCollectionDueAt', () => {
  it('is the delay after the last activity when nothing was collected yet', () => {
    expect(idleCollectionDueAt(10_000, 3000, null)).toBe(13_000);
  });

  it('waits the cost factor times the last collection after it when that is later', () => {
    expect(idleCollectionDueAt(10_000, 3000, { endedAt: 9000, durationMs: 65 })).toBe(9000 + 65 * IDLE_GC_COST_FACTOR);
    expect(idleCollectionDueAt(10_000, 3000, { endedAt: 9000, durationMs: 1 })).toBe(13_000);
  });
});

describe('canFlushCode', () => {
  it('knows the V8 of Node 20 to 24 and no other', () => {
    expect(canFlushCode('11.3.244.8-node.38')).toBe(true);
    expect(canFlushCode('13.6.233.10-node.20')).toBe(true);
    expect(canFlushCode('10.2.154.26-node.22')).toBe(false);
    expect(canFlushCode('14.0.1')).toBe(false);
    expect(canFlushCode('not a version')).toBe(false);
  });
});

describe('createIdleGc', () => {
  let calls: string[];
  let clock: number;
  let cpu: number;
  let collectionMs: number;
  const collect: ExposedGc = (options) => {
    calls.push(options?.flavor === 'last-resort' ? 'last-resort' : 'gc');
    cpu += collectionMs;
  };
  const setFlags = (flags: string): void => void calls.push(flags);
  const idleGc = (flushCode = true) => createIdleGc({ delayMs: 1000, now: () => clock, cpuMs: () => cpu, collect, setFlags, flushCode });
  const advance = (ms: number): void => {
    clock += ms;
    vi.advanceTimersByTime(ms);
  };

  beforeEach(() => {
    vi.useFakeTimers();
    calls = [];
    clock = 0;
    cpu = 0;
    collectionMs = 0;
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('collects, flushes code for one collection, collects again and shrinks the heap once the delay has passed', () => {
    const idle = idleGc();
    idle.touch();
    advance(999);
    expect(calls).toEqual([]);
    advance(1);
    const rounds = Array<string>(IDLE_GC_ROUNDS).fill('gc');
    expect(calls).toEqual([...rounds, '--stress-flush-code', 'gc', '--no-stress-flush-code', ...rounds, 'last-resort']);
  });

  it('only collects where the code flush is not known to work', () => {
    const idle = idleGc(false);
    idle.touch();
    advance(1000);
    expect(calls).toEqual([...Array<string>(IDLE_GC_ROUNDS).fill('gc'), 'last-resort']);
  });

  it('waits for a quiet spell: each touch starts the delay again, and one spell collects once', () => {
    const idle = idleGc();
    idle.touch();
    advance(800);
    idle.touch();
    advance(800);
    expect(calls).toEqual([]);
    advance(200);
    const once = calls.length;
    expect(once).toBeGreaterThan(0);
    advance(10_000);
    expect(calls.length).toBe(once);
  });

  it('keeps collecting to a bounded share of CPU time however often the daemon goes quiet', () => {
    collectionMs = 50;
    const idle = idleGc();
    idle.touch();
    advance(1000);
    const once = calls.length;
    const firstEnded = clock;
    const duration = 50 * calls.filter((call) => !call.startsWith('--')).length; // CPU time, not wall time
    idle.touch();
    advance(1000);
    expect(calls.length).toBe(once); // quiet long enough, but the last collection was too recent
    advance(firstEnded + duration * IDLE_GC_COST_FACTOR - clock - 1);
    expect(calls.length).toBe(once);
    advance(1);
    expect(calls.length).toBe(2 * once);
  });

  it('does nothing without an exposed gc', () => {
    const idle = createIdleGc({ delayMs: 1000, collect: null, setFlags });
    idle.touch();
    advance(5000);
    expect(calls).toEqual([]);
  });
});

// The V8 facts collectDeeply relies on, checked on this Node: forced collections alone drop no bytecode, one collection
// under --stress-flush-code does, and setting the flag at run time prints nothing.
describe.runIf(canFlushCode())('V8 code flushing at run time', () => {
  const script = (flush: boolean): string => `
    const fns = Array.from({ length: 50 }, (_, i) => new Function('a', 'return a + ' + i));
    for (const f of fns) f(1);
    ${flush ? "require('v8').setFlagsFromString('--stress-flush-code'); gc(); require('v8').setFlagsFromString('--no-stress-flush-code');" : ''}
    for (let i = 0; i < ${IDLE_GC_ROUNDS}; i += 1) gc();
  `;
  const discarded = (flush: boolean): { count: number; stderr: string } => {
    const run = spawnSync(process.execPath, ['--expose-gc', '--trace-flush-bytecode', '-e', script(flush)], { encoding: 'utf8', timeout: 20_000 });
    expect(run.status).toBe(0);
    return { count: (run.stdout.match(/discarding compiled metadata/g) ?? []).length, stderr: run.stderr };
  };

  it('drops bytecode only when flushed', () => {
    expect(discarded(false).count).toBe(0);
    const flushed = discarded(true);
    expect(flushed.count).toBeGreaterThanOrEqual(50);
    expect(flushed.stderr).toBe('');
  });
});
