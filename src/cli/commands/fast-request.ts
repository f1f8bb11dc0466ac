// The command lines `arbor ls` and its kind are made of, recognised without commander: building commander's
// program costs more than the rest of `arbor ls` together, so the common bare verbs skip it.
//
// Anything this does not recognise exactly goes to parseCommandLine, which stays the definition of the syntax;
// a test checks both give the same request for every line recognised here.

import type { BareRequest } from '../request.js';

/** Each bare verb and alias this recognises, with the command it means (as parse.ts declares them). */
export const FAST_VERBS: Readonly<Record<string, BareRequest['command']>> = {
  list: 'list',
  ls: 'list',
  l: 'list',
  ps: 'list',
  status: 'list',
  jlist: 'jlist',
  prettylist: 'prettylist',
  ping: 'ping',
  kill: 'kill',
  resurrect: 'resurrect',
  cleardump: 'cleardump',
  reloadLogs: 'reloadLogs',
};

// The request for a line made of one bare verb and the global flags -s/--silent and --no-color; undefined otherwise.
export function fastRequest(argv: readonly string[]): BareRequest | undefined {
  let command: BareRequest['command'] | undefined;
  let silent = false;
  let noColor = false;
  for (const word of argv) {
    if (word === '-s' || word === '--silent') silent = true;
    else if (word === '--no-color') noColor = true;
    else if (command === undefined && Object.hasOwn(FAST_VERBS, word)) command = FAST_VERBS[word];
    else return undefined;
  }
  return command === undefined ? undefined : { noColor, silent, command };
}
