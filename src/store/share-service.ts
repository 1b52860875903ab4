/**
 * Sharing with partner organisations as units of work (docs/sharing.md): the partner registry
 * (public keys, confirmed out of band), agreements, and packages. An export is refused unless
 * the agreement allows it (share/agreement.ts names the clause); what leaves is redacted per the
 * agreement, carries its TLP and PAP markings, is encrypted to the partner and signed
 * (share/package.ts), and its evidence leaves as an evidence bundle whose custody events and
 * proofs the partner verifies against our log key. The evidence is logged `transferred` here and
 * `received` there, each side in its own ledger.
 *
 * A received package is checked before it is kept: a confirmed partner signed it, it is
 * addressed to us, every file matches its hash, a local agreement with that partner allows what
 * it carries, and its evidence bundle verifies with the partner's log key. Accepting it into a
 * case seals its files as evidence.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { identifiersOf } from '../analyze/link-item.js';
import { verifyBundle } from '../ledger/bundle.js';
import { parseVerifierKey, type VerifierKey } from '../ledger/note.js';
import {
  type Agreement,
  type DataCategory,
  decideExport,
  evaluateExport,
  PURPOSES,
  type Purpose,
  parseAgreement,
  redactForExport,
  type SharedIdentifier,
} from '../share/agreement.js';
import {
  formatOrgPublicKey,
  type OrgKeys,
  type OrgPublicKeys,
  orgKeyFingerprint,
  parseOrgPublicKey,
} from '../share/keys.js';
import type { Pap, Tlp } from '../share/markings.js';
import { buildMispEvent, mispDistributionFor } from '../share/misp.js';
import { openPackage, sealPackage } from '../share/package.js';
import { buildStixBundle } from '../share/stix.js';
import { VigilError } from '../shared/errors.js';
import { openBundle } from './bundle-io.js';
import {
  accountOf,
  type CaseActor,
  caseAudit,
  getCase,
  requireCaseAccess,
} from './case-service.js';
import type { ServiceStore } from './repositories.js';
import { recordAudit } from './service-common.js';
import type { Partner, SharePackageRecord, StoredAgreement } from './share-records.js';
import type { Vault } from './vault.js';

/** What a package may carry from a case, and the agreement category each needs. */
export const PACKAGE_PARTS = ['evidence', 'indicators', 'summary'] as const;
export type PackagePart = (typeof PACKAGE_PARTS)[number];
const CATEGORY_OF: Record<PackagePart, DataCategory> = {
  evidence: 'content',
  indicators: 'indicators',
  summary: 'case-summaries',
};
const FILES = {
  evidence: 'evidence-bundle.zip',
  stix: 'indicators.stix.json',
  misp: 'indicators.misp.json',
  summary: 'case-summary.json',
} as const;
/** Items of a case whose identifiers an export gathers, at most. */
const MAX_ITEMS = 5_000;

const normalFingerprint = (text: string) => text.replace(/\s+/g, '').toLowerCase();

function notFound(kind: string, id: string): VigilError {
  return new VigilError('NOT_FOUND', `No ${kind} has the id ${id}.`, { details: { kind, id } });
}

// ---------------------------------------------------------------------------------------------
// Partners and agreements

/** Registers a partner by its public key line; nothing is exchanged until it is confirmed. */
export async function addPartner(
  store: ServiceStore,
  input: {
    readonly publicKey: string;
    readonly name: string;
    readonly url?: string;
    readonly logKeys?: readonly string[];
  },
  now: string,
  who: CaseActor,
): Promise<Partner> {
  const keys = parseOrgPublicKey(input.publicKey.trim());
  for (const line of input.logKeys ?? []) parseVerifierKey(line.trim());
  if (input.url !== undefined) checkPartnerUrl(input.url);
  const existing = await store.share.getPartner(keys.org);
  const sameKeys = existing?.publicKey === formatOrgPublicKey(keys);
  const partner: Partner = {
    org: keys.org,
    name: input.name.trim(),
    publicKey: formatOrgPublicKey(keys),
    fingerprint: orgKeyFingerprint(keys),
    ...(input.url !== undefined && { url: input.url.replace(/\/+$/, '') }),
    logKeys: (input.logKeys ?? []).map((line) => line.trim()),
    addedAt: existing?.addedAt ?? now,
    addedBy: existing?.addedBy ?? who.accountId,
    // New keys must be confirmed again; the same keys keep their confirmation.
    ...(sameKeys &&
      existing?.confirmedAt !== undefined && {
        confirmedAt: existing.confirmedAt,
        confirmedBy: existing.confirmedBy,
      }),
  };
  await store.transaction(async (trx) => {
    await store.share.savePartner(partner, trx);
    await recordAudit(
      store,
      who,
      now,
      'share.partner.add',
      `partner:${partner.org}`,
      {
        fingerprint: partner.fingerprint,
        keysChanged: existing !== undefined && !sameKeys,
      },
      trx,
    );
  });
  return partner;
}

