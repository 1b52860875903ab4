/**
 * Two instances on one machine exchange evidence under an agreement (issue "cross-border
 * sharing"): each runs its own server on loopback with its own database, evidence log and
 * organisation keys; each registers the other as a partner and confirms its fingerprint; both
 * record the same agreement. A sends a case's evidence, indicators and summary to B's inbox;
 * B verifies it (signature, addressee, hashes, agreement, the evidence bundle against A's log
 * key) and accepts it into a case; B answers the same way and A verifies B's evidence. Exports
 * the agreement forbids are refused naming the clause; tampered and wrongly signed packages
 * are rejected.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyBundle } from '../src/ledger/bundle.js';
import { formatVerifierKey } from '../src/ledger/note.js';
import { buildServer } from '../src/server/app.js';
import { loadConfig } from '../src/server/config.js';
import {
  formatOrgPublicKey,
  generateOrgKeys,
  type OrgKeys,
  orgKeyFingerprint,
  toPublicKeys,
} from '../src/share/keys.js';
import { PACKAGE_MEDIA_TYPE } from '../src/share/package.js';
import { signRequest } from '../src/share/transport.js';
import { openBundle } from '../src/store/bundle-io.js';
import { type CaseActor, createCase } from '../src/store/case-service.js';
import { openDatabase } from '../src/store/database.js';
import { createOrgKeys } from '../src/store/org-keys.js';
import { addPerson } from '../src/store/person-service.js';
import type { ServiceStore } from '../src/store/repositories.js';
import { openServiceStore } from '../src/store/service-store.js';
import { addAgreement, addPartner, confirmPartner } from '../src/store/share-service.js';
import { openStoreVault, type Vault } from '../src/store/vault.js';
import { addAccount } from './support/memory-store.js';

const NOW = '2026-11-28T10:00:00.000Z';
const rng = (n: number) => new Uint8Array(randomBytes(n));

interface Instance {
  readonly org: string;
  readonly dir: string;
  readonly store: ServiceStore;
  readonly vault: Vault;
  readonly keys: OrgKeys;
  readonly app: FastifyInstance;
  readonly url: string;
  /** An investigator's API key and case actor. */
  readonly key: string;
  readonly who: CaseActor;
  readonly admin: CaseActor;
}

