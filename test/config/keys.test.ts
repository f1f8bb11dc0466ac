import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { closest, editDistance } from '../../src/config/closest.js';
import { APP_KEYS, camelCase, resolveAppKey, suggestAppKey } from '../../src/config/keys.js';

describe('the key table', () => {
  it('makes camelCase forms the way PM2 does', () => {
    expect(camelCase('max_memory_restart')).toBe('maxMemoryRestart');
    expect(camelCase('exp_backoff_restart_delay')).toBe('expBackoffRestartDelay');
    expect(camelCase('script')).toBe('script');
    expect(camelCase('a_b_cd')).toBe('abCd');
  });

  it('resolves every canonical name, alias and camelCase form to its own key, with no spelling shared by two keys', () => {
    for (const spec of APP_KEYS) {
      for (const plain of [spec.key, ...spec.aliases]) {
        for (const spelling of [plain, camelCase(plain)]) expect(resolveAppKey(spelling)?.spec.key, spelling).toBe(spec.key);
      }
    }
  });

  it('ranks the canonical spelling first', () => {
    expect(resolveAppKey('out_file')?.rank).toBe(0);
    expect(resolveAppKey('outFile')?.rank).toBe(1);
    expect(resolveAppKey('out')?.rank).toBeGreaterThan(1);
  });

  it('has the PM2 aliases the brief lists', () => {
    const aliases: Record<string, string[]> = {
      script: ['exec', 'cmd', 'command'],
      out_file: ['out', 'output', 'out_log'],
      error_file: ['error', 'err', 'err_file', 'err_log'],
      log_file: ['log'],
      merge_logs: ['combine_logs'],
      interpreter: ['exec_interpreter'],
      interpreter_args: ['node_args'],
      cron_restart: ['cron'],
      pid_file: ['pid'],
      log_max_size: ['max_size'],
      log_retain: ['retain'],
    };
    for (const [key, spellings] of Object.entries(aliases)) {
      for (const spelling of spellings) expect(resolveAppKey(spelling)?.spec.key, spelling).toBe(key);
    }
  });

  it('knows the PM2 keys arbor ignores, explaining only those that would change what runs', () => {
    expect(resolveAppKey('vizion')?.spec).toMatchObject({ kind: 'ignored' });
    expect(resolveAppKey('vizion')?.spec.ignoredBecause).toBeUndefined();
    expect(resolveAppKey('user')?.spec).toMatchObject({ key: 'uid', kind: 'ignored' });
    expect(resolveAppKey('user')?.spec.ignoredBecause).toContain('daemon');
    expect(resolveAppKey('instnaces')).toBeUndefined();
  });

  it('suggests the nearest known key for typos, and nothing for unrelated words', () => {
    expect(suggestAppKey('instnaces')).toBe('instances');
    expect(suggestAppKey('max_memory_restat')).toBe('max_memory_restart');
    expect(suggestAppKey('enviroment')).toBeUndefined();
    expect(suggestAppKey('xyzzy_plugh')).toBeUndefined();
  });
});

describe('edit distance', () => {
  it('counts insertions, deletions, substitutions and adjacent swaps as one edit each', () => {
    expect(editDistance('instances', 'instances')).toBe(0);
    expect(editDistance('instnaces', 'instances')).toBe(1);
    expect(editDistance('instance', 'instances')).toBe(1);
    expect(editDistance('instancex', 'instances')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('is symmetric and zero exactly for equal strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        expect(editDistance(a, b)).toBe(editDistance(b, a));
        expect(editDistance(a, b) === 0).toBe(a === b);
        expect(editDistance(a, b)).toBeLessThanOrEqual(Math.max(a.length, b.length));
      }),
    );
  });

  it('finds nothing among no candidates', () => {
    expect(closest('a', [])).toBeUndefined();
  });
});
