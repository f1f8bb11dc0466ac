// OTP invariants 5, 6, 9 and 14 (otp-supervisor.md section 8): the scope and the order of group restarts, what
// they count, and that the exits the supervisor causes itself are never treated as crashes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkInvariant, effectiveCrashes, restartsAfter, RUNS, signalled, specsById, startAttempts, unansweredCalls, type CrashStep } from './checks.js';
import type { DifferentialRun, RunObservation, Scenario } from './harness.js';
import type { ModelChildSpec } from './reference-model.js';
import { scenarioArb } from './scenario-arbitraries.js';

// A clean group restart: the first decision restarts K and no start fails (so no retry widens or repeats it).
function cleanGroupRestarts(observation: RunObservation): CrashStep[] {
  return effectiveCrashes(observation).filter(
    ({ step }) => step.decisions.length === 1 && step.decisions[0]!.outcome === 'restart' && !step.records.some((record) => record.type === 'spawn_failed'),
  );
}

// Checks that the group restart after K's exit stopped exactly the group's other running members newest-first,
// started its non-temporary members oldest-first, dropped its temporaries, and left the children before it alone.
function expectGroupScope(crash: CrashStep, specs: Map<string, ModelChildSpec>, scope: 'rest' | 'all', who: string): void {
  const { step, id } = crash;
  const before = step.before!;
  const position = before.findIndex((child) => child.id === id);
  const from = scope === 'all' ? 0 : position;
  const group = before.slice(from);
  const stopped = group.filter((child) => child.id !== id && child.state === 'running').map((child) => child.id).reverse();
  const started = group.filter((child) => specs.get(child.id)!.restart !== 'temporary').map((child) => child.id);
  expect(signalled(step.records), `${who}: stopped after ${id} exited (group ${JSON.stringify(group)})`).toEqual(stopped);
  expect(startAttempts(step.records).map((record) => record.id), `${who}: started after ${id} exited`).toEqual(started);
  const untouched = before.slice(0, from).map((child) => child.id);
  expect(step.records.filter((record) => untouched.includes(record.id)), `${who}: children before ${id} were touched`).toEqual([]);
  const gone = group.filter((child) => specs.get(child.id)!.restart === 'temporary').map((child) => child.id);
  for (const temporary of gone) expect(step.children!.map((child) => child.id), `${who}: temporary ${temporary} kept`).not.toContain(temporary);
}

// The invariant of (5) or (6) for one scenario.
function groupScopeInvariant(scope: 'rest' | 'all', scenario: Scenario) {
  return (observation: RunObservation, run: DifferentialRun, who: string): void => {
    const specs = specsById(scenario, run);
    for (const crash of cleanGroupRestarts(observation)) expectGroupScope(crash, specs, scope, who);
  };
}

