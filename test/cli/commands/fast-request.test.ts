import { describe, expect, it } from 'vitest';
import { FAST_VERBS, fastRequest } from '../../../src/cli/commands/fast-request.js';
import { parseCommandLine } from '../../../src/cli/parse.js';

const FLAG_SETS: string[][] = [[], ['-s'], ['--silent'], ['--no-color'], ['-s', '--no-color']];

describe('fastRequest', () => {
  it('gives exactly what parseCommandLine gives for every bare verb, alias and global-flag placement', () => {
    for (const verb of Object.keys(FAST_VERBS)) {
      for (const flags of FLAG_SETS) {
        for (const argv of [[verb, ...flags], [...flags, verb]]) {
          expect(fastRequest(argv), argv.join(' ')).toEqual(parseCommandLine(argv));
        }
      }
    }
  });

  it('leaves every other line to commander', () => {
    for (const argv of [[], ['ls', 'x'], ['ls', 'ls'], ['ls', '-h'], ['ls', '--help'], ['-v'], ['ls', '--color'], ['start', 'app.js'], ['ls', '-sx'], ['LS'], ['describe', '0'], ['ls', '--'], ['logs']]) {
      expect(fastRequest(argv), argv.join(' ')).toBeUndefined();
    }
  });

  it('recognises no word that is not an own key of the table', () => {
    expect(fastRequest(['toString'])).toBeUndefined();
    expect(fastRequest(['__proto__'])).toBeUndefined();
  });
});
