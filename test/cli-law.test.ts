/**
 * `vigil law check | duties | routes` through the built binary, on the data shipped in law/:
 * the answers a newcomer reads, each with the not-legal-advice line and its sources.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = new URL('../dist/cli/main.js', import.meta.url).pathname;

function vigil(args: string[]) {
  const run = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('vigil law', () => {
  it('checks facts: a 20-year-old recruited without means in Germany', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-law-'));
    const facts = join(dir, 'facts.json');
    writeFileSync(
      facts,
      JSON.stringify({
        victims: [{ age: 20, location: 'DE' }],
        offenders: [{ nationality: 'DE' }],
        acts: ['recruitment'],
        purposes: ['sexual-exploitation'],
        actsIn: ['DE'],
      }),
    );
    const text = vigil(['law', 'check', facts, '--as-of', '2026-11-28']);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout.split('\n')[0]).toBe('Legal information, not legal advice.');
    expect(text.stdout).toMatch(/StGB §232\(1\): met/);
    expect(text.stdout).toMatch(/victim \(20\) is not under 18/);
    expect(text.stdout).toMatch(/Sources \(P: primary text read/);
    expect(text.stdout).toMatch(/\[DE-1\]/);

    const json = vigil(['law', 'check', facts, '--as-of', '2026-11-28', '--json']);
    const answer = JSON.parse(json.stdout);
    expect(answer.disclaimer).toBe('Legal information, not legal advice.');
    expect(answer.definition.results.find((r: { id: string }) => r.id === 'palermo').met).toBe(
      false,
    );
  });

  it('lists duties with deadlines', () => {
    const out = vigil([
      'law',
      'duties',
      '--platform-country',
      'DE',
      '--serving',
      'US,AU',
      '--content',
      'csam',
      '--as-of',
      '2026-11-28',
    ]);
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/Online Safety Act 2021 s\. 109 \(24 hours\)/);
    expect(out.stdout).toMatch(/§2258A/);
  });

  it('gives cooperation routes, with e-Evidence only once it applies', () => {
    const after = vigil([
      'law',
      'routes',
      '--from',
      'DE',
      '--to',
      'FR',
      '--data',
      'subscriber',
      '--as-of',
      '2026-09-01',
      '--json',
    ]);
    expect(after.status, after.stderr).toBe(0);
    expect(JSON.parse(after.stdout).routes[0]).toMatchObject({
      kind: 'production-order',
      deadlineHours: 240,
    });
    const before = vigil([
      'law',
      'routes',
      '--from',
      'DE',
      '--to',
      'FR',
      '--data',
      'subscriber',
      '--as-of',
      '2026-01-01',
      '--json',
    ]);
    const kinds = JSON.parse(before.stdout).routes.map((r: { kind: string }) => r.kind);
    expect(kinds).not.toContain('production-order');
    expect(kinds).toContain('preservation-request');
  });

  it('refuses a missing facts file and a bad date', () => {
    const missing = vigil(['law', 'check', '/nonexistent/facts.json']);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/does not exist/);
    const date = vigil([
      'law',
      'duties',
      '--platform-country',
      'DE',
      '--content',
      'csam',
      '--as-of',
      '28.11.2026',
    ]);
    expect(date.status).not.toBe(0);
    expect(date.stderr).toMatch(/YYYY-MM-DD/);
  });
});
