// The OTP decisions of a supervisor: what an exit, a retry or a shutdown turns into, as steps to execute.
import { nextBackoff } from '../../strategies/backoff.js';
import { strategyFor } from '../../strategies/index.js';
import { addRestart } from '../../strategies/intensity.js';
import { recordExit } from '../../strategies/unstable.js';
import type { Exit } from '../process/exit.js';
import type { RestartType } from '../spec/types.js';
import type { SupervisorDeps } from './deps.js';
import { childViews, findChild, type ChildRecord, type Step, type SupervisorState } from './state.js';

// OTP do_restart: permanent always; transient only after an abnormal exit; temporary never.
export function shouldRestart(restart: RestartType, exit: Exit): boolean {
  switch (restart) {
    case 'permanent':
      return true;
    case 'transient':
      return exit.reason === 'crash';
    case 'temporary':
      return false;
  }
}

// Handles a child's own exit: restart it (with its group), leave it down, or give up; fills `state.steps`.
export function decideOnExit(state: SupervisorState, child: ChildRecord, exit: Exit, deps: SupervisorDeps): void {
  const now = deps.clock.now();
  child.slot = 'undefined';
  deps.emit({ type: 'child.exited', supervisor: state.path, id: child.id, at: now, exit });
  if (!shouldRestart(child.spec.restart, exit)) {
    leaveDown(state, child, deps);
    return;
  }
  if (child.spec.kind === 'worker' && child.spec.unstable) {
    const verdict = recordExit(child.unstableExits, now, exit.uptimeMs, child.spec.unstable);
    child.unstableExits = verdict.unstableExits;
    if (verdict.errored) {
      child.ref.send({ type: 'errored' });
      deps.emit({ type: 'child.errored', supervisor: state.path, id: child.id, at: now, unstableRestarts: verdict.unstableExits.length });
      leaveDown(state, child, deps);
      return;
    }
  }
  decideRestart(state, child, exit.uptimeMs, deps);
}

// OTP restart/2: count the restart (giving up past the intensity), then plan the strategy's group restart.
export function decideRestart(state: SupervisorState, child: ChildRecord, uptimeMs: number, deps: SupervisorDeps): void {
  const now = deps.clock.now();
  const counted = addRestart(state.restartLog, now, state.spec.intensity, state.spec.period);
  // Only the newest intensity+1 timestamps can ever decide a give-up; keeping no more bounds the work per restart.
  state.restartLog = counted.restarts.length > state.spec.intensity + 1 ? counted.restarts.slice(0, state.spec.intensity + 1) : counted.restarts;
  if (counted.exceeded) {
    deps.emit({ type: 'supervisor.gave_up', supervisor: state.path, id: state.spec.id, at: now, reason: 'intensity', restarts: counted.restarts.length });
    state.steps = shutdownSteps(state, 'intensity', deps);
    return;
  }
  const plan = strategyFor(state.spec.strategy)(childViews(state), child.id);
  const policy = child.spec.kind === 'worker' ? child.spec.backoff : null;
  let delayMs = 0;
  if (policy) {
    const next = nextBackoff(policy, child.backoff, uptimeMs, deps.random());
    child.backoff = next.state;
    delayMs = next.delayMs;
  }
  deps.emit({
    type: 'child.restarting',
    supervisor: state.path,
    id: child.id,
    at: now,
    strategy: state.spec.strategy,
    delayMs,
    terminate: plan.terminate,
    start: plan.start,
  });
  const removed = new Set(plan.remove);
  const steps: Step[] = plan.terminate.map((id) => ({ kind: 'terminate', id, remove: removed.has(id) }));
  for (const id of plan.remove) if (!plan.terminate.includes(id)) steps.push({ kind: 'remove', id });
  for (const id of plan.start) {
    const member = findChild(state, id);
    if (member) member.slot = 'restarting';
  }
  if (delayMs > 0) steps.push({ kind: 'schedule', ids: plan.start, delayMs });
  else for (const id of plan.start) steps.push({ kind: 'start', id, phase: 'restart' });
  state.steps = steps;
}

// OTP del_child + do_auto_shutdown: a child that is not restarted; temporary specs go, significant ones may end the supervisor.
function leaveDown(state: SupervisorState, child: ChildRecord, deps: SupervisorDeps): void {
  if (child.spec.restart === 'temporary') removeChild(state, child, deps);
  if (!child.spec.significant || state.spec.autoShutdown === 'never') return;
  const shutDown =
    state.spec.autoShutdown === 'any_significant' ||
    !state.children.some((other) => other.spec.significant && other.slot !== 'undefined');
  if (!shutDown) return;
  deps.emit({ type: 'supervisor.gave_up', supervisor: state.path, id: state.spec.id, at: deps.clock.now(), reason: 'auto_shutdown', restarts: state.restartLog.length });
  state.steps = shutdownSteps(state, 'auto_shutdown', deps);
}

// Removes a child's spec and ends its actor.
export function removeChild(state: SupervisorState, child: ChildRecord, deps: SupervisorDeps): void {
  const index = state.children.indexOf(child);
  if (index < 0) return;
  state.children.splice(index, 1);
  // A static child's actor is kept: a restart of this supervisor runs init anew and starts it again (OTP).
  if (!state.staticChildren.includes(child)) child.ref.dispose();
  deps.emit({ type: 'child.removed', supervisor: state.path, id: child.id, at: deps.clock.now() });
}

// OTP terminate_children: every child that has a process (or a pending restart) in reverse start order, then the exit.
export function shutdownSteps(state: SupervisorState, reason: 'intensity' | 'auto_shutdown' | 'stop', deps: SupervisorDeps): Step[] {
  for (const handle of state.timers.values()) deps.clock.clearTimeout(handle);
  state.timers.clear();
  state.phase = 'shutting_down';
  const steps: Step[] = [];
  for (let index = state.children.length - 1; index >= 0; index -= 1) {
    const child = state.children[index]!;
    if (needsTermination(child)) steps.push({ kind: 'terminate', id: child.id, remove: false });
  }
  steps.push({ kind: 'exit', reason });
  return steps;
}

// True when a child has a process or is owed a restart, so stopping it is a real step. Reads the slot, never the
// child's own status: a child reports from inside its transition, before its snapshot shows the new state.
export function needsTermination(child: ChildRecord): boolean {
  return child.slot !== 'undefined';
}
