import { describe, expect, it } from 'vitest';
import { createPalette, shouldColor, stripAnsi } from '../../../src/cli/format/colors.js';

describe('createPalette', () => {
  it('wraps text in ANSI codes when enabled', () => {
    const palette = createPalette(true);
    expect(palette.green('online')).toBe('\u001b[32monline\u001b[39m');
    expect(palette.red('errored')).toBe('\u001b[31merrored\u001b[39m');
    expect(palette.bold('x')).toBe('\u001b[1mx\u001b[22m');
    expect(palette.green('')).toBe('');
  });

  it('returns text unchanged when disabled', () => {
    const palette = createPalette(false);
    for (const paint of [palette.bold, palette.dim, palette.red, palette.green, palette.yellow, palette.blue, palette.cyan, palette.gray]) {
      expect(paint('text')).toBe('text');
    }
  });

  it('stripAnsi removes what the palette adds', () => {
    const palette = createPalette(true);
    expect(stripAnsi(palette.bold(palette.cyan('id')) + ' ' + palette.yellow('x'))).toBe('id x');
  });
});

describe('shouldColor', () => {
  const tty = { noColorFlag: false, env: {}, isTTY: true };

  it('colours a terminal and not a pipe by default', () => {
    expect(shouldColor(tty)).toBe(true);
    expect(shouldColor({ ...tty, isTTY: false })).toBe(false);
  });

  it('--no-color and a non-empty NO_COLOR turn colour off, even with FORCE_COLOR', () => {
    expect(shouldColor({ ...tty, noColorFlag: true })).toBe(false);
    expect(shouldColor({ ...tty, env: { NO_COLOR: '1' } })).toBe(false);
    expect(shouldColor({ ...tty, env: { NO_COLOR: '1', FORCE_COLOR: '1' } })).toBe(false);
    expect(shouldColor({ ...tty, noColorFlag: true, env: { FORCE_COLOR: '1' } })).toBe(false);
  });

  it('an empty NO_COLOR is ignored (no-color.org)', () => {
    expect(shouldColor({ ...tty, env: { NO_COLOR: '' } })).toBe(true);
  });

  it('FORCE_COLOR colours a pipe; FORCE_COLOR=0 turns a terminal plain', () => {
    expect(shouldColor({ ...tty, isTTY: false, env: { FORCE_COLOR: '1' } })).toBe(true);
    expect(shouldColor({ ...tty, env: { FORCE_COLOR: '0' } })).toBe(false);
  });
});
