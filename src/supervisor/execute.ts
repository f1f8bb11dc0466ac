// Carries out a supervisor's steps one at a time, as OTP does: a start or a stop waits for the child's answer.
import { ArborError } from '../errors.js';
import type { SupervisorDeps } from './deps.js';
import { needsTermination, removeChild } from './decide.js';
import type { ChildReport } from './protocol.js';
import { findChild, type ChildRecord, type Step, type SupervisorEvent, type SupervisorState } from './state.js';

/** Lets the executor put events back into its own supervisor's queue. */
export interface SelfRef {
  send(event: SupervisorEvent): void;
  /** Reports to this supervisor's parent. */
  reportUp(report: ChildReport): void;
}

// Runs steps until one must wait for a child (or none are left).
export function runSteps(state: SupervisorState, deps: SupervisorDeps, self: SelfRef): void {
  while (state.awaiting === null && state.termination === null) {
    const step = state.steps.shift();
    if (step === undefined) return;
    runStep(state, step, deps, self);
  }
}

function runStep(state: SupervisorState, step: Step, deps: SupervisorDeps, self: SelfRef): void {
  switch (step.kind) {
    case 'start': {
      const child = findChild(state, step.id);
      if (!child) return;
      child.incarnation += 1;
      child.pendingToken = null;
      state.awaiting = { id: child.id, kind: 'start', step };
      child.ref.send({ type: 'start', incarnation: child.incarnation });
      return;
    }
    case 'terminate': {
      const child = findChild(state, step.id);
      if (!child) return;
      child.pendingToken = null;
      if (!needsTermination(child)) {
        child.slot = 'undefined';
        if (step.remove) removeChild(state, child, deps);
        return;
      }
      state.awaiting = { id: child.id, kind: 'terminate', step };
      child.ref.send({ type: 'stop' });
      return;
    }
    case 'remove': {
      const child = findChild(state, step.id);
      if (child) removeChild(state, child, deps);
      return;
    }
    case 'schedule': {
      const token = state.nextToken++;
      for (const id of step.ids) {
        const child = findChild(state, id);
        if (!child) continue;
        child.slot = 'restarting';
        child.pendingToken = token;
        child.ref.send({ type: 'wait' });
      }
      const handle = deps.clock.setTimeout(() => self.send({ type: 'restart.due', token }), step.delayMs);
      state.timers.set(token, handle);
      return;
    }
    case 'reply':
      step.reply.resolve(step.value);
      return;
    case 'init_done':
      state.phase = 'running';
      self.reportUp({ type: 'child.started', id: state.spec.id, incarnation: state.incarnation, pid: null });
      return;
    case 'init_failed':
      state.termination = { kind: 'init_failed', id: step.id, error: step.error };
      return;
    case 'exit':
      state.termination = step.reason === 'stop' ? { kind: 'stopped' } : { kind: 'gave_up', reason: step.reason };
      return;
  }
}

// True when the report answers the step the supervisor waits for.
export function isAwaitedReport(state: SupervisorState, report: ChildReport): boolean {
  const awaiting = state.awaiting;
  if (awaiting === null || awaiting.id !== report.id) return false;
  const child = findChild(state, report.id);
  // A child supervisor that gave up on its own while we were stopping it answers with its exit instead (OTP: the DOWN
  // arrives whatever the reason, and the stop is complete).
  if (awaiting.kind === 'terminate') return report.type === 'child.stopped' || (report.type === 'child.exited' && report.incarnation === child?.incarnation);
  return (
    child !== undefined &&
    report.incarnation === child.incarnation &&
    (report.type === 'child.started' || report.type === 'child.start_failed' || report.type === 'child.ignored')
  );
}

// Applies the awaited report: the child's new slot, events, replies, and what a failed start means for the rest.
export function applyAwaitedReport(state: SupervisorState, report: ChildReport, deps: SupervisorDeps): void {
  const awaiting = state.awaiting!;
  state.awaiting = null;
  const child = findChild(state, report.id);
  if (!child) return;
  const now = deps.clock.now();
  const step = awaiting.step;
  switch (report.type) {
    case 'child.stopped':
    case 'child.exited': // only ever awaited for a terminate (see isAwaitedReport)
      child.slot = 'undefined';
      deps.emit({ type: 'child.stopped', supervisor: state.path, id: child.id, at: now, exit: report.exit });
      if (step.kind === 'terminate' && step.remove) removeChild(state, child, deps);
      return;
    case 'child.started':
      child.slot = 'running';
      if (step.kind === 'start' && step.phase === 'restart') child.restarts += 1;
      deps.emit({ type: 'child.started', supervisor: state.path, id: child.id, at: now, pid: report.pid, restarts: child.restarts });
      if (step.kind === 'start') step.reply?.resolve({ id: child.id, pid: report.pid });
      return;
    case 'child.ignored':
      child.slot = 'undefined';
      if (child.spec.restart === 'temporary') removeChild(state, child, deps);
      if (step.kind === 'start') step.reply?.resolve({ id: child.id, pid: null });
      return;
    case 'child.start_failed':
      deps.emit({ type: 'child.start_failed', supervisor: state.path, id: child.id, at: now, code: report.error.code, message: report.error.message });
      if (step.kind === 'start') onStartFailed(state, child, step, report.error, deps);
      return;
  }
}

function onStartFailed(
  state: SupervisorState,
  child: ChildRecord,
  step: Extract<Step, { kind: 'start' }>,
  error: ArborError,
  deps: SupervisorDeps,
): void {
  switch (step.phase) {
    case 'init': {
      // OTP init_children: the later children never start; the started ones stop in reverse order.
      child.slot = 'undefined';
      const steps: Step[] = [];
      for (let index = state.children.length - 1; index >= 0; index -= 1) {
        const other = state.children[index]!;
        if (needsTermination(other)) steps.push({ kind: 'terminate', id: other.id, remove: false });
      }
      steps.push({ kind: 'init_failed', id: child.id, error });
      state.steps = steps;
      return;
    }
    case 'restart': {
      // OTP try_again_restart: the child is owed a restart; the rest of this group stays down until the retry.
      child.slot = 'restarting';
      const rest: Step[] = [];
      for (const pending of state.steps) {
        if (pending.kind === 'start' && pending.phase === 'restart') {
          const member = findChild(state, pending.id);
          if (member && member.slot === 'restarting') {
            member.slot = 'undefined';
            if (member.ref.status() === 'waiting restart') member.ref.send({ type: 'stop' });
          }
        } else rest.push(pending);
      }
      state.steps = rest;
      state.deferred.push({ type: 'restart.retry', id: child.id });
      return;
    }
    case 'manual': {
      child.slot = 'undefined';
      if (step.dropOnFailure) removeChild(state, child, deps);
      if (step.reply) {
        step.reply.reject(new ArborError('E_SPAWN_FAILED', `could not start child '${child.id}': ${error.message}`, { cause: error }));
      }
      return;
    }
  }
}
