// The wire format between client and daemon: one JSON object per line (newline-delimited JSON).
//
// JSON.stringify never emits a raw newline (it escapes those inside strings), so a newline always ends a frame.
// The client sends requests; the daemon sends replies (matched by id) and events (pushed to subscribers).
// Kept free of heavy imports: the CLI loads it on every command.

import { ArborError, describeValue } from '../errors.js';
import type { ErrorDetails } from '../errors.js';

/** A call from client to daemon. */
export interface RpcRequest {
  id: number;
  method: string;
  params?: unknown;
}

/** The error part of a failed reply: an ArborError's code, message and details. */
export interface RpcErrorBody {
  code: string;
  message: string;
  details: ErrorDetails;
}

/** A successful reply. */
export interface RpcResult {
  id: number;
  result: unknown;
}

/** A failed reply; id is null when the request was too broken to carry one. */
export interface RpcFailure {
  id: number | null;
  error: RpcErrorBody;
}

/** The daemon's answer to one request. */
export type RpcReply = RpcResult | RpcFailure;

/** A message the daemon pushes to subscribed connections. */
export interface RpcEvent {
  event: string;
  data: unknown;
}

/** Anything the daemon sends. */
export type ServerFrame = RpcReply | RpcEvent;

/** The largest frame either side accepts, in bytes (newline excluded). */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;

/** Consumes a byte stream and calls back once per complete frame. */
export interface FrameDecoder {
  /** Feeds a chunk as it arrived from the socket; frames may span chunks and a chunk may hold many frames. */
  push(chunk: Buffer | string): void;
  /** Bytes held for a frame not yet ended by a newline (never above the size limit). */
  bufferedBytes(): number;
}

const NEWLINE = 0x0a;

// Serializes one frame: its JSON followed by a newline.
export function encodeFrame(frame: RpcRequest | ServerFrame): string {
  return `${JSON.stringify(frame)}\n`;
}

// Splits a byte stream into parsed JSON frames; a bad line or an oversize frame is reported and skipped.
export function createFrameDecoder(
  onFrame: (frame: unknown) => void,
  onError: (error: ArborError) => void,
  options: { maxFrameBytes?: number } = {},
): FrameDecoder {
  const maxFrameBytes = options.maxFrameBytes ?? MAX_FRAME_BYTES;
  // Chunks of the unfinished frame are kept as Buffers and joined once, so a multi-byte character split
  // across chunks decodes correctly and a large frame is copied once, not once per chunk.
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  // After an oversize frame, bytes are dropped until the next newline instead of being kept.
  let skipping = false;

  const emit = (line: Buffer): void => {
    const text = line.toString('utf8');
    if (text.trim() === '') return;
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch (error) {
      onError(new ArborError('E_BAD_REQUEST', `a frame is not valid JSON: ${(error as Error).message}`, {
        cause: error,
        details: { field: 'frame', value: text.length > 200 ? `${text.slice(0, 200)}...` : text, allowed: 'one JSON object per line' },
      }));
      return;
    }
    onFrame(frame);
  };

  const oversize = (): void => {
    pending = [];
    pendingBytes = 0;
    skipping = true;
    onError(new ArborError('E_BAD_REQUEST', `a frame exceeds the limit of ${maxFrameBytes} bytes`, {
      details: { field: 'frame', allowed: `at most ${maxFrameBytes} bytes per line` },
    }));
  };

  return {
    push(chunk) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      let start = 0;
      while (start < bytes.length) {
        const end = bytes.indexOf(NEWLINE, start);
        if (end === -1) {
          const rest = bytes.length - start;
          if (skipping) return;
          if (pendingBytes + rest > maxFrameBytes) {
            oversize();
            return;
          }
          pending.push(bytes.subarray(start, bytes.length));
          pendingBytes += rest;
          return;
        }
        if (skipping) {
          skipping = false;
        } else if (pendingBytes + (end - start) > maxFrameBytes) {
          oversize();
          skipping = false;
        } else {
          const piece = bytes.subarray(start, end);
          const line = pendingBytes === 0 ? piece : Buffer.concat([...pending, piece], pendingBytes + piece.length);
          pending = [];
          pendingBytes = 0;
          emit(line);
        }
        start = end + 1;
      }
    },
    bufferedBytes: () => pendingBytes,
  };
}

// True when an event name matches one of the subscription patterns: the exact name, '*', or 'prefix.*'.
export function eventMatches(patterns: readonly string[], event: string): boolean {
  for (const pattern of patterns) {
    if (pattern === '*' || pattern === event) return true;
    if (pattern.endsWith('.*') && event.startsWith(pattern.slice(0, -1))) return true;
  }
  return false;
}

// Checks that a decoded frame is a request; otherwise throws E_BAD_REQUEST saying what is wrong.
export function toRequest(frame: unknown): RpcRequest {
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) {
    throw new ArborError('E_BAD_REQUEST', `a request must be a JSON object, got ${describeValue(frame)}`, {
      details: { field: 'frame', value: frame, allowed: '{ id, method, params? }' },
    });
  }
  const { id, method, params } = frame as Record<string, unknown>;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) {
    throw new ArborError('E_BAD_REQUEST', `request id must be an integer, got ${describeValue(id)}`, {
      details: { field: 'id', value: id, allowed: 'a safe integer' },
    });
  }
  if (typeof method !== 'string' || method === '') {
    throw new ArborError('E_BAD_REQUEST', `request method must be a non-empty string, got ${describeValue(method)}`, {
      details: { field: 'method', value: method, allowed: 'a method name', id },
    });
  }
  return params === undefined ? { id, method } : { id, method, params };
}

// The request id of a frame if it has a usable one, so a bad request can still be answered to its caller.
export function requestIdOf(frame: unknown): number | null {
  if (typeof frame !== 'object' || frame === null) return null;
  const id = (frame as Record<string, unknown>)['id'];
  return typeof id === 'number' && Number.isSafeInteger(id) ? id : null;
}

// Sorts a decoded frame from the daemon into a reply or an event; undefined when it is neither.
export function toServerFrame(frame: unknown): ServerFrame | undefined {
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) return undefined;
  const record = frame as Record<string, unknown>;
  if (typeof record['event'] === 'string') return { event: record['event'], data: record['data'] };
  const id = record['id'];
  if (typeof id !== 'number' && id !== null) return undefined;
  const error = record['error'];
  if (typeof error === 'object' && error !== null) {
    const body = error as Record<string, unknown>;
    return {
      id,
      error: {
        code: typeof body['code'] === 'string' ? body['code'] : 'E_RPC',
        message: typeof body['message'] === 'string' ? body['message'] : 'the daemon sent an error without a message',
        details: typeof body['details'] === 'object' && body['details'] !== null ? (body['details'] as ErrorDetails) : {},
      },
    };
  }
  if (id === null) return undefined;
  return { id, result: record['result'] ?? null };
}

// The error body of a reply for anything a handler threw: an ArborError keeps its code, the rest become E_RPC.
export function toErrorBody(error: unknown): RpcErrorBody {
  if (error instanceof ArborError) return error.toJSON();
  const message = error instanceof Error ? error.message : `a handler threw ${describeValue(error)}`;
  return { code: 'E_RPC', message, details: {} };
}
