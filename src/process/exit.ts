// Exits as data: turns what the OS reports into OTP's three exit reasons.
import type { ExitStatus } from '../runtime/driver.js';

/** OTP's view of an exit: `normal` (code 0 or a stop exit code), `shutdown` (the supervisor stopped it), `crash` (anything else). */
export type ExitReason = 'normal' | 'shutdown' | 'crash';

/** One exit of a managed process. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  reason: ExitReason;
  uptimeMs: number;
}

// Classifies an exit: a stop the supervisor asked for is `shutdown` whatever the status; else a listed code (0 by default) is `normal`.
export function classifyExit(
  status: ExitStatus,
  context: { stopRequested: boolean; normalExitCodes: readonly number[]; uptimeMs: number },
): Exit {
  const reason: ExitReason = context.stopRequested
    ? 'shutdown'
    : status.signal === null && status.code !== null && context.normalExitCodes.includes(status.code)
      ? 'normal'
      : 'crash';
  return { code: status.code, signal: status.signal, reason, uptimeMs: Math.max(0, Math.round(context.uptimeMs)) };
}