describe('OTP invariants: group restarts', () => {
  it('5. rest_for_one scope: stops exactly the running children after K newest-first, starts the non-temporary ones from K on oldest-first, leaves those before K alone', async () => {
    const scenarios = scenarioArb({ strategies: ['rest_for_one'], intensity: { min: 1, max: 5 }, minChildren: 2, maxChildren: 6 }, { maxLength: 20 });
    await fc.assert(
      fc.asyncProperty(scenarios, (scenario) => checkInvariant(scenario, groupScopeInvariant('rest', scenario))),
      { numRuns: RUNS },
    );
  });

  it('6. one_for_all scope: stops every other running child newest-first, starts every non-temporary child oldest-first', async () => {
    const scenarios = scenarioArb({ strategies: ['one_for_all'], intensity: { min: 1, max: 5 }, minChildren: 2, maxChildren: 6 }, { maxLength: 20 });
    await fc.assert(
      fc.asyncProperty(scenarios, (scenario) => checkInvariant(scenario, groupScopeInvariant('all', scenario))),
      { numRuns: RUNS },
    );
  });

  it('9. a group restart is one restart: a one_for_all or rest_for_one event adds exactly one timestamp (plus one per failed start retried)', async () => {
    const scenarios = scenarioArb(
      { strategies: ['one_for_all', 'rest_for_one'], intensity: { min: 1, max: 5 }, minChildren: 2, maxChildren: 6 },
      { maxLength: 20 },
      { maxScripted: 3, error: 1, ok: 3, ignore: 1 },
    );
    await fc.assert(
      fc.asyncProperty(scenarios, (scenario) =>
        checkInvariant(scenario, (observation, run, who) => {
          const specs = specsById(scenario, run);
          for (const { step, id, exit } of effectiveCrashes(observation)) {
            const failures = step.records.filter((record) => record.type === 'spawn_failed').length;
            const expected = restartsAfter(specs.get(id)!, exit) ? failures + 1 : 0;
            expect(step.decisions.length, `${who}: timestamps added when ${id} exited (group of ${step.before!.length})`).toBe(expected);
          }
        }),
      ),
      { numRuns: RUNS },
    );
  });

  it('14. collateral exits are not crashes: children the supervisor stops (group members, terminate_child) never cause a restart, a log entry or an auto_shutdown', async () => {
    const scenarios = scenarioArb(
      {
        strategies: ['one_for_all', 'rest_for_one', 'one_for_one'],
        autoShutdowns: ['any_significant', 'all_significant'],
        restarts: ['transient', 'temporary', 'permanent'],
        intensity: { min: 1, max: 5 },
        minChildren: 2,
        maxChildren: 6,
      },
      { maxLength: 20, terminate: 3, restart: 2 },
    );
    await fc.assert(
      fc.asyncProperty(scenarios, (scenario) =>
        checkInvariant(scenario, (observation, run, who) => {
          const specs = specsById(scenario, run);
          for (const step of observation.steps) {
            if (step.action.kind === 'terminate') {
              expect({ decisions: step.decisions, exits: step.exits }, `${who}: terminate_child(${step.action.id}) counted or shut down`).toEqual({
                decisions: [],
                exits: [],
              });
              expect(startAttempts(step.records), `${who}: terminate_child started something`).toEqual([]);
            }
          }
          for (const { step, id, exit } of effectiveCrashes(observation)) {
            if (!restartsAfter(specs.get(id)!, exit)) continue;
            const failures = step.records.filter((record) => record.type === 'spawn_failed').length;
            expect(step.decisions.length, `${who}: restarts counted when ${id} exited`).toBe(failures + 1);
            const gaveUp = step.decisions.some((decision) => decision.outcome === 'give_up');
            expect(step.exits.filter((leave) => leave.reason === 'auto_shutdown'), `${who}: a group restart after ${id} triggered auto_shutdown`).toEqual([]);
            if (!gaveUp) expect(step.exits, `${who}: the supervisor left after a restart of ${id}`).toEqual([]);
          }
        }),
      ),
      { numRuns: RUNS },
    );
  });

  // Fails against arbor 192c2f2 (reported): in `ready`, a deferred stale `child.exited` (of a child the supervisor
  // stopped and replaced meanwhile) fails `isCurrentExit` and is dropped without taking the next deferred event, so
  // every message queued behind it (stop, calls, exits) waits forever. Turn back into `it` when fixed.
  it('14. collateral exits are not crashes: with slow stops, an exit that arrives while the supervisor is busy is flushed if the supervisor then stops that child, else handled afterwards in order', async () => {
    const scenarios = scenarioArb(
      { timing: true, intensity: { min: 20, max: 20 }, period: { min: 1, max: 1 }, autoShutdowns: ['never'], maxChildren: 5 },
      { maxLength: 25, crash: 6, advance: 5, maxAdvanceMs: 1500, terminate: 2, restart: 1 },
    );
    await fc.assert(
      fc.asyncProperty(scenarios, (scenario) =>
        checkInvariant(scenario, (observation, _run, who) => {
          // Each restart counted for X needs an exit of X that the supervisor did not cause, or a failed start of X.
          const own = new Map<string, number>();
          const signalledSinceSpawn = new Set<string>();
          for (const step of observation.steps) {
            for (const record of step.records) {
              if (record.type === 'spawn') signalledSinceSpawn.delete(record.id);
              if (record.type === 'signal') signalledSinceSpawn.add(record.id);
              if ((record.type === 'exit' && !signalledSinceSpawn.has(record.id)) || record.type === 'spawn_failed') own.set(record.id, (own.get(record.id) ?? 0) + 1);
            }
            for (const decision of step.decisions) {
              if (decision.child === null) continue;
              const left = (own.get(decision.child) ?? 0) - 1;
              expect(left, `${who}: restart of ${decision.child} at ${decision.at} without an exit of its own`).toBeGreaterThanOrEqual(0);
              own.set(decision.child, left);
            }
          }
          expect(unansweredCalls(observation), `${who}: calls never answered`).toEqual([]);
          expect(observation.leftRunning, `${who}: left running`).toEqual([]);
        }),
      ),
      { numRuns: RUNS },
    );
  });
});
