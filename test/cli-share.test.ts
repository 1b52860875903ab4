/**
 * Sharing between two instances entirely from the command line, through the built binary
 * (`npx tsc -p tsconfig.build.json` first) on two fresh SQLite data folders, A and B, with no
 * server: each creates its organisation keys, registers the other as a partner with its public
 * key line and evidence log key, and confirms the fingerprint (a wrong one is refused); both
 * record the same agreement. A seals a file into a case and writes a package of the case for B
 * (an export for a purpose the agreement does not list is refused naming clause 2); B verifies
 * the package file (a copy with one byte flipped is refused), lists it in its inbox, accepts it
 * into a case of its own, and its evidence log still verifies, with a `received` custody event
 * naming A. Synthetic data only.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../src/store/database.js';
import type { ServiceStore } from '../src/store/repositories.js';
import { openServiceStore } from '../src/store/service-store.js';
import { openStoreVault } from '../src/store/vault.js';

const CLI = new URL('../dist/cli/main.js', import.meta.url).pathname;

/** A synthetic exhibit: nothing in it is about a real person. */
const EXHIBIT = 'Advertisement seen on 2026-11-20: "Warehouse jobs abroad, travel arranged".\n';

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI as a child process without blocking this one. */
function vigil(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.VIGIL_CONFIG;
    const child = spawn(process.execPath, [CLI, ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end();
  });
}

/** One instance: its data folder and the commands run against it. */
function instance(dir: string) {
  const flags = ['--data-dir', dir, '--log-level', 'silent'];
  const describeRun = (args: string[], done: Run) =>
    `vigil ${args.join(' ')}\n${done.stderr}\n${done.stdout.slice(-800)}`;
  return {
    dir,
    /** The vault commands (`evidence`, `ledger`), which take the data folder only. */
    async vault(args: string[]): Promise<string> {
      const done = await vigil([...args, '--data-dir', dir]);
      expect(done.status, describeRun(args, done)).toBe(0);
      return done.stdout;
    },
    async ok(args: string[]): Promise<string> {
      const done = await vigil([...args, ...flags]);
      expect(done.status, describeRun(args, done)).toBe(0);
      return done.stdout;
    },
    async fails(args: string[], code: string | RegExp): Promise<string> {
      const done = await vigil([...args, ...flags]);
      expect(done.status, describeRun(args, done)).toBe(1);
      expect(done.stderr).toMatch(
        typeof code === 'string' ? `[${code}]` : new RegExp(`\\[${code.source}\\]`),
      );
      return done.stderr;
    },
  };
}

