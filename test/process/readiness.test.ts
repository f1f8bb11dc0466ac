// Readiness (PM2's wait_ready) and shutdown messages, on simulated time and processes: a worker is `launching` until
// it says ready or its timeout passes, an ordered start waits for it, and a shutdown message replaces the kill signal.
import { describe, expect, it } from 'vitest';
import { start, supervisor, worker, type TreeEvent } from '../../src/index.js';
import { SimulatedClock, SimulatedDriver } from '../../src/testing/index.js';
import { ArborError } from '../../src/errors.js';

function setup() {
  const clock = new SimulatedClock();
  const driver = new SimulatedDriver(clock);
  const events: TreeEvent[] = [];
  return { clock, driver, events, options: { clock, driver, onEvent: (event: TreeEvent) => events.push(event) } };
}

// Lets the tree's promise callbacks run (the simulated clock fires timers synchronously, replies settle as microtasks).
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('readiness', () => {
  it('keeps a worker launching until it sends ready, and completes the start then', async () => {
    const { clock, driver, options } = setup();
    driver.script('api', { readyAfterMs: 400 });
    let started = false;
    const starting = start(supervisor({ id: 'root' }, [worker({ id: 'api', command: 'simulated', ready: { timeoutMs: 3000 } })]), options).then((tree) => {
      started = true;
      return tree;
    });
    await settle();
    expect(started, 'the start waits for readiness').toBe(false);
    expect(driver.records.map((record) => record.type)).toEqual(['spawn']);
    clock.advance(399);
    await settle();
    expect(started).toBe(false);
    clock.advance(1);
    const tree = await starting;
    expect(tree.children()[0]).toMatchObject({ id: 'api', status: 'online' });
    expect(driver.records.map((record) => record.type)).toEqual(['spawn', 'message_out']);
    await tree.stop();
  });

  it('counts a worker that never says ready as online after the timeout, as PM2 does', async () => {
    const { clock, driver, options } = setup();
    const starting = start(supervisor({ id: 'root' }, [worker({ id: 'mute', command: 'simulated', ready: { timeoutMs: 1000 } })]), options);
    await settle();
    clock.advance(999);
    await settle();
    clock.advance(1);
    const tree = await starting;
    expect(tree.children()[0]!.status).toBe('online');
    await tree.stop();
    expect(driver.running()).toEqual([]);
  });

  it('reports launching while waiting: a dynamic child started later shows it, then online', async () => {
    const { clock, driver, options } = setup();
    const tree = await start(supervisor({ id: 'root' }, []), options);
    driver.script('late', { readyAfterMs: 200 });
    const adding = tree.startChild(worker({ id: 'late', command: 'simulated', ready: {} }));
    await settle();
    expect(tree.children()[0]).toMatchObject({ id: 'late', status: 'launching' });
    expect(tree.children()[0]!.pid).not.toBeNull();
    clock.advance(200);
    await expect(adding).resolves.toMatchObject({ id: 'late' });
    expect(tree.children()[0]!.status).toBe('online');
    await tree.stop();
  });

  it('makes an ordered start wait: the next child spawns only once the previous one is ready', async () => {
    const { clock, driver, options } = setup();
    driver.script('db', { readyAfterMs: 500 });
    const starting = start(
      supervisor({ id: 'root', strategy: 'rest_for_one' }, [
        worker({ id: 'db', command: 'simulated', ready: { timeoutMs: 5000 } }),
        worker({ id: 'api', command: 'simulated' }),
      ]),
      options,
    );
    await settle();
    clock.advance(500);
    const tree = await starting;
    const spawns = driver.records.filter((record) => record.type === 'spawn').map((record) => [record.id, record.at]);
    expect(spawns).toEqual([
      ['db', 0],
      ['api', 500],
    ]);
    await tree.stop();
  });

  it('makes a rest_for_one restart wait too: the later children start again only once the restarted one is ready', async () => {
    const { clock, driver, options } = setup();
    driver.script('db', { readyAfterMs: 500 }, { readyAfterMs: 800 });
    const starting = start(
      supervisor({ id: 'root', strategy: 'rest_for_one', intensity: 5, period: 60 }, [
        worker({ id: 'db', command: 'simulated', ready: { timeoutMs: 5000 } }),
        worker({ id: 'api', command: 'simulated' }),
      ]),
      options,
    );
    await settle();
    clock.advance(500);
    const tree = await starting;
    clock.advance(1000);
    driver.crash('db');
    expect(tree.children().map((child) => child.status)).toEqual(['launching', 'stopped']);
    clock.advance(799);
    expect(driver.running()).toEqual(['db']);
    clock.advance(1);
    expect(tree.children().map((child) => child.status)).toEqual(['online', 'online']);
    const spawns = driver.records.filter((record) => record.type === 'spawn').map((record) => [record.id, record.at]);
    expect(spawns).toEqual([
      ['db', 0],
      ['api', 500],
      ['db', 1500],
      ['api', 2300],
    ]);
    await tree.stop();
  });

  it('treats an exit before ready as a crash of a fresh process: restarted by policy, then ready', async () => {
    const { clock, driver, events, options } = setup();
    driver.script('flaky', { exitAfterMs: 100 }, { readyAfterMs: 50 });
    const starting = start(
      supervisor({ id: 'root', intensity: 5, period: 10 }, [worker({ id: 'flaky', command: 'simulated', ready: { timeoutMs: 3000 }, backoff: 200 })]),
      options,
    );
    await settle();
    clock.advance(100); // the first run dies before it is ready: started, exited, a restart 200 ms away
    const tree = await starting;
    expect(tree.children()[0]!.status).toBe('waiting restart');
    clock.advance(200); // the second run spawns, and is ready 50 ms later
    expect(tree.children()[0]!.status).toBe('launching');
    clock.advance(50);
    expect(tree.children()[0]).toMatchObject({ status: 'online', restarts: 1 });
    expect(events.filter((event) => event.type === 'child.exited')).toHaveLength(1);
    await tree.stop();
  });

  it('finishes a start that waits for readiness before a stop of the tree (OTP: the supervisor is busy in start_child)', async () => {
    const { clock, driver, options } = setup();
    const tree = await start(supervisor({ id: 'root' }, []), options);
    const adding = tree.startChild(worker({ id: 'slow', command: 'simulated', ready: { timeoutMs: 10_000 } }));
    await settle();
    expect(tree.children()[0]!.status).toBe('launching');
    let stopped = false;
    const stopping = tree.stop().then(() => {
      stopped = true;
    });
    clock.advance(9_999);
    await settle();
    expect(stopped, 'the stop waits for the start under way').toBe(false);
    clock.advance(1);
    await stopping;
    await expect(adding).resolves.toMatchObject({ id: 'slow' });
    expect(driver.running()).toEqual([]);
    expect(driver.records.map((record) => [record.type, record.at])).toEqual([
      ['spawn', 0],
      ['signal', 10_000],
      ['exit', 10_000],
    ]);
  });

  it('refuses bad readiness options, naming the field', async () => {
    const { options } = setup();
    await expect(start(supervisor({ id: 'root' }, [worker({ id: 'a', command: 'x', ready: { timeoutMs: -1 } })]), options)).rejects.toMatchObject({
      code: 'E_INVALID_SPEC',
      details: { field: 'ready.timeoutMs', value: -1 },
    });
    await expect(start(supervisor({ id: 'root' }, [worker({ id: 'a', command: 'x', ready: { message: '' } })]), options)).rejects.toBeInstanceOf(ArborError);
  });
});

