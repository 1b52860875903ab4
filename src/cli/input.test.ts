import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { VigilError } from '../shared/errors.js';
import {
  type BatchWithIssues,
  csvBatches,
  csvMapping,
  detectFormat,
  type InputOptions,
  jsonlBatches,
  type OpenedInput,
  openInput,
} from './input.js';

const opened = (chunks: (string | Buffer)[]): OpenedInput => ({
  stream: Readable.from(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c))),
  size: undefined,
  counter: { bytes: 0 },
});

async function collect(gen: AsyncGenerator<BatchWithIssues>) {
  const lines: { line: number; text: string }[] = [];
  const issues: { line: number; reason: string }[] = [];
  let batches = 0;
  for await (const { batch, issues: found } of gen) {
    issues.push(...found);
    if (batch === undefined) continue;
    batches++;
    if (batch.kind === 'lines') {
      const texts = Buffer.from(batch.bytes).toString('utf8').split('\n');
      texts.pop();
      texts.forEach((text, i) => {
        lines.push({ line: batch.firstLine + i, text });
      });
    } else {
      for (const r of batch.records) lines.push({ line: r.line, text: JSON.stringify(r.record) });
    }
  }
  return { lines: lines.filter((l) => l.text.length > 0), issues, batches };
}

const small: InputOptions = { maxLineBytes: 16, batchBytes: 10, batchRecords: 2 };
const csvOptions: InputOptions = { ...small, maxLineBytes: 1000 };

describe('jsonlBatches', () => {
  it('cuts lines across chunk boundaries and keeps line numbers', async () => {
    const { lines, batches } = await collect(
      jsonlBatches(opened(['{"a":1}\n{"b', '":2}\n\n{"c":3}']), small),
    );
    expect(lines).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 2, text: '{"b":2}' },
      { line: 4, text: '{"c":3}' },
    ]);
    expect(batches).toBeGreaterThan(1);
  });

  it('skips an over-long line as it streams past and keeps later line numbers right', async () => {
    const long = 'x'.repeat(50);
    const { lines, issues } = await collect(
      jsonlBatches(
        opened(['{"a":1}\n', long.slice(0, 20), long.slice(20), '\n{"b":2}\n', 'y'.repeat(40)]),
        small,
      ),
    );
    expect(lines).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 3, text: '{"b":2}' },
    ]);
    expect(issues).toEqual([
      { line: 2, reason: 'line is longer than 16 bytes (--max-line-bytes)' },
      { line: 4, reason: 'line is longer than 16 bytes (--max-line-bytes)' },
    ]);
  });

  it('drops a UTF-8 byte order mark at the start', async () => {
    const { lines } = await collect(
      jsonlBatches(opened([Buffer.from([0xef, 0xbb, 0xbf]), '{"a":1}\n']), small),
    );
    expect(lines).toEqual([{ line: 1, text: '{"a":1}' }]);
  });
});

describe('csvBatches', () => {
  it('maps rows to item records with line numbers', async () => {
    const { lines } = await collect(
      csvBatches(
        opened(['id,title,body,country,images\n1,T,"B, with comma",US,a.jpg;b.jpg\n2,,x,,\n']),
        'csv',
        csvOptions,
      ),
    );
    expect(lines).toEqual([
      {
        line: 2,
        text: JSON.stringify({
          id: '1',
          title: 'T',
          body: 'B, with comma',
          location: { country: 'US' },
          images: ['a.jpg', 'b.jpg'],
        }),
      },
      { line: 3, text: JSON.stringify({ id: '2', body: 'x' }) },
    ]);
  });

  it('names the missing columns', () => {
    expect(() => csvMapping(['a', 'b'], {})).toThrowError(VigilError);
    expect(() => csvMapping(['id', 'text'], { title: 'headline' })).toThrow(/Column "headline"/);
    expect(() => csvMapping(['id', 'text'], {})).not.toThrow();
  });
});

describe('detectFormat', () => {
  it('reads the format from the name or the flag', () => {
    expect(detectFormat('a.jsonl.gz', undefined)).toBe('jsonl');
    expect(detectFormat('a.CSV', undefined)).toBe('csv');
    expect(detectFormat(undefined, undefined)).toBe('jsonl');
    expect(detectFormat('a.txt', 'tsv')).toBe('tsv');
    expect(() => detectFormat('a.txt', undefined)).toThrow(/--format/);
  });
});

describe('csvBatches with an over-long record', () => {
  it('stops with a clear error instead of losing the rest of the file', async () => {
    const input = opened([`id,body\n1,"${'x'.repeat(100)}"\n2,y\n`]);
    await expect(
      collect(csvBatches(input, 'csv', { maxLineBytes: 50, batchBytes: 10, batchRecords: 10 })),
    ).rejects.toThrow(/line 2 is longer than 50 bytes/);
  });
});

describe('openInput', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-input-'));
  const text = Array.from({ length: 50 }, (_, i) => `{"id":"i${i}","body":"line ${i}"}`).join('\n');
  const options: InputOptions = { maxLineBytes: 1000, batchBytes: 1 << 20, batchRecords: 1000 };

  // Regression: the byte counter once put the file stream in flowing mode, so whatever was read
  // before the scanner began to iterate (after loading rules, opening outputs) was lost.
  it('loses nothing read before the consumer starts, and counts the bytes', async () => {
    const path = join(dir, 'items.jsonl');
    writeFileSync(path, `${text}\n`);
    const input = await openInput(path, Readable.from([]));
    await sleep(50);
    const { lines } = await collect(jsonlBatches(input, options));
    expect(lines).toHaveLength(50);
    expect(input.counter.bytes).toBe(text.length + 1);
    expect(input.size).toBe(text.length + 1);
  });

  it('decompresses .gz files and counts the compressed bytes', async () => {
    const path = join(dir, 'items.jsonl.gz');
    const zipped = gzipSync(`${text}\n`);
    writeFileSync(path, zipped);
    const input = await openInput(path, Readable.from([]));
    await sleep(50);
    const { lines } = await collect(jsonlBatches(input, options));
    expect(lines.map((l) => l.line)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(input.counter.bytes).toBe(zipped.length);
  });

  it('reads stdin for "-" without losing early chunks', async () => {
    const input = await openInput('-', Readable.from([Buffer.from(`${text}\n`)]));
    await sleep(50);
    const { lines } = await collect(jsonlBatches(input, options));
    expect(lines).toHaveLength(50);
  });

  it('surfaces a corrupt .gz file as an error of the stream', async () => {
    const path = join(dir, 'broken.jsonl.gz');
    writeFileSync(path, Buffer.from('not gzip at all'));
    const input = await openInput(path, Readable.from([]));
    await expect(collect(jsonlBatches(input, options))).rejects.toThrow();
  });
});
