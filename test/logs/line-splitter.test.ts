import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../src/logs/line-splitter.js';

describe('LineSplitter', () => {
  it('gives the same lines however the bytes are chunked', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom('a', 'é', '€', '😀', ' ', '\r') }), { minLength: 1, maxLength: 30 }),
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        (lines, cuts, terminated) => {
          const text = lines.join('\n') + (terminated ? '\n' : '');
          const bytes = Buffer.from(text);
          const splitter = new LineSplitter();
          const out: string[] = [];
          for (let offset = 0, index = 0; offset < bytes.length; index += 1) {
            const size = cuts[index % cuts.length] as number;
            out.push(...splitter.push(bytes.subarray(offset, offset + size)));
            offset += size;
          }
          out.push(...splitter.end());
          const expected = terminated || lines[lines.length - 1] !== '' ? lines : lines.slice(0, -1);
          expect(out).toEqual(expected);
        },
      ),
    );
  });

  it('cuts long lines into maxLineLength pieces the same way whether they arrive whole or in parts', () => {
    const whole = new LineSplitter(4);
    const parts = new LineSplitter(4);
    const line = 'abcdefghijk';
    const fromWhole = [...whole.push(`${line}\n`), ...whole.end()];
    const fromParts = [...[...line].flatMap((char) => parts.push(char)), ...parts.push('\n'), ...parts.end()];
    expect(fromWhole).toEqual(['abcd', 'efgh', 'ijk']);
    expect(fromParts).toEqual(fromWhole);
  });

  it('does not cut a surrogate pair in two', () => {
    const splitter = new LineSplitter(4);
    expect([...splitter.push('abc😀d\n')]).toEqual(['abc', '😀d']);
  });
});
