// Loads a JavaScript or TypeScript config file: CommonJS through require, ESM through import() with a cache-busting query.

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compileFunction } from 'node:vm';

import { ArborError } from '../errors.js';
import { displayFile } from './config-error.js';
import { isPlainObject } from './values.js';

/** A file's exported value, and what is worth telling the user about how it was read. */
export interface LoadedValue {
  value: unknown;
  warnings: string[];
}

const requireHere = createRequire(import.meta.url);
let loadCount = 0;

// Loads a .js/.cjs/.mjs/.ts/.mts/.cts file and returns what it exports (module.exports, export default, or its named exports).
export async function loadModuleConfig(file: string): Promise<LoadedValue> {
  const ext = extname(file);
  if (['.ts', '.mts', '.cts'].includes(ext)) {
    requireTypeStripping(file);
    return { value: await importFresh(file), warnings: [] };
  }
  if (ext === '.mjs') return { value: await importFresh(file), warnings: [] };
  if (ext === '.cjs') return { value: await requireFresh(file), warnings: [] };
  if (packageType(dirname(file)) === 'module') return importWithCommonJsFallback(file);
  return hasEsmSyntax(file) ? { value: await importFresh(file), warnings: [] } : { value: await requireFresh(file), warnings: [] };
}

// True when Node can import TypeScript itself: Node 23.6+, or 22.6+ started with --experimental-strip-types.
export function nodeStripsTypes(): boolean {
  if ((process.features as { typescript?: unknown }).typescript) return true;
  const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  return flags.some((flag) => flag === '--experimental-strip-types' || flag === '--experimental-transform-types');
}

// Refuses a TypeScript config where Node cannot strip types, naming the fix.
function requireTypeStripping(file: string): void {
  if (nodeStripsTypes()) return;
  const base = file.slice(0, -extname(file).length);
  const js = extname(file) === '.cts' ? `${base}.cjs` : `${base}.mjs`;
  throw new ArborError(
    'E_CONFIG',
    `${displayFile(file)} is TypeScript, which this Node (${process.version}) cannot load: ` +
      `run arbor on Node 22.6+ with --experimental-strip-types (on by default from Node 23.6), ` +
      `or rename it to ${displayFile(js)} and remove the type annotations`,
    { details: { file, field: 'file', value: file, allowed: '.json, .yaml, .yml, .js, .cjs, .mjs (.ts, .mts, .cts need Node 22.6+ type stripping)' } },
  );
}

// require() after dropping the file's cache entry, so a re-load sees edits (files it requires stay cached, as in PM2).
async function requireFresh(file: string): Promise<unknown> {
  const resolved = requireHere.resolve(file);
  delete requireHere.cache[resolved];
  const exported: unknown = requireHere(resolved);
  return unwrap(exported);
}

// import() under a new URL each time, so a re-load sees edits (each load keeps its module in memory: configs are small).
async function importFresh(file: string): Promise<unknown> {
  delete requireHere.cache[file];
  const url = `${pathToFileURL(file).href}?arbor-load=${Date.now()}-${++loadCount}`;
  const namespace: unknown = await import(url);
  return unwrap(namespace);
}

// A .js in a "type": "module" package written with module.exports (PM2's own template): evaluated as CommonJS, with a warning.
async function importWithCommonJsFallback(file: string): Promise<LoadedValue> {
  try {
    return { value: await importFresh(file), warnings: [] };
  } catch (error) {
    if (!(error instanceof ReferenceError) || !/\b(module|exports|require) is not defined\b/.test(error.message)) throw error;
    const value = await unwrap(evaluateCommonJs(file));
    const cjs = `${file.slice(0, -extname(file).length)}.cjs`;
    const warning = `${displayFile(file)} uses CommonJS (module.exports) inside a "type": "module" package; it was read as CommonJS. Rename it to ${displayFile(cjs)} or use export default.`;
    return { value, warnings: [warning] };
  }
}

// Runs a file as a CommonJS module body (module, exports, require, __filename, __dirname) and returns module.exports.
function evaluateCommonJs(file: string): unknown {
  const body = compileFunction(readFileSync(file, 'utf8'), ['exports', 'require', 'module', '__filename', '__dirname'], { filename: file });
  const module = { exports: {} as unknown };
  body.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return module.exports;
}

// True when a .js file of a CommonJS package is written as ESM (import/export), which Node would detect and import.
function hasEsmSyntax(file: string): boolean {
  try {
    compileFunction(readFileSync(file, 'utf8'), ['exports', 'require', 'module', '__filename', '__dirname'], { filename: file });
    return false;
  } catch (error) {
    return error instanceof SyntaxError && /\b(import|export)\b|await is only valid|import\.meta/.test(error.message);
  }
}

// The "type" of the nearest package.json above a directory ('commonjs' when there is none).
function packageType(dir: string): 'module' | 'commonjs' {
  for (let current = dir; ; current = dirname(current)) {
    const manifest = join(current, 'package.json');
    if (existsSync(manifest)) {
      try {
        const parsed: unknown = JSON.parse(readFileSync(manifest, 'utf8'));
        return isPlainObject(parsed) && parsed.type === 'module' ? 'module' : 'commonjs';
      } catch {
        return 'commonjs';
      }
    }
    if (dirname(current) === current) return 'commonjs';
  }
}

// The config inside what a module gave: its default export (ESM or transpiled), else its named exports; awaited if a promise.
async function unwrap(exported: unknown): Promise<unknown> {
  let value = exported;
  const isNamespace = Object.prototype.toString.call(value) === '[object Module]';
  if ((isNamespace || (isPlainObject(value) && value.__esModule === true)) && (value as { default?: unknown }).default !== undefined) {
    value = (value as { default: unknown }).default;
  } else if (isNamespace) {
    value = { ...(value as Record<string, unknown>) };
  }
  return await value;
}