async function instance(org: string): Promise<Instance> {
  const dir = mkdtempSync(join(tmpdir(), `vigil-share-${org}-`));
  const store = openServiceStore(await openDatabase({ path: join(dir, 'vigil.db') }));
  const keys = await createOrgKeys(dir, org, rng);
  const vault = await openStoreVault({
    db: store.db,
    ledger: store.ledger as NonNullable<ServiceStore['ledger']>,
    dataDir: dir,
    tool: { name: 'vigil', version: 'test' },
    now: () => new Date(NOW),
    randomBytes: rng,
  });
  const app = await buildServer({
    store,
    config: loadConfig({ flags: { dataDir: dir, rateLimitMax: 100_000 } }),
    clock: () => new Date(NOW),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const investigator = await addAccount(store, {
    roles: ['investigator'],
    name: `${org} investigator`,
  });
  const admin = await addAccount(store, { roles: ['admin'], name: `${org} admin` });
  const actor = (a: { account: { id: string; roles: readonly string[] } }): CaseActor => ({
    accountId: a.account.id,
    actor: `account:${a.account.id}`,
    roles: a.account.roles as CaseActor['roles'],
  });
  return {
    org,
    dir,
    store,
    vault,
    keys,
    app,
    url,
    key: investigator.key,
    who: actor(investigator),
    admin: actor(admin),
  };
}

const fingerprintHex = (keys: OrgKeys) => orgKeyFingerprint(keys).replaceAll(' ', '');

function agreement(a: Instance, b: Instance) {
  return {
    id: 'agr-2026-ab',
    title: 'Bilateral agreement on trafficking investigations',
    parties: [a, b].map((p) => ({
      organisationId: p.org,
      name: `Unit ${p.org}`,
      keyFingerprints: [fingerprintHex(p.keys)],
    })),
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
    validity: { from: '2026-01-01T00:00:00Z', until: '2027-12-31T00:00:00Z' },
  };
}

async function register(self: Instance, other: Instance): Promise<void> {
  const logKeys = (await other.vault.keys()).map((k) => formatVerifierKey(k.key));
  await addPartner(
    self.store,
    {
      publicKey: formatOrgPublicKey(toPublicKeys(other.keys)),
      name: `Unit ${other.org}`,
      url: other.url,
      logKeys,
    },
    NOW,
    self.admin,
  );
  await confirmPartner(self.store, other.org, orgKeyFingerprint(other.keys), NOW, self.admin);
}

/** A case of `self` with one sealed file, a suspect and a victim. */
async function caseWithEvidence(self: Instance, text: string) {
  const { case: file } = await createCase(
    self.store,
    { title: 'Recruiter network' },
    NOW,
    self.who,
  );
  const path = join(self.dir, 'exhibit.txt');
  writeFileSync(path, text);
  const { evidence } = await self.vault.addEvidence({
    file: path,
    caseId: file.id,
    purpose: 'Preserve the advertisement',
    actor: { id: self.who.actor },
  });
  await addPerson(
    self.store,
    {},
    file.id,
    { kind: 'suspect', label: 'Recruiter "M"', identifiers: ['phone:+15555550123'] },
    NOW,
    self.who,
  );
  await addPerson(
    self.store,
    {},
    file.id,
    { kind: 'victim', label: 'Victim Kestrel', identifiers: ['phone:+15555550177'] },
    NOW,
    self.who,
  );
  return { caseId: file.id, evidence };
}

const post = (i: Instance, url: string, payload: unknown) =>
  i.app.inject({
    method: 'POST',
    url,
    headers: { authorization: `Bearer ${i.key}` },
    payload: payload as Record<string, unknown>,
  });

let a: Instance;
let b: Instance;

beforeAll(async () => {
  a = await instance('org-a');
  b = await instance('org-b');
  await register(a, b);
  await register(b, a);
  for (const self of [a, b])
    await addAgreement(self.store, agreement(a, b), self.org, NOW, self.admin);
}, 60_000);

afterAll(async () => {
  for (const i of [a, b]) {
    await i?.app.close();
    await i?.store.db.destroy();
  }
});

/** Sends a case of `from` to `to`, accepts it there, and returns what `to` holds. */
async function exchange(from: Instance, to: Instance, text: string) {
  const { caseId, evidence } = await caseWithEvidence(from, text);
  const sent = await post(from, '/v1/share/exports', {
    caseId,
    to: to.org,
    agreementId: 'agr-2026-ab',
    purpose: 'investigation',
    include: ['evidence', 'indicators', 'summary'],
    send: true,
  });
  expect(sent.statusCode, sent.body).toBe(200);
  expect(sent.json()).toMatchObject({ status: 'sent', direction: 'out', partner: to.org });
  const packageId = sent.json().id as string;

  const inbox = await to.app.inject({
    method: 'GET',
    url: '/v1/share/packages',
    headers: { authorization: `Bearer ${to.key}` },
  });
  const received = inbox.json().items.find((p: { id: string }) => p.id === packageId);
  expect(received).toMatchObject({ direction: 'in', partner: from.org, status: 'received' });

  const { case: target } = await createCase(
    to.store,
    { title: 'Joint investigation' },
    NOW,
    to.who,
  );
  const accepted = await post(to, `/v1/share/packages/${packageId}/accept`, { caseId: target.id });
  expect(accepted.statusCode, accepted.body).toBe(200);
  return { caseId, evidence, packageId, target: target.id, accepted: accepted.json() };
}

describe('sharing between two instances on loopback', () => {
  it('A sends its evidence to B, which verifies it against A’s log key and accepts it', async () => {
    const { evidence, accepted, target } = await exchange(a, b, 'Ad text seen on 2026-11-20.\n');
    const held = await b.vault.listEvidence(target);
    expect(held.map((e) => e.name).sort()).toEqual(
      [
        'case-summary.json',
        'evidence-bundle.zip',
        'indicators.misp.json',
        'indicators.stix.json',
      ].sort(),
    );
    expect(accepted.evidence).toHaveLength(4);

    // B verifies A's evidence offline, pinned to A's log key: the exhibit is A's exact file.
    const bundleRecord = held.find((e) => e.name === 'evidence-bundle.zip');
    const path = join(b.dir, 'evidence', 'sha256');
    const { sha256 } = bundleRecord as { sha256: string };
    const zip = join(path, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
    const opened = await openBundle(zip);
    const verified = await verifyBundle(opened, {
      trustedKeys: (await a.vault.keys()).map((k) => k.key),
    });
    await opened.close();
    expect(verified.evidence.map((e) => e.sha256)).toEqual([evidence.sha256]);

    // Custody on both sides: transferred at A, received at B.
    const atA = await a.vault.evidenceEvents(evidence.id);
    expect(atA.events.map((e) => e.event.type)).toEqual(
      expect.arrayContaining(['collected', 'exported', 'transferred']),
    );
    expect(atA.events.find((e) => e.event.type === 'transferred')?.event.counterparty).toBe(
      'org-b',
    );
    const atB = await b.vault.evidenceEvents(bundleRecord?.id as string);
    expect(atB.events.map((e) => e.event.type)).toContain('received');
    expect(atB.events.find((e) => e.event.type === 'received')?.event.counterparty).toBe('org-a');
    await expect(b.vault.verifyLog()).resolves.toMatchObject({ evidence: expect.any(Number) });

    // Indicators keep the suspect's phone and drop the victim's.
    const stixRecord = held.find((e) => e.name === 'indicators.stix.json') as { sha256: string };
    const { readFileSync } = await import('node:fs');
    const stix = readFileSync(
      join(path, stixRecord.sha256.slice(0, 2), stixRecord.sha256.slice(2, 4), stixRecord.sha256),
      'utf8',
    );
    expect(stix).toContain('+15555550123');
    expect(stix).not.toContain('+15555550177');
    expect(stix).toContain('marking-definition--');
  });

  it('B answers the same way and A verifies B’s evidence', async () => {
    const { target } = await exchange(b, a, 'Interview notes of 2026-11-21.\n');
    const held = await a.vault.listEvidence(target);
    expect(held.map((e) => e.name)).toContain('evidence-bundle.zip');
  });

  it('refuses an export the agreement forbids, naming the clause', async () => {
    const { caseId } = await caseWithEvidence(a, 'Another exhibit.\n');
    const base = { caseId, to: 'org-b', agreementId: 'agr-2026-ab', include: ['evidence'] };
    const research = await post(a, '/v1/share/exports', { ...base, purpose: 'research' });
    expect(research.statusCode).toBe(403);
    expect(research.json().code).toBe('SHARE_DENIED');
    expect(research.json().detail).toContain('clause 2');
    const red = await post(a, '/v1/share/exports', {
      ...base,
      purpose: 'investigation',
      tlp: 'red',
    });
    expect(red.statusCode).toBe(403);
    expect(red.json().detail).toContain('clause 5');
  });

  it('rejects a tampered package and a request signed by an unknown organisation', async () => {
    const { caseId } = await caseWithEvidence(a, 'Exhibit for tampering.\n');
    const made = await post(a, '/v1/share/exports', {
      caseId,
      to: 'org-b',
      agreementId: 'agr-2026-ab',
      purpose: 'investigation',
      include: ['evidence'],
    });
    expect(made.statusCode, made.body).toBe(200);
    expect(made.headers['content-type']).toContain(PACKAGE_MEDIA_TYPE);
    const bytes = new Uint8Array(made.rawPayload);
    const deliver = (body: Uint8Array, keys: OrgKeys) =>
      b.app.inject({
        method: 'POST',
        url: '/v1/share/inbox',
        headers: {
          'content-type': PACKAGE_MEDIA_TYPE,
          ...signRequest(keys, {
            method: 'POST',
            path: '/v1/share/inbox',
            body,
            time: Math.floor(Date.parse(NOW) / 1000),
          }),
        },
        payload: Buffer.from(body),
      });

    for (const at of [40, Math.floor(bytes.length / 2), bytes.length - 5]) {
      const tampered = Uint8Array.from(bytes);
      tampered[at] = (tampered[at] as number) ^ 0x01;
      const answer = await deliver(tampered, a.keys);
      expect(answer.statusCode, `byte ${at}`).toBeGreaterThanOrEqual(400);
      expect(['PACKAGE_SIGNATURE_INVALID', 'PACKAGE_INVALID']).toContain(answer.json().code);
    }
    const stranger = generateOrgKeys('org-a', rng);
    const forged = await deliver(bytes, stranger);
    expect(forged.statusCode).toBe(401);
    expect(forged.json().code).toBe('REQUEST_SIGNATURE_INVALID');
    // The intact package, properly signed, is taken.
    const good = await deliver(bytes, a.keys);
    expect(good.statusCode, good.body).toBe(202);
  });
});
