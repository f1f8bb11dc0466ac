import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createIdleGc, IDLE_GC_ROUNDS } from '../../src/daemon/idle-gc.js';

describe('createIdleGc', () => {
  const original = (globalThis as { gc?: unknown }).gc;
  let collections = 0;
  let lastResort = 0;

  beforeEach(() => {
    vi.useFakeTimers();
    collections = 0;
    lastResort = 0;
    (globalThis as { gc?: unknown }).gc = (options?: { flavor?: string }) => {
      if (options?.flavor === 'last-resort') lastResort += 1;
      else collections += 1;
    };
  });

  afterEach(() => {
    vi.useRealTimers();
    (globalThis as { gc?: unknown }).gc = original;
  });

  it('collects IDLE_GC_ROUNDS times, then once more shrinking the heap, once the delay has passed quietly', () => {
    const idle = createIdleGc(1000);
    idle.touch();
    vi.advanceTimersByTime(999);
    expect(collections + lastResort).toBe(0);
    vi.advanceTimersByTime(1);
    expect(collections).toBe(IDLE_GC_ROUNDS);
    expect(lastResort).toBe(1);
    expect(IDLE_GC_ROUNDS).toBeGreaterThan(5); // more than V8's --bytecode-old-age, so start-up bytecode is dropped
  });

  it('waits for a quiet spell: each touch starts the delay again', () => {
    const idle = createIdleGc(1000);
    idle.touch();
    vi.advanceTimersByTime(800);
    idle.touch();
    vi.advanceTimersByTime(800);
    expect(collections).toBe(0);
    vi.advanceTimersByTime(200);
    expect(collections).toBe(IDLE_GC_ROUNDS);
    vi.advanceTimersByTime(5000);
    expect(collections).toBe(IDLE_GC_ROUNDS);
  });

  it('does nothing without an exposed gc', () => {
    (globalThis as { gc?: unknown }).gc = undefined;
    const idle = createIdleGc(1000);
    idle.touch();
    vi.advanceTimersByTime(5000);
    expect(collections).toBe(0);
  });
});
