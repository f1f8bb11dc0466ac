// OTP invariants 1-4 (otp-supervisor.md section 8): what one child's exit does, by strategy and restart type.
// Each property checks the invariant on arbor and on the reference model, then compares the two step by step.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkInvariant, effectiveCrashes, FEW_RUNS, isNormal, RUNS, specsById, startAttempts } from './checks.js';
import { expectSameBehaviour, runBoth, type Scenario } from './harness.js';
import { scenarioArb } from './scenario-arbitraries.js';

describe('OTP invariants: restart decisions', () => {
  it('1. isolation: under one_for_one an exit of K never terminates or starts another child', async () => {
    const scenarios = scenarioArb({ strategies: ['one_for_one'], maxChildren: 6 }, { maxLength: 20 }, { maxScripted: 3 });
    await fc.assert(
      fc.asyncProperty(scenarios, (scenario) =>
        checkInvariant(scenario, (observation, _run, who) => {
          for (const { step, id } of effectiveCrashes(observation)) {
            if (step.exits.length > 0) continue; // the supervisor left (invariants 7, 8, 15): it stops everyone
            expect(step.records.filter((record) => record.id !== id), `${who}: records of others after ${id} exited`).toEqual([]);
            const others = (states: typeof step.before) => (states ?? []).filter((child) => child.id !== id);
            expect(others(step.children), `${who}: siblings of ${id} changed state`).toEqual(others(step.before));
          }
        }),
      ),
      { numRuns: RUNS },
    );
  });

  it('2. no restart: a temporary K, or a transient K exiting normal/shutdown, is not started again; siblings and the restart log are untouched', async () => {
    const scenarios = scenarioArb(
      { restarts: ['transient', 'temporary', 'permanent'], autoShutdowns: ['never'], maxChildren: 6 },
      { maxLength: 20, exits: [{ code: 0, signal: null }, { code: 0, signal: null }, { code: 1, signal: null }, { code: null, signal: 'SIGTERM' }] },
    );
    await fc.assert(
      fc.asyncProperty(scenarios, async (scenario) => {
        const run = await runBoth(scenario);
        const specs = specsById(scenario, run);
        for (const [who, observation] of [['model', run.model], ['arbor', run.engine]] as const) {
          for (const { step, id, exit } of effectiveCrashes(observation)) {
            const spec = specs.get(id)!;
            if (spec.restart === 'permanent' || (spec.restart === 'transient' && !isNormal(exit))) continue;
            expect(step.records, `${who}: ${spec.restart} ${id} exited ${JSON.stringify(exit)}`).toEqual([step.records[0]]);
            expect(step.decisions, `${who}: restart log changed`).toEqual([]);
            const others = (states: typeof step.before) => (states ?? []).filter((child) => child.id !== id);
            expect(others(step.children), `${who}: siblings changed`).toEqual(others(step.before));
          }
        }
        expectSameBehaviour(run);
      }),
      { numRuns: RUNS },
    );
  });

  it('2. no restart: a transient supervisor child that exits with shutdown (gave up) is not restarted and the restart log is untouched', async () => {
    const scenarios = scenarioArb(
      { subWeight: 10, minChildren: 1, maxChildren: 3, restarts: ['transient'], autoShutdowns: ['never'], sub: { restarts: ['permanent'], intensity: { min: 0, max: 0 } } },
      { maxLength: 8, terminate: 0, restart: 0, delete: 0, add: 0, exits: [{ code: 1, signal: null }] },
      { maxScripted: 0 },
    );
    await fc.assert(
      fc.asyncProperty(scenarios, (scenario) =>
        checkInvariant(scenario, (observation, _run, who) => {
          for (const { step } of effectiveCrashes(observation)) {
            expect(step.decisions.filter((decision) => decision.supervisor === 'root'), `${who}: the root counted a restart`).toEqual([]);
            expect(startAttempts(step.records), `${who}: something was started`).toEqual([]);
          }
        }),
      ),
      { numRuns: FEW_RUNS },
    );
  });

  it('3. temporary cleanup: after any exit of a temporary child, or a group restart that included one, its id is gone from which_children', async () => {
    const scenarios = scenarioArb({ restarts: ['temporary', 'temporary', 'permanent', 'transient'], maxChildren: 6 }, { maxLength: 20 });
    await fc.assert(
      fc.asyncProperty(scenarios, async (scenario) => {
        const run = await runBoth(scenario);
        const specs = specsById(scenario, run);
        for (const [who, observation] of [['model', run.model], ['arbor', run.engine]] as const) {
          for (const step of observation.steps) {
            if (step.children === null) continue;
            const exited = new Set(step.records.filter((record) => record.type === 'exit').map((record) => record.id));
            for (const id of exited) {
              if (specs.get(id)?.restart !== 'temporary') continue;
              expect(step.children.map((child) => child.id), `${who}: temporary ${id} still listed after it exited`).not.toContain(id);
            }
          }
        }
        expectSameBehaviour(run);
      }),
      { numRuns: RUNS },
    );
  });

  it('4. permanent always: a permanent K exiting normal is restarted and counted exactly as for a crash', async () => {
    const normalExit = { code: 0, signal: null } as const;
    const scenarios = scenarioArb({ restarts: ['permanent'], maxChildren: 5 }, { maxLength: 16, add: 0, exits: [normalExit] });
    await fc.assert(
      fc.asyncProperty(scenarios, async (scenario) => {
        // The same run with every exit abnormal must look the same apart from the exit codes.
        const crashing: Scenario = {
          ...scenario,
          actions: scenario.actions.map((action) => (action.kind === 'crash' ? { ...action, exit: { code: 1, signal: null } } : action)),
        };
        const [normal, crashed] = await Promise.all([runBoth(scenario), runBoth(crashing)]);
        const withoutCodes = (observation: typeof normal.engine) =>
          JSON.stringify(observation, (key, value: unknown) => (key === 'code' || key === 'exit' ? undefined : value));
        expect(withoutCodes(normal.engine), 'normal exits are treated unlike crashes').toBe(withoutCodes(crashed.engine));
        for (const [who, observation] of [['model', normal.model], ['arbor', normal.engine]] as const) {
          for (const { step, id } of effectiveCrashes(observation)) {
            expect(step.decisions[0], `${who}: normal exit of permanent ${id} not counted`).toMatchObject({ supervisor: 'root' });
            if (step.decisions[0]!.outcome === 'restart' && step.decisions.length === 1) {
              expect(startAttempts(step.records).map((record) => record.id), `${who}: ${id} not started again`).toContain(id);
            }
          }
        }
        expectSameBehaviour(normal);
      }),
      { numRuns: RUNS },
    );
  });
});
