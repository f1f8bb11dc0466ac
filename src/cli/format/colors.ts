// Tiny ANSI colouring for CLI output: a palette that is either real or a set of identity functions.

/** One colouring function: wraps text in an ANSI style, or returns it unchanged when colour is off. */
export type Paint = (text: string) => string;

/** The styles arbor's output uses. */
export interface Palette {
  enabled: boolean;
  bold: Paint;
  dim: Paint;
  red: Paint;
  green: Paint;
  yellow: Paint;
  blue: Paint;
  cyan: Paint;
  gray: Paint;
}

function style(open: number, close: number): Paint {
  const start = `\u001b[${open}m`;
  const end = `\u001b[${close}m`;
  return (text) => (text === '' ? text : start + text + end);
}

const identity: Paint = (text) => text;

const COLORED: Palette = {
  enabled: true,
  bold: style(1, 22),
  dim: style(2, 22),
  red: style(31, 39),
  green: style(32, 39),
  yellow: style(33, 39),
  blue: style(34, 39),
  cyan: style(36, 39),
  gray: style(90, 39),
};

const PLAIN: Palette = {
  enabled: false,
  bold: identity,
  dim: identity,
  red: identity,
  green: identity,
  yellow: identity,
  blue: identity,
  cyan: identity,
  gray: identity,
};

// Returns the palette for output with colour on or off.
export function createPalette(enabled: boolean): Palette {
  return enabled ? COLORED : PLAIN;
}

/** What decides whether output is coloured; the caller supplies the TTY fact and the environment. */
export interface ColorContext {
  /** True when --no-color was given. */
  noColorFlag: boolean;
  /** The process environment (NO_COLOR, FORCE_COLOR are read). */
  env: Readonly<Record<string, string | undefined>>;
  /** True when the output stream is a terminal. */
  isTTY: boolean;
}

// Decides whether to colour: --no-color and NO_COLOR (any non-empty value) win, then FORCE_COLOR, then the TTY.
export function shouldColor(context: ColorContext): boolean {
  if (context.noColorFlag) return false;
  const noColor = context.env['NO_COLOR'];
  if (noColor !== undefined && noColor !== '') return false;
  const force = context.env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force !== 'false';
  return context.isTTY;
}

const ANSI_PATTERN = /\u001b\[[0-9;]*m/g;

// Removes ANSI colour codes (SGR sequences) from text.
export function stripAnsi(text: string): string {
  return text.replace(ANSI_PATTERN, '');
}
