// arbor: OTP supervision trees for OS processes, embedded in your program. Explicit re-exports only.
export { start, Tree, type ChildInfo, type StartOptions, type TreeOutcome } from './tree.js';
export { supervisor, worker } from './spec/builders.js';
export { validateTree, DEFAULTS, type ValidationContext } from './spec/validate.js';
export type {
  AutoShutdown,
  BackoffPolicy,
  ChildDraft,
  ChildSpec,
  OutputTarget,
  RestartType,
  Shutdown,
  StrategyName,
  SupervisorOptions,
  SupervisorSpec,
  UnstablePolicy,
  WorkerOptions,
  WorkerSpec,
} from './spec/types.js';
export type { TreeEvent, TreeEventType } from './supervisor/events.js';
export type { ChildStatus } from './supervisor/protocol.js';
export type { Exit, ExitReason } from './process/exit.js';
export { ArborError, ERROR_CODES, isArborError, type ErrorCode } from './errors.js';
export { realClock, type Clock } from './runtime/clock.js';
export { createRealDriver } from './runtime/real-driver.js';
export type { Driver, ExitStatus, LaunchRequest, ProcessHandle, ProcessListener } from './runtime/driver.js';
export {
  strategies,
  strategyFor,
  addRestart,
  nextBackoff,
  recordExit,
  fixedDelay,
  pm2ExponentialBackoff,
  backoffFromPm2,
  pm2UnstablePolicy,
} from '../strategies/index.js';
