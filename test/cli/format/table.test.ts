import { describe, expect, it } from 'vitest';
import { createPalette } from '../../../src/cli/format/colors.js';
import { cleanText, displayWidth, renderTable, tableWidth, columnWidths, truncateToWidth } from '../../../src/cli/format/table.js';

describe('renderTable', () => {
  it('draws borders around a header and rows, padding every column to its widest cell', () => {
    const text = renderTable({ head: ['id', 'name'], rows: [['0', 'api'], ['10', 'worker']] });
    expect(text.split('\n')).toEqual([
      '┌────┬────────┐',
      '│ id │ name   │',
      '├────┼────────┤',
      '│ 0  │ api    │',
      '│ 10 │ worker │',
      '└────┴────────┘',
    ]);
  });

  it('ignores colour codes when measuring', () => {
    const palette = createPalette(true);
    const lines = renderTable({ head: null, rows: [[palette.green('online'), 'x'], ['errored', 'y']] }).split('\n');
    const widths = lines.map(displayWidth);
    expect(new Set(widths).size).toBe(1);
    expect(lines[1]).toContain('\u001b[32monline\u001b[39m');
  });

  it('renders a header-only table for no rows', () => {
    expect(renderTable({ head: ['id'], rows: [] }).split('\n')).toEqual(['┌────┐', '│ id │', '├────┤', '└────┘']);
  });

  it('tableWidth matches the rendered line width', () => {
    const content = { head: ['a', 'bbb'], rows: [['cccc', 'd']] };
    const line = renderTable(content).split('\n')[0] ?? '';
    expect(tableWidth(columnWidths(content))).toBe(displayWidth(line));
  });
});

describe('displayWidth, truncateToWidth and cleanText', () => {
  it('counts wide characters as two columns and combining marks as none', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('↺')).toBe(1);
  });

  it('cuts text to a width with an ellipsis', () => {
    expect(truncateToWidth('worker-queue', 8)).toBe('worker-…');
    expect(displayWidth(truncateToWidth('日本語のなまえ', 6))).toBeLessThanOrEqual(6);
    expect(truncateToWidth('api', 8)).toBe('api');
  });

  it('escapes control characters so names cannot break the table or drive the terminal', () => {
    expect(cleanText('a\nb\tc\u001b[2Jd')).toBe('a\\nb\\tc\\x1b[2Jd');
  });
});
