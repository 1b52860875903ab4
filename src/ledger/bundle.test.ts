import { sha256 } from '@noble/hashes/sha2.js';
import { hex } from '@scure/base';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isVigilError } from '../shared/errors.js';
import {
  BUNDLE_FILES,
  type BundleEvidence,
  evidencePath,
  memoryBundleSource,
  planBundle,
  safeFileName,
  verifyBundle,
} from './bundle.js';
import { signCheckpoint } from './checkpoint.js';
import { CUSTODY_FORMAT, type CustodyEvent, custodyLeaf } from './custody.js';
import {
  appendLeaves,
  EMPTY_FRONTIER,
  type Hash,
  hashLeaf,
  inclusionProof,
  type NodeSource,
  treeRoot,
} from './merkle.js';
import { signerKeyFromSeed, signNote } from './note.js';

const ORIGIN = 'vigil.test/ledger/bundle';
const signer = signerKeyFromSeed(ORIGIN, new Uint8Array(32).fill(7));
const stranger = signerKeyFromSeed(ORIGIN, new Uint8Array(32).fill(9));
const utf8 = new TextEncoder();

function file(name: string, text: string, mediaType = 'text/plain') {
  const bytes = utf8.encode(text);
  const evidence: BundleEvidence = {
    id: `ev_${hex.encode(sha256(bytes)).slice(0, 16)}`,
    sha256: hex.encode(sha256(bytes)),
    size: bytes.length,
    name,
    mediaType,
  };
  return { evidence, bytes };
}

function event(
  type: CustodyEvent['type'],
  evidence: readonly BundleEvidence[],
  extra: Partial<CustodyEvent> = {},
): CustodyEvent {
  return {
    format: CUSTODY_FORMAT,
    type,
    time: '2026-11-02T09:30:00.000Z',
    actor: { id: 'analyst-7', name: 'Test Analyst', role: 'investigator' },
    evidence: evidence.map((e) =>
      type === 'collected' || type === 'derived' ? { ...e } : { id: e.id, sha256: e.sha256 },
    ),
    case: 'CASE-1',
    purpose: 'Preserve the advertisement for the investigation',
    tool: { name: 'vigil', version: '0.1.0' },
    host: 'workstation-3',
    ...extra,
  };
}

interface Fixture {
  files: Map<string, Uint8Array>;
  evidence: BundleEvidence[];
  events: CustodyEvent[];
}

