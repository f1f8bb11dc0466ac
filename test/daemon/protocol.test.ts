import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_FRAME_BYTES,
  createFrameDecoder,
  encodeFrame,
  eventMatches,
  requestIdOf,
  toErrorBody,
  toRequest,
  toServerFrame,
} from '../../src/daemon/protocol.js';
import { ArborError } from '../../src/errors.js';

function collect(options?: { maxFrameBytes?: number }) {
  const frames: unknown[] = [];
  const errors: ArborError[] = [];
  const decoder = createFrameDecoder((frame) => frames.push(frame), (error) => errors.push(error), options);
  return { decoder, frames, errors };
}

// Cuts a buffer at the given offsets (sorted, deduplicated, within bounds).
function cut(bytes: Buffer, offsets: number[]): Buffer[] {
  const points = [...new Set(offsets.map((offset) => offset % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let start = 0;
  for (const point of points) {
    pieces.push(bytes.subarray(start, point));
    start = point;
  }
  pieces.push(bytes.subarray(start));
  return pieces;
}

describe('encodeFrame', () => {
  it('writes one line of JSON, escaping newlines inside strings', () => {
    const line = encodeFrame({ id: 1, method: 'echo', params: { text: 'a\nb' } });
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({ id: 1, method: 'echo', params: { text: 'a\nb' } });
  });
});

describe('createFrameDecoder', () => {
  it('yields every frame, in order, however the byte stream is cut (property)', () => {
    const frameArb = fc.record({ id: fc.nat(), method: fc.string({ unit: 'grapheme' }), params: fc.jsonValue() });
    fc.assert(
      fc.property(fc.array(frameArb, { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 10 }), (frames, offsets) => {
        const bytes = Buffer.from(frames.map((frame) => encodeFrame(frame)).join(''), 'utf8');
        const { decoder, frames: decoded, errors } = collect();
        for (const piece of cut(bytes, offsets)) decoder.push(piece);
        expect(errors).toEqual([]);
        // JSON turns -0 into 0; compare with what a JSON round trip gives.
        expect(decoded).toEqual(frames.map((frame) => JSON.parse(JSON.stringify(frame))));
        expect(decoder.bufferedBytes()).toBe(0);
      }),
    );
  });

  it('decodes a multi-byte character split between two chunks', () => {
    const bytes = Buffer.from(encodeFrame({ event: 'log', data: 'héllo €' }));
    const split = bytes.indexOf(0xe2) + 1; // inside the three bytes of €
    const { decoder, frames } = collect();
    decoder.push(bytes.subarray(0, split));
    decoder.push(bytes.subarray(split));
    expect(frames).toEqual([{ event: 'log', data: 'héllo €' }]);
  });

  it('reports a line that is not JSON and goes on with the next one', () => {
    const { decoder, frames, errors } = collect();
    decoder.push('{"id":1,"method":"a"}\nnot json at all\n\n{"id":2,"method":"b"}\r\n');
    expect(frames).toEqual([{ id: 1, method: 'a' }, { id: 2, method: 'b' }]);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.code).toBe('E_BAD_REQUEST');
    expect(errors[0]!.message).toContain('not valid JSON');
  });

  it('holds a frame without a newline until it ends', () => {
    const { decoder, frames } = collect();
    decoder.push('{"id":1,');
    expect(frames).toEqual([]);
    expect(decoder.bufferedBytes()).toBe(8);
    decoder.push('"method":"x"}\n');
    expect(frames).toEqual([{ id: 1, method: 'x' }]);
  });

  it('rejects an oversize frame without keeping it, then decodes the next frame', () => {
    const { decoder, frames, errors } = collect({ maxFrameBytes: 100 });
    decoder.push('{"id":1,"method":"');
    for (let index = 0; index < 50; index += 1) {
      decoder.push('x'.repeat(40));
      expect(decoder.bufferedBytes()).toBeLessThanOrEqual(100);
    }
    decoder.push('"}\n{"id":2,"method":"ok"}\n');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toContain('exceeds the limit of 100 bytes');
    expect(frames).toEqual([{ id: 2, method: 'ok' }]);
  });

  it('rejects an oversize frame that arrives whole in one chunk', () => {
    const { decoder, frames, errors } = collect({ maxFrameBytes: 10 });
    decoder.push(`${JSON.stringify({ long: 'y'.repeat(20) })}\n{"a":1}\n`);
    expect(errors).toHaveLength(1);
    expect(frames).toEqual([{ a: 1 }]);
  });

  it('accepts a frame of exactly the limit', () => {
    const line = JSON.stringify({ a: 'z'.repeat(10) });
    const { decoder, frames, errors } = collect({ maxFrameBytes: Buffer.byteLength(line) });
    decoder.push(`${line}\n`);
    expect(errors).toEqual([]);
    expect(frames).toHaveLength(1);
  });

  it('limits frames to 16 MiB by default', () => {
    expect(MAX_FRAME_BYTES).toBe(16 * 1024 * 1024);
  });
});

describe('toRequest', () => {
  it('accepts { id, method, params? }', () => {
    expect(toRequest({ id: 3, method: 'ls' })).toEqual({ id: 3, method: 'ls' });
    expect(toRequest({ id: 3, method: 'start', params: { name: 'api' } })).toEqual({ id: 3, method: 'start', params: { name: 'api' } });
  });

  it.each([
    [[1, 2], 'frame'],
    ['text', 'frame'],
    [null, 'frame'],
    [{ method: 'ls' }, 'id'],
    [{ id: 1.5, method: 'ls' }, 'id'],
    [{ id: '1', method: 'ls' }, 'id'],
    [{ id: 1 }, 'method'],
    [{ id: 1, method: '' }, 'method'],
  ])('rejects %j naming the field %s', (frame, field) => {
    try {
      toRequest(frame);
      expect.unreachable();
    } catch (error) {
      expect((error as ArborError).code).toBe('E_BAD_REQUEST');
      expect((error as ArborError).details.field).toBe(field);
    }
  });

  it('finds the id of a broken request when it has one', () => {
    expect(requestIdOf({ id: 9 })).toBe(9);
    expect(requestIdOf({ id: 'x' })).toBeNull();
    expect(requestIdOf('x')).toBeNull();
  });
});

describe('toServerFrame', () => {
  it('sorts replies and events', () => {
    expect(toServerFrame({ id: 1, result: [1] })).toEqual({ id: 1, result: [1] });
    expect(toServerFrame({ id: 1 })).toEqual({ id: 1, result: null });
    expect(toServerFrame({ event: 'child.exited', data: { code: 1 } })).toEqual({ event: 'child.exited', data: { code: 1 } });
    expect(toServerFrame({ id: null, error: { code: 'E_BAD_REQUEST', message: 'bad', details: { field: 'id' } } })).toEqual({
      id: null,
      error: { code: 'E_BAD_REQUEST', message: 'bad', details: { field: 'id' } },
    });
  });

  it('fills in a malformed error and refuses what is neither', () => {
    expect(toServerFrame({ id: 2, error: {} })).toEqual({
      id: 2,
      error: { code: 'E_RPC', message: 'the daemon sent an error without a message', details: {} },
    });
    expect(toServerFrame({ id: null })).toBeUndefined();
    expect(toServerFrame({ id: 'x', result: 1 })).toBeUndefined();
    expect(toServerFrame([1])).toBeUndefined();
  });
});

describe('toErrorBody', () => {
  it('keeps an ArborError code and details, turns anything else into E_RPC', () => {
    const arbor = new ArborError('E_APP_NOT_FOUND', "no app named 'api'", { details: { value: 'api' } });
    expect(toErrorBody(arbor)).toEqual({ code: 'E_APP_NOT_FOUND', message: "no app named 'api'", details: { value: 'api' } });
    expect(toErrorBody(new TypeError('x is not a function'))).toEqual({ code: 'E_RPC', message: 'x is not a function', details: {} });
    expect(toErrorBody('boom')).toEqual({ code: 'E_RPC', message: 'a handler threw "boom" (string)', details: {} });
  });
});

describe('eventMatches', () => {
  it('matches exact names, prefixes ending in .* and *', () => {
    expect(eventMatches(['child.exited'], 'child.exited')).toBe(true);
    expect(eventMatches(['child.exited'], 'child.started')).toBe(false);
    expect(eventMatches(['child.*'], 'child.started')).toBe(true);
    expect(eventMatches(['child.*'], 'children.started')).toBe(false);
    expect(eventMatches(['*'], 'anything')).toBe(true);
    expect(eventMatches([], 'anything')).toBe(false);
  });
});
