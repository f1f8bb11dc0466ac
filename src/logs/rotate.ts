// Size-based log rotation by rename: lossless because writers hold O_APPEND descriptors that follow the renamed file.
import { readdirSync, renameSync, statSync, unlinkSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ArborError, describeValue } from '../errors.js';
import { asLogError, errorCode } from './log-error.js';

// The name of the n-th rotated file: `api-out.log.2`.
export function rotatedPath(path: string, index: number): string {
  return `${path}.${index}`;
}

// Renames path -> path.1 -> path.2 ... keeping `retain` rotated files; a missing (or non-regular) file is left alone.
export function rotateFile(path: string, retain: number): void {
  assertRetain(retain);
  const current = statOrNull(path);
  if (current === null || !current.isFile()) return;
  // Oldest first, so every rename lands on a name already moved away; renaming onto path.<retain> drops the oldest.
  for (let index = retain - 1; index >= 1; index -= 1) {
    renameIfPresent(rotatedPath(path, index), rotatedPath(path, index + 1));
  }
  renameIfPresent(path, rotatedPath(path, 1));
  removeBeyond(path, retain);
}

// True when the file exists and holds at least maxBytes bytes (one stat).
export function needsRotation(path: string, maxBytes: number): boolean {
  assertMaxBytes(maxBytes);
  const current = statOrNull(path);
  return current !== null && current.isFile() && current.size >= maxBytes;
}

function renameIfPresent(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw asLogError(error, `could not rename ${from} to ${to}`);
  }
}

// Deletes rotated files numbered above retain (left over when retain was lowered).
function removeBeyond(path: string, retain: number): void {
  const prefix = `${basename(path)}.`;
  const directory = dirname(path);
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch (error) {
    throw asLogError(error, `could not list ${directory}`);
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const suffix = name.slice(prefix.length);
    if (!/^[1-9][0-9]*$/.test(suffix) || Number(suffix) <= retain) continue;
    try {
      unlinkSync(join(directory, name));
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw asLogError(error, `could not remove ${join(directory, name)}`);
    }
  }
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return null;
    throw asLogError(error, `could not stat ${path}`);
  }
}

function assertRetain(retain: number): void {
  // At least one: with zero the live writer's file would be unlinked and its lines lost.
  if (!Number.isSafeInteger(retain) || retain < 1) throw invalid('retain', retain, 'a whole number >= 1');
}

function assertMaxBytes(maxBytes: number): void {
  if (!Number.isFinite(maxBytes) || maxBytes <= 0) throw invalid('maxBytes', maxBytes, 'a number of bytes > 0');
}

function invalid(field: string, value: unknown, allowed: string): ArborError {
  return new ArborError('E_INVALID_SPEC', `log rotation ${field} must be ${allowed}, got ${describeValue(value)}`, {
    details: { field, value, allowed },
  });
}
