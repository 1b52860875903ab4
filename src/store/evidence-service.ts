/**
 * A case's evidence as units of work: the sealed files of the case, online captures requested
 * from the console or the API (run by a `capture` job, since a page may take half a minute to
 * load), and the court package. Access follows the case (requireCaseAccess): members read,
 * members other than observers capture and export, and victim data enters a package only when
 * the exporter holds a grant, says so explicitly and states the authorization.
 */
import { type BundleEvidence, evidencePath } from '../ledger/bundle.js';
import {
  CASE_REPORT_FILE,
  type CaseReportPerson,
  renderCaseReport,
} from '../ledger/case-report.js';
import { VigilError } from '../shared/errors.js';
import {
  accountOf,
  type CaseActor,
  caseAudit,
  getCase,
  requireCaseAccess,
} from './case-service.js';
import { listPersons, type PersonSettings, readVictimData } from './person-service.js';
import type { Job, ServiceStore } from './repositories.js';
import type { EvidenceRecord, LoggedEvent, Vault } from './vault.js';

export const CAPTURE_JOB = 'capture';
/** Capture requests kept per case in the listing; older ones are still in the audit trail. */
const CAPTURES_LISTED = 100;

/** What a capture job is given: everything it needs, nothing that expires. */
export interface CapturePayload {
  readonly caseId: string;
  readonly url: string;
  readonly purpose: string;
  readonly legalBasis?: string;
  /** Who asked, as the custody events name them. */
  readonly actor: string;
  readonly requestedBy: string;
}

export interface CaptureRequest {
  readonly jobId: string;
  readonly url: string;
  readonly state: 'waiting' | 'running' | 'done' | 'failed';
  readonly requestedAt: string;
  readonly requestedBy: string;
  readonly finishedAt?: string;
  /** Why the last attempt failed (a message without internals). */
  readonly error?: string;
}

export function capturePayload(value: unknown): CapturePayload | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const p = value as Record<string, unknown>;
  const str = (v: unknown) => typeof v === 'string' && v.length > 0;
  if (!str(p.caseId) || !str(p.url) || !str(p.purpose) || !str(p.actor) || !str(p.requestedBy)) {
    return undefined;
  }
  if (p.legalBasis !== undefined && typeof p.legalBasis !== 'string') return undefined;
  return value as CapturePayload;
}

function captureOf(job: Job, payload: CapturePayload): CaptureRequest {
  const state =
    job.state === 'ready'
      ? job.attempts === 0
        ? 'waiting'
        : 'running'
      : job.state === 'running'
        ? 'running'
        : job.state === 'done'
          ? 'done'
          : 'failed';
  return {
    jobId: job.id,
    url: payload.url,
    state,
    requestedAt: job.createdAt,
    requestedBy: payload.requestedBy,
    ...(job.finishedAt !== undefined && { finishedAt: job.finishedAt }),
    ...(job.lastError !== undefined && { error: job.lastError }),
  };
}

/** The case's sealed evidence (oldest first) and its recent capture requests (newest first). */
export async function caseEvidence(
  store: ServiceStore,
  vault: Vault,
  caseId: string,
  who: CaseActor,
): Promise<{ evidence: EvidenceRecord[]; captures: CaptureRequest[] }> {
  await requireCaseAccess(store, caseId, accountOf(who), 'read');
  const captures: CaptureRequest[] = [];
  let cursor: string | undefined;
  // Capture jobs of every case share one kind; a case's are found by their payload. The scan is
  // bounded: only the most recent capture jobs are looked at.
  for (let pages = 0; pages < 10 && captures.length < CAPTURES_LISTED; pages++) {
    const page = await store.jobs.list(
      { kind: CAPTURE_JOB },
      { limit: 200, ...(cursor !== undefined && { cursor }) },
    );
    for (const job of page.items) {
      const payload = capturePayload(job.payload);
      if (payload?.caseId === caseId) captures.push(captureOf(job, payload));
    }
    if (page.next === undefined) break;
    cursor = page.next;
  }
  captures.sort((a, b) => (a.requestedAt < b.requestedAt ? 1 : -1));
  return {
    evidence: await vault.listEvidence(caseId),
    captures: captures.slice(0, CAPTURES_LISTED),
  };
}

