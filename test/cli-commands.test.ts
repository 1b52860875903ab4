/**
 * End-to-end tests of the other `vigil` commands: demo, corpus, calibrate, rules.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = new URL('../dist/cli/main.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'vigil-commands-'));

function vigil(args: string[]) {
  const run = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 180_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('vigil demo', () => {
  it('writes the corpus, the results and the report, and measures them against the truth', () => {
    const run = vigil(['demo', '--n', '3000', '--dir', join(dir, 'demo'), '--workers', '2']);
    expect(run.stderr).toContain('Scanned 3,000 items');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/precision \d+\.\d%, recall \d+\.\d%/);
    const html = readFileSync(join(dir, 'demo', 'report.html'), 'utf8');
    expect(html).toContain('3,000');
    expect(readFileSync(join(dir, 'demo', 'results.jsonl'), 'utf8').split('\n').length).toBe(3001);
  });
});

describe('vigil corpus and calibrate', () => {
  it('fits weights on a corpus that the scan then uses', () => {
    const corpus = join(dir, 'corpus');
    const made = vigil(['corpus', '--n', '4000', '--seed', '7', '--out', corpus]);
    expect(made.status).toBe(0);
    const weights = join(dir, 'weights.json');
    const fit = vigil([
      'calibrate',
      join(corpus, 'items.jsonl'),
      '--labels',
      join(corpus, 'truth.jsonl'),
      '--out',
      weights,
    ]);
    expect(fit.stderr).toBe('');
    expect(fit.status).toBe(0);
    expect(fit.stdout).toMatch(
      /5-fold cross-validation at risk >= 0\.7: precision \d+\.\d%, recall \d+\.\d%/,
    );
    const model = JSON.parse(readFileSync(weights, 'utf8')) as {
      origin: string;
      trainedOn: { n: number };
    };
    expect(model.origin).toBe('calibrated');
    expect(model.trainedOn.n).toBe(4000);
    const scan = vigil([
      'scan',
      join(corpus, 'items.jsonl'),
      '--weights',
      weights,
      '--out',
      join(dir, 'w.jsonl'),
      '-q',
    ]);
    expect(scan.status).toBe(0);
  });

  it('refuses a weights file that names unknown rules', () => {
    const bad = join(dir, 'bad-weights.json');
    writeFileSync(bad, JSON.stringify({ version: 1, bias: -2, weights: { 'NO-SUCH-RULE': 1 } }));
    const input = join(dir, 'one.jsonl');
    writeFileSync(input, '{"id":"1","body":"x"}\n');
    const run = vigil(['scan', input, '--weights', bad]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('[WEIGHTS_INVALID]');
    expect(run.stderr).toContain('NO-SUCH-RULE');
  });

  it('explains corpus options out of range', () => {
    const run = vigil(['corpus', '--n', '0', '--out', join(dir, 'none')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('[CORPUS_OPTIONS_INVALID]');
    expect(existsSync(join(dir, 'none', 'items.jsonl'))).toBe(false);
  });
});

describe('vigil rules', () => {
  it('checks the built-in rules and their examples', () => {
    const run = vigil(['rules']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /^\d+ rules in 3 files .*: all \d+ examples behave as declared\.\n$/,
    );
  });

  it('lists the examples that do not behave as declared', () => {
    const rulesDir = join(dir, 'rules');
    mkdirSync(rulesDir);
    writeFileSync(
      join(rulesDir, 'test.yaml'),
      [
        'family: test',
        'version: 0.1.0',
        'title: Test rules',
        'description: Rules that check the checker.',
        'rules:',
        '  - id: TS-MOON-01',
        '    name: Blue moon',
        '    category: test',
        "    languages: ['*']",
        '    weight: 0.5',
        '    evidence: weak',
        '    rationale: A rule with one wrong positive and one wrong negative example.',
        '    citation: https://example.org/none',
        '    when:',
        '      any:',
        "        - phrases: ['blue moon']",
        '    examples:',
        "      positive: ['once in a blue moon', 'no moon tonight']",
        "      negative: ['red sun', 'a blue moon rises']",
      ].join('\n'),
    );
    const run = vigil(['rules', rulesDir]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('TS-MOON-01: positive example did not fire');
    expect(run.stderr).toContain('TS-MOON-01: negative example fired: "a blue moon rises"');
    expect(run.stderr).toContain('[RULE_EXAMPLE_FAILED]');
  });
});
