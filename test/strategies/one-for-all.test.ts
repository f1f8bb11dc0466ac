import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isArborError } from '../../src/errors.js';
import { oneForAll } from '../../strategies/one-for-all.js';
import { restForOne } from '../../strategies/rest-for-one.js';
import { groupArb } from './group-arbitrary.js';
import type { ChildView, RestartPlan } from '../../strategies/types.js';

// The reference model: OTP's one_for_all row, position by position over the whole list.
function model(children: ChildView[], k: number): RestartPlan {
  const terminate: string[] = [];
  for (let p = children.length - 1; p >= 0; p -= 1) if (p !== k && children[p]!.running) terminate.push(children[p]!.id);
  const start: string[] = [];
  for (let p = 0; p < children.length; p += 1) if (children[p]!.restart !== 'temporary') start.push(children[p]!.id);
  const remove: string[] = [];
  for (let p = 0; p < children.length; p += 1) {
    if (p !== k && children[p]!.restart === 'temporary') remove.push(children[p]!.id);
  }
  return { terminate, start, remove };
}

describe('one_for_all', () => {
  it('one_for_all stops every other running child newest-first and restarts all non-temporary children oldest-first', () => {
    fc.assert(
      fc.property(groupArb, ({ children, exited }) => {
        expect(oneForAll(children, children[exited]!.id)).toEqual(model(children, exited));
      }),
    );
  });

  it('every child is either started or removed, exactly once, except a temporary exited child', () => {
    fc.assert(
      fc.property(groupArb, ({ children, exited }) => {
        const plan = oneForAll(children, children[exited]!.id);
        const handled = [...plan.start, ...plan.remove];
        expect(new Set(handled).size).toBe(handled.length);
        const exitedChild = children[exited]!;
        const expected = children.filter((c) => c.id !== exitedChild.id || c.restart !== 'temporary');
        expect(handled.sort()).toEqual(expected.map((c) => c.id).sort());
      }),
    );
  });

  it('one_for_all equals rest_for_one when the first child exits', () => {
    fc.assert(
      fc.property(groupArb, ({ children }) => {
        expect(oneForAll(children, children[0]!.id)).toEqual(restForOne(children, children[0]!.id));
      }),
    );
  });

  it('stops c then a and restarts a, b, c when b exits', () => {
    const children: ChildView[] = ['a', 'b', 'c'].map((id) => ({ id, restart: 'permanent', running: id !== 'b' }));
    expect(oneForAll(children, 'b')).toEqual({ terminate: ['c', 'a'], start: ['a', 'b', 'c'], remove: [] });
  });

  it('removes temporary children on both sides of the exited one', () => {
    const children: ChildView[] = [
      { id: 't1', restart: 'temporary', running: true },
      { id: 'p', restart: 'permanent', running: false },
      { id: 't2', restart: 'temporary', running: false },
      { id: 'q', restart: 'transient', running: true },
    ];
    expect(oneForAll(children, 'p')).toEqual({ terminate: ['q', 't1'], start: ['p', 'q'], remove: ['t1', 't2'] });
  });

  it('throws E_CHILD_NOT_FOUND for an unknown exited id', () => {
    const children: ChildView[] = [{ id: 'a', restart: 'permanent', running: true }];
    let caught: unknown;
    try {
      oneForAll(children, 'b');
    } catch (error) {
      caught = error;
    }
    expect(isArborError(caught, 'E_CHILD_NOT_FOUND')).toBe(true);
  });
});
