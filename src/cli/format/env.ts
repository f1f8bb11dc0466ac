// `arbor env <id>`: the process's environment variables, one `KEY: value` line each.
import type { ProcessDescription } from '../../client/types.js';
import { createPalette } from './colors.js';
import { cleanText } from './table.js';

// Lists each env var of the process in its stored order; control characters in values are escaped.
export function formatEnv(proc: ProcessDescription, options: { color: boolean } = { color: false }): string {
  const palette = createPalette(options.color);
  return Object.entries(proc.pm2_env.env)
    .map(([key, value]) => `${cleanText(key)}: ${palette.green(cleanText(String(value)))}`)
    .join('\n');
}
