// Warnings for flags arbor accepts from PM2 command lines but does nothing with.

import { IGNORED_PM2_FLAGS } from '../start-flags.js';
import type { AppFlags } from '../request.js';
import type { CommandContext } from './context.js';

// Tells which PM2 flags were accepted but have no effect in arbor.
export function warnIgnoredFlags(flags: AppFlags, context: CommandContext): void {
  for (const flag of flags.ignoredFlags) {
    const known = IGNORED_PM2_FLAGS.find((ignored) => ignored.flags.split(/[ ,]+/).includes(flag));
    context.out.warn(`${flag} is ignored${known === undefined ? '' : `: ${known.reason}`}`);
  }
  if (flags.parallel !== undefined) context.out.warn('--parallel is ignored: the daemon decides how many processes it restarts at once');
}
