// What start, stop, restart and the like print after acting: a line per app acted on, then the process table (as PM2).

import type { ArborClient } from '../../client/client.js';
import type { ProcessDescription } from '../../client/types.js';
import { formatList } from '../format/list.js';
import type { Output } from '../output.js';

// Groups processes by app name, in first-seen order: 'api (0, 1)' for each app.
export function describeApps(procs: readonly ProcessDescription[]): string[] {
  const ids = new Map<string, number[]>();
  for (const proc of procs) {
    const list = ids.get(proc.name);
    if (list === undefined) ids.set(proc.name, [proc.pm_id]);
    else list.push(proc.pm_id);
  }
  return [...ids].map(([name, appIds]) => `${name} (${appIds.join(', ')})`);
}

// Prints `[arbor] <verb> <app> (<ids>)` for each app acted on (nothing when none was).
export function reportAction(out: Output, verb: string, procs: readonly ProcessDescription[]): void {
  for (const app of describeApps(procs)) out.info(`${verb} ${app}`);
}

// Prints the whole process table, unless --silent.
export async function printProcessTable(out: Output, client: ArborClient): Promise<void> {
  if (out.silent) return;
  const procs = await client.summary();
  out.data(formatList(procs, { color: out.color, ...(out.width === undefined ? {} : { width: out.width }) }));
}
