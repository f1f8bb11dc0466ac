// one_for_one: only the child that exited is restarted (OTP supervisor.erl).
import { positionOfExited } from './rest-for-one.js';
import type { RestartStrategy } from './types.js';

// one_for_one: restart the exited child alone; no sibling is touched. A temporary child (never restarted,
// so the supervisor should not ask) gets an empty plan rather than a start.
export const oneForOne: RestartStrategy = (children, exitedId) => {
  const exited = children[positionOfExited(children, exitedId)];
  const restartable = exited !== undefined && exited.restart !== 'temporary';
  return { terminate: [], start: restartable ? [exitedId] : [], remove: [] };
};
