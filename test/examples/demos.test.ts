// The README's demo commands keep working: each example runs unattended, stops by itself and leaves nothing behind.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');

function runDemo(entry: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [tsxCli, entry], {
    env: { ...process.env, DEMO_DURATION_MS: '3500', NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('examples', () => {
  it('mixed-workers runs bash, python and node workers, restarts the crashing one, and stops cleanly', () => {
    const { status, output } = runDemo('examples/mixed-workers/main.ts');
    expect(status, output).toBe(0);
    expect(output).toMatch(/root\/ticker\s+started pid \d+/);
    expect(output).toMatch(/root\/flaky\s+started pid \d+/);
    expect(output).toMatch(/root\/heartbeat\s+started pid \d+/);
    expect(output).toMatch(/is alive/);
  });

  it('nested-tree shows rest_for_one over one_for_all and stops cleanly', () => {
    const { status, output } = runDemo('examples/nested-tree/main.ts');
    expect(status, output).toBe(0);
    expect(output).toMatch(/mailer/);
    expect(output).toMatch(/restarted/);
  });
});
