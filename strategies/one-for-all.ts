// one_for_all: every child of the supervisor is restarted when one of them is (OTP supervisor.erl).
import { planGroupRestart, positionOfExited } from './rest-for-one.js';
import type { RestartStrategy } from './types.js';

// one_for_all: terminate every other running child newest-first, remove the temporary ones, and start all
// non-temporary children oldest-first (rest_for_one with the whole list as the group).
export const oneForAll: RestartStrategy = (children, exitedId) => {
  positionOfExited(children, exitedId);
  return planGroupRestart(children, exitedId, 0);
};