/** A log of unrelated events plus the case's events, exported as a bundle held in memory. */
function buildBundle(
  options: {
    noise?: number;
    tamper?: (f: Fixture) => void;
    documents?: { path: string; bytes: Uint8Array }[];
  } = {},
): Fixture {
  const page = file('ad page <1>.html', '<html>synthetic ad text</html>', 'text/html');
  const shot = file('screenshot.png', 'not really a png, synthetic bytes');
  const redacted = file('screenshot-redacted.png', 'synthetic redacted bytes');
  const evidence = [page.evidence, shot.evidence, redacted.evidence];
  const other = file('other-case.txt', 'evidence of another case');
  const events: CustodyEvent[] = [];
  const caseIndices: number[] = [];
  const push = (e: CustodyEvent, ofCase: boolean) => {
    if (ofCase) caseIndices.push(events.length);
    events.push(e);
  };
  for (let i = 0; i < (options.noise ?? 3); i++) {
    push(event('collected', [other.evidence], { case: 'CASE-OTHER' }), false);
  }
  push(event('collected', [page.evidence], { source: { url: 'https://example.test/ad/1' } }), true);
  push(event('collected', [shot.evidence]), true);
  push(event('accessed', [page.evidence]), true);
  push(event('collected', [other.evidence], { case: 'CASE-OTHER' }), false);
  push(
    event('derived', [redacted.evidence], {
      derivedFrom: [{ id: shot.evidence.id, sha256: shot.evidence.sha256 }],
    }),
    true,
  );
  push(event('annotated', [page.evidence], { note: 'Phone number matches network N-4.' }), true);
  push(event('exported', evidence, { counterparty: 'Prosecutor, Unit 5' }), true);

  const fixture: Fixture = { files: new Map(), evidence, events };
  options.tamper?.(fixture);

  const leaves = fixture.events.map((e) => hashLeaf(custodyLeaf(e)));
  const { frontier, nodes } = appendLeaves(EMPTY_FRONTIER, leaves);
  const store = new Map(nodes.map((n) => [`${n.level}:${n.index}`, n.hash]));
  const source: NodeSource = (level, index) => {
    const hash = store.get(`${level}:${index}`);
    if (hash === undefined) throw new Error(`missing node ${level}:${index}`);
    return hash;
  };
  const size = frontier.size;
  const checkpoint = signCheckpoint(
    { origin: ORIGIN, size, root: treeRoot(size, source), extensions: [] },
    [signer],
  );
  const planned = planBundle({
    caseId: 'CASE-1',
    origin: ORIGIN,
    checkpoint,
    checkpointSize: size,
    keys: [signer],
    signer,
    evidence,
    events: caseIndices.map((i) => ({
      index: BigInt(i),
      event: fixture.events[i] as CustodyEvent,
      proof: inclusionProof(BigInt(i), size, source) as Hash[],
    })),
    exportEvent: BigInt(caseIndices[caseIndices.length - 1] as number),
    ...(options.documents !== undefined && { documents: options.documents }),
  });
  for (const f of planned.files) fixture.files.set(f.path, f.bytes);
  const content = new Map([page, shot, redacted].map((f) => [f.evidence.sha256, f.bytes]));
  for (const e of planned.evidence) fixture.files.set(e.path, content.get(e.sha256) as Uint8Array);
  return fixture;
}

async function failure(files: Map<string, Uint8Array>, trusted = false) {
  try {
    await verifyBundle(memoryBundleSource(files), trusted ? { trustedKeys: [signer] } : {});
  } catch (error) {
    if (isVigilError(error)) return { code: error.code, path: error.details?.path };
    throw error;
  }
  return undefined;
}

/** Re-seals a changed manifest with the log's own key: what an insider with the key could do. */
// biome-ignore lint/suspicious/noExplicitAny: the tests edit the manifest as raw JSON, as an attacker would
type RawManifest = any;

function reseal(files: Map<string, Uint8Array>, edit: (manifest: RawManifest) => void): void {
  const manifest = JSON.parse(new TextDecoder().decode(files.get(BUNDLE_FILES.manifest)));
  edit(manifest);
  const bytes = utf8.encode(`${JSON.stringify(manifest, null, 2)}\n`);
  files.set(BUNDLE_FILES.manifest, bytes);
  const text = `vigil.bundle/v1\n${ORIGIN}\n${Buffer.from(sha256(bytes)).toString('base64')}\n`;
  files.set(BUNDLE_FILES.seal, utf8.encode(signNote(text, [signer])));
}

