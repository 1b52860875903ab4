/**
 * End-to-end tests of `vigil scan` as a user runs it: the built command (dist/), real files,
 * worker threads, hostile input.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const CLI = new URL('../dist/cli/main.js', import.meta.url).pathname;
let dir: string;

function vigil(args: string[], input?: string | Buffer) {
  const run = spawnSync(process.execPath, [CLI, ...args], {
    input,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const lines = (text: string): Record<string, unknown>[] =>
  text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

const AD = {
  id: 'ad-1',
  title: 'New in town, 100% real pics',
  body: 'Sweet friendly companion. Call or text two one two 555 O1four7. <script>alert(1)</script>',
  location: { city: 'Miami', region: 'FL', country: 'US' },
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-cli-'));
});

describe('vigil scan', () => {
  it('scans JSONL into results and an HTML report', () => {
    const input = join(dir, 'one.jsonl');
    writeFileSync(input, `${JSON.stringify(AD)}\n`);
    const out = join(dir, 'one.results.jsonl');
    const report = join(dir, 'one.html');
    const run = vigil(['scan', input, '--out', out, '--report', report, '--workers', '1']);
    expect(run.stderr).toContain('Scanned 1 items');
    expect(run.status).toBe(0);
    const [result] = lines(readFileSync(out, 'utf8'));
    if (result === undefined) throw new Error('no result line');
    expect(result.id).toBe('ad-1');
    const phones = (result.entities as { phones: { e164: string; obfuscated: boolean }[] }).phones;
    expect(phones).toEqual([expect.objectContaining({ e164: '+12125550147', obfuscated: true })]);
    const html = readFileSync(report, 'utf8');
    expect(html).toMatch(/<html/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert(1)</script>');
  });

  it('skips malformed records with file:line and never crashes on hostile bytes', () => {
    const good = (id: string): string => JSON.stringify({ ...AD, id });
    const parts: (string | Buffer)[] = [
      `${good('g1')}\n`,
      '{"id": "broken", \n', // line 2: invalid JSON
      Buffer.from([0x7b, 0x22, 0x69, 0x64, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d, 0x0a]), // line 3: invalid UTF-8
      `{"id":"nul","body":"a\u0000b"}\n`.replace('\\u0000', '\u0000'), // line 4: raw NUL in a string
      `${JSON.stringify({ id: 'big', body: 'x'.repeat(10 * 1024 * 1024) })}\n`, // line 5: 10 MB line
      // line 6: binary garbage (no newline byte, so it is one line)
      Buffer.from(
        Array.from({ length: 4096 }, (_, i) => ((i * 7919) % 255) + (i % 2 === 0 ? 0 : 1)).map(
          (b) => (b === 10 ? 11 : b),
        ),
      ),
      `\n${good('g2')}\n`,
      '{"title":"no id"}\n',
      '[1,2,3]\n',
      `${good('g3')}`, // last line without a newline
    ];
    const input = join(dir, 'hostile.jsonl');
    writeFileSync(
      input,
      Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))),
    );
    const out = join(dir, 'hostile.results.jsonl');
    const run = vigil(['scan', input, '--out', out, '--workers', '2']);
    expect(run.status).toBe(0);
    const ids = lines(readFileSync(out, 'utf8')).map((r) => r.id);
    expect(ids).toEqual(['g1', 'g2', 'g3']);
    expect(run.stderr).toMatch(/hostile\.jsonl:2: skipped: invalid JSON/);
    expect(run.stderr).toMatch(/hostile\.jsonl:3: skipped: invalid UTF-8/);
    expect(run.stderr).toMatch(/hostile\.jsonl:4: skipped: invalid JSON/);
    expect(run.stderr).toMatch(/hostile\.jsonl:5: skipped: line is longer than 1048576 bytes/);
    expect(run.stderr).toMatch(/hostile\.jsonl:6: skipped: invalid (UTF-8|JSON)/);
    expect(run.stderr).toMatch(/hostile\.jsonl:8: skipped: missing "id"/);
    expect(run.stderr).toMatch(/hostile\.jsonl:9: skipped: an item must be a JSON object/);
    expect(run.stderr).toMatch(/7 malformed records skipped/);
    expect(run.stderr).toMatch(/malformed records skipped/);
  });

  it('stops at the first malformed record with --strict', () => {
    const input = join(dir, 'strict.jsonl');
    writeFileSync(
      input,
      `${JSON.stringify(AD)}\nnot json\n${JSON.stringify({ ...AD, id: 'x' })}\n`,
    );
    const run = vigil([
      'scan',
      input,
      '--out',
      join(dir, 'strict.out'),
      '--strict',
      '--workers',
      '0',
    ]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('strict.jsonl:2');
    expect(run.stderr).toContain('[INPUT_STRICT_ABORT]');
  });

  it('gives the same results in input order with 0, 1 and 2 workers', () => {
    const items = Array.from({ length: 3000 }, (_, i) =>
      JSON.stringify({
        ...AD,
        id: `n${i}`,
        body: `${AD.body} ${i % 7 === 0 ? 'whatsapp only' : ''}`,
      }),
    );
    const input = join(dir, 'many.jsonl');
    writeFileSync(input, `${items.join('\n')}\n`);
    const outputs = ['0', '1', '2'].map((workers) => {
      const out = join(dir, `many.${workers}.jsonl`);
      const run = vigil(['scan', input, '--out', out, '--workers', workers, '--quiet']);
      expect(run.status).toBe(0);
      expect(run.stderr).toBe('');
      return readFileSync(out, 'utf8');
    });
    expect(outputs[1]).toBe(outputs[0]);
    expect(outputs[2]).toBe(outputs[0]);
    expect(lines(outputs[0] ?? '').map((r) => r.id)).toEqual(items.map((_, i) => `n${i}`));
  });

  it('reads stdin and writes stdout', () => {
    const run = vigil(['scan', '-', '--quiet', '--workers', '0'], `${JSON.stringify(AD)}\n`);
    expect(run.status).toBe(0);
    expect(lines(run.stdout).map((r) => r.id)).toEqual(['ad-1']);
  });

  it('reads CSV with column mapping flags', () => {
    const input = join(dir, 'ads.csv');
    writeFileSync(
      input,
      'ad_id,headline,description,cc\nc1,"New in town","Call 212-555-0147, ""real"" pics",US\nc2,,,US\n',
    );
    const out = join(dir, 'ads.out.jsonl');
    const run = vigil([
      'scan',
      input,
      '--out',
      out,
      '--id-column',
      'ad_id',
      '--title-column',
      'headline',
      '--body-column',
      'description',
      '--country-column',
      'cc',
      '--workers',
      '1',
    ]);
    expect(run.status).toBe(0);
    const results = lines(readFileSync(out, 'utf8'));
    expect(results.map((r) => r.id)).toEqual(['c1']);
    expect(run.stderr).toMatch(/ads\.csv:3: skipped: needs a non-empty "title" or "body"/);
  });

  it('explains a CSV without the columns it needs', () => {
    const input = join(dir, 'bad.csv');
    writeFileSync(input, 'a,b\n1,2\n');
    const run = vigil(['scan', input, '--workers', '0']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('[INPUT_CSV_MAPPING]');
    expect(run.stderr).toContain('Columns found: a, b');
  });

  it('explains a missing input file without a stack trace', () => {
    const run = vigil(['scan', join(dir, 'nope.jsonl')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('[INPUT_NOT_FOUND]');
    expect(run.stderr).not.toContain('    at ');
  });
});
