// Warnings for flags arbor accepts from PM2 command lines but does nothing with.

import { IGNORED_PM2_FLAGS } from '../start-flags.js';
import type { AppFlags, ProcessActionRequest } from '../request.js';
import type { CommandContext } from './context.js';

// Tells which PM2 flags were accepted but have no effect in arbor.
export function warnIgnoredFlags(flags: AppFlags, context: CommandContext): void {
  for (const flag of flags.ignoredFlags) {
    const known = IGNORED_PM2_FLAGS.find((ignored) => ignored.flags.split(/[ ,]+/).includes(flag));
    context.out.warn(`${flag} is ignored${known === undefined ? '' : `: ${known.reason}`}`);
  }
  if (flags.parallel !== undefined) context.out.warn('--parallel is ignored: the daemon decides how many processes it restarts at once');
}

// Tells which app flags restart or reload was given that change nothing: all but --watch (the apps keep their stored
// config), and --watch too for the apps of ecosystem files (their file's keys win).
export function warnUnappliedAppFlags(request: ProcessActionRequest, hasFileTargets: boolean, context: CommandContext): void {
  const keys = Object.keys(request.app);
  if (keys.length > 0) {
    context.out.warn(`${keys.join(', ')} from the command line ${keys.length === 1 ? 'is' : 'are'} ignored by ${request.command}: the apps keep their stored config`);
  }
  if (hasFileTargets && request.command !== 'stop' && request.watch !== undefined) {
    context.out.warn('--watch is ignored for the apps of ecosystem files: set watch in the file');
  }
}