/** Records that the fingerprint was compared with the partner out of band. */
export async function confirmPartner(
  store: ServiceStore,
  org: string,
  fingerprint: string,
  now: string,
  who: CaseActor,
): Promise<Partner> {
  const partner = await store.share.getPartner(org);
  if (partner === undefined) throw notFound('partner', org);
  if (normalFingerprint(fingerprint) !== normalFingerprint(partner.fingerprint)) {
    throw new VigilError(
      'REQUEST_INVALID',
      `That fingerprint is not the one registered for ${org}. Do not confirm: ask the partner for its key again and compare every digit.`,
      { details: { field: 'fingerprint' } },
    );
  }
  const confirmed: Partner = { ...partner, confirmedAt: now, confirmedBy: who.accountId };
  await store.transaction(async (trx) => {
    await store.share.savePartner(confirmed, trx);
    await recordAudit(store, who, now, 'share.partner.confirm', `partner:${org}`, {}, trx);
  });
  return confirmed;
}

export function checkPartnerUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new VigilError('REQUEST_INVALID', `${url.slice(0, 200)} is not a URL.`, {
      details: { field: 'url' },
    });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new VigilError('REQUEST_INVALID', 'A partner URL is http or https.', {
      details: { field: 'url' },
    });
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new VigilError('REQUEST_INVALID', 'A partner URL holds no user name or password.', {
      details: { field: 'url' },
    });
  }
}

/** The partner's keys, refusing a partner nobody confirmed. */
export function confirmedKeys(partner: Partner | undefined, org: string): OrgPublicKeys {
  if (partner === undefined) throw notFound('partner', org);
  if (partner.confirmedAt === undefined) {
    throw new VigilError(
      'PARTNER_NOT_CONFIRMED',
      `The key of ${org} has not been confirmed out of band. Compare its fingerprint (${partner.fingerprint}) with the partner, then confirm it.`,
      { details: { org } },
    );
  }
  return parseOrgPublicKey(partner.publicKey);
}

/** Stores an agreement after validating it; refuses one that does not name this organisation. */
export async function addAgreement(
  store: ServiceStore,
  input: unknown,
  ourOrg: string,
  now: string,
  who: CaseActor,
): Promise<StoredAgreement> {
  const agreement = parseAgreement(input);
  if (!agreement.parties.some((party) => party.organisationId === ourOrg)) {
    throw new VigilError(
      'SHARE_AGREEMENT_INVALID',
      `The agreement does not list this organisation (${ourOrg}) among its parties (clause 1).`,
      { details: { clause: 1 } },
    );
  }
  const stored: StoredAgreement = {
    id: agreement.id,
    agreement,
    addedAt: now,
    addedBy: who.accountId,
  };
  await store.transaction(async (trx) => {
    await store.share.saveAgreement(stored, trx);
    await recordAudit(
      store,
      who,
      now,
      'share.agreement.add',
      `agreement:${agreement.id}`,
      {
        parties: agreement.parties.map((party) => party.organisationId),
        categories: agreement.dataCategories,
      },
      trx,
    );
  });
  return stored;
}

/** The agreement recorded here under `id`, validated; NOT_FOUND when there is none. */
export async function agreementById(store: ServiceStore, id: string): Promise<Agreement> {
  const stored = await store.share.getAgreement(id);
  if (stored === undefined) {
    throw new VigilError(
      'NOT_FOUND',
      `No agreement ${id} is recorded on this instance; both sides record the same agreement.`,
      { details: { agreementId: id } },
    );
  }
  return parseAgreement(stored.agreement);
}

