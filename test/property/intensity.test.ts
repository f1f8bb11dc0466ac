// OTP invariants 7, 8, 10 and 20 (otp-supervisor.md section 8): the restart log (add_restart in whole seconds),
// giving up, retries after failed starts, and the manual API that never counts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkInvariant, effectiveCrashes, restartsAfter, RUNS, specsById, startAttempts } from './checks.js';
import { expectSameBehaviour, runBoth, runModel, type RunObservation, type Scenario } from './harness.js';
import { ReferenceTree, type ModelDecision, type ModelSupervisorSpec } from './reference-model.js';
import { scenarioArb } from './scenario-arbitraries.js';

// Every add_restart of one supervisor over the whole run, in order.
function decisionsOf(observation: RunObservation, supervisor: string): ModelDecision[] {
  return observation.steps.flatMap((step) => step.decisions).filter((decision) => decision.supervisor === supervisor);
}

const seconds = (ms: number): number => Math.floor(ms / 1000);

describe('OTP invariants: restart intensity', () => {
  it('7. intensity bound: at most I restarts in any [t-P, t] (whole seconds); the (I+1)-th gives up: no restart, exit shutdown, nothing left running', async () => {
    const scenarios = scenarioArb(
      { intensity: { min: 1, max: 4 }, period: { min: 1, max: 5 }, autoShutdowns: ['never'], maxChildren: 5 },
      { maxLength: 25, advance: 4, maxAdvanceMs: 2500 },
      { maxScripted: 2 },
    );
    await fc.assert(
      fc.asyncProperty(scenarios, (scenario) =>
        checkInvariant(scenario, (observation, _run, who) => {
          const { intensity, period } = scenario.root;
          const decisions = decisionsOf(observation, 'root');
          const restarts = decisions.filter((decision) => decision.outcome === 'restart').map((decision) => seconds(decision.at));
          for (const t of restarts) {
            const inWindow = restarts.filter((r) => r >= t - period && r <= t).length;
            expect(inWindow, `${who}: restarts in [${t - period}, ${t}] with intensity ${intensity}`).toBeLessThanOrEqual(intensity);
          }
          const giveUp = decisions.findIndex((decision) => decision.outcome === 'give_up');
          if (giveUp < 0) {
            // Every decision passed, so none of them may have exceeded the window.
            return;
          }
          expect(giveUp, `${who}: decisions after giving up`).toBe(decisions.length - 1);
          const t = seconds(decisions[giveUp]!.at);
          expect(restarts.filter((r) => r >= t - period).length, `${who}: gave up with fewer than I restarts in the window`).toBe(intensity);
          const last = observation.steps.at(-1)!;
          expect(last.status, `${who}: the root did not exit`).toBe('errored');
          expect(last.exits, `${who}: exit reason`).toEqual([{ supervisor: 'root', reason: 'intensity', at: decisions[giveUp]!.at }]);
          const attempts = startAttempts(last.records);
          if (attempts.length > 0) expect(attempts.at(-1)!.type, `${who}: something was started after giving up`).toBe('spawn_failed');
          expect(observation.leftRunning, `${who}: processes left after giving up`).toEqual([]);
        }),
      ),
      { numRuns: RUNS },
    );
  });

  it('8. intensity 0: any restartable exit stops the supervisor at once, without a restart', async () => {
    const scenarios = scenarioArb({ intensity: { min: 0, max: 0 }, autoShutdowns: ['never'], maxChildren: 6 }, { maxLength: 15 });
    await fc.assert(
      fc.asyncProperty(scenarios, (scenario) =>
        checkInvariant(scenario, (observation, run, who) => {
          const specs = specsById(scenario, run);
          for (const { step, id, exit } of effectiveCrashes(observation)) {
            if (!restartsAfter(specs.get(id)!, exit)) continue;
            expect(step.decisions, `${who}: decisions after ${id} exited`).toEqual([{ supervisor: 'root', child: null, at: step.decisions[0]?.at, outcome: 'give_up' }]);
            expect(startAttempts(step.records), `${who}: started after ${id} exited`).toEqual([]);
            const running = step.before!.filter((child) => child.id !== id && child.state === 'running').map((child) => child.id);
            expect(step.records.filter((record) => record.type === 'signal').map((record) => record.id), `${who}: stop order`).toEqual(running.reverse());
            expect(step.status, `${who}: still online`).toBe('errored');
          }
        }),
      ),
      { numRuns: RUNS },
    );
  });

  it('10. retries count: N consecutive start failures leave N+1 timestamps; if starts keep failing, the (I+1)-th timestamp ends the supervisor', async () => {
    const scenario = fc.record({
      strategy: fc.constantFrom('one_for_one', 'one_for_all', 'rest_for_one'),
      intensity: fc.integer({ min: 1, max: 6 }),
      failures: fc.integer({ min: 0, max: 8 }),
      siblings: fc.integer({ min: 0, max: 3 }),
      position: fc.nat({ max: 3 }),
    });
    await fc.assert(
      fc.asyncProperty(scenario, async ({ strategy, intensity, failures, siblings, position }) => {
        const ids = Array.from({ length: siblings + 1 }, (_, i) => `w${i}`);
        const target = ids[position % ids.length]!;
        const root: ModelSupervisorSpec = {
          kind: 'supervisor',
          id: 'root',
          restart: 'permanent',
          significant: false,
          strategy,
          intensity,
          period: 5,
          autoShutdown: 'never',
          children: ids.map((id) => ({ kind: 'worker' as const, id, restart: 'permanent' as const, significant: false })),
        };
        const input: Scenario = {
          root,
          scripts: { [target]: ['ok', ...Array.from({ length: failures }, () => 'error' as const)] },
          actions: [{ kind: 'crash', pick: ids.indexOf(target), exit: { code: 1, signal: null } }],
        };
        const run = await runBoth(input);
        for (const [who, observation] of [['model', run.model], ['arbor', run.engine]] as const) {
          const step = observation.steps[0]!;
          const failed = step.records.filter((record) => record.type === 'spawn_failed');
          expect(failed.length, `${who}: failed starts`).toBe(Math.min(failures, intensity));
          expect(step.decisions.length, `${who}: timestamps`).toBe(Math.min(failures, intensity) + 1);
          const gaveUp = failures >= intensity;
          expect(step.decisions.at(-1)!.outcome, `${who}: last decision`).toBe(gaveUp ? 'give_up' : 'restart');
          expect(step.status, `${who}: status`).toBe(gaveUp ? 'errored' : 'online');
        }
        expectSameBehaviour(run);
      }),
      { numRuns: RUNS },
    );
  });

  it('10. retries count: in random runs every exit that is restarted adds one timestamp plus one per failed start', async () => {
    const scenarios = scenarioArb({ intensity: { min: 1, max: 6 }, autoShutdowns: ['never'], maxChildren: 5 }, { maxLength: 20 }, { maxScripted: 4, error: 3, ok: 1, ignore: 1 });
    await fc.assert(
      fc.asyncProperty(scenarios, (scenario) =>
        checkInvariant(scenario, (observation, run, who) => {
          const specs = specsById(scenario, run);
          for (const { step, id, exit } of effectiveCrashes(observation)) {
            const failures = step.records.filter((record) => record.type === 'spawn_failed').length;
            expect(step.decisions.length, `${who}: timestamps after ${id} exited`).toBe(restartsAfter(specs.get(id)!, exit) ? failures + 1 : 0);
          }
        }),
      ),
      { numRuns: RUNS },
    );
  });

  it('20. manual API does not count: restart_child / start_child / terminate_child / delete_child never change the restart log', async () => {
    const scenarios = scenarioArb(
      { intensity: { min: 1, max: 3 }, period: { min: 3, max: 6 }, autoShutdowns: ['never', 'any_significant', 'all_significant'], maxChildren: 5 },
      { maxLength: 25, crash: 3, advance: 1, terminate: 3, restart: 3, delete: 2, add: 3, maxAdvanceMs: 1500 },
      { maxScripted: 3 },
    );
    await fc.assert(
      fc.asyncProperty(scenarios, async (scenario) => {
        // The model's log before and after every manual call is the same.
        const model = new ReferenceTree(scenario.root, scenario.scripts);
        const { resolved } = runModel(scenario);
        if (model.start().ok) {
          for (const action of resolved) {
            const logBefore = model.restartLog();
            if (action.kind === 'crash') model.crash(action.id, action.exit);
            else if (action.kind === 'advance') model.advance(action.ms);
            else if (action.kind === 'stop') model.stop();
            else {
              if (action.kind === 'add') model.startChild(action.spec, action.path);
              else if (action.kind === 'terminate') model.terminateChild(action.id, action.path);
              else if (action.kind === 'restart') model.restartChild(action.id, action.path);
              else model.deleteChild(action.id, action.path);
              expect(model.restartLog(), `model: ${action.kind} changed the restart log`).toEqual(logBefore);
            }
          }
        }
        await checkInvariant(scenario, (observation, _run, who) => {
          for (const step of observation.steps) {
            if (step.action.kind === 'crash' || step.action.kind === 'advance' || step.action.kind === 'stop') continue;
            expect({ decisions: step.decisions, exits: step.exits }, `${who}: ${JSON.stringify(step.action)} counted`).toEqual({ decisions: [], exits: [] });
          }
        });
      }),
      { numRuns: RUNS },
    );
  });
});
