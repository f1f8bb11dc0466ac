// Tree.childrenByPath: the whole tree in one walk, agreeing with children(path) for every supervisor.
import { describe, expect, it } from 'vitest';
import { start, supervisor, worker } from '../../src/index.js';
import { SimulatedClock, SimulatedDriver } from '../../src/testing/index.js';

describe('Tree.childrenByPath', () => {
  it('reports every supervisor by path, as children(path) does, also after a crash and at run-time changes', async () => {
    const clock = new SimulatedClock();
    const driver = new SimulatedDriver(clock);
    const tree = await start(
      supervisor({ id: 'root' }, [
        worker({ id: 'api', command: 'simulated' }),
        supervisor({ id: 'jobs' }, [worker({ id: 'mail', command: 'simulated', backoff: 1000 }), worker({ id: 'pdf', command: 'simulated' })]),
      ]),
      { clock, driver },
    );
    const agrees = (): void => {
      const byPath = tree.childrenByPath();
      expect([...byPath.keys()]).toEqual(['root', 'root/jobs']);
      for (const [path, children] of byPath) expect(children).toEqual(tree.children(path));
    };
    agrees();
    expect(tree.childrenByPath().get('root/jobs')!.map((child) => [child.id, child.status])).toEqual([
      ['mail', 'online'],
      ['pdf', 'online'],
    ]);

    driver.crash('mail', { code: 1, signal: null });
    agrees();
    expect(tree.childrenByPath().get('root/jobs')![0]).toMatchObject({ id: 'mail', status: 'waiting restart' });
    clock.advance(1000);
    expect(tree.childrenByPath().get('root/jobs')![0]).toMatchObject({ id: 'mail', status: 'online', restarts: 1 });

    await tree.startChild(supervisor({ id: 'late' }, [worker({ id: 'cron', command: 'simulated' })]));
    expect([...tree.childrenByPath().keys()]).toEqual(['root', 'root/jobs', 'root/late']);
    await tree.terminateChild('api');
    expect(tree.childrenByPath().get('root')![0]).toMatchObject({ id: 'api', status: 'stopped', pid: null });
    expect([...tree.childrenByPath().values()].flat().map((child) => child.id)).toEqual(['api', 'jobs', 'late', 'mail', 'pdf', 'cron']);
    await tree.stop();
  });
});
