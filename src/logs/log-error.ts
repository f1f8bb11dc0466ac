// File-system failures of the log layer, as ArborError E_LOG_IO with the errno kept as the cause.
import { ArborError } from '../errors.js';

// The errno code of a Node system error ('ENOENT', 'EACCES', ...), if any.
export function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

// Wraps a file-system failure as E_LOG_IO saying what was attempted (an ArborError passes through unchanged).
export function asLogError(error: unknown, message: string): ArborError {
  if (error instanceof ArborError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new ArborError('E_LOG_IO', `${message}: ${reason}`, { cause: error });
}
