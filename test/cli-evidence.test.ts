/**
 * End-to-end tests of the evidence commands through the built `vigil` binary: seal, export,
 * verify (folder and zip), tamper detection, log audit, consistency proofs and key rotation.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

const CLI = new URL('../dist/cli/main.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'vigil-evidence-'));
const data = join(dir, 'data');

function vigil(args: string[], home = data) {
  const run = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, VIGIL_HOME: home },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function files(root: string, prefix = ''): string[] {
  return readdirSync(join(root, prefix), { withFileTypes: true }).flatMap((entry) => {
    const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    return entry.isDirectory() ? files(root, rel) : [rel];
  });
}

const fork = join(dir, 'fork');
const inputs = join(dir, 'inputs');
mkdirSync(inputs);
writeFileSync(join(inputs, 'other.txt'), 'Synthetic note for another case.');
writeFileSync(
  join(inputs, 'ad-page.html'),
  '<html><body>Synthetic ad text for a test.</body></html>',
);
writeFileSync(join(inputs, 'screenshot.png'), Buffer.alloc(4096, 7));

describe('vigil evidence and vigil verify', () => {
  let first = '';
  let bundle = '';
  let logKey = '';

  it('seals files with a custody event each', () => {
    const run = vigil([
      'evidence',
      'add',
      join(inputs, 'ad-page.html'),
      join(inputs, 'screenshot.png'),
      '--case',
      'CASE-7',
      '--purpose',
      'Preserve the advertisement',
      '--legal-basis',
      'Order 2026/114',
      '--url',
      'https://example.test/ad/7',
      '--json',
    ]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ case: 'CASE-7', name: 'ad-page.html', index: '0' });
    first = lines[0].id;
    const again = vigil([
      'evidence',
      'add',
      join(inputs, 'screenshot.png'),
      '--case',
      'CASE-7',
      '--purpose',
      'x',
      '--json',
    ]);
    expect(JSON.parse(again.stdout).duplicate).toBe(true);
    const derived = vigil([
      'evidence',
      'add',
      join(inputs, 'screenshot.png'),
      '--case',
      'CASE-8',
      '--purpose',
      'Working copy for another case',
      '--derived-from',
      first,
    ]);
    expect(derived.status).toBe(0);
    const annotated = vigil([
      'evidence',
      'log',
      first,
      '--type',
      'annotated',
      '--case',
      'CASE-7',
      '--purpose',
      'Review',
      '--note',
      'Phone matches network N-4.',
    ]);
    expect(annotated.stdout).toContain('Logged annotated');
    const transfer = vigil([
      'evidence',
      'log',
      first,
      '--type',
      'transferred',
      '--case',
      'CASE-7',
      '--purpose',
      'Hand-over',
    ]);
    expect(transfer.status).toBe(1);
    expect(transfer.stderr).toContain('[CUSTODY_EVENT_INVALID]');
    const show = vigil(['evidence', 'show', first]);
    expect(show.stdout).toContain('collected');
    expect(show.stdout).toContain('derived');
  });

  it('saves a checkpoint to prove consistency against later', () => {
    const run = vigil(['ledger', 'checkpoint', '--out', join(dir, 'old-checkpoint')]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /^vigil\.local\/ledger\/[0-9a-f]+\n4\n[A-Za-z0-9+/=]{44}\n\n\u2014 /,
    );
    const keys = vigil(['ledger', 'keys']);
    logKey = join(dir, 'log.pub');
    writeFileSync(logKey, keys.stdout);
    expect(keys.stdout.trim().split('\n')).toHaveLength(1);
    // A copy of the log as it is now, to grow a different history from (a fork).
    cpSync(data, fork, { recursive: true });
  });

  it('exports a bundle that verifies offline with the pinned key', () => {
    bundle = join(dir, 'bundle');
    const run = vigil([
      'evidence',
      'export',
      '--case',
      'CASE-7',
      '--out',
      bundle,
      '--to',
      'Prosecutor',
    ]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(files(bundle).sort()).toEqual(
      expect.arrayContaining([
        'manifest.json',
        'manifest.sig',
        'checkpoint',
        'keys.txt',
        'custody-report.html',
      ]),
    );
    const verified = vigil(['verify', bundle, '--key', logKey, '--json']);
    expect(verified.status).toBe(0);
    const result = JSON.parse(verified.stdout);
    expect(result).toMatchObject({ ok: true, case: 'CASE-7', trust: 'pinned', events: 5 });
    expect(result.evidence).toHaveLength(2);
    const plain = vigil(['verify', bundle]);
    expect(plain.stdout).toContain('OK: bundle for case CASE-7 verified');
    expect(plain.stdout).toContain('NOTE: verified with the key inside the bundle');
    const report = readFileSync(join(bundle, 'custody-report.html'), 'utf8');
    expect(report).toContain('Order 2026/114');
    expect(report).toContain('Prosecutor');
  });

  it('fails with a code and the path when any byte of the bundle changes', () => {
    for (const path of files(bundle)) {
      const copy = join(dir, `tampered-${path.replace(/\W/g, '_')}`);
      cpSync(bundle, copy, { recursive: true });
      const target = join(copy, path);
      chmodSync(target, 0o644);
      const bytes = readFileSync(target);
      const at = Math.floor(bytes.length / 2);
      bytes[at] = (bytes[at] as number) ^ 0x01;
      writeFileSync(target, bytes);
      const run = vigil(['verify', copy, '--key', logKey]);
      expect(run.status, path).toBe(1);
      expect(run.stderr, path).toMatch(
        new RegExp(`FAILED at ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: [A-Z_]+`),
      );
    }
  });

  it('exports and verifies a zip', () => {
    const zip = join(dir, 'bundle.zip');
    const run = vigil(['evidence', 'export', '--case', 'CASE-7', '--out', zip, '--zip']);
    expect(run.status).toBe(0);
    const verified = vigil(['verify', zip, '--key', logKey, '--json']);
    expect(verified.status).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, events: 6 });
    const bytes = readFileSync(zip);
    const at = Math.floor(bytes.length / 3);
    bytes[at] = (bytes[at] as number) ^ 0x10;
    writeFileSync(join(dir, 'broken.zip'), bytes);
    const broken = vigil(['verify', join(dir, 'broken.zip')]);
    expect(broken.status).toBe(1);
    expect(broken.stderr).toMatch(/\[[A-Z_]+\]/);
  });

  it('refuses to export over an existing bundle', () => {
    const run = vigil(['evidence', 'export', '--case', 'CASE-7', '--out', bundle]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('[OUTPUT_UNWRITABLE]');
  });

  it('audits the stored log and proves it only grew', () => {
    const audit = vigil(['ledger', 'verify']);
    expect(audit.status).toBe(0);
    expect(audit.stdout).toMatch(/OK: log .* verified: \d+ entries/);
    const out = join(dir, 'consistency.json');
    const proof = vigil([
      'ledger',
      'prove-consistency',
      '--from',
      join(dir, 'old-checkpoint'),
      '--out',
      out,
    ]);
    expect(proof.stderr).toBe('');
    expect(proof.status).toBe(0);
    expect(proof.stdout).toContain('OK: the log grew from 4 to');
    const json = JSON.parse(readFileSync(out, 'utf8'));
    expect(json.format).toBe('vigil.consistency/v1');
    expect(json.proof.length).toBeGreaterThan(0);
  });

  it('writes a C2SP tlog-proof that verifies offline against the checkpoint', async () => {
    const out = join(dir, 'entry-0.tlog-proof');
    const run = vigil(['ledger', 'prove', '--index', '0', '--out', out]);
    expect(run.status).toBe(0);
    const { parseTlogProof, openCheckpoint } = await import('../src/ledger/checkpoint.js');
    const { parseVerifierKey } = await import('../src/ledger/note.js');
    const { hashLeaf, verifyInclusion } = await import('../src/ledger/merkle.js');
    const proof = parseTlogProof(readFileSync(out, 'utf8'));
    const key = parseVerifierKey(readFileSync(logKey, 'utf8').trim());
    const { checkpoint } = openCheckpoint(proof.checkpoint, [key]);
    const leaf = new Uint8Array(readFileSync(`${out}.json`));
    verifyInclusion(hashLeaf(leaf), proof.index, checkpoint.size, proof.proof, checkpoint.root);
    expect(JSON.parse(new TextDecoder().decode(leaf)).type).toBe('collected');
    expect(vigil(['ledger', 'prove', '--index', '99999', '--out', out]).stderr).toContain(
      '[PROOF_MALFORMED]',
    );
  });

  it('detects a rewritten log', () => {
    const copy = join(dir, 'rewritten');
    cpSync(data, copy, { recursive: true });
    const db = new Database(join(copy, 'vigil.db'));
    const row = db.prepare('select data from ledger_leaf where idx = 1').get() as { data: Buffer };
    const changed = Buffer.from(row.data.toString('utf8').replace('Preserve', 'Preservx'));
    db.prepare('update ledger_leaf set data = ? where idx = 1').run(changed);
    db.close();
    const audit = vigil(['ledger', 'verify'], copy);
    expect(audit.status).toBe(1);
    expect(audit.stderr).toContain('[LEDGER_CORRUPT]');
  });

  it('detects a checkpoint from a forked history', () => {
    // The same key signs a different history: a split view the log must not be able to hide.
    expect(
      vigil(['evidence', 'add', join(inputs, 'other.txt'), '--case', 'X', '--purpose', 'y'], fork)
        .status,
    ).toBe(0);
    const forked = join(dir, 'forked-checkpoint');
    expect(vigil(['ledger', 'checkpoint', '--out', forked], fork).status).toBe(0);
    const run = vigil(['ledger', 'prove-consistency', '--from', forked]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('[CONSISTENCY_PROOF_FAILED]');
    // A checkpoint whose root was edited does not even carry a valid signature.
    const lines = readFileSync(join(dir, 'old-checkpoint'), 'utf8').split('\n');
    lines[2] = Buffer.alloc(32, 1).toString('base64');
    writeFileSync(join(dir, 'edited-checkpoint'), lines.join('\n'));
    const edited = vigil(['ledger', 'prove-consistency', '--from', join(dir, 'edited-checkpoint')]);
    expect(edited.stderr).toContain('[NOTE_SIGNATURE_INVALID]');
  });

  it('rotates the key; old checkpoints stay verifiable and the rotation is signed by both', () => {
    const rotated = vigil(['ledger', 'rotate-key']);
    expect(rotated.status).toBe(0);
    expect(rotated.stdout).toContain('signed by both');
    const checkpoint = vigil(['ledger', 'checkpoint']);
    expect(checkpoint.stdout.match(/\u2014 /g)).toHaveLength(2);
    const proof = vigil(['ledger', 'prove-consistency', '--from', join(dir, 'old-checkpoint')]);
    expect(proof.status).toBe(0);
    const audit = vigil(['ledger', 'verify']);
    expect(audit.status).toBe(0);
    // A bundle exported before the rotation still verifies with the old key.
    expect(vigil(['verify', bundle, '--key', logKey]).status).toBe(0);
    // The new bundle is signed by the new key: the old key alone does not vouch for it.
    const later = join(dir, 'bundle-after-rotation');
    vigil(['evidence', 'add', join(inputs, 'other.txt'), '--case', 'CASE-7', '--purpose', 'More']);
    expect(vigil(['evidence', 'export', '--case', 'CASE-7', '--out', later]).status).toBe(0);
    const pinnedOld = vigil(['verify', later, '--key', logKey]);
    expect(pinnedOld.status).toBe(1);
    expect(pinnedOld.stderr).toContain('[BUNDLE_KEY_UNTRUSTED]');
    const keys = vigil(['ledger', 'keys']);
    writeFileSync(join(dir, 'all.pub'), keys.stdout);
    expect(vigil(['verify', later, '--key', join(dir, 'all.pub')]).status).toBe(0);
  });

  it('reports missing inputs with a code', () => {
    const missing = vigil([
      'evidence',
      'add',
      join(dir, 'nope.bin'),
      '--case',
      'C',
      '--purpose',
      'x',
    ]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('[EVIDENCE_UNREADABLE]');
    const empty = vigil(['evidence', 'export', '--case', 'NO-SUCH-CASE', '--out', join(dir, 'x')]);
    expect(empty.stderr).toContain('[EVIDENCE_NOT_FOUND]');
    const notBundle = vigil(['verify', join(dir, 'nope')]);
    expect(notBundle.stderr).toContain('[BUNDLE_UNREADABLE]');
    copyFileSync(join(inputs, 'ad-page.html'), join(dir, 'not-a-zip.zip'));
    expect(vigil(['verify', join(dir, 'not-a-zip.zip')]).stderr).toContain('[BUNDLE_UNREADABLE]');
  });
});
