// Small terminal helpers for the examples: wall-clock stamps and colours that switch off when output is not a terminal.

const useColour = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;

const CODES = { dim: 2, bold: 1, red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36 } as const;

/** A colour (or style) the examples use. */
export type Colour = keyof typeof CODES;

// Wraps text in an ANSI colour when stdout is a terminal and NO_COLOR is unset; plain text otherwise.
export function paint(colour: Colour, text: string): string {
  return useColour ? `\u001b[${CODES[colour]}m${text}\u001b[0m` : text;
}

// The wall-clock time as HH:MM:SS.mmm, the stamp every example line starts with.
export function clockStamp(date = new Date()): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}

// Writes one line to stdout, stamped with the time.
export function say(text: string): void {
  process.stdout.write(`${paint('dim', clockStamp())}  ${text}\n`);
}
