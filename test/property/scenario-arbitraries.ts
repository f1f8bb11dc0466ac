// fast-check generators of scenarios for the differential tests: small trees (at most one level of nesting),
// scripted start results, and short action sequences; each property narrows them to what its invariant is about.
import fc from 'fast-check';
import type { Action, ExitSpec, Scenario } from './harness.js';
import type {
  ModelAutoShutdown,
  ModelChildSpec,
  ModelRestart,
  ModelShutdown,
  ModelStrategy,
  ModelSupervisorSpec,
  StartResult,
} from './reference-model.js';

/** Knobs for a generated supervisor. */
export interface TreeOptions {
  strategies?: ModelStrategy[];
  intensity?: { min: number; max: number };
  period?: { min: number; max: number };
  autoShutdowns?: ModelAutoShutdown[];
  /** Restart types of the root's worker children (and of everything else unless overridden below). */
  restarts?: ModelRestart[];
  /** Restart types of the root's supervisor children themselves. */
  subRestarts?: ModelRestart[];
  minChildren?: number;
  maxChildren?: number;
  /** Chance weight of a supervisor child (0: workers only). */
  subWeight?: number;
  /** Give every worker a random shutdown (brutal_kill, T ms, infinity) and a random stop delay of its process. */
  timing?: boolean;
  /** Flags of nested supervisors and (`restarts`) the restart types of their workers (defaults: the root's). */
  sub?: Omit<TreeOptions, 'sub' | 'subWeight' | 'subRestarts'>;
}

/** Knobs for generated actions (weights; 0 leaves a kind out). */
export interface ActionOptions {
  maxLength?: number;
  crash?: number;
  advance?: number;
  terminate?: number;
  restart?: number;
  delete?: number;
  add?: number;
  stop?: number;
  maxAdvanceMs?: number;
  exits?: ExitSpec[];
  /** Weight (0-10) of manual API calls that go to a running supervisor child instead of the root. */
  inSub?: number;
  /** Crash only processes whose supervisor is idle (no exit ever waits in a busy supervisor's mailbox). */
  crashWhenIdle?: boolean;
}

/** Knobs for generated start scripts. */
export interface ScriptOptions {
  /** How many workers get a script (each: some ok starts, then scripted results). */
  maxScripted?: number;
  /** Weights of the scripted results. */
  ok?: number;
  error?: number;
  ignore?: number;
  /** Ok starts before the scripted results (0 lets init fail or ignore). */
  minOkFirst?: number;
  maxOkFirst?: number;
}

/** Worker ids the scripts may name: static workers w0..w19, workers added at run time d0..d7. */
export const SCRIPTABLE_IDS: readonly string[] = [...Array.from({ length: 20 }, (_, i) => `w${i}`), ...Array.from({ length: 8 }, (_, i) => `d${i}`)];

interface RawTiming {
  shutdown: ModelShutdown;
  stopDelayMs: number;
}

interface RawChild {
  isSub: boolean;
  restart: ModelRestart;
  supervisorRestart: ModelRestart;
  significant: boolean;
  timing: RawTiming;
  sub: { flags: RawSupervisorFlags; children: { restart: ModelRestart; significant: boolean; timing: RawTiming }[] };
}

// A worker's shutdown and its process's stop delay: never infinity with a process that ignores its signal (that
// stop would never end), and never a delay equal to the kill timeout (which of the two comes first is arbitrary).
const timingArb: fc.Arbitrary<RawTiming> = fc
  .record({
    shutdown: fc.oneof(fc.constant<ModelShutdown>('brutal_kill'), fc.constant<ModelShutdown>('infinity'), fc.integer({ min: 0, max: 2500 })),
    stopDelayMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3000 }), fc.constant(Infinity)),
  })
  .map(({ shutdown, stopDelayMs }) => ({
    shutdown,
    stopDelayMs: shutdown === 'infinity' && stopDelayMs === Infinity ? 2000 : shutdown === stopDelayMs ? stopDelayMs + 1 : stopDelayMs,
  }));

