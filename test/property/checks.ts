// Small readers over observations that the invariant properties share: specs by id, exits, start attempts,
// and a runner that checks an invariant on the model (is the model right?) and on arbor (is arbor right?).
import { expectSameBehaviour, runBoth, type DifferentialRun, type ExitSpec, type RunObservation, type Scenario, type StepObservation } from './harness.js';
import type { ModelChildSpec, ModelRecord } from './reference-model.js';

/** Runs per property: each found the engine's discrepancies within its first few dozen runs; the folder stays fast on 2 cores. */
export const RUNS = 100;

/** Runs for the properties whose inputs are small (one rule, a few shapes). A whole number: fast-check needs one. */
export const FEW_RUNS = 40;

// Every spec that can appear in a run, by id: the tree's (nested ones too) and the ones added at run time.
export function specsById(scenario: Scenario, run: DifferentialRun): Map<string, ModelChildSpec> {
  const specs = new Map<string, ModelChildSpec>();
  const visit = (spec: ModelChildSpec): void => {
    specs.set(spec.id, spec);
    if (spec.kind === 'supervisor') spec.children.forEach(visit);
  };
  scenario.root.children.forEach(visit);
  for (const action of run.resolved) if (action.kind === 'add' && !specs.has(action.spec.id)) specs.set(action.spec.id, action.spec);
  return specs;
}

// OTP `normal`: code 0 and no signal (a code listed in stop_exit_codes would be too; none are used here).
export function isNormal(exit: ExitSpec): boolean {
  return exit.signal === null && exit.code === 0;
}

// Whether OTP restarts a child of this restart type after an exit it made by itself.
export function restartsAfter(spec: ModelChildSpec, exit: ExitSpec): boolean {
  return spec.restart === 'permanent' || (spec.restart === 'transient' && !isNormal(exit));
}

// The start attempts in a step (ok, ignored or failed), in order.
export function startAttempts(records: readonly ModelRecord[]): ModelRecord[] {
  return records.filter((record) => record.type === 'spawn' || record.type === 'spawn_failed' || record.type === 'ignored');
}

// The ids the supervisor sent a stop signal to, in order.
export function signalled(records: readonly ModelRecord[]): string[] {
  return records.filter((record) => record.type === 'signal').map((record) => record.id);
}

/** A crash step whose process really was running, with the crashed id and its exit. */
export interface CrashStep {
  step: StepObservation;
  id: string;
  exit: ExitSpec;
}

// The steps where a live process exited by itself (its exit is the step's first record).
export function effectiveCrashes(observation: RunObservation): CrashStep[] {
  const crashes: CrashStep[] = [];
  for (const step of observation.steps) {
    const action = step.action;
    if (action.kind !== 'crash') continue;
    const first = step.records[0];
    if (first?.type === 'exit' && first.id === action.id) crashes.push({ step, id: action.id, exit: action.exit });
  }
  return crashes;
}

// The calls (manual API and stop) that were never answered, by step number: a call must not wait forever.
export function unansweredCalls(observation: RunObservation): number[] {
  const answered = new Set(observation.steps.flatMap((step) => step.late.map((late) => late.call)));
  return observation.steps.flatMap((step, index) => (step.reply === 'pending' && !answered.has(index) ? [index] : []));
}

// Runs a scenario through both, checks the invariant on the model's and on arbor's observations, then compares them.
export async function checkInvariant(scenario: Scenario, invariant: (observation: RunObservation, run: DifferentialRun, who: string) => void): Promise<void> {
  const run = await runBoth(scenario);
  invariant(run.model, run, 'model');
  invariant(run.engine, run, 'arbor');
  expectSameBehaviour(run);
}
