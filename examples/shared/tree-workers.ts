// Walks a running tree for its workers (nested supervisors included), with the path, pid and status of each.
import type { ChildStatus, Tree } from '../../src/index.js';

/** One worker of the tree, at its full path (`root/jobs/mailer`). */
export interface WorkerRow {
  path: string;
  pid: number | null;
  status: ChildStatus;
}

// Every worker under the supervisor at `path`, depth first, in start order.
export function listWorkers(tree: Tree, path = 'root'): WorkerRow[] {
  return tree.children(path).flatMap((child) =>
    child.kind === 'supervisor'
      ? listWorkers(tree, `${path}/${child.id}`)
      : [{ path: `${path}/${child.id}`, pid: child.pid, status: child.status }],
  );
}