function timed(options: TreeOptions, timing: RawTiming): { shutdown?: ModelShutdown; stopDelayMs?: number } {
  return options.timing ? { shutdown: timing.shutdown, stopDelayMs: timing.stopDelayMs } : {};
}

interface RawSupervisorFlags {
  strategy: ModelStrategy;
  intensity: number;
  period: number;
  autoShutdown: ModelAutoShutdown;
}

const ALL_RESTARTS: ModelRestart[] = ['permanent', 'transient', 'temporary'];

function flagsArb(options: Omit<TreeOptions, 'sub'>): fc.Arbitrary<RawSupervisorFlags> {
  return fc.record({
    strategy: fc.constantFrom(...(options.strategies ?? ['one_for_one', 'one_for_all', 'rest_for_one'])),
    intensity: fc.integer(options.intensity ?? { min: 0, max: 4 }),
    period: fc.integer(options.period ?? { min: 1, max: 6 }),
    autoShutdown: fc.constantFrom(...(options.autoShutdowns ?? ['never', 'any_significant', 'all_significant'])),
  });
}

// Significant only where OTP allows it: not permanent, and under a supervisor whose auto_shutdown is not never.
function allowedSignificant(wish: boolean, restart: ModelRestart, parent: ModelAutoShutdown): boolean {
  return wish && restart !== 'permanent' && parent !== 'never';
}

// A valid supervisor spec: ids w0, w1, ... for workers and s0, s1, ... for supervisors, unique in the whole tree.
export function treeArb(options: TreeOptions = {}): fc.Arbitrary<ModelSupervisorSpec> {
  const subOptions = { ...options, ...options.sub };
  const restartArb = fc.constantFrom(...(options.restarts ?? ALL_RESTARTS));
  const supervisorRestartArb = fc.constantFrom(...(options.subRestarts ?? options.restarts ?? ALL_RESTARTS));
  const subWorkerRestartArb = fc.constantFrom(...(options.sub?.restarts ?? options.restarts ?? ALL_RESTARTS));
  const rawChild: fc.Arbitrary<RawChild> = fc.record({
    isSub: options.subWeight ? fc.integer({ min: 1, max: 10 }).map((n) => n <= options.subWeight!) : fc.constant(false),
    restart: restartArb,
    supervisorRestart: supervisorRestartArb,
    significant: fc.boolean(),
    timing: timingArb,
    sub: fc.record({
      flags: flagsArb(subOptions),
      children: fc.array(fc.record({ restart: subWorkerRestartArb, significant: fc.boolean(), timing: timingArb }), { minLength: 1, maxLength: 3 }),
    }),
  });
  return fc
    .record({
      flags: flagsArb(options),
      children: fc.array(rawChild, { minLength: options.minChildren ?? 1, maxLength: options.maxChildren ?? 5 }),
    })
    .map(({ flags, children }) => {
      let workers = 0;
      let subs = 0;
      const specs: ModelChildSpec[] = children.map((raw) => {
        if (!raw.isSub) {
          return {
            kind: 'worker',
            id: `w${workers++}`,
            restart: raw.restart,
            significant: allowedSignificant(raw.significant, raw.restart, flags.autoShutdown),
            ...timed(options, raw.timing),
          };
        }
        const restart = raw.supervisorRestart;
        return {
          kind: 'supervisor',
          id: `s${subs++}`,
          restart,
          significant: allowedSignificant(raw.significant, restart, flags.autoShutdown),
          ...raw.sub.flags,
          children: raw.sub.children.map((child) => ({
            kind: 'worker' as const,
            id: `w${workers++}`,
            restart: child.restart,
            significant: allowedSignificant(child.significant, child.restart, raw.sub.flags.autoShutdown),
            ...timed(options, child.timing),
          })),
        };
      });
      return { kind: 'supervisor', id: 'root', restart: 'permanent', significant: false, ...flags, children: specs };
    });
}