describe('shutdown messages', () => {
  it('sends the message instead of the kill signal, and the worker exits on it', async () => {
    const { driver, options, clock } = setup();
    driver.script('api', { shutdownDelayMs: 100 });
    const tree = await start(supervisor({ id: 'root' }, [worker({ id: 'api', command: 'simulated', shutdownMessage: 'shutdown' })]), options);
    const stopping = tree.stop();
    clock.advance(100);
    await stopping;
    expect(driver.records.map((record) => [record.type, 'message' in record ? record.message : 'signal' in record ? record.signal : null])).toEqual([
      ['spawn', null],
      ['message_in', 'shutdown'],
      ['exit', null],
    ]);
  });

  it('still SIGKILLs a worker that ignores the message once its shutdown time is up', async () => {
    const { driver, options, clock } = setup();
    const tree = await start(
      supervisor({ id: 'root' }, [worker({ id: 'deaf', command: 'simulated', shutdownMessage: 'shutdown', shutdown: 1600 })]),
      options,
    );
    const stopping = tree.stop();
    clock.advance(1599);
    expect(driver.running()).toEqual(['deaf']);
    clock.advance(1);
    await stopping;
    expect(driver.records.filter((record) => record.type === 'signal').map((record) => record.type === 'signal' && record.signal)).toEqual(['SIGKILL']);
  });
});
