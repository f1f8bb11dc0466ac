import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isArborError } from '../../src/errors.js';
import { restForOne } from '../../strategies/rest-for-one.js';
import { groupArb } from './group-arbitrary.js';
import type { ChildView, RestartPlan } from '../../strategies/types.js';

// The reference model, written from OTP's table position by position.
function model(children: ChildView[], k: number): RestartPlan {
  const terminate: string[] = [];
  for (let p = children.length - 1; p > k; p -= 1) if (children[p]!.running) terminate.push(children[p]!.id);
  const start: string[] = [];
  for (let p = k; p < children.length; p += 1) if (children[p]!.restart !== 'temporary') start.push(children[p]!.id);
  const remove: string[] = [];
  for (let p = k + 1; p < children.length; p += 1) if (children[p]!.restart === 'temporary') remove.push(children[p]!.id);
  return { terminate, start, remove };
}

const positions = (children: ChildView[], ids: string[]) => ids.map((id) => children.findIndex((c) => c.id === id));

describe('rest_for_one', () => {
  it("rest_for_one stops the exited child's younger running siblings newest-first and restarts the non-temporary ones oldest-first", () => {
    fc.assert(
      fc.property(groupArb, ({ children, exited }) => {
        const plan = restForOne(children, children[exited]!.id);
        expect(plan).toEqual(model(children, exited));
        const stopped = positions(children, plan.terminate);
        for (let i = 1; i < stopped.length; i += 1) expect(stopped[i]!).toBeLessThan(stopped[i - 1]!);
        const started = positions(children, plan.start);
        for (let i = 1; i < started.length; i += 1) expect(started[i]!).toBeGreaterThan(started[i - 1]!);
      }),
    );
  });

  it('a group restart never touches children before the exited one', () => {
    fc.assert(
      fc.property(groupArb, ({ children, exited }) => {
        const plan = restForOne(children, children[exited]!.id);
        const touched = [...plan.terminate, ...plan.start, ...plan.remove];
        for (const position of positions(children, touched)) expect(position).toBeGreaterThanOrEqual(exited);
      }),
    );
  });

  it('temporary younger siblings are terminated if running and removed, never restarted', () => {
    fc.assert(
      fc.property(groupArb, ({ children, exited }) => {
        const plan = restForOne(children, children[exited]!.id);
        for (const [p, child] of children.entries()) {
          if (child.restart !== 'temporary' || p <= exited) continue;
          expect(plan.start).not.toContain(child.id);
          expect(plan.remove).toContain(child.id);
          expect(plan.terminate.includes(child.id)).toBe(child.running);
        }
      }),
    );
  });

  it('the exited child is started first when restartable and is never terminated or removed', () => {
    fc.assert(
      fc.property(groupArb, ({ children, exited }) => {
        const child = children[exited]!;
        const plan = restForOne(children, child.id);
        expect(plan.terminate).not.toContain(child.id);
        expect(plan.remove).not.toContain(child.id);
        if (child.restart === 'temporary') expect(plan.start).not.toContain(child.id);
        else expect(plan.start[0]).toBe(child.id);
      }),
    );
  });

  it('restarts b, c, d and stops d then c when b exits', () => {
    const children: ChildView[] = ['a', 'b', 'c', 'd'].map((id) => ({ id, restart: 'permanent', running: id !== 'b' }));
    expect(restForOne(children, 'b')).toEqual({ terminate: ['d', 'c'], start: ['b', 'c', 'd'], remove: [] });
  });

  it('stops a running temporary sibling and removes it; a stopped sibling is started without being stopped', () => {
    const children: ChildView[] = [
      { id: 'a', restart: 'permanent', running: true },
      { id: 'b', restart: 'permanent', running: false },
      { id: 'c', restart: 'temporary', running: true },
      { id: 'd', restart: 'transient', running: false },
      { id: 'e', restart: 'permanent', running: true },
    ];
    expect(restForOne(children, 'b')).toEqual({ terminate: ['e', 'c'], start: ['b', 'd', 'e'], remove: ['c'] });
  });

  it('the last child exiting restarts only itself', () => {
    const children: ChildView[] = [
      { id: 'a', restart: 'permanent', running: true },
      { id: 'b', restart: 'transient', running: false },
    ];
    expect(restForOne(children, 'b')).toEqual({ terminate: [], start: ['b'], remove: [] });
  });

  it('does not modify the children it is given', () => {
    const children: ChildView[] = [
      { id: 'a', restart: 'permanent', running: false },
      { id: 'b', restart: 'temporary', running: true },
    ];
    const copy = structuredClone(children);
    restForOne(children, 'a');
    expect(children).toEqual(copy);
  });

  it('throws E_CHILD_NOT_FOUND naming the id and the children when the exited id is unknown', () => {
    const children: ChildView[] = [{ id: 'a', restart: 'permanent', running: true }];
    let caught: unknown;
    try {
      restForOne(children, 'zz');
    } catch (error) {
      caught = error;
    }
    expect(isArborError(caught, 'E_CHILD_NOT_FOUND')).toBe(true);
    const error = caught as Error & { details: Record<string, unknown> };
    expect(error.message).toContain('"zz"');
    expect(error.details).toMatchObject({ field: 'exitedId', value: 'zz', allowed: 'a' });
    expect(() => restForOne([], 'a')).toThrow(/\(none\)/);
  });
});
