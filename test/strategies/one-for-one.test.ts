import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isArborError } from '../../src/errors.js';
import type { RestartType } from '../../src/spec/types.js';
import { oneForOne } from '../../strategies/one-for-one.js';
import type { ChildView } from '../../strategies/types.js';

const restartTypes: RestartType[] = ['permanent', 'transient', 'temporary'];

const groupArb = fc
  .array(fc.record({ restart: fc.constantFrom(...restartTypes), running: fc.boolean() }), {
    minLength: 1,
    maxLength: 12,
  })
  .chain((shapes) =>
    fc.record({
      children: fc
        .uniqueArray(fc.string({ minLength: 1, maxLength: 4 }), { minLength: shapes.length, maxLength: shapes.length })
        .map((ids): ChildView[] => shapes.map((shape, i) => ({ id: ids[i] ?? '', ...shape }))),
      exited: fc.nat({ max: shapes.length - 1 }),
    }),
  );

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
