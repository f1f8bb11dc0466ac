// A compact box-drawing table renderer (cli-table3's look without its ~10 ms load time on every `arbor ls`).
import { stripAnsi } from './colors.js';

// Zero-width code points: combining marks, zero-width spaces and joiners, variation selectors.
function isZeroWidth(code: number): boolean {
  return (
    (code >= 0x0300 && code <= 0x036f) ||
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0xfe00 && code <= 0xfe0f) ||
    (code >= 0xe0100 && code <= 0xe01ef)
  );
}

// East Asian wide and fullwidth ranges, plus the common emoji blocks, take two terminal columns.
function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0x303e) ||
    (code >= 0x3041 && code <= 0x33ff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0xa000 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1f64f) ||
    (code >= 0x1f900 && code <= 0x1f9ff) ||
    (code >= 0x20000 && code <= 0x3fffd)
  );
}

function charWidth(char: string): number {
  const code = char.codePointAt(0) ?? 0;
  if (isZeroWidth(code)) return 0;
  return isWide(code) ? 2 : 1;
}

// The number of terminal columns text takes, ignoring ANSI colour codes.
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of stripAnsi(text)) width += charWidth(char);
  return width;
}

// Replaces control characters (newlines, ESC, ...) so user-supplied text cannot break a table or drive the terminal.
export function cleanText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (char) => {
    if (char === '\n') return '\\n';
    if (char === '\r') return '\\r';
    if (char === '\t') return '\\t';
    return `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}

// Cuts plain text to at most `width` columns, ending in '…' when something was cut.
export function truncateToWidth(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  if (width <= 0) return '';
  let result = '';
  let used = 0;
  for (const char of text) {
    const w = charWidth(char);
    if (used + w > width - 1) break;
    result += char;
    used += w;
  }
  return `${result}…`;
}

function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

/** Table text: a header row (or null for none) and body rows; cells may already hold colour codes. */
export interface TableContent {
  head: readonly string[] | null;
  rows: readonly (readonly string[])[];
}

// The column widths a table needs (the widest cell of each column, colour codes ignored).
export function columnWidths(content: TableContent): number[] {
  const widths: number[] = [];
  const all = content.head === null ? content.rows : [content.head, ...content.rows];
  for (const row of all) {
    row.forEach((cell, index) => {
      widths[index] = Math.max(widths[index] ?? 0, displayWidth(cell));
    });
  }
  return widths;
}

// The total width of a table with these column widths: borders plus one space of padding each side.
export function tableWidth(widths: readonly number[]): number {
  return widths.reduce((sum, width) => sum + width + 3, 1);
}

// Renders a table with box-drawing borders, one line per row, no trailing newline.
export function renderTable(content: TableContent): string {
  const widths = columnWidths(content);
  const rule = (left: string, middle: string, right: string): string =>
    left + widths.map((width) => '─'.repeat(width + 2)).join(middle) + right;
  const line = (row: readonly string[]): string =>
    '│' + widths.map((width, index) => ` ${padEnd(row[index] ?? '', width)} `).join('│') + '│';

  const lines = [rule('┌', '┬', '┐')];
  if (content.head !== null) {
    lines.push(line(content.head));
    lines.push(rule('├', '┼', '┤'));
  }
  for (const row of content.rows) lines.push(line(row));
  lines.push(rule('└', '┴', '┘'));
  return lines.join('\n');
}
