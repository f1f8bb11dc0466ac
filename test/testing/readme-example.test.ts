// The README's property-testing example, kept runnable: simulated time and processes drive the real engine.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { start, supervisor, worker, type TreeEvent } from '../../src/index.js';
import { SimulatedClock, SimulatedDriver, flatTreeArb, toDraft, treeActionsArb } from '../../src/testing/index.js';

describe('arbor/testing as the README shows it', () => {
  it('scripts starts and exits, and advances time through a backoff', async () => {
    const clock = new SimulatedClock();
    const driver = new SimulatedDriver(clock);
    driver.script('api', { exitAfterMs: 500 }, { start: 'error' }); // first run crashes after 500 ms, the next start fails
    const tree = await start(
      supervisor({ id: 'root', intensity: 3, period: 5 }, [worker({ id: 'api', command: 'simulated', backoff: 1000 })]),
      { clock, driver },
    );
    clock.advance(500); // the first run exits (code 1): a restart is decided, 1000 ms away
    expect(tree.children()[0]!.status).toBe('waiting restart');
    clock.advance(1000); // the restart's start fails; the retry comes after another backoff
    clock.advance(1000); // this start succeeds
    expect(tree.children()[0]).toMatchObject({ status: 'online', restarts: 1 });
    expect(driver.records.map((record) => record.type)).toEqual(['spawn', 'exit', 'spawn_failed', 'spawn']);
    await tree.stop();
  });

  it('checks a policy over generated trees and action sequences', async () => {
    await fc.assert(
      fc.asyncProperty(flatTreeArb(), treeActionsArb({ maxLength: 15 }), async (model, actions) => {
        const clock = new SimulatedClock();
        const driver = new SimulatedDriver(clock);
        const events: TreeEvent[] = [];
        const tree = await start(toDraft(model), { clock, driver, onEvent: (event) => events.push(event) });
        for (const action of actions) {
          const ids = tree.status() === 'online' ? tree.children().map((child) => child.id) : [];
          if (action.kind === 'crash' && ids.length > 0) driver.crash(ids[action.index % ids.length]!, { code: action.code, signal: null });
          if (action.kind === 'advance') clock.advance(action.ms);
        }
        // A policy of your own, checked on every run: one_for_one never restarts a child that did not exit.
        if (model.strategy === 'one_for_one') {
          for (const decision of events.filter((event) => event.type === 'child.restarting')) {
            expect(decision.type === 'child.restarting' && decision.start).toEqual([decision.id]);
          }
        }
        await tree.stop();
        expect(driver.running()).toEqual([]);
      }),
      { numRuns: 50 },
    );
  });
});
