import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isArborError } from '../../src/errors.js';
import { oneForOne } from '../../strategies/one-for-one.js';
import { groupArb } from './group-arbitrary.js';
import type { ChildView } from '../../strategies/types.js';

describe('one_for_one', () => {
  it('one_for_one restarts only the exited child and never terminates or removes a sibling', () => {
    fc.assert(
      fc.property(groupArb, ({ children, exited }) => {
        const child = children[exited]!;
        const plan = oneForOne(children, child.id);
        expect(plan.terminate).toEqual([]);
        expect(plan.remove).toEqual([]);
        expect(plan.start).toEqual(child.restart === 'temporary' ? [] : [child.id]);
      }),
    );
  });

  it('restarts b alone when b exits among running siblings', () => {
    const children: ChildView[] = ['a', 'b', 'c'].map((id) => ({ id, restart: 'permanent', running: id !== 'b' }));
    expect(oneForOne(children, 'b')).toEqual({ terminate: [], start: ['b'], remove: [] });
  });

  it('throws E_CHILD_NOT_FOUND for an unknown exited id', () => {
    let caught: unknown;
    try {
      oneForOne([{ id: 'a', restart: 'permanent', running: false }], 'x');
    } catch (error) {
      caught = error;
    }
    expect(isArborError(caught, 'E_CHILD_NOT_FOUND')).toBe(true);
  });
});
