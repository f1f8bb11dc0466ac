import { defineConfig } from 'vitest/config';

// ARBOR_VITEST_JSON (set by .ci/run) adds a JSON report whose counts CI prints as its closing line.
const json = process.env.ARBOR_VITEST_JSON;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
    reporters: json ? ['default', 'json'] : ['default'],
    ...(json ? { outputFile: { json } } : {}),
  },
});
