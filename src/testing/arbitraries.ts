// fast-check arbitraries for supervision trees and for what can happen to them, so users can property-test their policies.
import fc from 'fast-check';
import { supervisor, worker } from '../spec/builders.js';
import type { AutoShutdown, ChildDraft, RestartType, StrategyName } from '../spec/types.js';

/** A flat supervisor description that the arbitraries generate and `toDraft` turns into a tree. */
export interface FlatTreeModel {
  strategy: StrategyName;
  intensity: number;
  period: number;
  autoShutdown: AutoShutdown;
  children: { id: string; restart: RestartType; significant: boolean }[];
}

/** One thing that happens to a running tree. */
export type TreeAction =
  | { kind: 'crash'; index: number; code: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'terminate'; index: number }
  | { kind: 'restart'; index: number }
  | { kind: 'add'; restart: RestartType };

// A restart type.
export const restartTypeArb: fc.Arbitrary<RestartType> = fc.constantFrom('permanent', 'transient', 'temporary');

// A strategy name.
export const strategyArb: fc.Arbitrary<StrategyName> = fc.constantFrom('one_for_one', 'one_for_all', 'rest_for_one');

// A supervisor with 1 to `maxChildren` workers and valid flags (significant only where OTP allows it).
export function flatTreeArb(options: { maxChildren?: number } = {}): fc.Arbitrary<FlatTreeModel> {
  return fc
    .record({
      strategy: strategyArb,
      intensity: fc.integer({ min: 0, max: 5 }),
      period: fc.integer({ min: 1, max: 10 }),
      autoShutdown: fc.constantFrom<AutoShutdown>('never', 'any_significant', 'all_significant'),
      restarts: fc.array(fc.tuple(restartTypeArb, fc.boolean()), { minLength: 1, maxLength: options.maxChildren ?? 6 }),
    })
    .map(({ strategy, intensity, period, autoShutdown, restarts }) => ({
      strategy,
      intensity,
      period,
      autoShutdown,
      children: restarts.map(([restart, significant], index) => ({
        id: `c${index}`,
        restart,
        significant: significant && restart !== 'permanent' && autoShutdown !== 'never',
      })),
    }));
}

// A sequence of crashes (code 0 is a normal exit), clock advances, terminations, restarts and additions.
export function treeActionsArb(options: { maxLength?: number } = {}): fc.Arbitrary<TreeAction[]> {
  const action: fc.Arbitrary<TreeAction> = fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('crash' as const), index: fc.nat({ max: 9 }), code: fc.constantFrom(0, 1, 1, 2) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 4000 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('terminate' as const), index: fc.nat({ max: 9 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const), index: fc.nat({ max: 9 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('add' as const), restart: restartTypeArb }) },
  );
  return fc.array(action, { maxLength: options.maxLength ?? 30 });
}

// Turns a generated model into a tree of simulated workers (command 'simulated': nothing real is ever resolved).
export function toDraft(model: FlatTreeModel, id = 'root'): ChildDraft {
  return supervisor(
    { id, strategy: model.strategy, intensity: model.intensity, period: model.period, autoShutdown: model.autoShutdown },
    model.children.map((child) => worker({ id: child.id, command: 'simulated', restart: child.restart, significant: child.significant })),
  );
}
