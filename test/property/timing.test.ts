// OTP invariant 18 (shutdown timing: T ms / brutal_kill / infinity) and 19 (Akka's backoff model), checked on the
// simulated clock: the expected timeline is computed here from the rules, then compared with what the driver saw.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { start, supervisor, worker, type Shutdown, type Tree } from '../../src/index.js';
import { SimulatedClock, SimulatedDriver, type DriverRecord } from '../../src/testing/index.js';
import { RUNS } from './checks.js';

/** How long a simulated process takes to exit after the kill signal (Infinity: it ignores it). */
type StopDelay = number;

interface TimedChild {
  id: string;
  shutdown: Shutdown;
  stopDelay: StopDelay;
}

type Line = { type: 'signal'; id: string; signal: string; at: number } | { type: 'exit'; id: string; signal: string | null; code: number | null; at: number };

/** How long the test waits on a child that nothing will ever kill before it kills it from outside. */
const PATIENCE_MS = 1_000_000;

// shutdown/2 for each child in turn, one at a time: brutal_kill is SIGKILL at once; T is the kill signal, then
// SIGKILL after T ms if still alive; infinity is the kill signal and a wait with no end (the test ends it from
// outside after PATIENCE_MS).
function expectedTimeline(order: readonly TimedChild[], from: number): Line[] {
  const lines: Line[] = [];
  let t = from;
  for (const child of order) {
    if (child.shutdown === 'brutal_kill') {
      lines.push({ type: 'signal', id: child.id, signal: 'SIGKILL', at: t }, { type: 'exit', id: child.id, signal: 'SIGKILL', code: null, at: t });
      continue;
    }
    lines.push({ type: 'signal', id: child.id, signal: 'SIGINT', at: t });
    const limit = child.shutdown === 'infinity' ? Infinity : child.shutdown;
    if (child.stopDelay < limit) {
      t += child.stopDelay;
      lines.push({ type: 'exit', id: child.id, signal: 'SIGINT', code: null, at: t });
    } else if (limit !== Infinity) {
      t += limit;
      lines.push({ type: 'signal', id: child.id, signal: 'SIGKILL', at: t }, { type: 'exit', id: child.id, signal: 'SIGKILL', code: null, at: t });
    } else {
      t += PATIENCE_MS;
      lines.push({ type: 'exit', id: child.id, signal: 'SIGKILL', code: null, at: t });
    }
  }
  return lines;
}

function toLine(record: DriverRecord): Line | null {
  if (record.type === 'signal') return { type: 'signal', id: record.id, signal: record.signal, at: record.at };
  if (record.type === 'exit') return { type: 'exit', id: record.id, signal: record.status.signal, code: record.status.code, at: record.at };
  return null;
}

const shutdownArb: fc.Arbitrary<Shutdown> = fc.oneof(
  fc.constant('brutal_kill' as const),
  fc.constant('infinity' as const),
  fc.integer({ min: 0, max: 3000 }),
  fc.integer({ min: 0, max: 3000 }),
);
const stopDelayArb: fc.Arbitrary<StopDelay> = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5000 }), fc.constant(Infinity));

const timedChildrenArb = fc
  .array(fc.record({ shutdown: shutdownArb, stopDelay: stopDelayArb }), { minLength: 1, maxLength: 5 })
  .map((children) =>
    children.map(({ shutdown, stopDelay }, index): TimedChild => ({
      id: `w${index}`,
      shutdown,
      // A tie between the exit and the kill timer would make the expected order arbitrary; keep them apart.
      stopDelay: typeof shutdown === 'number' && stopDelay === shutdown ? stopDelay + 1 : stopDelay,
    })),
  );

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

// Stops the tree, running the kill timers and killing from outside any child that waits forever on its signal.
async function stopEverything(tree: Tree, clock: SimulatedClock, driver: SimulatedDriver): Promise<void> {
  let stopped = false;
  void tree.stop().then(() => (stopped = true));
  for (let guard = 0; guard < 20 && !stopped; guard += 1) {
    clock.runAll();
    await flush();
    const signalled = new Set(driver.records.filter((record) => record.type === 'signal').map((record) => record.id));
    for (const id of driver.running()) if (signalled.has(id)) driver.crash(id, { code: null, signal: 'SIGKILL' });
  }
  expect(stopped, 'the tree did not stop').toBe(true);
  expect(driver.running(), 'left running').toEqual([]);
}

