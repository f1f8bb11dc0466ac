// The library's tree builders: `worker({...})` and `supervisor({...}, [children])` describe a tree; `start` validates it.
import type { ChildDraft, SupervisorOptions, WorkerOptions } from './types.js';

// Describes a worker: one managed OS process.
export function worker(options: WorkerOptions): ChildDraft {
  return { kind: 'worker', options };
}

// Describes a supervisor and its children, in start order.
export function supervisor(options: SupervisorOptions, children: ChildDraft[] = []): ChildDraft {
  return { kind: 'supervisor', options, children };
}
