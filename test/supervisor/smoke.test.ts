import { describe, expect, it } from 'vitest';
import { start, supervisor, worker, type TreeEvent } from '../../src/index.js';
import { SimulatedClock, SimulatedDriver } from '../../src/testing/index.js';

describe('smoke', () => {
  it('starts, crashes under one_for_one, restarts, stops', async () => {
    const clock = new SimulatedClock();
    const driver = new SimulatedDriver(clock);
    const tree = await start(
      supervisor({ id: 'root', strategy: 'one_for_one', intensity: 3, period: 5 }, [
        worker({ id: 'a', command: 'sim' }),
        worker({ id: 'b', command: 'sim' }),
      ]),
      { clock, driver },
    );
    const events: TreeEvent[] = [];
    tree.on('event', (e) => events.push(e));
    expect(tree.children().map((c) => c.status)).toEqual(['online', 'online']);
    driver.crash('a');
    expect(tree.children().map((c) => [c.id, c.status, c.restarts])).toEqual([['a', 'online', 1], ['b', 'online', 0]]);
    console.log(events.map((e) => e.type + ':' + e.id));
    await tree.stop();
    expect(driver.running()).toEqual([]);
    console.log(driver.records.map((r) => r.type + ':' + r.id).join(' '));
  });
});