/** Refuses an agreement whose entry for `org` does not list the key fingerprint we hold. */
function requirePartyKey(agreement: Agreement, partner: Partner): void {
  const party = agreement.parties.find((p) => p.organisationId === partner.org);
  const held = normalFingerprint(partner.fingerprint);
  if (party === undefined || !party.keyFingerprints.some((f) => normalFingerprint(f) === held)) {
    throw new VigilError(
      'SHARE_DENIED',
      `Agreement ${agreement.id} does not list ${partner.org} with the key registered for it (clause 1 (parties)).`,
      { details: { agreementId: agreement.id, clauses: [1] } },
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Export

/** A Vigil identifier string as a shared signal; undefined for kinds that are not shared. */
export function sharedIdentifier(id: string): SharedIdentifier | undefined {
  const [kind, ...rest] = id.split(':');
  const value = rest.join(':');
  if (value === '') return undefined;
  switch (kind) {
    case 'phone':
      return { kind: 'phone', value };
    case 'email':
      return { kind: 'email', value };
    case 'onion':
      return { kind: 'onion', value };
    case 'handle':
    case 'wallet': {
      const [sub, ...v] = rest;
      const name = v.join(':');
      if (sub === undefined || name === '') return undefined;
      return kind === 'handle'
        ? { kind: 'handle', platform: sub.toLowerCase(), value: name }
        : { kind: 'wallet', chain: sub.toLowerCase(), value: name };
    }
    case 'image':
      return rest[0] === 'pdq' && /^[0-9a-f]{64}$/.test(rest[1] ?? '')
        ? { kind: 'image-pdq', value: rest[1] as string }
        : undefined;
    default:
      return undefined;
  }
}

async function caseIdentifiers(
  store: ServiceStore,
  caseId: string,
  who: CaseActor,
): Promise<{ identifiers: SharedIdentifier[]; summary: Record<string, unknown> }> {
  const detail = await getCase(store, caseId, who);
  const persons = await store.persons.persons(caseId);
  const victimIds = new Set(
    persons.filter((p) => p.kind === 'victim').flatMap((p) => p.public.identifiers),
  );
  const found = new Map<string, SharedIdentifier>();
  const add = (raw: string, group?: string) => {
    const shared = sharedIdentifier(raw);
    if (shared === undefined) return;
    const linkedToVictim = victimIds.has(raw) || victimIds.has(shared.value);
    found.set(raw, {
      ...shared,
      ...(linkedToVictim && { linkedToVictim: true }),
      ...(group !== undefined && { group }),
    });
  };
  const itemIds = detail.links.filter((l) => l.kind === 'item').map((l) => l.targetId);
  for (const link of detail.links.filter((l) => l.kind === 'network')) {
    const network = await store.links.getNetwork(link.targetId);
    for (const member of network?.members ?? []) itemIds.push(member);
  }
  for (const id of itemIds.slice(0, MAX_ITEMS)) {
    const stored = await store.items.get(id);
    if (stored?.analysis === undefined) continue;
    for (const raw of identifiersOf(stored.item, stored.analysis)) add(raw, caseId);
  }
  for (const person of persons) {
    if (person.kind === 'suspect') for (const raw of person.public.identifiers) add(raw, caseId);
  }
  const summary = {
    caseId,
    title: detail.case.title,
    summary: `Case ${caseId}: ${detail.links.length} linked records, ${persons.length} persons.`,
    suspects: persons
      .filter((p) => p.kind === 'suspect')
      .map((p) => ({ id: p.id, name: p.public.label })),
    victims: persons
      .filter((p) => p.kind === 'victim')
      .map((p) => ({ id: p.id, aliases: [p.public.label] })),
  };
  return { identifiers: [...found.values()], summary };
}

export interface ExportInput {
  readonly caseId: string;
  readonly to: string;
  readonly agreementId: string;
  readonly purpose: Purpose;
  readonly parts: readonly PackagePart[];
  readonly tlp?: Tlp;
  readonly pap?: Pap;
}

/**
 * Builds a package of a case for a partner: leads of the case (and admins). Refused with the
 * agreement's clause when it does not allow the parts, purpose or markings. Returns the package
 * bytes; the outgoing record, an `exported` and a `transferred` custody event for the evidence,
 * and an audit record are written.
 */
export async function exportPackage(
  store: ServiceStore,
  vault: Vault,
  orgKeys: OrgKeys,
  input: ExportInput,
  now: string,
  who: CaseActor,
): Promise<{ readonly bytes: Uint8Array; readonly record: SharePackageRecord }> {
  if (!PURPOSES.includes(input.purpose)) {
    throw new VigilError('REQUEST_INVALID', `The purpose must be one of ${PURPOSES.join(', ')}.`, {
      details: { field: 'purpose' },
    });
  }
  const parts = [...new Set(input.parts)];
  if (parts.length === 0) {
    throw new VigilError(
      'REQUEST_INVALID',
      'Choose what to share: evidence, indicators, summary.',
      {
        details: { field: 'parts' },
      },
    );
  }
  const { file } = await requireCaseAccess(store, input.caseId, accountOf(who), 'manage');
  const partner = await store.share.getPartner(input.to);
  const partnerKeys = confirmedKeys(partner, input.to);
  const agreement = await agreementById(store, input.agreementId);
  requirePartyKey(agreement, partner as Partner);
  const tlp = input.tlp ?? file.tlp;
  const pap = input.pap ?? agreement.papCeiling;
  // Throws SHARE_DENIED naming every clause that forbids it.
  const decision = decideExport(
    agreement,
    {
      to: input.to,
      from: orgKeys.org,
      purpose: input.purpose,
      categories: parts.map((part) => CATEGORY_OF[part]),
      tlp,
      pap,
      containsVictimData: false,
    },
    now,
  );

  const files: { name: string; mediaType: string; bytes: Uint8Array }[] = [];
  let evidenceIds: string[] = [];
  const work = await mkdtemp(join(tmpdir(), 'vigil-share-'));
  try {
    if (parts.includes('evidence')) {
      const out = join(work, 'bundle.zip');
      const exported = await vault.exportBundle({
        caseId: input.caseId,
        out,
        zip: true,
        actor: { id: who.actor },
        purpose: `Shared with ${input.to} (${input.purpose})`,
        legalBasis: `${agreement.legalBasis.reference} (agreement ${agreement.id})`,
        recipient: input.to,
      });
      evidenceIds = (await vault.listEvidence(input.caseId)).map((e) => e.id);
      files.push({
        name: FILES.evidence,
        mediaType: 'application/zip',
        bytes: await readFile(exported.path),
      });
    }
    if (parts.includes('indicators') || parts.includes('summary')) {
      const gathered = await caseIdentifiers(store, input.caseId, who);
      const redacted = redactForExport(
        {
          identifiers: gathered.identifiers,
          ...(parts.includes('summary') && {
            caseSummary: gathered.summary as Parameters<typeof redactForExport>[0]['caseSummary'],
          }),
        },
        decision,
      );
      if (parts.includes('indicators')) {
        const organisation = { name: orgKeys.org };
        const markings = decision.markings;
        files.push({
          name: FILES.stix,
          mediaType: 'application/stix+json',
          bytes: json(
            buildStixBundle({
              organisation,
              identifiers: redacted.identifiers,
              markings,
              now,
              uuid: randomUUID,
            }),
          ),
        });
        files.push({
          name: FILES.misp,
          mediaType: 'application/json',
          bytes: json(
            buildMispEvent({
              organisation,
              info: `Indicators shared under agreement ${agreement.id}`,
              identifiers: redacted.identifiers,
              markings: { tlp: markings.tlp, pap: markings.pap },
              agreement: {
                id: agreement.id,
                onwardSharing: agreement.onwardSharing,
                retentionDays: agreement.retentionDays,
              },
              distribution: mispDistributionFor(agreement.onwardSharing, false),
              now,
              uuid: randomUUID,
            }),
          ),
        });
      }
      if (parts.includes('summary') && redacted.caseSummary !== undefined) {
        files.push({
          name: FILES.summary,
          mediaType: 'application/json',
          bytes: json({ ...redacted.caseSummary, redactions: redacted.report }),
        });
      }
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }

  const id = `pkg_${randomUUID().replaceAll('-', '')}`;
  const bytes = await sealPackage(
    {
      id,
      from: orgKeys.org,
      to: [input.to],
      agreement: agreement.id,
      created: now,
      markings: { tlp: decision.markings.tlp, pap: decision.markings.pap },
      purpose: input.purpose,
      files,
      ledger: { origin: vault.origin, statement: decision.markings.statement },
    },
    {
      sender: orgKeys,
      recipients: [partnerKeys],
      randomBytes: (n) => new Uint8Array(randomBytes(n)),
    },
  );
  if (evidenceIds.length > 0) {
    await vault.recordEvent({
      type: 'transferred',
      evidenceIds,
      caseId: input.caseId,
      purpose: `Sent to ${input.to} in package ${id}`,
      actor: { id: who.actor },
      legalBasis: `${agreement.legalBasis.reference} (agreement ${agreement.id})`,
      counterparty: input.to,
    });
  }
  const record: SharePackageRecord = {
    id,
    direction: 'out',
    partner: input.to,
    agreementId: agreement.id,
    status: 'written',
    createdAt: now,
    manifest: {
      files: files.map((f) => ({ name: f.name, size: f.bytes.length })),
      markings: decision.markings,
    },
    sha256: sha256Hex(bytes),
    size: bytes.length,
    caseId: input.caseId,
    ...(evidenceIds.length > 0 && { evidence: evidenceIds }),
  };
  await store.transaction(async (trx) => {
    await store.share.savePackage(record, trx);
    await caseAudit(
      store,
      who,
      now,
      'share.package.export',
      input.caseId,
      {
        packageId: id,
        to: input.to,
        agreementId: agreement.id,
        parts,
      },
      trx,
    );
  });
  return { bytes, record };
}

const json = (value: unknown) => new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);

const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

// ---------------------------------------------------------------------------------------------
// Receive and accept

/** The registry as openPackage reads it: an organisation's public keys by id. */
async function partnerKeys(store: ServiceStore, options: { readonly confirmedOnly: boolean }) {
  const partners = new Map((await store.share.partners()).map((p) => [p.org, p]));
  const lookup = (org: string): OrgPublicKeys | undefined => {
    const partner = partners.get(org);
    if (partner === undefined || (options.confirmedOnly && partner.confirmedAt === undefined)) {
      return undefined;
    }
    return parseOrgPublicKey(partner.publicKey);
  };
  return { partners, lookup };
}

const inboxPath = (dataDir: string, id: string) => join(dataDir, 'share', 'inbox', `${id}.vshare`);

/** The categories a received package carries, from its files. */
function categoriesOf(names: readonly string[]): DataCategory[] {
  const found = new Set<DataCategory>();
  for (const name of names) {
    if (name === FILES.evidence) found.add('content');
    else if (name === FILES.stix || name === FILES.misp) found.add('indicators');
    else if (name === FILES.summary) found.add('case-summaries');
    else found.add('content');
  }
  return [...found];
}

/**
 * Checks and keeps a package a partner sent (by the inbox endpoint or a file): a confirmed
 * partner signed it, it is for us, every hash matches, a local agreement with the sender allows
 * its contents, and its evidence bundle verifies with the partner's log key. Throws the precise
 * error otherwise and keeps nothing.
 */
export async function receivePackage(
  store: ServiceStore,
  dataDir: string,
  orgKeys: OrgKeys,
  bytes: Uint8Array,
  now: string,
  actor: { readonly accountId: string; readonly actor: string },
  /** The organisation that signed the delivering request, when it came over HTTP. */
  expectedSender?: string,
): Promise<SharePackageRecord> {
  const { partners, lookup } = await partnerKeys(store, { confirmedOnly: true });
  // openPackage checks the signature before anything else (PACKAGE_SIGNATURE_INVALID).
  const opened = await openPackage(bytes, { ourKeys: orgKeys, senderKeys: lookup });
  const { manifest } = opened;
  if (expectedSender !== undefined && manifest.from !== expectedSender) {
    throw new VigilError(
      'REQUEST_SIGNATURE_INVALID',
      'The package was made by another organisation than the one that signed the request.',
    );
  }
  const partner = partners.get(manifest.from) as Partner;
  const existing = await store.share.getPackage(manifest.id);
  if (existing !== undefined) return existing;

  const agreement = await agreementById(store, manifest.agreement);
  requirePartyKey(agreement, partner);
  const purpose = manifest.purpose as Purpose;
  const evaluation = evaluateExport(
    agreement,
    {
      to: orgKeys.org,
      from: manifest.from,
      purpose: PURPOSES.includes(purpose) ? purpose : 'investigation',
      categories: categoriesOf(opened.files.map((f) => f.name)),
      tlp: manifest.markings.tlp,
      pap: manifest.markings.pap,
      containsVictimData: false,
    },
    now,
  );
  if (!evaluation.allowed || !PURPOSES.includes(purpose)) {
    const denials = evaluation.allowed ? [] : evaluation.denials;
    throw new VigilError(
      'SHARE_DENIED',
      `Package ${manifest.id} from ${manifest.from} is not allowed by agreement ${agreement.id}: ${
        denials.map((d) => `clause ${d.clause} (${d.title})`).join(', ') || 'clause 2 (purposes)'
      }.`,
      { details: { agreementId: agreement.id, clauses: denials.map((d) => d.clause) } },
    );
  }

  const bundle = opened.files.find((f) => f.name === FILES.evidence);
  if (bundle !== undefined) await verifyPartnerBundle(bundle.bytes, partner);

  await mkdir(join(dataDir, 'share', 'inbox'), { recursive: true, mode: 0o700 });
  await writeFile(inboxPath(dataDir, manifest.id), bytes, { mode: 0o600 });
  const record: SharePackageRecord = {
    id: manifest.id,
    direction: 'in',
    partner: manifest.from,
    agreementId: agreement.id,
    status: 'received',
    createdAt: now,
    manifest,
    sha256: sha256Hex(bytes),
    size: bytes.length,
  };
  await store.transaction(async (trx) => {
    await store.share.savePackage(record, trx);
    await recordAudit(
      store,
      actor,
      now,
      'share.package.receive',
      `partner:${manifest.from}`,
      {
        packageId: manifest.id,
        agreementId: agreement.id,
        files: opened.files.length,
      },
      trx,
    );
  });
  return record;
}

/** Verifies the partner's evidence bundle offline, pinned to its log keys. */
async function verifyPartnerBundle(zip: Uint8Array, partner: Partner): Promise<void> {
  const keys: VerifierKey[] = partner.logKeys.map((line) => parseVerifierKey(line));
  if (keys.length === 0) {
    throw new VigilError(
      'PARTNER_NOT_CONFIRMED',
      `No evidence-log key is registered for ${partner.org}, so its evidence cannot be verified. Register its \`vigil ledger keys\` output with the partner.`,
      { details: { org: partner.org } },
    );
  }
  const work = await mkdtemp(join(tmpdir(), 'vigil-receive-'));
  try {
    const path = join(work, FILES.evidence);
    await writeFile(path, zip);
    const opened = await openBundle(path);
    try {
      await verifyBundle(opened, { trustedKeys: keys });
    } finally {
      await opened.close();
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Seals a received package's files as evidence of a case (members other than observers),
 * each with a `received` custody event naming the partner. Returns the evidence ids.
 */
export async function acceptPackage(
  store: ServiceStore,
  vault: Vault,
  dataDir: string,
  orgKeys: OrgKeys,
  packageId: string,
  caseId: string,
  now: string,
  who: CaseActor,
): Promise<SharePackageRecord> {
  await requireCaseAccess(store, caseId, accountOf(who), 'write');
  const record = await store.share.getPackage(packageId);
  if (record === undefined || record.direction !== 'in')
    throw notFound('received package', packageId);
  if (record.status === 'accepted') {
    throw new VigilError(
      'CONFLICT',
      `Package ${packageId} was already accepted into ${record.caseId}.`,
    );
  }
  // The package was checked against a confirmed partner when it was received.
  const { lookup } = await partnerKeys(store, { confirmedOnly: false });
  const bytes = await readFile(inboxPath(dataDir, packageId));
  const opened = await openPackage(bytes, { ourKeys: orgKeys, senderKeys: lookup });
  const agreement = await agreementById(store, record.agreementId);
  const legalBasis = `${agreement.legalBasis.reference} (agreement ${agreement.id})`;
  const purpose = `Received from ${record.partner} in package ${packageId}`;
  const ids: string[] = [];
  const work = await mkdtemp(join(tmpdir(), 'vigil-accept-'));
  try {
    for (const file of opened.files) {
      const path = join(work, file.name);
      await writeFile(path, file.bytes);
      const { evidence } = await vault.addEvidence({
        file: path,
        caseId,
        purpose,
        actor: { id: who.actor },
        legalBasis,
        name: file.name,
        mediaType: file.mediaType,
        note: `TLP:${opened.manifest.markings.tlp.toUpperCase()} PAP:${opened.manifest.markings.pap.toUpperCase()}; ${agreement.id}`,
      });
      ids.push(evidence.id);
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  await vault.recordEvent({
    type: 'received',
    evidenceIds: ids,
    caseId,
    purpose,
    actor: { id: who.actor },
    legalBasis,
    counterparty: record.partner,
  });
  const accepted: SharePackageRecord = { ...record, status: 'accepted', caseId, evidence: ids };
  await store.transaction(async (trx) => {
    await store.share.savePackage(accepted, trx);
    await caseAudit(
      store,
      who,
      now,
      'share.package.accept',
      caseId,
      {
        packageId,
        from: record.partner,
        evidence: ids.length,
      },
      trx,
    );
  });
  return accepted;
}
