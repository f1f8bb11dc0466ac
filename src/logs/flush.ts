// `arbor flush`: empties log files in place; writers holding O_APPEND descriptors simply continue at the new end.
import { statSync, truncateSync } from 'node:fs';
import { ArborError } from '../errors.js';
import { errorCode } from './log-error.js';

// Truncates each existing regular file to 0 bytes (missing files and non-files such as FIFOs are skipped); throws E_LOG_IO naming every file it could not truncate.
export function flushLogs(paths: readonly string[]): void {
  const failures: { path: string; error: unknown }[] = [];
  for (const path of new Set(paths)) {
    try {
      if (!statSync(path).isFile()) continue;
      truncateSync(path, 0);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') continue;
      failures.push({ path, error });
    }
  }
  if (failures.length === 0) return;
  const listed = failures.map(({ path, error }) => `${path} (${error instanceof Error ? error.message : String(error)})`).join(', ');
  throw new ArborError('E_LOG_IO', `could not flush ${failures.length} log file(s): ${listed}`, {
    cause: failures[0]?.error,
    details: { paths: failures.map(({ path }) => path) },
  });
}
