// The reference model checked against worked examples from otp-supervisor.md, so that a wrong model cannot make the
// differential properties agree with a wrong engine.
import { describe, expect, it } from 'vitest';
import { ReferenceTree, type ModelChildSpec, type ModelRestart, type ModelSupervisorSpec, type StartResult } from './reference-model.js';

function worker(id: string, restart: ModelRestart = 'permanent', significant = false): ModelChildSpec {
  return { kind: 'worker', id, restart, significant };
}

function tree(flags: Partial<ModelSupervisorSpec>, children: ModelChildSpec[], scripts: Record<string, StartResult[]> = {}): ReferenceTree {
  const root: ModelSupervisorSpec = {
    kind: 'supervisor',
    id: 'root',
    restart: 'permanent',
    significant: false,
    strategy: 'one_for_one',
    intensity: 1,
    period: 5,
    autoShutdown: 'never',
    children,
    ...flags,
  };
  return new ReferenceTree(root, scripts);
}

const CRASH = { code: 1, signal: null };
const brief = (model: ReferenceTree): string[] =>
  model.records.map((record) => `${record.type}:${record.id}${record.type === 'signal' ? `:${record.signal}` : ''}`);

describe('reference model against otp-supervisor.md', () => {
  it('add_restart: a sliding window inclusive at both ends in whole seconds; the new restart counts', () => {
    const atEdge = tree({ intensity: 1, period: 5 }, [worker('a')]);
    atEdge.start();
    atEdge.crash('a', CRASH); // second 0: restart 1 of 1
    atEdge.advance(5999);
    atEdge.crash('a', CRASH); // second 5: 5 - 0 <= 5, so 2 restarts in the window: give up
    expect(atEdge.status()).toBe('errored');
    expect(atEdge.decisions.map((decision) => decision.outcome)).toEqual(['restart', 'give_up']);

    const past = tree({ intensity: 1, period: 5 }, [worker('a')]);
    past.start();
    past.crash('a', CRASH);
    past.advance(6000);
    past.crash('a', CRASH); // second 6: outside the window
    expect(past.status()).toBe('online');
    expect(past.restartLog()).toEqual([6]);
  });

  it('one_for_all: stops the others newest-first, drops temporaries, starts the rest oldest-first; one restart', () => {
    const model = tree({ strategy: 'one_for_all', intensity: 3 }, [worker('a'), worker('b', 'temporary'), worker('c', 'transient'), worker('d')]);
    model.start();
    model.crash('c', { code: 0, signal: null }); // transient, normal: stays down, nothing else happens
    model.crash('a', CRASH);
    expect(brief(model).slice(4)).toEqual(['exit:c', 'exit:a', 'signal:d:SIGINT', 'exit:d', 'signal:b:SIGINT', 'exit:b', 'spawn:a', 'spawn:c', 'spawn:d']);
    expect(model.whichChildren()).toEqual([
      { id: 'a', state: 'running' },
      { id: 'c', state: 'running' },
      { id: 'd', state: 'running' },
    ]);
    expect(model.restartLog()).toEqual([0]);
  });

  it('rest_for_one: the exited child and the younger ones; a failed start is retried (and counted) at once', () => {
    const model = tree({ strategy: 'rest_for_one', intensity: 5 }, [worker('a'), worker('b'), worker('c')], { c: ['ok', 'error', 'error'] });
    model.start();
    model.crash('b', CRASH);
    expect(brief(model).slice(3)).toEqual(['exit:b', 'signal:c:SIGINT', 'exit:c', 'spawn:b', 'spawn_failed:c', 'spawn_failed:c', 'spawn:c']);
    expect(model.restartLog()).toEqual([0, 0, 0]);
  });

  it('try_again_restart keeps failing: the (intensity+1)-th timestamp shuts the supervisor down', () => {
    const model = tree({ intensity: 2 }, [worker('a'), worker('b')], { a: ['ok', 'error', 'error', 'error'] });
    model.start();
    model.crash('a', CRASH);
    expect(brief(model).slice(2)).toEqual(['exit:a', 'spawn_failed:a', 'spawn_failed:a', 'signal:b:SIGINT', 'exit:b']);
    expect(model.exits).toEqual([{ supervisor: 'root', reason: 'intensity', at: 0 }]);
  });

  it('init: stops at the first error, stops the started ones newest-first; ignore is not an error', () => {
    const model = tree({}, [worker('a'), worker('b', 'temporary'), worker('c'), worker('d'), worker('e')], { b: ['ignore'], d: ['error'] });
    expect(model.start()).toEqual({ ok: false, failedChild: 'd' });
    expect(brief(model)).toEqual(['spawn:a', 'ignored:b', 'spawn:c', 'spawn_failed:d', 'signal:c:SIGINT', 'exit:c', 'signal:a:SIGINT', 'exit:a']);
    expect(model.decisions).toEqual([]);
  });

  it('auto_shutdown: all_significant waits for the last significant child; terminate_child never triggers it', () => {
    const model = tree({ autoShutdown: 'all_significant' }, [worker('a', 'transient', true), worker('b', 'temporary', true), worker('c')]);
    model.start();
    model.terminateChild('b');
    model.crash('a', { code: 0, signal: null });
    expect(model.status()).toBe('errored');
    expect(model.exits).toEqual([{ supervisor: 'root', reason: 'auto_shutdown', at: 0 }]);
    expect(brief(model).slice(3)).toEqual(['signal:b:SIGINT', 'exit:b', 'exit:a', 'signal:c:SIGINT', 'exit:c']);
  });

  it('escalation: a transient supervisor that gave up stays down; a permanent one is restarted and counted', () => {
    const sub = (restart: ModelRestart): ModelSupervisorSpec => ({
      kind: 'supervisor',
      id: 'sub',
      restart,
      significant: false,
      strategy: 'one_for_one',
      intensity: 0,
      period: 5,
      autoShutdown: 'never',
      children: [worker('x')],
    });
    const transient = tree({ intensity: 3 }, [sub('transient')]);
    transient.start();
    transient.crash('x', CRASH);
    expect(transient.whichChildren()).toEqual([{ id: 'sub', state: 'undefined' }]);
    expect(transient.restartLog()).toEqual([]);

    const permanent = tree({ intensity: 3 }, [sub('permanent')]);
    permanent.start();
    permanent.crash('x', CRASH);
    expect(permanent.whichChildren()).toEqual([{ id: 'sub', state: 'running' }]);
    expect(permanent.restartLog()).toEqual([0]);
    expect(brief(permanent)).toEqual(['spawn:x', 'exit:x', 'spawn:x']);
  });

  it('manual API: restart_child and delete_child only without a pid; start_child checks the spec first', () => {
    const model = tree({}, [worker('a')]);
    model.start();
    expect(model.restartChild('a').value).toEqual({ ok: false, error: 'running' });
    expect(model.deleteChild('a').value).toEqual({ ok: false, error: 'running' });
    expect(model.terminateChild('a').value).toEqual({ ok: true });
    expect(model.restartChild('a').value).toEqual({ ok: true });
    expect(model.startChild(worker('a')).value).toEqual({ ok: false, error: 'duplicate' });
    expect(model.startChild(worker('n', 'transient', true)).value).toEqual({ ok: false, error: 'bad_combination' });
    expect(model.restartLog()).toEqual([]);
  });
});
