import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateCorpus } from '../corpus/index.js';
import { isVigilError } from '../shared/errors.js';
import { writeCorpus } from './corpus.js';

describe('writeCorpus', () => {
  it('streams items.jsonl, truth.jsonl and a README into a new folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-corpus-'));
    try {
      const progress: number[] = [];
      const out = join(dir, 'nested', 'corpus');
      const files = await writeCorpus({ n: 25_000, seed: 11 }, out, (done) => progress.push(done));
      expect(files.count).toBe(25_000);
      expect(progress).toEqual([10_000, 20_000, 25_000]);
      const items = (await readFile(files.items, 'utf8')).trimEnd().split('\n');
      const truth = (await readFile(files.truth, 'utf8')).trimEnd().split('\n');
      expect(items).toHaveLength(25_000);
      expect(truth).toHaveLength(25_000);
      const expected = [...generateCorpus({ n: 25_000, seed: 11 })];
      expect(items[12_345]).toBe(JSON.stringify(expected[12_345]?.item));
      expect(JSON.parse(truth[24_999] as string)).toEqual(expected[24_999]?.truth);
      const readme = await readFile(join(out, 'README.md'), 'utf8');
      expect(readme).toMatch(/synthetic/i);
      expect(readme).toContain('seed = 11');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports an unwritable output folder as OUTPUT_UNWRITABLE', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-corpus-'));
    try {
      const file = join(dir, 'a-file');
      await writeFile(file, 'not a folder');
      await expect(writeCorpus({ n: 10, seed: 1 }, join(file, 'out'))).rejects.toSatisfy((e) =>
        isVigilError(e, 'OUTPUT_UNWRITABLE'),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
