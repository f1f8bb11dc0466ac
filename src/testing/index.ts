// arbor/testing: simulated time and processes, and fast-check arbitraries, for property tests of restart policy.
export { SimulatedClock } from './simulated-clock.js';
export { SimulatedDriver, type DriverRecord, type SimulatedRun } from './simulated-driver.js';
export {
  flatTreeArb,
  restartTypeArb,
  strategyArb,
  toDraft,
  treeActionsArb,
  type FlatTreeModel,
  type TreeAction,
} from './arbitraries.js';
