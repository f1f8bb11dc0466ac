// OTP invariants 11, 12, 13, 15, 16 and 17 (otp-supervisor.md section 8): stop order, init, ignore,
// auto_shutdown, spec validation and escalation to the parent supervisor.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isArborError, start, supervisor, validateTree, worker } from '../../src/index.js';
import { checkInvariant, effectiveCrashes, FEW_RUNS, restartsAfter, RUNS, signalled, specsById, startAttempts, unansweredCalls } from './checks.js';
import { settle, simulatedWorld, toDraft, type ExitSpec } from './harness.js';
import type { ModelChildSpec, ModelSupervisorSpec } from './reference-model.js';
import { scenarioArb, treeArb } from './scenario-arbitraries.js';

const NORMAL: ExitSpec = { code: 0, signal: null };

describe('OTP invariants: lifecycle', () => {
  it('11. reverse-order shutdown: on stop, intensity or auto_shutdown the running children stop in exactly reverse start order, added ones first', async () => {
    const scenarios = scenarioArb(
      { strategies: ['one_for_one'], intensity: { min: 0, max: 3 }, maxChildren: 6 },
      { maxLength: 20, add: 3, terminate: 1, restart: 2, stop: 1 },
    );
    await fc.assert(
      fc.asyncProperty(scenarios, (scenario) =>
        checkInvariant(scenario, (observation, _run, who) => {
          for (const step of observation.steps) {
            const leaving = step.action.kind === 'stop' || step.exits.some((exit) => exit.supervisor === 'root');
            if (!leaving) continue;
            const crashed = step.action.kind === 'crash' ? step.action.id : null;
            const running = step.before!.filter((child) => child.state === 'running' && child.id !== crashed).map((child) => child.id);
            expect(signalled(step.records), `${who}: stop order after ${JSON.stringify(step.action)}`).toEqual(running.reverse());
            expect(step.status, `${who}: root still online`).not.toBe('online');
          }
          expect(observation.leftRunning, `${who}: left running`).toEqual([]);
        }),
      ),
      { numRuns: RUNS },
    );
  });

  // Fails against arbor 192c2f2 (reported): a stop or API call deferred while a supervisor is busy is never answered
  // once the supervisor ends first (its `stopped` state drops `state.deferred`); e.g. tree.stop() called twice.
  // Turn back into `it` when fixed.
  it('11. reverse-order shutdown: a stop asked for while the supervisor is busy runs after what it is doing, stops every child newest-first, and is answered even if the supervisor ends on its own first', async () => {
    const scenarios = scenarioArb(
      { timing: true, intensity: { min: 0, max: 2 }, autoShutdowns: ['never', 'any_significant'], restarts: ['permanent', 'transient', 'temporary'], maxChildren: 5 },
      { maxLength: 16, crash: 5, advance: 4, maxAdvanceMs: 1500, stop: 1, add: 2, crashWhenIdle: true },
    );
    await fc.assert(
      fc.asyncProperty(scenarios, (scenario) =>
        checkInvariant(scenario, (observation, _run, who) => {
          expect(unansweredCalls(observation), `${who}: calls (stop included) never answered`).toEqual([]);
          expect(observation.steps.at(-1)?.status ?? 'stopped', `${who}: still online at the end`).not.toBe('online');
          expect(observation.leftRunning, `${who}: left running`).toEqual([]);
        }),
      ),
      { numRuns: RUNS },
    );
  });

  it('12. init atomicity: if spec i fails in init, later specs never start, earlier ones stop newest-first, start fails naming i, nothing is counted', async () => {
    const scenarios = scenarioArb(
      { subWeight: 2, minChildren: 1, maxChildren: 5, sub: { restarts: ['permanent', 'transient'] } },
      { maxLength: 3 },
      { maxScripted: 4, minOkFirst: 0, maxOkFirst: 0, ok: 2, error: 2, ignore: 1 },
    );
    await fc.assert(
      fc.asyncProperty(scenarios, (scenario) =>
        checkInvariant(scenario, (observation, _run, who) => {
          const init = observation.start;
          expect(init.decisions, `${who}: restarts counted during init`).toEqual([]);
          if (init.ok) return;
          const attempts = startAttempts(init.records);
          expect(attempts.at(-1)?.type, `${who}: the last start of a failed init`).toBe('spawn_failed');
          const afterFailure = init.records.slice(init.records.indexOf(attempts.at(-1)!) + 1);
          expect(afterFailure.every((record) => record.type === 'signal' || record.type === 'exit'), `${who}: more than stops after the failure`).toBe(true);
          const spawned = attempts.filter((record) => record.type === 'spawn').map((record) => record.id);
          expect(signalled(afterFailure), `${who}: stop order after the failed init`).toEqual([...spawned].reverse());
          const position = scenario.root.children.findIndex((child) => child.id === init.failedChild);
          expect(position, `${who}: failed child ${init.failedChild}`).toBeGreaterThanOrEqual(0);
          const failedWorker = attempts.at(-1)!.id;
          const owner = scenario.root.children.find((child) => child.id === failedWorker || (child.kind === 'supervisor' && child.children.some((c) => c.id === failedWorker)));
          expect(owner?.id, `${who}: the error names the child that failed`).toBe(init.failedChild);
          const later = scenario.root.children.slice(position + 1).flatMap((child) => (child.kind === 'worker' ? [child.id] : child.children.map((c) => c.id)));
          expect(init.records.filter((record) => later.includes(record.id)), `${who}: children after the failed one were touched`).toEqual([]);
          expect(observation.leftRunning, `${who}: left running`).toEqual([]);
        }),
      ),
      { numRuns: RUNS },
    );
  });

  it('13. ignore: a start that returns ignore leaves the child undefined (a temporary spec is removed) and is not an error', async () => {
    const scenarios = scenarioArb(
      { maxChildren: 6, strategies: ['one_for_one', 'one_for_all', 'rest_for_one'], intensity: { min: 1, max: 5 } },
      { maxLength: 20, restart: 3, add: 3, terminate: 2 },
      { maxScripted: 5, minOkFirst: 0, maxOkFirst: 1, ok: 1, error: 0, ignore: 3 },
    );
    await fc.assert(
      fc.asyncProperty(scenarios, (scenario) =>
        checkInvariant(scenario, (observation, run, who) => {
          const specs = specsById(scenario, run);
          expect(observation.start.ok, `${who}: init with ignores failed`).toBe(true);
          const settled = [{ records: observation.start.records, children: observation.steps[0]?.before ?? null, reply: null as string | null }, ...observation.steps];
          for (const step of settled) {
            if (step.children === null) continue;
            const lastAttempt = new Map(startAttempts(step.records).map((record) => [record.id, record.type]));
            for (const [id, type] of lastAttempt) {
              if (type !== 'ignored') continue;
              const listed = step.children.find((child) => child.id === id);
              if (specs.get(id)!.restart === 'temporary') expect(listed, `${who}: ignored temporary ${id} kept`).toBeUndefined();
              else expect(listed?.state, `${who}: ignored ${id}`).toBe('undefined');
            }
            if (step.reply !== null) expect(step.reply, `${who}: a reply was an error`).not.toBe('E_SPAWN_FAILED');
          }
        }),
      ),
      { numRuns: RUNS },
    );
  });

  it('15. auto_shutdown: any_significant exits iff a significant child exits by itself and is not restarted; all_significant iff also no significant child is left running or restarting', async () => {
    const scenarios = scenarioArb(
      {
        autoShutdowns: ['any_significant', 'all_significant'],
        restarts: ['transient', 'temporary', 'transient', 'permanent'],
        intensity: { min: 2, max: 5 },
        maxChildren: 6,
        subWeight: 2,
        subRestarts: ['transient', 'temporary'],
        sub: { restarts: ['permanent', 'transient'], intensity: { min: 0, max: 1 }, autoShutdowns: ['never', 'any_significant'] },
      },
      { maxLength: 20, exits: [NORMAL, NORMAL, { code: 1, signal: null }, { code: null, signal: 'SIGTERM' }] },
    );
    await fc.assert(
      fc.asyncProperty(scenarios, (scenario) =>
        checkInvariant(scenario, (observation, run, who) => {
          const specs = specsById(scenario, run);
          for (const { step, id, exit } of effectiveCrashes(observation)) {
            // The root-level child that left by itself: the worker, or the supervisor it brought down.
            const direct = step.before!.some((child) => child.id === id);
            const subExit = step.exits.find((leave) => leave.supervisor !== 'root');
            const leaver = direct ? id : subExit ? subExit.supervisor.split('/')[1]! : null;
            const rootShutDown = step.exits.some((leave) => leave.supervisor === 'root' && leave.reason === 'auto_shutdown');
            if (leaver === null) {
              expect(rootShutDown, `${who}: root auto_shutdown without a root-level exit`).toBe(false);
              continue;
            }
            const spec = specs.get(leaver)!;
            const leaverExit = direct ? exit : NORMAL; // a supervisor leaves with `shutdown`, not abnormal
            const othersAlive = step.before!.some((child) => child.id !== leaver && specs.get(child.id)!.significant && child.state !== 'undefined');
            const expected =
              spec.significant && !restartsAfter(spec, leaverExit) && (scenario.root.autoShutdown === 'any_significant' || !othersAlive);
            expect(rootShutDown, `${who}: auto_shutdown after ${leaver} (${spec.restart}, significant ${spec.significant}) exited ${JSON.stringify(leaverExit)}`).toBe(expected);
            if (expected) expect(step.status, `${who}: status after auto_shutdown`).toBe('errored');
          }
        }),
      ),
      { numRuns: RUNS },
    );
  });

  it('15. auto_shutdown: under all_significant a significant child that is owed a restart (waiting out its backoff) still counts as alive', async () => {
    const children = fc.array(fc.record({ significant: fc.boolean(), waiting: fc.boolean() }), { minLength: 2, maxLength: 5 });
    await fc.assert(
      fc.asyncProperty(children, fc.nat({ max: 10 }), async (flags, pick) => {
        const { clock, driver } = simulatedWorld({});
        const leaver = pick % flags.length;
        flags[leaver]!.significant = true;
        flags[leaver]!.waiting = false;
        const tree = await start(
          supervisor(
            { id: 'root', autoShutdown: 'all_significant', intensity: 10 },
            flags.map(({ significant }, index) => worker({ id: `w${index}`, command: 'sim', restart: 'transient', significant, backoff: 5000 })),
          ),
          { clock, driver },
        );
        // Crashed (abnormal) children are owed a restart and wait 5 s for it; then the leaver exits normally.
        flags.forEach(({ waiting }, index) => waiting && driver.crash(`w${index}`, { code: 1, signal: null }));
        driver.crash(`w${leaver}`, { code: 0, signal: null });
        const othersAlive = flags.some(({ significant }, index) => significant && index !== leaver);
        expect(tree.status(), `others significant and alive or waiting: ${othersAlive}`).toBe(othersAlive ? 'online' : 'errored');
        if (othersAlive) expect(tree.children().filter((child) => flags[Number(child.id.slice(1))]!.waiting).map((child) => child.status)).not.toContain('online');
        await tree.stop();
        expect(driver.running()).toEqual([]);
      }),
      { numRuns: FEW_RUNS },
    );
  });

  it('16. spec validation: significant with permanent or auto_shutdown never, a duplicate id, intensity < 0 or period <= 0 are rejected and nothing starts', async () => {
    const mutation = fc.record({
      kind: fc.constantFrom('significant_permanent', 'significant_never', 'duplicate', 'intensity', 'period'),
      where: fc.nat({ max: 10 }),
      value: fc.constantFrom(-1, -3, 0.5, Number.NaN),
    });
    await fc.assert(
      fc.asyncProperty(treeArb({ subWeight: 3, minChildren: 2, maxChildren: 4 }), mutation, async (valid, { kind, where, value }) => {
        const broken = structuredClone(valid);
        const supervisors = [broken, ...broken.children.filter((child): child is ModelSupervisorSpec => child.kind === 'supervisor')];
        const owner = supervisors[where % supervisors.length]!;
        const child = owner.children[where % owner.children.length]!;
        let code: string;
        switch (kind) {
          case 'significant_permanent':
            Object.assign(child, { restart: 'permanent', significant: true });
            owner.autoShutdown = 'any_significant';
            code = 'E_BAD_COMBINATION';
            break;
          case 'significant_never':
            Object.assign(child, { restart: 'transient', significant: true });
            owner.autoShutdown = 'never';
            code = 'E_BAD_COMBINATION';
            break;
          case 'duplicate':
            if (owner.children.length < 2) owner.children.push({ ...child } as ModelChildSpec);
            else owner.children[(where + 1) % owner.children.length]!.id = child.id;
            code = 'E_DUPLICATE_ID';
            break;
          case 'intensity':
            owner.intensity = value;
            code = 'E_INVALID_SPEC';
            break;
          case 'period':
            owner.period = value === -3 ? 0 : value;
            code = 'E_INVALID_SPEC';
            break;
        }
        const { clock, driver } = simulatedWorld({});
        const outcome = await start(toDraft(broken), { clock, driver }).then(
          async (tree) => {
            await tree.stop();
            return 'started';
          },
          (error: unknown) => (isArborError(error) ? error.code : String(error)),
        );
        expect(outcome, `${kind} in ${owner.id}`).toBe(code);
        expect(driver.records, 'something was started').toEqual([]);
        // The valid tree it came from is accepted.
        expect(() => validateTree(toDraft(valid), { baseDir: process.cwd() })).not.toThrow();
      }),
      { numRuns: RUNS },
    );
  });

  it('16. spec validation: start_child applies the same checks (significant with permanent, duplicate id, bad intensity) and starts nothing', async () => {
    const request = fc.record({
      kind: fc.constantFrom('significant_permanent', 'duplicate', 'intensity', 'period'),
      pick: fc.nat({ max: 10 }),
    });
    await fc.assert(
      fc.asyncProperty(treeArb({ maxChildren: 4 }), request, async (root, { kind, pick }) => {
        const { clock, driver } = simulatedWorld({});
        const tree = await start(toDraft(root), { clock, driver });
        const before = { records: driver.records.length, children: JSON.stringify(tree.children()) };
        const existing = root.children[pick % root.children.length]!.id;
        const draft =
          kind === 'significant_permanent'
            ? toDraft({ kind: 'worker', id: 'fresh', restart: 'permanent', significant: true })
            : kind === 'duplicate'
              ? toDraft({ kind: 'worker', id: existing, restart: 'transient', significant: false })
              : toDraft({ ...root, id: 'fresh', children: [], intensity: kind === 'intensity' ? -1 : root.intensity, period: kind === 'period' ? 0 : root.period });
        const code = { significant_permanent: 'E_BAD_COMBINATION', duplicate: 'E_DUPLICATE_ID', intensity: 'E_INVALID_SPEC', period: 'E_INVALID_SPEC' }[kind];
        expect(await settle(() => tree.startChild(draft)), kind).toBe(code);
        expect(driver.records.length, 'something was started').toBe(before.records);
        expect(JSON.stringify(tree.children()), 'children changed').toBe(before.children);
        await tree.stop();
      }),
      { numRuns: FEW_RUNS },
    );
  });

  it('16. spec validation: start_child rejects a significant child under a supervisor whose auto_shutdown is never', async () => {
    await fc.assert(
      fc.asyncProperty(treeArb({ maxChildren: 4, autoShutdowns: ['never'] }), fc.constantFrom('transient', 'temporary'), async (root, restart) => {
        const { clock, driver } = simulatedWorld({});
        const tree = await start(toDraft(root), { clock, driver });
        const spawned = driver.records.length;
        const reply = await settle(() => tree.startChild(toDraft({ kind: 'worker', id: 'fresh', restart, significant: true })));
        expect(reply, 'OTP check_childspec answers {bad_combination, ...}').toBe('E_BAD_COMBINATION');
        expect(driver.records.length, 'something was started').toBe(spawned);
        await tree.stop();
      }),
      { numRuns: FEW_RUNS },
    );
  });

  it('17. escalation: a parent restarts a supervisor that exceeded its intensity iff its spec is permanent (transient: kept undefined; temporary: removed)', async () => {
    const scenarios = scenarioArb(
      {
        subWeight: 6,
        minChildren: 1,
        maxChildren: 4,
        intensity: { min: 1, max: 4 },
        autoShutdowns: ['never'],
        subRestarts: ['permanent', 'transient', 'temporary'],
        sub: { restarts: ['permanent', 'transient'], intensity: { min: 0, max: 1 }, period: { min: 1, max: 5 }, autoShutdowns: ['never'] },
      },
      { maxLength: 20, crash: 8, terminate: 1, restart: 1, delete: 0, add: 1 },
      { maxScripted: 2 },
    );
    await fc.assert(
      fc.asyncProperty(scenarios, (scenario) =>
        checkInvariant(scenario, (observation, run, who) => {
          const specs = specsById(scenario, run);
          for (const step of observation.steps) {
            for (const leave of step.exits.filter((exit) => exit.supervisor !== 'root' && exit.reason === 'intensity')) {
              const id = leave.supervisor.split('/')[1]!;
              const spec = specs.get(id)!;
              const rootDecision = step.decisions.find((decision) => decision.supervisor === 'root');
              if (spec.restart === 'permanent') {
                expect(rootDecision, `${who}: permanent ${id} gave up and the root did nothing`).toBeDefined();
                if (rootDecision!.outcome === 'restart') expect(rootDecision!.child, `${who}: restarted`).toBe(id);
                continue;
              }
              expect(rootDecision, `${who}: ${spec.restart} ${id} gave up and the root counted a restart`).toBeUndefined();
              const listed = step.children?.find((child) => child.id === id);
              if (spec.restart === 'temporary') expect(listed, `${who}: temporary ${id} kept`).toBeUndefined();
              else if (step.children) expect(listed?.state, `${who}: transient ${id}`).toBe('undefined');
            }
          }
        }),
      ),
      { numRuns: RUNS },
    );
  });

  it('17. escalation: a supervisor restarted by its parent runs init anew: all its static children start again (temporary or deleted ones too), added ones are gone', async () => {
    const scenarios = scenarioArb(
      {
        subWeight: 7,
        minChildren: 1,
        maxChildren: 3,
        intensity: { min: 2, max: 5 },
        subRestarts: ['permanent'],
        sub: { restarts: ['permanent', 'transient', 'temporary'], intensity: { min: 0, max: 1 }, autoShutdowns: ['never'] },
      },
      { maxLength: 16, crash: 6, terminate: 2, restart: 1, delete: 2, add: 2, inSub: 7 },
      { maxScripted: 1 },
    );
    await fc.assert(
      fc.asyncProperty(scenarios, (scenario) =>
        checkInvariant(scenario, (observation, _run, who) => {
          for (const step of observation.steps) {
            for (const [path, children] of Object.entries(step.subChildren)) {
              expect(children?.map((child) => child.state), `${who}: ${path} has children that are neither running nor stopped`).not.toContain(
                expect.stringMatching(/^status /),
              );
            }
            for (const child of step.children ?? []) expect(child.state, `${who}: ${child.id} stuck`).toMatch(/^(running|undefined|restarting)$/);
          }
        }),
      ),
      { numRuns: RUNS },
    );
  });

  // Fails against arbor 192c2f2 (reported): the parent awaits `child.stopped` (execute.ts isAwaitedReport) but the
  // sub, which gave up before it handled the parent's deferred stop, reports `child.exited`; the parent never
  // finishes its stop. Turn back into `it` when fixed.
  it('17. escalation: a supervisor that gives up while its parent is already stopping it just ends that stop: it is neither restarted nor waited on forever', async () => {
    const scenarios = scenarioArb(
      {
        timing: true,
        subWeight: 6,
        minChildren: 1,
        maxChildren: 3,
        intensity: { min: 3, max: 5 },
        autoShutdowns: ['never'],
        subRestarts: ['permanent', 'transient'],
        sub: { restarts: ['permanent', 'transient'], intensity: { min: 0, max: 1 }, autoShutdowns: ['never'] },
      },
      { maxLength: 20, crash: 6, advance: 4, maxAdvanceMs: 1500, terminate: 3, restart: 2, delete: 0, add: 1, inSub: 4, crashWhenIdle: true },
    );
    await fc.assert(
      fc.asyncProperty(scenarios, (scenario) =>
        checkInvariant(scenario, (observation, _run, who) => {
          expect(unansweredCalls(observation), `${who}: calls never answered`).toEqual([]);
          expect(observation.steps.at(-1)?.status ?? 'stopped', `${who}: still online at the end`).not.toBe('online');
          expect(observation.leftRunning, `${who}: left running`).toEqual([]);
        }),
      ),
      { numRuns: RUNS },
    );
  });
});