/** Queues an online capture into the case: members other than observers. */
export async function requestCapture(
  store: ServiceStore,
  caseId: string,
  input: { readonly url: string; readonly purpose?: string; readonly legalBasis?: string },
  now: string,
  who: CaseActor,
): Promise<CaptureRequest> {
  return store.transaction(async (trx) => {
    await requireCaseAccess(store, caseId, accountOf(who), 'write', trx);
    const payload: CapturePayload = {
      caseId,
      url: input.url,
      purpose: input.purpose ?? 'Preserve online content as evidence',
      ...(input.legalBasis !== undefined && { legalBasis: input.legalBasis }),
      actor: who.actor,
      requestedBy: who.accountId,
    };
    // Two attempts: a page that fails twice is better captured again by a person who looks.
    const job = await store.jobs.enqueue({ kind: CAPTURE_JOB, payload, maxAttempts: 2 }, now, trx);
    // The address stays out of the audit log (auditors see no case content); the job id leads
    // to it for those who may see the case.
    await caseAudit(store, who, now, 'case.capture.request', caseId, { jobId: job.id }, trx);
    return captureOf(job, payload);
  });
}

export interface CourtPackageInput {
  /** Folder to create (or zip file with `zip`); must not exist. */
  readonly out: string;
  readonly zip?: boolean;
  readonly purpose?: string;
  readonly legalBasis?: string;
  readonly recipient?: string;
  /**
   * Include victims' personal data: only with a grant, and only with the authorization (a court
   * order, the victim's consent) stated here, which the report and the audit trail record.
   */
  readonly victimData?: { readonly authorization: string };
}

export interface CourtPackage {
  readonly path: string;
  readonly exhibits: number;
  readonly events: number;
  readonly persons: number;
  readonly victimDataIncluded: boolean;
}

/** The fields of a victim record as the report prints them, in a fixed order. */
function victimFacts(data: Record<string, unknown>): [string, string][] {
  const facts: [string, string][] = [];
  const list = (key: string): unknown[] =>
    Array.isArray(data[key]) ? (data[key] as unknown[]) : [];
  const text = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
  const join = (parts: unknown[]) => parts.filter((p) => p !== undefined && p !== '').join(', ');
  for (const name of list('names')) facts.push(['Name', text(name)]);
  for (const c of list('contact') as { kind?: string; value?: string }[]) {
    facts.push([`Contact (${c.kind ?? 'other'})`, text(c.value)]);
  }
  for (const d of list('identityDocuments') as Record<string, string | undefined>[]) {
    facts.push([
      'Identity document',
      join([d.type, d.number, d.issuer, d.expires && `expires ${d.expires}`]),
    ]);
  }
  for (const n of list('nationality')) facts.push(['Nationality', text(n)]);
  if (typeof data.health === 'string') facts.push(['Health', data.health]);
  if (typeof data.immigrationStatus === 'string') {
    facts.push(['Immigration status', data.immigrationStatus]);
  }
  for (const r of list('referrals') as Record<string, string | undefined>[]) {
    facts.push(['Support referral (consented)', join([r.kind, r.to, r.note])]);
  }
  for (const m of list('protectiveMeasures') as Record<string, string | undefined>[]) {
    facts.push(['Protective measure (consented)', join([m.kind, m.note])]);
  }
  return facts;
}

function eventsOf(exhibit: BundleEvidence, events: readonly LoggedEvent[]) {
  return events.filter(({ event }) =>
    [...event.evidence, ...(event.derivedFrom ?? [])].some((ref) => ref.id === exhibit.id),
  );
}

/**
 * Builds the court package: the case's evidence bundle (ledger format, `vigil verify` checks
 * it) with a printable case report sealed inside. Victims appear by number only unless
 * `victimData` is given, which needs a grant and writes an `accessed` custody event per victim
 * record opened. Members other than observers; with victim data, the case's leads (and admins).
 */
