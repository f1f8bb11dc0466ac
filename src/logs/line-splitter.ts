// Cuts a byte stream into lines, keeping a partial last line across chunks and never splitting a UTF-8 character.
import { StringDecoder } from 'node:string_decoder';

/** The default longest line, in UTF-16 code units; longer lines are cut into pieces of this length. */
export const DEFAULT_MAX_LINE_LENGTH = 1024 * 1024;

// Splits chunks on '\n' (the newline is dropped, a '\r' before it is kept); bounded: no line grows past maxLineLength.
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';

  constructor(private readonly maxLineLength: number = DEFAULT_MAX_LINE_LENGTH) {}

  /** The complete lines this chunk finishes; the unfinished tail is kept for the next chunk. */
  push(chunk: Buffer | string): string[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    const lines: string[] = [];
    let start = 0;
    let newline = text.indexOf('\n');
    if (newline !== -1) {
      this.emit(this.partial + text.slice(0, newline), lines);
      this.partial = '';
      start = newline + 1;
      while ((newline = text.indexOf('\n', start)) !== -1) {
        this.emit(text.slice(start, newline), lines);
        start = newline + 1;
      }
    }
    this.partial += text.slice(start);
    // A line with no end in sight: cut it rather than buffer without bound.
    while (this.partial.length > this.maxLineLength) {
      const cut = safeCut(this.partial, this.maxLineLength);
      lines.push(this.partial.slice(0, cut));
      this.partial = this.partial.slice(cut);
    }
    return lines;
  }

  /** The unfinished last line, if any (call once, when the stream ends). */
  end(): string[] {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    if (rest === '') return [];
    const lines: string[] = [];
    this.emit(rest, lines);
    return lines;
  }

  private emit(line: string, into: string[]): void {
    if (line.length <= this.maxLineLength) {
      into.push(line);
      return;
    }
    let rest = line;
    while (rest.length > this.maxLineLength) {
      const cut = safeCut(rest, this.maxLineLength);
      into.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    into.push(rest);
  }
}

// A cut position at most `limit` that does not split a surrogate pair.
function safeCut(text: string, limit: number): number {
  const code = text.charCodeAt(limit - 1);
  return code >= 0xd800 && code <= 0xdbff && limit > 1 ? limit - 1 : limit;
}
