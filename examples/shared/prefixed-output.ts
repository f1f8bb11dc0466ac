// Routes a child's stdout or stderr through this process, each line stamped and prefixed with the child's name.
import * as readline from 'node:readline';
import type { Readable } from 'node:stream';
import type { OutputTarget } from '../../src/index.js';
import { clockStamp, paint, type Colour } from './terminal.js';

const LABEL_WIDTH = 10;

// An output target (a pipe) that prints every line of the stream as `HH:MM:SS.mmm  label | line`; stderr lines in red.
export function prefixedOutput(label: string, colour: Colour, stream: 'stdout' | 'stderr' = 'stdout'): OutputTarget {
  const prefix = paint(colour, label.padEnd(LABEL_WIDTH)) + (stream === 'stderr' ? paint('red', '! ') : '| ');
  return {
    pipe: (source: Readable) => {
      const lines = readline.createInterface({ input: source, crlfDelay: Infinity });
      lines.on('line', (line) => process.stdout.write(`${paint('dim', clockStamp())}  ${prefix}${line}\n`));
    },
  };
}