export async function exportCourtPackage(
  store: ServiceStore,
  vault: Vault,
  settings: PersonSettings,
  caseId: string,
  input: CourtPackageInput,
  now: string,
  who: CaseActor,
): Promise<CourtPackage> {
  const withVictimData = input.victimData !== undefined;
  await requireCaseAccess(store, caseId, accountOf(who), withVictimData ? 'manage' : 'write');
  if (withVictimData && (input.victimData?.authorization.trim() ?? '') === '') {
    throw new VigilError(
      'REQUEST_INVALID',
      'State the authorization for including victim data (a court order, the victim’s consent).',
      { details: { field: 'victimData.authorization' } },
    );
  }
  const detail = await getCase(store, caseId, who);
  const persons = await listPersons(store, caseId, who);

  const reportPersons: CaseReportPerson[] = [];
  let victims = 0;
  for (const person of persons) {
    if (person.kind !== 'victim') {
      reportPersons.push({
        kind: 'suspect',
        label: person.label,
        identifiers: person.identifiers,
        itemIds: person.itemIds,
      });
      continue;
    }
    victims++;
    const pseudonym = `Victim ${victims}`;
    if (person.victimData === 'destroyed') {
      reportPersons.push({
        kind: 'victim',
        pseudonym,
        itemCount: person.itemIds.length,
        destroyed: true,
      });
    } else if (withVictimData && person.victimData === 'sealed') {
      // Each opening is an `accessed` custody event and an audit record (readVictimData).
      const { data } = await readVictimData(store, settings, caseId, person.id, now, who);
      reportPersons.push({
        kind: 'victim',
        pseudonym: `${pseudonym} (${person.label})`,
        itemCount: person.itemIds.length,
        personalData: [
          ['Identifiers', person.identifiers.join(', ') || 'none'],
          ...victimFacts(data),
        ],
      });
    } else {
      reportPersons.push({ kind: 'victim', pseudonym, itemCount: person.itemIds.length });
    }
  }

  const actor = { id: who.actor.slice(0, 200) };
  const exported = await vault.exportBundle({
    caseId,
    out: input.out,
    ...(input.zip !== undefined && { zip: input.zip }),
    actor,
    purpose: input.purpose ?? 'Court package',
    ...(input.legalBasis !== undefined && { legalBasis: input.legalBasis }),
    ...(input.recipient !== undefined && { recipient: input.recipient }),
    documents: ({ exportEvent, evidence, events, checkpointSize }) => {
      const html = renderCaseReport({
        case: {
          id: detail.case.id,
          title: detail.case.title,
          status: detail.case.status,
          tlp: detail.case.tlp,
          openedAt: detail.case.createdAt,
        },
        exportEvent,
        log: { origin: vault.origin, size: checkpointSize },
        exhibits: evidence.map((exhibit) => ({
          id: exhibit.id,
          name: exhibit.name,
          mediaType: exhibit.mediaType,
          size: exhibit.size,
          sha256: exhibit.sha256,
          path: evidencePath(exhibit),
          events: eventsOf(exhibit, events),
        })),
        links: detail.links
          .filter((link) => link.kind !== 'evidence')
          .map((link) => ({ kind: link.kind, targetId: link.targetId })),
        persons: reportPersons,
        ...(withVictimData && { victimDataAuthorization: input.victimData?.authorization.trim() }),
      });
      return [{ path: CASE_REPORT_FILE, bytes: new TextEncoder().encode(html) }];
    },
  });
  // After the bundle: the `exported` custody event in the ledger is the authoritative record;
  // the audit record tells auditors, who see no content, that an export happened.
  await caseAudit(
    store,
    who,
    now,
    'case.export',
    caseId,
    { exhibits: exported.evidence, victimData: withVictimData },
    store.db,
  );
  return {
    path: exported.path,
    exhibits: exported.evidence,
    events: exported.events,
    persons: persons.length,
    victimDataIncluded: withVictimData,
  };
}
