// rest_for_one: the exited child and every child started after it are restarted together (OTP supervisor.erl).
import { ArborError, describeValue } from '../src/errors.js';
import type { ChildView, RestartPlan, RestartStrategy } from './types.js';

// Returns the start position of the exited child, or throws E_CHILD_NOT_FOUND naming the ids that exist.
export function positionOfExited(children: readonly ChildView[], exitedId: string): number {
  const position = children.findIndex((child) => child.id === exitedId);
  if (position === -1) {
    const ids = children.map((child) => child.id).join(', ');
    throw new ArborError(
      'E_CHILD_NOT_FOUND',
      `no child with id ${describeValue(exitedId)} under the supervisor; its children are: ${ids || '(none)'}`,
      { details: { field: 'exitedId', value: exitedId, allowed: ids } },
    );
  }
  return position;
}

// Plans a group restart over children[scopeStart..]: stop the running ones newest-first, drop the temporary
// ones, start the rest oldest-first. The exited child is never terminated and never removed here.
export function planGroupRestart(children: readonly ChildView[], exitedId: string, scopeStart: number): RestartPlan {
  const scope = children.slice(scopeStart);
  const others = scope.filter((child) => child.id !== exitedId);
  return {
    terminate: others
      .filter((child) => child.running)
      .map((child) => child.id)
      .reverse(),
    start: scope.filter((child) => child.restart !== 'temporary').map((child) => child.id),
    remove: others.filter((child) => child.restart === 'temporary').map((child) => child.id),
  };
}

// rest_for_one: terminate the younger running siblings newest-first, restart the exited child and the
// non-temporary younger siblings oldest-first; children started before the exited one are untouched.
export const restForOne: RestartStrategy = (children, exitedId) =>
  planGroupRestart(children, exitedId, positionOfExited(children, exitedId));