describe('evidence bundles', () => {
  it('verify with the bundle key and with a pinned key', async () => {
    const { files } = buildBundle();
    const open = await verifyBundle(memoryBundleSource(files));
    expect(open.trust).toBe('bundle');
    expect(open.case).toBe('CASE-1');
    expect(open.evidence).toHaveLength(3);
    expect(open.events).toBe(6);
    const pinned = await verifyBundle(memoryBundleSource(files), { trustedKeys: [signer] });
    expect(pinned.trust).toBe('pinned');
    expect(pinned.keys[0]?.fingerprint).toMatch(/[0-9a-f]/);
  });

  it('lays evidence out by hash with a safe file name', () => {
    expect(safeFileName('../../etc/passwd')).toBe('etc_passwd');
    expect(safeFileName('.hidden')).toBe('hidden');
    expect(safeFileName('ad page <1>.html')).toBe('ad_page_1_.html');
    expect(safeFileName('…')).toBe('evidence');
    expect(evidencePath({ sha256: 'ab'.repeat(32), name: 'x y.png' })).toBe(
      `evidence/${'ab'.repeat(32)}/x_y.png`,
    );
  });

  it('refuses a bundle sealed by another key than the pinned one', async () => {
    const { files } = buildBundle();
    await expect(
      verifyBundle(memoryBundleSource(files), { trustedKeys: [stranger] }),
    ).rejects.toMatchObject({ code: 'BUNDLE_KEY_UNTRUSTED' });
  });

  it('fails with the offending path when any byte of any file changes', async () => {
    const { files } = buildBundle({ noise: 1 });
    const paths = [...files.keys()];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        fc.boolean(),
        async (path, at, flip, trusted) => {
          const original = files.get(path) as Uint8Array;
          const changed = new Uint8Array(original);
          const i = at % changed.length;
          changed[i] = (changed[i] as number) ^ flip;
          const mutated = new Map(files);
          mutated.set(path, changed);
          const result = await failure(mutated, trusted);
          expect(result, `${path} byte ${i}`).toBeDefined();
          expect(result?.path, `${path} byte ${i}: ${result?.code}`).toBe(path);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('fails when a file is removed or added', async () => {
    const { files } = buildBundle();
    const evidenceFile = [...files.keys()].find((p) => p.startsWith('evidence/')) as string;
    const missing = new Map(files);
    missing.delete(evidenceFile);
    expect(await failure(missing)).toEqual({ code: 'BUNDLE_FILE_MISSING', path: evidenceFile });
    const extra = new Map(files);
    extra.set('evidence/notes.txt', utf8.encode('added later'));
    expect(await failure(extra)).toEqual({
      code: 'BUNDLE_FILE_UNEXPECTED',
      path: 'evidence/notes.txt',
    });
    const unsafe = new Map(files);
    unsafe.set('../outside', utf8.encode('x'));
    expect((await failure(unsafe))?.code).toBe('BUNDLE_FILE_UNEXPECTED');
  });

  it('catches an insider who re-seals a changed manifest with the log key', async () => {
    // A substituted evidence file with a matching manifest entry: the logged event disagrees.
    const substituted = buildBundle();
    const target = [...substituted.files.keys()].find((p) =>
      p.endsWith('screenshot.png'),
    ) as string;
    const fake = utf8.encode('substituted bytes');
    const fakeHash = hex.encode(sha256(fake));
    substituted.files.delete(target);
    const fakePath = `evidence/${fakeHash}/screenshot.png`;
    substituted.files.set(fakePath, fake);
    reseal(substituted.files, (m) => {
      const entry = m.evidence.find((e: { path: string }) => e.path === target);
      Object.assign(entry, { sha256: fakeHash, size: fake.length, path: fakePath });
    });
    expect((await failure(substituted.files))?.code).toBe('BUNDLE_CUSTODY_MISMATCH');

    // A rewritten custody event: its proof no longer leads to the signed root.
    const rewritten = buildBundle();
    reseal(rewritten.files, (m) => {
      m.events[0].event.purpose = 'Something else';
    });
    expect((await failure(rewritten.files))?.code).toBe('INCLUSION_PROOF_FAILED');

    // An event left out: the story is incomplete only if it was the collection itself.
    const dropped = buildBundle();
    reseal(dropped.files, (m) => {
      m.events.splice(0, 1);
    });
    expect((await failure(dropped.files))?.code).toBe('BUNDLE_CUSTODY_MISMATCH');

    // Evidence removed from the manifest: the export event no longer matches.
    const removed = buildBundle();
    reseal(removed.files, (m) => {
      const [gone] = m.evidence.splice(1, 1);
      removed.files.delete(gone.path);
      m.events = m.events.filter(
        (e: { event: CustodyEvent }) =>
          e.event.type === 'exported' || !e.event.evidence.some((r) => r.id === gone.id),
      );
    });
    expect((await failure(removed.files))?.code).toBe('BUNDLE_CUSTODY_MISMATCH');
  });

  it('rejects attacker-controlled numbers and shapes in the manifest cleanly', async () => {
    const cases: ((m: RawManifest) => void)[] = [
      (m) => {
        m.events[0].index = '18446744073709551616';
      },
      (m) => {
        m.events[0].index = '-1';
      },
      (m) => {
        m.events[0].proof = ['AAAA'];
      },
      (m) => {
        m.events[0].proof = Array.from({ length: 65 }, () => 'A'.repeat(44));
      },
      (m) => {
        m.log.size = '0';
      },
      (m) => {
        m.extra = true;
      },
      (m) => {
        m.events[0].event = { format: 'vigil.custody/v1' };
      },
    ];
    for (const edit of cases) {
      const { files } = buildBundle();
      reseal(files, edit);
      const result = await failure(files);
      expect(result, edit.toString()).toBeDefined();
    }
  });

  it('escapes hostile names in the custody report', () => {
    const { files } = buildBundle({
      tamper: (f) => {
        const e = f.evidence[0] as BundleEvidence;
        f.evidence[0] = { ...e, name: '<script>alert(1)</script>.html' };
        f.events = f.events.map((ev) => ({
          ...ev,
          evidence: ev.evidence.map((r) =>
            r.id === e.id && r.name !== undefined ? { ...r, name: f.evidence[0]?.name } : r,
          ),
        })) as CustodyEvent[];
      },
    });
    const html = new TextDecoder().decode(files.get(BUNDLE_FILES.report));
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain("default-src 'none'");
  });

  it('carries the provenance as CASE/UCO JSON-LD, one File per exhibit, covered by the seal', async () => {
    const { files, evidence } = buildBundle();
    const graph = JSON.parse(new TextDecoder().decode(files.get(BUNDLE_FILES.provenance)));
    const hashes = (graph['@graph'] as Record<string, unknown>[])
      .filter((node) => node['@type'] === 'uco-observable:File')
      .flatMap((node) => JSON.stringify(node).match(/[0-9a-f]{64}/g) ?? []);
    for (const exhibit of evidence) expect(hashes).toContain(exhibit.sha256);
    // Listed in the manifest: a changed byte fails verification like any other file.
    const bytes = files.get(BUNDLE_FILES.provenance) as Uint8Array;
    const tampered = new Map(files);
    tampered.set(
      BUNDLE_FILES.provenance,
      Uint8Array.from(bytes, (b, i) => (i === 10 ? b ^ 1 : b)),
    );
    expect(await failure(tampered)).toMatchObject({ code: 'BUNDLE_FILE_MODIFIED' });
  });

  it('seals further documents such as a case report, covered like every other file', async () => {
    const report = utf8.encode('<!doctype html><p>Case report</p>');
    const { files } = buildBundle({ documents: [{ path: 'case-report.html', bytes: report }] });
    expect(files.get('case-report.html')).toEqual(report);
    await expect(verifyBundle(memoryBundleSource(files))).resolves.toBeDefined();
    const tampered = new Map(files);
    tampered.set('case-report.html', utf8.encode('<!doctype html><p>Case report!</p>'));
    expect(await failure(tampered)).toMatchObject({
      code: 'BUNDLE_FILE_MODIFIED',
      path: 'case-report.html',
    });
    const removed = new Map(files);
    removed.delete('case-report.html');
    expect(await failure(removed)).toMatchObject({ path: 'case-report.html' });
  });

  it('refuses documents that would take a name the bundle keeps for itself', () => {
    const bytes = utf8.encode('x');
    for (const path of ['manifest.json', 'checkpoint', 'keys.txt', 'evidence/a.txt', '../a.txt']) {
      expect(() => buildBundle({ documents: [{ path, bytes }] }), path).toThrow(
        expect.objectContaining({ code: expect.stringMatching(/^BUNDLE_/) }),
      );
    }
  });
});
