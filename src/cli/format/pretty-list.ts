// `arbor prettylist`: the process descriptions as a full util.inspect dump.
import { inspect } from 'node:util';
import type { ProcessDescription } from '../../client/types.js';

// Dumps every process description to any depth, with inspect's colours when asked.
export function formatPrettyList(
  procs: readonly ProcessDescription[],
  options: { color: boolean } = { color: false },
): string {
  return inspect(procs, { depth: Infinity, colors: options.color, maxArrayLength: Infinity, maxStringLength: Infinity });
}