describe('sharing from the command line', () => {
  it('sets up two instances, sends a package from A and accepts it into a case at B', async () => {
    const root = mkdtempSync(join(tmpdir(), 'vigil-cli-share-'));
    const a = instance(join(root, 'a'));
    const b = instance(join(root, 'b'));
    const admin = { a: 'admin@org-a.example', b: 'admin@org-b.example' };
    const investigator = { a: 'investigator@org-a.example', b: 'investigator@org-b.example' };

    // Accounts, then the organisation keys.
    for (const [side, self] of [
      ['a', a],
      ['b', b],
    ] as const) {
      await self.ok(['user', 'add', '--email', admin[side], '--name', 'Admin', '--role', 'admin']);
      await self.ok([
        'user',
        'add',
        '--email',
        investigator[side],
        '--name',
        'Investigator',
        '--role',
        'investigator',
      ]);
      const line = await self.ok(['share', 'init', '--org', `org-${side}`]);
      expect(line.trim()).toMatch(new RegExp(`^vigil-org:org-${side}:ed25519:.+:x25519:.+$`));
    }
    // Keys partners trust are never replaced by a second init.
    await a.fails(['share', 'init', '--org', 'org-a'], 'CONFLICT');

    type KeyInfo = { publicKey: string; fingerprint: string; logKeys: string[] };
    const keyA = JSON.parse(await a.ok(['share', 'key', '--json'])) as KeyInfo;
    const keyB = JSON.parse(await b.ok(['share', 'key', '--json'])) as KeyInfo;
    for (const [key, org] of [
      [keyA, 'org-a'],
      [keyB, 'org-b'],
    ] as const) {
      expect(key.publicKey.startsWith(`vigil-org:${org}:`)).toBe(true);
      expect(key.fingerprint).toMatch(/^([0-9a-f]{4} ){15}[0-9a-f]{4}$/);
      expect(key.logKeys).toHaveLength(1);
    }
    expect(keyA.fingerprint).not.toBe(keyB.fingerprint);

    // Partners: registered by key line and log key, confirmed only with the right fingerprint.
    await a.ok([
      'share',
      'partner',
      'add',
      '--key',
      keyB.publicKey,
      '--name',
      'Unit B',
      '--log-key',
      ...keyB.logKeys,
      '--as',
      admin.a,
    ]);
    const added = JSON.parse(
      await b.ok([
        'share',
        'partner',
        'add',
        '--key',
        keyA.publicKey,
        '--name',
        'Unit A',
        '--log-key',
        ...keyA.logKeys,
        '--as',
        admin.b,
        '--json',
      ]),
    );
    expect(added).toMatchObject({ org: 'org-a', fingerprint: keyA.fingerprint });
    expect(added.confirmedAt).toBeUndefined();
    // An investigator may not manage partners.
    await a.fails(
      [
        'share',
        'partner',
        'confirm',
        'org-b',
        '--fingerprint',
        keyB.fingerprint,
        '--as',
        investigator.a,
      ],
      'FORBIDDEN',
    );
    // A fingerprint read wrongly (here: A's own) is refused, and nothing is confirmed.
    const wrong = await a.fails(
      ['share', 'partner', 'confirm', 'org-b', '--fingerprint', keyA.fingerprint, '--as', admin.a],
      'REQUEST_INVALID',
    );
    expect(wrong).toContain('not the one registered for org-b');
    const unconfirmed = JSON.parse(await a.ok(['share', 'partner', 'list', '--json']));
    expect(unconfirmed.items[0].confirmedAt).toBeUndefined();
    // Spaces and case do not matter: the fingerprint as read over the phone.
    await a.ok([
      'share',
      'partner',
      'confirm',
      'org-b',
      '--fingerprint',
      keyB.fingerprint.toUpperCase(),
      '--as',
      admin.a,
    ]);
    await b.ok([
      'share',
      'partner',
      'confirm',
      'org-a',
      '--fingerprint',
      keyA.fingerprint,
      '--as',
      admin.b,
    ]);
    for (const [self, org] of [
      [a, 'org-b'],
      [b, 'org-a'],
    ] as const) {
      const listed = JSON.parse(await self.ok(['share', 'partner', 'list', '--json']));
      expect(listed.items).toEqual([
        expect.objectContaining({ org, confirmedAt: expect.any(String) }),
      ]);
    }

    // The same agreement on both sides.
    const agreement = {
      id: 'agr-2026-ab',
      title: 'Bilateral agreement on trafficking investigations (test)',
      parties: [
        {
          organisationId: 'org-a',
          name: 'Unit A',
          keyFingerprints: [keyA.fingerprint.replaceAll(' ', '')],
        },
        {
          organisationId: 'org-b',
          name: 'Unit B',
          keyFingerprints: [keyB.fingerprint.replaceAll(' ', '')],
        },
      ],
      purposes: {
        allowed: ['investigation'],
        description: 'Joint investigation of a recruiter network.',
      },
      legalBasis: {
        kind: 'bilateral-agreement',
        reference: 'MoU 2026/7',
        citation: 'Memorandum of understanding between the units, Art. 3',
      },
      dataCategories: ['indicators', 'content', 'case-summaries'],
      maxTlp: 'amber',
      papCeiling: 'amber',
      retentionDays: 180,
      onwardSharing: 'none',
      validity: { from: '2026-01-01T00:00:00Z', until: '2099-12-31T00:00:00Z' },
    };
    for (const fingerprint of agreement.parties.flatMap((p) => p.keyFingerprints)) {
      expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
    }
    const agreementFile = join(root, 'agreement.json');
    writeFileSync(agreementFile, JSON.stringify(agreement, null, 2));
    await a.ok(['share', 'agreement', 'add', agreementFile, '--as', admin.a]);
    await b.ok(['share', 'agreement', 'add', agreementFile, '--as', admin.b]);
    const agreements = JSON.parse(await b.ok(['share', 'agreement', 'list', '--json']));
    expect(agreements.items.map((s: { id: string }) => s.id)).toEqual(['agr-2026-ab']);

    // A: a case with a sealed file, in the same log as the keys `share key` printed.
    const caseA = JSON.parse(
      await a.ok([
        'case',
        'create',
        '--title',
        'Recruiter network',
        '--as',
        investigator.a,
        '--json',
      ]),
    ).case.id as string;
    const exhibit = join(root, 'advertisement.txt');
    writeFileSync(exhibit, EXHIBIT);
    const sealed = await a.vault([
      'evidence',
      'add',
      exhibit,
      '--case',
      caseA,
      '--purpose',
      'Preserve the advertisement',
    ]);
    const exhibitId = /^(ev_[0-9a-f]+)\s/.exec(sealed)?.[1] as string;
    expect(exhibitId).toBeDefined();

    const exportArgs = (purpose: string, out: string) => [
      'share',
      'export',
      caseA,
      '--to',
      'org-b',
      '--agreement',
      'agr-2026-ab',
      '--purpose',
      purpose,
      '--include',
      'evidence,summary',
      '--out',
      out,
      '--as',
      investigator.a,
    ];
    // Refused: a purpose the agreement does not list, naming the clause; no file is written.
    const research = await a.fails(
      exportArgs('research', join(root, 'research.vshare')),
      'SHARE_DENIED',
    );
    expect(research).toContain('clause 2');
    expect(() => readFileSync(join(root, 'research.vshare'))).toThrow();
    const packageFile = join(root, 'case.vshare');
    const exported = JSON.parse(
      await a.ok([...exportArgs('investigation', packageFile), '--json']),
    );
    expect(exported).toMatchObject({
      direction: 'out',
      partner: 'org-b',
      status: 'written',
      caseId: caseA,
    });
    expect(exported.evidence).toEqual([exhibitId]);
    expect(exported.manifest.files.map((f: { name: string }) => f.name).sort()).toEqual([
      'case-summary.json',
      'evidence-bundle.zip',
    ]);
    const bytes = readFileSync(packageFile);
    expect(bytes.subarray(0, 15).toString('latin1')).toBe('vigil.share/v1\n');
    expect(bytes.includes('org-a')).toBe(true); // the sender is visible…
    expect(bytes.includes('Warehouse jobs abroad')).toBe(false); // …the content is not.
    expect(bytes.includes('Recruiter network')).toBe(false);

    // A's custody: collected, exported into the bundle, transferred to org-b.
    const custodyA = await a.vault(['evidence', 'show', exhibitId]);
    expect(custodyA).toMatch(/\bexported\b/);
    expect(custodyA).toMatch(new RegExp(`transferred .*Sent to org-b in package ${exported.id}`));

    // B: a copy with one byte flipped is refused with a package error, and nothing is kept.
    for (const at of [40, Math.floor(bytes.length / 2), bytes.length - 3]) {
      const tampered = Buffer.from(bytes);
      tampered[at] = (tampered[at] as number) ^ 0x01;
      const file = join(root, `tampered-${at}.vshare`);
      writeFileSync(file, tampered);
      await b.fails(['share', 'import', file, '--as', investigator.b], /PACKAGE_[A-Z_]+/);
    }
    const empty = JSON.parse(await b.ok(['share', 'inbox', '--as', investigator.b, '--json']));
    expect(empty.items).toEqual([]);

    // The package itself verifies: signature, addressee, hashes, agreement, A's evidence bundle.
    const imported = await b.ok(['share', 'import', packageFile, '--as', investigator.b]);
    expect(imported).toContain(`Verified package ${exported.id} from org-a`);
    expect(imported).toContain('against the partner’s log key');
    const inbox = JSON.parse(await b.ok(['share', 'inbox', '--as', investigator.b, '--json']));
    expect(inbox.items).toEqual([
      expect.objectContaining({
        id: exported.id,
        direction: 'in',
        partner: 'org-a',
        status: 'received',
        agreementId: 'agr-2026-ab',
      }),
    ]);
    expect(inbox.items[0].manifest.markings).toEqual({ tlp: 'amber', pap: 'amber' });

    // B accepts it into a case of its own: the files are sealed as B's evidence.
    const caseB = JSON.parse(
      await b.ok([
        'case',
        'create',
        '--title',
        'Joint investigation',
        '--as',
        investigator.b,
        '--json',
      ]),
    ).case.id as string;
    const accepted = JSON.parse(
      await b.ok([
        'share',
        'accept',
        exported.id,
        '--case',
        caseB,
        '--as',
        investigator.b,
        '--json',
      ]),
    );
    expect(accepted).toMatchObject({ status: 'accepted', caseId: caseB });
    expect(accepted.evidence).toHaveLength(2);
    await b.fails(
      ['share', 'accept', exported.id, '--case', caseB, '--as', investigator.b],
      'CONFLICT',
    );
    const held = JSON.parse(
      await b.ok(['case', 'evidence', caseB, '--as', investigator.b, '--json']),
    );
    expect(held.items.map((e: { name: string }) => e.name).sort()).toEqual([
      'case-summary.json',
      'evidence-bundle.zip',
    ]);
    expect(held.items.map((e: { id: string }) => e.id).sort()).toEqual(
      [...accepted.evidence].sort(),
    );
    const manifestFiles = inbox.items[0].manifest.files as { name: string; sha256: string }[];
    for (const item of held.items as { name: string; sha256: string }[]) {
      expect(item.sha256).toBe(manifestFiles.find((f) => f.name === item.name)?.sha256);
    }

    // B's log verifies, and the bundle's custody shows it was received from org-a.
    const verified = await b.vault(['ledger', 'verify']);
    expect(verified).toMatch(/^OK: /);
    expect(verified).toContain('2 evidence record(s)');
    const bundleId = (held.items as { id: string; name: string }[]).find(
      (e) => e.name === 'evidence-bundle.zip',
    )?.id as string;
    const custodyB = await b.vault(['evidence', 'show', bundleId]);
    expect(custodyB).toMatch(
      new RegExp(`received +\\S+: Received from org-a in package ${exported.id}`),
    );

    // The same through the store, as the API reads it: the event names org-a as counterparty.
    const store = openServiceStore(await openDatabase({ path: join(b.dir, 'vigil.db') }));
    try {
      const vault = await openStoreVault({
        db: store.db,
        ledger: store.ledger as NonNullable<ServiceStore['ledger']>,
        dataDir: b.dir,
        tool: { name: 'vigil', version: 'test' },
        now: () => new Date(),
        randomBytes: (n) => new Uint8Array(randomBytes(n)),
      });
      try {
        const { events } = await vault.evidenceEvents(bundleId);
        const received = events.find((e) => e.event.type === 'received')?.event;
        expect(received).toMatchObject({ counterparty: 'org-a' });
        expect(received?.legalBasis).toContain('agr-2026-ab');
      } finally {
        await vault.close();
      }
    } finally {
      await store.db.destroy();
    }
  }, 600_000);
});