describe('OTP invariants: timing', () => {
  it('18. shutdown timing: with shutdown T a child ignoring the signal is killed exactly T ms after it, brutal_kill kills at once, infinity never kills; one child at a time', async () => {
    const trigger = fc.record({ kind: fc.constantFrom('stop', 'terminate_child', 'give_up'), pick: fc.nat({ max: 10 }), at: fc.integer({ min: 0, max: 10_000 }) });
    await fc.assert(
      fc.asyncProperty(timedChildrenArb, trigger, async (children, { kind, pick, at }) => {
        const clock = new SimulatedClock();
        const driver = new SimulatedDriver(clock);
        for (const child of children) driver.script(child.id, { stopDelayMs: child.stopDelay });
        const tree = await start(
          supervisor(
            { id: 'root', intensity: kind === 'give_up' ? 0 : 5 },
            children.map((child) => worker({ id: child.id, command: 'sim', shutdown: child.shutdown })),
          ),
          { clock, driver },
        );
        clock.advance(at);
        const mark = driver.records.length;
        const chosen = children[pick % children.length]!;
        let order: TimedChild[];
        let done = false;
        let prefix: Line[] = [];
        if (kind === 'stop') {
          order = [...children].reverse();
          void tree.stop().then(() => (done = true));
        } else if (kind === 'terminate_child') {
          order = [chosen];
          void tree.terminateChild(chosen.id).then(() => (done = true));
        } else {
          order = [...children].reverse().filter((child) => child !== chosen);
          prefix = [{ type: 'exit', id: chosen.id, signal: null, code: 3, at }];
          void tree.done.then(() => (done = true));
          driver.crash(chosen.id, { code: 3, signal: null });
        }
        // Let the timers run; a child that nothing will kill is waited on for PATIENCE_MS, then killed from outside.
        for (let guard = 0; guard < children.length + 1; guard += 1) {
          clock.runAll();
          await flush();
          if (done) break;
          const stuck = driver.running().find((id) => driver.records.some((record) => record.type === 'signal' && record.id === id));
          expect(stuck, 'the stop waits on nothing').toBeDefined();
          const child = children.find((candidate) => candidate.id === stuck)!;
          expect([child.shutdown, child.stopDelay], `${stuck} is waited on forever`).toEqual(['infinity', Infinity]);
          clock.advance(PATIENCE_MS);
          expect(driver.records.filter((record) => record.type === 'signal' && record.id === stuck).map((record) => (record as { signal: string }).signal), `${stuck} was killed`).toEqual(['SIGINT']);
          driver.crash(stuck!, { code: null, signal: 'SIGKILL' });
        }
        expect(done, 'the stop never completed').toBe(true);
        const seen = driver.records.slice(mark).map(toLine).filter((line) => line !== null);
        expect(seen).toEqual([...prefix, ...expectedTimeline(order, at)]);
        // The invariant itself, read off the records: no SIGKILL before T, none at all under infinity.
        for (const child of order) {
          const signals = seen.filter((line) => line.type === 'signal' && line.id === child.id);
          const kill = signals.find((line) => line.type === 'signal' && line.signal === 'SIGKILL');
          if (child.shutdown === 'brutal_kill') expect(signals.map((line) => (line as { signal: string }).signal)).toEqual(['SIGKILL']);
          else if (child.shutdown === 'infinity') expect(kill, `${child.id} (infinity) was killed`).toBeUndefined();
          else if (kill) expect(kill.at - signals[0]!.at, `${child.id} killed early`).toBeGreaterThanOrEqual(child.shutdown);
        }
        expect(driver.running(), 'left running').toEqual(kind === 'terminate_child' ? children.filter((child) => child !== chosen).map((child) => child.id) : []);
        await stopEverything(tree, clock, driver);
      }),
      { numRuns: RUNS },
    );
  });

  it('19. backoff model (Akka): delay(n) is in [min(max, initial*2^n), that*(1+jitter)], non-decreasing without jitter, back to initial after a run of at least resetAfter; the child waits in "waiting restart"', async () => {
    const policy = fc
      .record({
        initial: fc.integer({ min: 1, max: 1000 }),
        extra: fc.integer({ min: 0, max: 20_000 }),
        jitter: fc.constantFrom(0, 0, 0.1, 0.5, 1),
        resetAfter: fc.integer({ min: 1, max: 5000 }),
      })
      .map(({ initial, extra, jitter, resetAfter }) => ({ initial, factor: 2, max: initial + extra, jitter, resetAfter }));
    const uptimes = fc.array(fc.integer({ min: 0, max: 6000 }), { minLength: 1, maxLength: 8 });
    const randoms = fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 1, maxLength: 8 });
    await fc.assert(
      fc.asyncProperty(policy, uptimes, randoms, async (backoff, ups, numbers) => {
        const clock = new SimulatedClock();
        const driver = new SimulatedDriver(clock);
        driver.script('w', ...ups.map((up) => ({ exitAfterMs: up, exit: { code: 1, signal: null } })));
        let draws = 0;
        const tree = await start(
          supervisor({ id: 'root', intensity: 1000, period: 1 }, [worker({ id: 'w', command: 'sim', backoff }), worker({ id: 'other', command: 'sim' })]),
          { clock, driver, random: () => numbers[draws++ % numbers.length]! },
        );
        for (let guard = 0; guard < 100; guard += 1) {
          const due = clock.nextDue();
          if (due === null) break;
          const last = driver.records.filter((record) => record.id === 'w').at(-1)!;
          if (last.type === 'exit') expect(tree.children()[0]!.status, `waiting at ${clock.now()}`).toBe('waiting restart');
          expect(tree.children()[1]!.status, 'the sibling was touched').toBe('online');
          clock.advance(due - clock.now());
        }
        const records = driver.records.filter((record) => record.id === 'w');
        const spawns = records.filter((record) => record.type === 'spawn').map((record) => record.at);
        const exits = records.filter((record) => record.type === 'exit').map((record) => record.at);
        expect(spawns.length, 'every exit was followed by a restart').toBe(ups.length + 1);
        let n = 0;
        let previous: number | null = null;
        for (let i = 0; i < ups.length; i += 1) {
          if (exits[i]! - spawns[i]! >= backoff.resetAfter) {
            n = 0;
            previous = null;
          }
          const delay = spawns[i + 1]! - exits[i]!;
          const base = Math.min(backoff.max, backoff.initial * 2 ** n);
          expect(delay, `delay ${i} (n=${n}, base ${base})`).toBeGreaterThanOrEqual(base);
          expect(delay, `delay ${i} (n=${n}, base ${base})`).toBeLessThanOrEqual(base * (1 + backoff.jitter));
          if (backoff.jitter === 0 && previous !== null) expect(delay, `delay ${i} shrank without a reset`).toBeGreaterThanOrEqual(previous);
          previous = delay;
          n += 1;
        }
        expect(tree.status()).toBe('online');
        await tree.stop();
        expect(driver.running()).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });
});
