// Children in start order with unique arbitrary ids, and the position of the one that exited: the input of every strategy test.
import fc from 'fast-check';
import type { RestartType } from '../../src/spec/types.js';
import type { ChildView } from '../../strategies/types.js';

const restartTypes: RestartType[] = ['permanent', 'transient', 'temporary'];

export const groupArb = fc
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
