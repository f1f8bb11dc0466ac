// save / resurrect: the process list on disk, written atomically, the previous copy kept as .bak.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { AppConfig } from '../config/types.js';
import { ArborError } from '../errors.js';

/** One saved app: its config and whether it was running. */
export interface DumpEntry {
  app: AppConfig;
  status: 'online' | 'stopped';
}

interface DumpFile {
  version: 1;
  savedAt: string;
  apps: DumpEntry[];
}

// Writes the dump: a temp file, fsync, the old dump renamed to .bak, the temp file renamed into place.
export function writeDump(file: string, backup: string, apps: DumpEntry[]): void {
  const temp = `${file}.tmp-${process.pid}`;
  const body: DumpFile = { version: 1, savedAt: new Date().toISOString(), apps };
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(body, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  if (existsSync(file)) renameSync(file, backup);
  renameSync(temp, file);
}

// Reads the dump, falling back to the .bak copy when the dump is missing or corrupt; says which one it used.
export function readDump(file: string, backup: string): { apps: DumpEntry[]; source: string; warnings: string[] } {
  const warnings: string[] = [];
  for (const candidate of [file, backup]) {
    if (!existsSync(candidate)) continue;
    try {
      const parsed = JSON.parse(readFileSync(candidate, 'utf8')) as Partial<DumpFile>;
      if (!Array.isArray(parsed.apps)) throw new Error('no apps array');
      return { apps: parsed.apps.filter(isDumpEntry), source: candidate, warnings };
    } catch (error) {
      warnings.push(`${candidate} is corrupt (${(error as Error).message})${candidate === file ? ', using the backup' : ''}`);
    }
  }
  if (warnings.length > 0) throw new ArborError('E_CONFIG', `no readable dump: ${warnings.join('; ')}`, { details: { file } });
  return { apps: [], source: file, warnings };
}

// Removes the dump (PM2's cleardump keeps nothing).
export function clearDump(file: string): void {
  rmSync(file, { force: true });
}

function isDumpEntry(value: unknown): value is DumpEntry {
  const entry = value as DumpEntry;
  return typeof entry === 'object' && entry !== null && typeof entry.app?.name === 'string' && typeof entry.app?.script === 'string';
}
