// Short human forms for durations, byte sizes and CPU percentages, as PM2's tables show them.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const YEAR = 365 * DAY;

// Formats a duration with its largest whole unit: '0s', '59s', '1m', '59m', '1h', '23h', '1D', '364D', '1Y'.
export function humanUptime(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '0s';
  if (ms < MINUTE) return `${Math.floor(ms / SECOND)}s`;
  if (ms < HOUR) return `${Math.floor(ms / MINUTE)}m`;
  if (ms < DAY) return `${Math.floor(ms / HOUR)}h`;
  if (ms < YEAR) return `${Math.floor(ms / DAY)}D`;
  return `${Math.floor(ms / YEAR)}Y`;
}

const BYTE_UNITS = ['kb', 'mb', 'gb', 'tb', 'pb'] as const;

// Formats a byte count in powers of 1024 with one decimal: '0b', '1023b', '1.0kb', '12.3kb', '41.2mb', '1.1gb'.
export function humanBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes <= 0) return '0b';
  const whole = Math.round(bytes);
  if (whole < 1024) return `${whole}b`;
  let value = bytes / 1024;
  let unit = 0;
  // Move up a unit when the value would print as 1024.0 in this one (1048575 bytes is '1.0mb', not '1024.0kb').
  while (unit < BYTE_UNITS.length - 1 && Number(value.toFixed(1)) >= 1024) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)}${BYTE_UNITS[unit] ?? 'pb'}`;
}

// Formats a CPU percentage to at most one decimal: '0%', '12%', '12.3%', '250%' (several cores).
export function formatCpu(percent: number): string {
  if (!Number.isFinite(percent) || percent <= 0) return '0%';
  const rounded = Math.round(percent * 10) / 10;
  return `${rounded}%`;
}
