// Where a config value sits (file, apps[i], name) and the E_CONFIG errors and warnings that say so.

import { isAbsolute, relative } from 'node:path';

import { ArborError, describeValue, type ErrorCode } from '../errors.js';

/** A place in a config: the file, the section path ('apps[2]', 'tree.children[1]') and the name there, when known. */
export interface ConfigLocation {
  /** Absolute path of the file; undefined for configs that came from elsewhere (stdin, the API). */
  file?: string;
  /** 'apps[2]', 'tree', 'tree.children[1]'; '' for the file as a whole. */
  path: string;
  /** The app's or supervisor's name, once known. */
  name?: string;
}

// The file as shown to the user: relative to the working directory when inside it, else absolute.
export function displayFile(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

// "apps[2] (api) of ecosystem.config.js": the location as it appears at the end of messages.
export function describeLocation(at: ConfigLocation): string {
  if (at.path === '') return at.file === undefined ? 'the config' : displayFile(at.file);
  const name = at.name === undefined ? '' : ` (${at.name})`;
  const file = at.file === undefined ? '' : ` of ${displayFile(at.file)}`;
  return `${at.path}${name}${file}`;
}

// An E_CONFIG error for a bad value: `<field> must be <allowed>, got <value> in <location>`; `cause` is the library's own error, if any.
export function badValue(at: ConfigLocation, field: string, value: unknown, allowed: string, cause?: unknown): ArborError {
  return new ArborError('E_CONFIG', `${field} must be ${allowed}, got ${describeValue(value)} in ${describeLocation(at)}`, {
    cause,
    details: { file: at.file, app: at.name ?? (at.path === '' ? undefined : at.path), path: at.path, field, value, allowed },
  });
}

// An E_CONFIG error with a message of its own (duplicates, missing fields), carrying the same details.
// A string message gets " in <location>" appended; a function places the location itself.
export function configError(
  at: ConfigLocation,
  message: string | ((where: string) => string),
  details: { field?: string; value?: unknown; allowed?: string } = {},
): ArborError {
  const where = describeLocation(at);
  return new ArborError('E_CONFIG', typeof message === 'string' ? `${message} in ${where}` : message(where), {
    details: { file: at.file, app: at.name ?? (at.path === '' ? undefined : at.path), path: at.path, ...details },
  });
}

// An error for a path an app names that does not exist (its script, its cwd): `script /srv/app.js does not exist in <location>`.
export function missingPath(at: ConfigLocation, code: ErrorCode, field: string, path: string): ArborError {
  return new ArborError(code, `${field} ${path} does not exist in ${describeLocation(at)}`, {
    details: { file: at.file, app: at.name ?? (at.path === '' ? undefined : at.path), path: at.path, field, value: path, allowed: 'an existing path' },
  });
}
