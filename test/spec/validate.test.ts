// Bad trees are refused at the boundary with a stable code that names the field, the value and what is allowed.
import { describe, expect, it } from 'vitest';
import { start, supervisor, worker, type ChildDraft } from '../../src/index.js';
import { SimulatedClock, SimulatedDriver } from '../../src/testing/index.js';
import { validateTree } from '../../src/spec/validate.js';

const context = { baseDir: process.cwd() };
const sim = (id: string, extra: object = {}): ChildDraft => worker({ id, command: 'sim', ...extra });

function refusal(draft: ChildDraft): { code: string; message: string; details: Record<string, unknown> } {
  try {
    validateTree(draft, context);
  } catch (error) {
    return error as { code: string; message: string; details: Record<string, unknown> };
  }
  throw new Error('the tree was accepted');
}

describe('spec validation', () => {
  it('refuses duplicate ids among siblings', () => {
    const error = refusal(supervisor({ id: 'root' }, [sim('a'), sim('a')]));
    expect(error.code).toBe('E_DUPLICATE_ID');
    expect(error.message).toContain("'a'");
    expect(error.message).toContain("supervisor 'root'");
  });

  it('allows the same id under different supervisors', () => {
    expect(() => validateTree(supervisor({ id: 'root' }, [sim('a'), supervisor({ id: 'sub' }, [sim('a')])]), context)).not.toThrow();
  });

  it('refuses an unknown strategy, naming the allowed ones', () => {
    const error = refusal(supervisor({ id: 'root', strategy: 'one_for_some' as never }, []));
    expect(error.code).toBe('E_UNKNOWN_STRATEGY');
    expect(error.message).toBe('strategy must be one of one_for_one, one_for_all, rest_for_one, got "one_for_some" (string) in supervisor \'root\'');
  });

  it.each([
    [{ intensity: -1 }, 'intensity', 'a whole number >= 0'],
    [{ intensity: 1.5 }, 'intensity', 'a whole number >= 0'],
    [{ period: 0 }, 'period', 'a whole number >= 1'],
    [{ autoShutdown: 'sometimes' }, 'autoShutdown', 'one of never, any_significant, all_significant'],
  ])('refuses supervisor flags %j', (flags, field, allowed) => {
    const error = refusal(supervisor({ id: 'root', ...(flags as object) }, []));
    expect(error.code).toBe('E_INVALID_SPEC');
    expect(error.details).toMatchObject({ field, allowed });
  });

  it('refuses significant together with permanent', () => {
    const error = refusal(supervisor({ id: 'root', autoShutdown: 'any_significant' }, [sim('a', { significant: true, restart: 'permanent' })]));
    expect(error.code).toBe('E_BAD_COMBINATION');
    expect(error.message).toContain('permanent');
  });

  it('refuses a significant child under auto_shutdown never', () => {
    const error = refusal(supervisor({ id: 'root' }, [sim('a', { significant: true, restart: 'transient' })]));
    expect(error.code).toBe('E_BAD_COMBINATION');
    expect(error.message).toContain('autoShutdown');
  });

  it.each([
    [{ id: 'w' }, 'E_MISSING_SCRIPT'],
    [{ id: 'w', script: '/nonexistent/app.js' }, 'E_SCRIPT_NOT_FOUND'],
    [{ id: 'w', script: 'test/fixtures/exit-with.js', interpreter: 'no-such-interpreter-xyz' }, 'E_INTERPRETER_NOT_FOUND'],
    [{ id: 'w', command: 'true', cwd: '/nonexistent/dir' }, 'E_CWD_NOT_FOUND'],
    [{ id: 'w', command: 'true', shutdown: -5 }, 'E_INVALID_SPEC'],
    [{ id: 'w', command: 'true', restart: 'sometimes' }, 'E_INVALID_SPEC'],
    [{ id: 'w', command: 'true', killSignal: 'SIGNOPE' }, 'E_INVALID_SPEC'],
    [{ id: 'w', command: 'true', backoff: { initial: 100, max: 50 } }, 'E_INVALID_SPEC'],
    [{ id: 'w', command: 'true', stopExitCodes: [300] }, 'E_INVALID_SPEC'],
    [{ id: 'a/b', command: 'true' }, 'E_INVALID_SPEC'],
  ])('refuses worker %j with %s', (options, code) => {
    const error = refusal(supervisor({ id: 'root' }, [worker(options as never)]));
    expect(error.code).toBe(code);
  });

  it.each([
    [{ file: '', maxBytes: 10, retain: 1 }, 'stdout.file'],
    [{ file: 'out.log', maxBytes: 0, retain: 1 }, 'stdout.maxBytes'],
    [{ file: 'out.log', maxBytes: '10M', retain: 1 }, 'stdout.maxBytes'],
    [{ file: 'out.log', maxBytes: 10, retain: 0 }, 'stdout.retain'],
  ])('refuses the rotated stdout %j, naming %s', (stdout, field) => {
    const error = refusal(supervisor({ id: 'root' }, [worker({ id: 'w', command: 'true', stdout } as never)]));
    expect(error.code).toBe('E_INVALID_SPEC');
    expect(error.message).toContain(field);
  });

  it('keeps a valid rotated stdout as given', () => {
    const stdout = { file: 'out.log', maxBytes: 10, retain: 3 };
    const spec = validateTree(supervisor({ id: 'root' }, [worker({ id: 'w', command: 'true', stdout })]), context);
    expect(spec.kind === 'supervisor' && spec.children[0]).toMatchObject({ stdout });
  });

  it('fills OTP and PM2 defaults', () => {
    const spec = validateTree(supervisor({ id: 'root' }, [sim('a')]), context);
    expect(spec).toMatchObject({ strategy: 'one_for_one', intensity: 1, period: 5, autoShutdown: 'never', shutdown: 'infinity' });
    expect(spec.kind === 'supervisor' && spec.children[0]).toMatchObject({ restart: 'permanent', shutdown: 1600, killSignal: 'SIGINT', normalExitCodes: [0] });
  });

  it('starts nothing when any part of the tree is invalid', async () => {
    const clock = new SimulatedClock();
    const driver = new SimulatedDriver(clock);
    await expect(start(supervisor({ id: 'root' }, [sim('ok'), sim('ok')]), { clock, driver })).rejects.toMatchObject({ code: 'E_DUPLICATE_ID' });
    expect(driver.records).toEqual([]);
  });
});