// Scripted start results for a few worker ids: `okFirst` ok starts, then results drawn by weight.
export function scriptsArb(options: ScriptOptions = {}): fc.Arbitrary<Record<string, StartResult[]>> {
  const result = fc.oneof(
    { weight: options.ok ?? 2, arbitrary: fc.constant<StartResult>('ok') },
    { weight: options.error ?? 1, arbitrary: fc.constant<StartResult>('error') },
    { weight: options.ignore ?? 1, arbitrary: fc.constant<StartResult>('ignore') },
  );
  const entry = fc.record({
    target: fc.constantFrom(...SCRIPTABLE_IDS),
    okFirst: fc.integer({ min: options.minOkFirst ?? 1, max: options.maxOkFirst ?? 3 }),
    results: fc.array(result, { minLength: 1, maxLength: 4 }),
  });
  return fc.array(entry, { maxLength: options.maxScripted ?? 3 }).map((entries) => {
    const scripts: Record<string, StartResult[]> = {};
    for (const { target, okFirst, results } of entries) {
      scripts[target] = [...(scripts[target] ?? []), ...Array.from({ length: okFirst }, () => 'ok' as const), ...results];
    }
    return scripts;
  });
}

const DEFAULT_EXITS: ExitSpec[] = [
  { code: 0, signal: null },
  { code: 1, signal: null },
  { code: 2, signal: null },
  { code: null, signal: 'SIGTERM' },
  { code: null, signal: 'SIGKILL' },
];

// A short sequence of crashes, clock moves, manual API calls and (rarely) a stop.
export function actionsArb(options: ActionOptions = {}): fc.Arbitrary<Action[]> {
  const inSub = options.inSub ?? 0;
  const subArb: fc.Arbitrary<number | null> =
    inSub > 0 ? fc.oneof({ weight: 10 - inSub, arbitrary: fc.constant(null) }, { weight: inSub, arbitrary: fc.nat({ max: 5 }) }) : fc.constant(null);
  const weighted: { weight: number; arbitrary: fc.Arbitrary<Action> }[] = [
    {
      weight: options.crash ?? 6,
      arbitrary: fc.record({
        kind: fc.constant('crash' as const),
        pick: fc.nat({ max: 30 }),
        exit: fc.constantFrom(...(options.exits ?? DEFAULT_EXITS)),
        whenIdle: fc.constant(options.crashWhenIdle ?? false),
      }),
    },
    { weight: options.advance ?? 3, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: options.maxAdvanceMs ?? 3000 }) }) },
    ...(['terminate', 'restart', 'delete'] as const).map((kind) => ({
      weight: options[kind] ?? 1,
      arbitrary: fc.record({ kind: fc.constant(kind), pick: fc.nat({ max: 30 }), ghost: fc.integer({ min: 0, max: 9 }).map((n) => n === 0), sub: subArb }),
    })),
    {
      weight: options.add ?? 1,
      arbitrary: fc.record({
        kind: fc.constant('add' as const),
        restart: fc.constantFrom(...ALL_RESTARTS),
        significant: fc.boolean(),
        duplicate: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
        pick: fc.nat({ max: 30 }),
        sub: subArb,
      }),
    },
    { weight: options.stop ?? 0, arbitrary: fc.constant({ kind: 'stop' as const }) },
  ];
  return fc.array(fc.oneof(...weighted.filter((entry) => entry.weight > 0)), { maxLength: options.maxLength ?? 20 });
}

// A whole scenario.
export function scenarioArb(tree: TreeOptions = {}, actions: ActionOptions = {}, scripts: ScriptOptions = {}): fc.Arbitrary<Scenario> {
  return fc.record({ root: treeArb(tree), scripts: scriptsArb(scripts), actions: actionsArb(actions) });
}
