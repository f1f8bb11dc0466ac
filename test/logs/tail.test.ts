import { appendFileSync, closeSync, openSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flushLogs } from '../../src/logs/flush.js';
import { followFile, readLastLines, readTail, type FollowHandle } from '../../src/logs/tail.js';
import { makeTempDir, waitFor } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
const handles: FollowHandle[] = [];

beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir());
});

afterEach(async () => {
  for (const handle of handles.splice(0)) handle.close();
  await cleanup();
});

describe('readLastLines', () => {
  const numbered = Array.from({ length: 1000 }, (_, index) => `line ${index + 1}`);

  it('reads the last lines of a file spanning many chunks', async () => {
    const path = join(dir, 'big.log');
    writeFileSync(path, `${numbered.join('\n')}\n`);
    expect(await readLastLines(path, 3, { chunkBytes: 64 })).toEqual(['line 998', 'line 999', 'line 1000']);
    expect(await readLastLines(path, 15)).toEqual(numbered.slice(-15));
  });

  it('counts an unterminated last line as a line', async () => {
    const path = join(dir, 'open.log');
    writeFileSync(path, 'a\nb\nc');
    expect(await readLastLines(path, 2, { chunkBytes: 1 })).toEqual(['b', 'c']);
  });

  it('returns every line when asked for more than the file holds, blank lines included', async () => {
    const path = join(dir, 'short.log');
    writeFileSync(path, 'a\n\nb\n');
    expect(await readLastLines(path, 10, { chunkBytes: 2 })).toEqual(['a', '', 'b']);
  });

  it('decodes multi-byte characters cut by a chunk boundary', async () => {
    const path = join(dir, 'utf8.log');
    writeFileSync(path, 'héé\n€€€\nñ\n');
    expect(await readLastLines(path, 2, { chunkBytes: 3 })).toEqual(['€€€', 'ñ']);
  });

  it('has no lines for a missing or empty file, or for n < 1', async () => {
    expect(await readLastLines(join(dir, 'missing.log'), 5)).toEqual([]);
    writeFileSync(join(dir, 'empty.log'), '');
    expect(await readLastLines(join(dir, 'empty.log'), 5)).toEqual([]);
    writeFileSync(join(dir, 'one.log'), 'x\n');
    expect(await readLastLines(join(dir, 'one.log'), 0)).toEqual([]);
  });
});

// Follows the path, collecting everything it reports.
function follow(path: string, fromEnd = true): { text: () => string; handle: FollowHandle } {
  let collected = '';
  const handle = followFile(path, (text) => { collected += text; }, { fromEnd, pollMs: 20 });
  handles.push(handle);
  return { text: () => collected, handle };
}

describe('followFile', () => {
  it('sees appends, and only those when starting from the end', async () => {
    const path = join(dir, 'app.log');
    writeFileSync(path, 'old\n');
    const followed = follow(path);
    appendFileSync(path, 'new 1\n');
    await waitFor(() => followed.text() === 'new 1\n', 2000, 'first append');
    appendFileSync(path, 'new 2\n');
    await waitFor(() => followed.text() === 'new 1\nnew 2\n', 2000, 'second append');
  });

  it('starts where a history read ended, so a line written in between is not lost', async () => {
    const path = join(dir, 'history.log');
    writeFileSync(path, 'one\ntwo\n');
    const { lines, end } = await readTail(path, 1);
    expect([lines, end]).toEqual([['two'], 8]);
    appendFileSync(path, 'written while the history was printed\n');
    let collected = '';
    handles.push(followFile(path, (text) => { collected += text; }, { from: end, pollMs: 20 }));
    appendFileSync(path, 'later\n');
    await waitFor(() => collected === 'written while the history was printed\nlater\n', 2000, 'both lines');
  });

  it('starts at the beginning when asked', async () => {
    const path = join(dir, 'app.log');
    writeFileSync(path, 'old\n');
    const followed = follow(path, false);
    await waitFor(() => followed.text() === 'old\n', 2000, 'existing content');
  });

  it('keeps reading the renamed file its writer still appends to, then switches to the new file', async () => {
    const path = join(dir, 'app.log');
    const writerFd = openSync(path, 'a');
    try {
      const followed = follow(path);
      writeSync(writerFd, 'before\n');
      await waitFor(() => followed.text() === 'before\n', 2000, 'line before rotation');
      renameSync(path, `${path}.1`);
      writeSync(writerFd, 'after rename\n'); // the running writer's fd now points at app.log.1
      await waitFor(() => followed.text() === 'before\nafter rename\n', 2000, 'line written to the renamed file');
      writeFileSync(path, 'fresh file\n'); // the restarted writer creates the path again
      await waitFor(() => followed.text() === 'before\nafter rename\nfresh file\n', 2000, 'line of the new file');
      appendFileSync(path, 'more\n');
      await waitFor(() => followed.text().endsWith('fresh file\nmore\n'), 2000, 'append to the new file');
    } finally {
      closeSync(writerFd);
    }
  });

  it('reads again from the start after a truncation', async () => {
    const path = join(dir, 'app.log');
    writeFileSync(path, 'x'.repeat(100) + '\n');
    const followed = follow(path);
    appendFileSync(path, 'one\n');
    await waitFor(() => followed.text() === 'one\n', 2000, 'append');
    flushLogs([path]);
    appendFileSync(path, 'two\n');
    await waitFor(() => followed.text() === 'one\ntwo\n', 2000, 'line after truncation');
  });

  it('waits for a file that does not exist yet and reads it whole', async () => {
    const path = join(dir, 'later.log');
    const followed = follow(path);
    await new Promise((resolve) => setTimeout(resolve, 30));
    writeFileSync(path, 'hello\n');
    await waitFor(() => followed.text() === 'hello\n', 2000, 'the new file');
  });

  it('reports nothing more once closed', async () => {
    const path = join(dir, 'app.log');
    writeFileSync(path, '');
    const followed = follow(path);
    appendFileSync(path, 'seen\n');
    await waitFor(() => followed.text() === 'seen\n', 2000, 'append');
    followed.handle.close();
    appendFileSync(path, 'unseen\n');
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(followed.text()).toBe('seen\n');
  });
});
