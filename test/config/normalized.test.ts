import { describe, expect, it } from 'vitest';
import { isNormalizedApp, normalizedAppProblem } from '../../src/config/normalized.js';
import { normalizeApp } from '../../src/config/validate.js';

const normalized = (): Record<string, unknown> =>
  normalizeApp({ name: 'api', script: 'api.js', instances: 2 }, { index: 0 }, { baseDir: '/srv', shellEnv: { HOME: '/root' } }).app as unknown as Record<string, unknown>;

describe('normalizedAppProblem', () => {
  it('passes what normalizeApp makes', () => {
    expect(normalizedAppProblem(normalized())).toBeUndefined();
    expect(isNormalizedApp(normalized())).toBe(true);
  });

  it("tells PM2's options from a normalized config", () => {
    expect(isNormalizedApp({ name: 'api', script: 'api.js' })).toBe(false);
    expect(normalizedAppProblem({ name: 'api', script: 'api.js' })).toEqual({ field: 'cwd', value: undefined, allowed: 'an absolute path' });
  });

  it('names the first field that is not as normalization leaves it', () => {
    expect(normalizedAppProblem({ ...normalized(), instances: 0 })).toMatchObject({ field: 'instances', value: 0 });
    expect(normalizedAppProblem({ ...normalized(), env: { PORT: 3000 } })).toMatchObject({ field: 'env' });
    expect(normalizedAppProblem({ ...normalized(), autostart: 'yes' })).toMatchObject({ field: 'autostart', value: 'yes' });
    expect(normalizedAppProblem({ ...normalized(), source: undefined })).toMatchObject({ field: 'source' });
    expect(normalizedAppProblem(null)).toEqual({ field: 'app', value: null, allowed: 'an object' });
    expect(normalizedAppProblem([])).toEqual({ field: 'app', value: [], allowed: 'an object' });
  });
});
