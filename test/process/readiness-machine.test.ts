// The process machine with readiness, on simulated time: what it reports to its supervisor while it waits for the
// ready message, at the message, at the timeout, and when a stop or an exit comes first.
import { describe, expect, it } from 'vitest';
import { createProcessChild } from '../../src/process/machine.js';
import { validateTree } from '../../src/spec/validate.js';
import type { WorkerOptions, WorkerSpec } from '../../src/spec/types.js';
import { supervisor, worker } from '../../src/index.js';
import { createDispatcher } from '../../src/supervisor/dispatcher.js';
import type { ChildReport } from '../../src/supervisor/protocol.js';
import { SimulatedClock, SimulatedDriver, type SimulatedRun } from '../../src/testing/index.js';

function workerSpec(options: Partial<WorkerOptions>): WorkerSpec {
  const tree = validateTree(supervisor({ id: 'root' }, [worker({ id: 'w', command: 'sim', ...options })]), { baseDir: process.cwd() });
  return (tree as { children: WorkerSpec[] }).children[0]!;
}

// One worker's actor, started once, with the reports it sent (types only, in order).
function launch(options: Partial<WorkerOptions>, run: SimulatedRun = {}) {
  const clock = new SimulatedClock();
  const driver = new SimulatedDriver(clock).script('w', run);
  const reports: ChildReport[] = [];
  const child = createProcessChild({ spec: workerSpec(options), driver, clock, report: (report) => reports.push(report), dispatch: createDispatcher() });
  child.send({ type: 'start', incarnation: 1 });
  const kinds = () => reports.map((report) => report.type);
  return { clock, driver, child, reports, kinds };
}

describe('the process machine with readiness', () => {
  it('stays launching, with its pid, until the ready message; then reports started once', () => {
    const { clock, child, reports, kinds } = launch({ ready: { timeoutMs: 3000 } }, { readyAfterMs: 250 });
    expect(child.status()).toBe('launching');
    expect(child.pid()).toBe(1000);
    expect(kinds()).toEqual([]);
    clock.advance(249);
    expect(child.status()).toBe('launching');
    clock.advance(1);
    expect(child.status()).toBe('online');
    expect(reports).toEqual([{ type: 'child.started', id: 'w', incarnation: 1, pid: 1000 }]);
    clock.advance(10_000);
    expect(kinds(), 'the timeout no longer fires').toEqual(['child.started']);
  });

  it('goes online at the timeout when no message comes, as PM2 does', () => {
    const { clock, child, kinds } = launch({ ready: { timeoutMs: 1000 } });
    clock.advance(999);
    expect(child.status()).toBe('launching');
    clock.advance(1);
    expect(child.status()).toBe('online');
    expect(kinds()).toEqual(['child.started']);
  });

  it('is online at once without readiness, as before', () => {
    const { child, kinds } = launch({});
    expect(child.status()).toBe('online');
    expect(kinds()).toEqual(['child.started']);
  });

  it('ignores other messages, and waits for its own', () => {
    const { clock, child } = launch({ ready: { message: 'listening', timeoutMs: 5000 } }, { readyAfterMs: 10, readyMessage: 'ready' });
    clock.advance(4999);
    expect(child.status()).toBe('launching');
    const custom = launch({ ready: { message: 'listening', timeoutMs: 5000 } }, { readyAfterMs: 10, readyMessage: 'listening' });
    custom.clock.advance(10);
    expect(custom.child.status()).toBe('online');
  });

  it('with message null waits for the timeout alone and opens no channel', () => {
    const { clock, child, driver } = launch({ ready: { message: null, timeoutMs: 700 } }, { readyAfterMs: 10 });
    clock.advance(10);
    expect(driver.records.map((record) => record.type), 'nothing can be sent without a channel').toEqual(['spawn']);
    expect(child.status()).toBe('launching');
    clock.advance(690);
    expect(child.status()).toBe('online');
  });

  it('on a stop while waiting, stops the process as a running one: signal, exit, stopped (never started)', () => {
    const { clock, child, driver, reports, kinds } = launch({ ready: { timeoutMs: 3000 }, shutdown: 1600 }, { stopDelayMs: 100 });
    clock.advance(50);
    child.send({ type: 'stop' });
    expect(child.status()).toBe('stopping');
    clock.advance(100);
    expect(child.status()).toBe('stopped');
    expect(kinds()).toEqual(['child.stopped']);
    expect(reports[0]).toMatchObject({ exit: { reason: 'shutdown', signal: 'SIGINT' } });
    clock.advance(5000);
    expect(kinds(), 'the readiness timeout died with the wait').toEqual(['child.stopped']);
    expect(driver.records.filter((record) => record.type === 'signal').map((record) => record.type === 'signal' && record.signal)).toEqual(['SIGINT']);
  });

  it('on a stop while waiting, SIGKILLs a process that ignores the kill signal after its shutdown time', () => {
    const { clock, child, kinds } = launch({ ready: { timeoutMs: 3000 }, shutdown: 500 }, { stopDelayMs: Infinity });
    child.send({ type: 'stop' });
    clock.advance(499);
    expect(child.status()).toBe('stopping');
    clock.advance(1);
    expect(child.status()).toBe('stopped');
    expect(kinds()).toEqual(['child.stopped']);
  });

  it('on an exit while waiting, reports the start and then the crash, so restart policy sees a fresh process die', () => {
    const { clock, child, reports, kinds } = launch({ ready: { timeoutMs: 3000 } }, { exitAfterMs: 400, exit: { code: 2, signal: null } });
    clock.advance(400);
    expect(child.status()).toBe('stopped');
    expect(kinds()).toEqual(['child.started', 'child.exited']);
    expect(reports[1]).toMatchObject({ exit: { code: 2, reason: 'crash', uptimeMs: 400 } });
    clock.advance(5000);
    expect(kinds()).toHaveLength(2);
  });

  it('counts a ready message from a new run only: a restart waits again', () => {
    const { clock, child, driver, kinds } = launch({ ready: { timeoutMs: 3000 } }, { readyAfterMs: 100 });
    clock.advance(100);
    expect(child.status()).toBe('online');
    driver.crash('w');
    driver.script('w', { readyAfterMs: 300 });
    child.send({ type: 'start', incarnation: 2 });
    expect(child.status()).toBe('launching');
    clock.advance(299);
    expect(child.status()).toBe('launching');
    clock.advance(1);
    expect(child.status()).toBe('online');
    expect(kinds()).toEqual(['child.started', 'child.exited', 'child.started']);
  });
});
