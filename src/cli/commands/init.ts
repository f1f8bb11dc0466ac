// `arbor init|ecosystem [simple]`: writes ecosystem.config.js in the working directory, never over an existing file.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sampleEcosystem } from '../../config/sample.js';
import { ArborError } from '../../errors.js';
import type { InitRequest } from '../request.js';
import type { CommandContext } from './context.js';

/** The file `init` writes, the one `arbor start` reads first without a target. */
export const INIT_FILE = 'ecosystem.config.js';

/** `init simple`: one app, no comments (as PM2's simple template). */
export const SIMPLE_ECOSYSTEM = `module.exports = {
  apps: [
    {
      name: 'app',
      script: './app.js',
    },
  ],
};
`;

// Writes the template into dir (exclusive create); E_CONFIG naming the file when it already exists.
export async function writeEcosystemTemplate(dir: string, simple: boolean): Promise<string> {
  const file = join(dir, INIT_FILE);
  try {
    await writeFile(file, simple ? SIMPLE_ECOSYSTEM : sampleEcosystem(), { flag: 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      throw new ArborError('E_CONFIG', `${file} already exists; arbor init does not overwrite it (remove or rename it first)`, {
        cause: error,
        details: { file, field: 'file', value: file, allowed: 'a path where no file exists yet' },
      });
    }
    throw new ArborError('E_CONFIG', `cannot write ${file}: ${code ?? String(error)}`, { cause: error, details: { file, field: 'file', value: file } });
  }
  return file;
}

// Writes the template in the working directory and says where.
export async function runInit(request: InitRequest, context: CommandContext): Promise<number> {
  const file = await writeEcosystemTemplate(context.cwd, request.simple);
  context.out.info(`wrote ${file}`);
  return 0;
}
