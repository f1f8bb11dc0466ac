// Reads an ecosystem file (.json, .yaml/.yml, .js/.cjs/.mjs, .ts/.mts/.cts) and validates it into an EcosystemConfig.

import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import { runInNewContext } from 'node:vm';


import { ArborError, isArborError } from '../errors.js';
import { displayFile } from './config-error.js';
import { parseEcosystem } from './ecosystem.js';
import { loadModuleConfig, type LoadedValue } from './load-module.js';
import type { EcosystemConfig } from './types.js';

const JSON_EXTENSIONS = ['.json'];
const YAML_EXTENSIONS = ['.yaml', '.yml'];
const MODULE_EXTENSIONS = ['.js', '.cjs', '.mjs', '.ts', '.mts', '.cts'];
const ALLOWED_FILES = '.json, .yaml, .yml, .js, .cjs, .mjs, .ts, .mts or .cts';

// Loads and validates an ecosystem file; relative paths in it are taken from its directory. Throws ArborError E_CONFIG.
export async function loadEcosystem(file: string, options: { env?: string; shellEnv?: NodeJS.ProcessEnv } = {}): Promise<EcosystemConfig> {
  const absolute = resolve(file);
  const loaded = await readConfigValue(absolute);
  const config = parseEcosystem(loaded.value, {
    file: absolute,
    baseDir: dirname(absolute),
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(options.shellEnv === undefined ? {} : { shellEnv: options.shellEnv }),
  });
  config.warnings.unshift(...loaded.warnings);
  return config;
}

// PM2's rule for "this start argument is a config file": *.json, *.yml, *.yaml, *.config.{js,cjs,mjs,ts,mts,cts}, ecosystem.<loadable ext>.
export function isConfigFile(path: string): boolean {
  const name = basename(path).toLowerCase();
  const ext = extname(name);
  if (JSON_EXTENSIONS.includes(ext) || YAML_EXTENSIONS.includes(ext)) return true;
  if (!MODULE_EXTENSIONS.includes(ext)) return false;
  return name.endsWith(`.config${ext}`) || name.startsWith('ecosystem.');
}

// The raw value a config file holds, by its extension.
async function readConfigValue(file: string): Promise<LoadedValue> {
  await requireFile(file);
  const ext = extname(file).toLowerCase();
  if (JSON_EXTENSIONS.includes(ext)) return parseJsonConfig(await readFile(file, 'utf8'), file);
  if (YAML_EXTENSIONS.includes(ext)) return await parseYamlConfig(await readFile(file, 'utf8'), file);
  if (MODULE_EXTENSIONS.includes(ext)) {
    try {
      return await loadModuleConfig(file);
    } catch (error) {
      if (isArborError(error)) throw error;
      throw new ArborError('E_CONFIG', `could not load ${displayFile(file)}: ${describeLoadError(error, file)}`, {
        cause: error,
        details: { file, field: 'file', value: file },
      });
    }
  }
  throw new ArborError('E_CONFIG', `${displayFile(file)} is not a config file arbor can read: the name must end in ${ALLOWED_FILES}`, {
    details: { file, field: 'file', value: file, allowed: ALLOWED_FILES },
  });
}

async function requireFile(file: string): Promise<void> {
  const info = await stat(file).catch((error: unknown) => {
    throw new ArborError('E_CONFIG', `config file not found: ${displayFile(file)}`, { cause: error, details: { file, field: 'file', value: file } });
  });
  if (!info.isFile()) {
    throw new ArborError('E_CONFIG', `config file ${displayFile(file)} is not a regular file`, { details: { file, field: 'file', value: file } });
  }
}

// Strict JSON; failing that, PM2's relaxed reading (a JavaScript object literal, evaluated without access to anything), with a warning.
export function parseJsonConfig(source: string, file: string): LoadedValue {
  const text = source.replace(/^\uFEFF/, '');
  try {
    return { value: JSON.parse(text), warnings: [] };
  } catch (error) {
    const reason = describeJsonError(error, text);
    const relaxed = evaluateObjectLiteral(text, file);
    if (relaxed !== undefined) {
      return {
        value: relaxed,
        warnings: [`${displayFile(file)} is not strict JSON (${reason}); it was read as a JavaScript object literal, as PM2 does`],
      };
    }
    throw new ArborError('E_CONFIG', `${displayFile(file)} is not valid JSON: ${reason}`, { cause: error, details: { file, field: 'file', value: file } });
  }
}

// YAML through the `yaml` package (loaded only here: it is dozens of files that no other command needs); the first
// error with its line and column.
export async function parseYamlConfig(text: string, file: string): Promise<LoadedValue> {
  const { parseDocument } = await import('yaml');
  const doc = parseDocument(text);
  const [first] = doc.errors;
  if (first !== undefined) {
    const pos = first.linePos?.[0];
    const where = pos === undefined ? '' : ` at line ${pos.line}, column ${pos.col}`;
    const reason = first.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new ArborError('E_CONFIG', `${displayFile(file)} is not valid YAML${where}: ${reason}`, { cause: first, details: { file, field: 'file', value: file } });
  }
  return { value: doc.toJS(), warnings: doc.warnings.map((w) => `${displayFile(file)}: ${w.message.split('\n')[0]!}`) };
}

// "Expected ',' or '}' after property value at line 3, column 5", from V8's "... in JSON at position N".
function describeJsonError(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const match = /position (\d+)/.exec(message);
  const position = match === null ? text.length : Number(match[1]);
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  const reason = message.replace(/\s*in JSON at position \d+.*$/s, '').replace(/\s*\(line \d+ column \d+\)$/, '');
  return `${reason} at line ${line}, column ${column}`;
}

// The value of `(text)` in an empty context, copied into this realm as JSON; undefined when it is not an object literal.
function evaluateObjectLiteral(text: string, file: string): unknown {
  try {
    const value: unknown = runInNewContext(`(${text}\n)`, Object.create(null), { filename: file, timeout: 1000 });
    if (typeof value !== 'object' || value === null) return undefined;
    return JSON.parse(JSON.stringify(value));
  } catch {
    return undefined;
  }
}

// The error a config module threw, with the line of a syntax error when the stack has it.
function describeLoadError(error: unknown, file: string): string {
  if (!(error instanceof Error)) return String(error);
  const text = `${error.name}: ${error.message}`;
  if (!(error instanceof SyntaxError)) return text;
  const firstLine = (error.stack ?? '').split('\n')[0] ?? '';
  const line = firstLine.includes(basename(file)) ? /:(\d+)$/.exec(firstLine)?.[1] : undefined;
  return line === undefined ? text : `${text} (line ${line})`;
}
