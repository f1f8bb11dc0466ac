// arbor's programmatic client (PM2's `require('pm2')`): connect to the daemon and drive it. Explicit re-exports only.
export {
  connect,
  createClient,
  BUS_EVENTS,
  DEFAULT_KILL_WAIT_MS,
  type ArborBus,
  type ArborClient,
  type BusEvents,
  type ClientOptions,
  type RestartOptions,
  type ScaleInput,
  type StartInput,
  type StartOptions,
  type StopOptions,
} from './client.js';
export type { AppInput } from './app-input.js';
export type { DaemonApi, DaemonEvents, DaemonMethod, LogFiles, Target, WatchChange } from './api.js';
export type { ArborEnvExtras, ExecMode, LastExit, Pm2Env, ProcessDescription, ProcessStatus } from './types.js';
export type { AppConfig, EcosystemConfig, TreeConfig } from '../config/types.js';
export { daemonEntry, packageVersion, type DaemonEntry } from './daemon-entry.js';
export { ArborError, isArborError, type ErrorCode } from '../errors.js';
