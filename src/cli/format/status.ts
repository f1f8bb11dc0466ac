// The colour of each process status, shared by the list and describe views.
import type { ProcessStatus } from '../../client/types.js';
import type { Palette } from './colors.js';

// Paints a status: green when online, red when errored or stopped, yellow while changing, plain otherwise.
export function paintStatus(status: ProcessStatus, palette: Palette): string {
  switch (status) {
    case 'online':
      return palette.green(status);
    case 'errored':
    case 'stopped':
      return palette.red(status);
    case 'launching':
    case 'stopping':
    case 'waiting restart':
      return palette.yellow(status);
    case 'one-launch-status':
      return status;
  }
}

// PM2's short mode name for the list: 'cluster' or 'fork'.
export function shortMode(execMode: string): string {
  return execMode === 'cluster_mode' ? 'cluster' : 'fork';
}
