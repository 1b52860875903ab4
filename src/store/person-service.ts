/**
 * Persons of a case, suspects and victims, as units of work (the frame of case-service.ts: one
 * transaction, requireCaseAccess first, an audit record with target `case:<id>`). What every
 * member sees of a person is a label, linked items and identifiers. A victim's personal data is
 * validated here and only ever stored sealed (sealed-records.ts), under the configured master
 * key, bound to the person and the case.
 *
 * Opening victim data needs more than membership: an explicit grant (victim_grant) for the
 * account in the case, given by a lead; admins need one too. Every opening and every shredding
 * is a custody event in the evidence ledger (`accessed`, `disposed`), committed in the same
 * transaction as the audit record. Audit details and custody events never hold personal data.
 */
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { z } from 'zod';
import { CUSTODY_FORMAT, type CustodyEvent, custodyLeaf } from '../ledger/custody.js';
import { VigilError } from '../shared/errors.js';
import { accountOf, type CaseActor, caseAudit, requireCaseAccess } from './case-service.js';
import type {
  Executor,
  PersonKind,
  PersonPublic,
  ServiceStore,
  StoredPerson,
  VictimGrant,
} from './repositories.js';
import {
  type MasterKey,
  openRecord,
  readSealedRecord,
  type SealedRecord,
  sealRecord,
  shredRecord,
} from './sealed-records.js';
import { newId, recordAudit } from './service-common.js';

/** What the person units need from configuration. */
export interface PersonSettings {
  /** The master key for victim data (VIGIL_VICTIM_MASTER_KEY); none configured: no victim data. */
  readonly masterKey?: MasterKey;
}

function hasControl(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

const line = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((value) => !hasControl(value), 'must not contain control characters');
const prose = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((value) => !value.includes('\u0000'), 'must not contain NUL');
const consent = z.literal(true, {
  error: 'must be true: the victim must have consented to it',
});

export const REFERRAL_KINDS = ['counselling', 'medical', 'shelter', 'legal-aid'] as const;
export const PROTECTIVE_MEASURES = ['protection-order', 'court-anonymity'] as const;

/** A victim's personal data: sealed as a whole, never stored or logged in the clear. */
export const VictimDataSchema = z.strictObject({
  names: z.array(line(200)).max(20).optional(),
  contact: z
    .array(
      z.strictObject({
        kind: z.enum(['phone', 'email', 'address', 'messenger', 'other']),
        value: line(500),
      }),
    )
    .max(50)
    .optional(),
  identityDocuments: z
    .array(
      z.strictObject({
        type: line(100),
        number: line(100),
        issuer: line(200).optional(),
        expires: line(40).optional(),
      }),
    )
    .max(20)
    .optional(),
  nationality: z.array(line(100)).max(10).optional(),
  health: prose(10_000).optional(),
  immigrationStatus: prose(2_000).optional(),
  referrals: z
    .array(
      z.strictObject({
        kind: z.enum(REFERRAL_KINDS),
        to: line(200).optional(),
        note: prose(2_000).optional(),
        consent,
      }),
    )
    .max(50)
    .optional(),
  protectiveMeasures: z
    .array(
      z.strictObject({
        kind: z.enum(PROTECTIVE_MEASURES),
        note: prose(2_000).optional(),
        consent,
      }),
    )
    .max(20)
    .optional(),
});
export type VictimData = z.infer<typeof VictimDataSchema>;

/** A person as members see it. */
export interface Person extends PersonPublic {
  readonly id: string;
  readonly caseId: string;
  readonly kind: PersonKind;
  readonly createdAt: string;
  readonly createdBy: string;
  /** Whether sealed personal data exists, and whether it was destroyed. */
  readonly victimData: 'none' | 'sealed' | 'destroyed';
  readonly shreddedAt?: string;
}

export interface PersonInput {
  readonly kind: PersonKind;
  readonly label: string;
  readonly itemIds?: readonly string[];
  readonly identifiers?: readonly string[];
  /** A victim's personal data; victims only. */
  readonly victimData?: unknown;
}

const TOOL = { name: 'vigil', version: '0.1.0' } as const;

const notFound = (kind: string, id: string) =>
  new VigilError('NOT_FOUND', `No ${kind} has the id ${id}.`, { details: { kind, id } });

const destroyed = (personId: string) =>
  new VigilError(
    'VICTIM_DATA_DESTROYED',
    `The victim data of ${personId} was destroyed (its key was shredded); it cannot be recovered.`,
    { details: { personId } },
  );

function requireMasterKey(settings: PersonSettings): MasterKey {
  if (settings.masterKey === undefined) {
    throw new VigilError(
      'CONFIG_INVALID',
      'No master key for victim data is configured, so victim personal data cannot be sealed ' +
        'or opened. Set VIGIL_VICTIM_MASTER_KEY to 64 hexadecimal characters, e.g. the output ' +
        'of `openssl rand -hex 32`, and keep it apart from the database and its backups.',
      { details: { setting: 'victimMasterKey' } },
    );
  }
  return settings.masterKey;
}

function requireLedger(store: ServiceStore) {
  if (store.ledger === undefined) {
    throw new VigilError(
      'STORE_UNAVAILABLE',
      'This store has no evidence ledger, and victim data is only opened or destroyed with a ' +
        'custody event in it.',
    );
  }
  return store.ledger;
}

function toPerson(person: StoredPerson): Person {
  return {
    id: person.id,
    caseId: person.caseId,
    kind: person.kind,
    label: person.public.label,
    itemIds: person.public.itemIds,
    identifiers: person.public.identifiers,
    createdAt: person.createdAt,
    createdBy: person.createdBy,
    victimData:
      person.sealed === undefined
        ? 'none'
        : person.shreddedAt === undefined
          ? 'sealed'
          : 'destroyed',
    ...(person.shreddedAt !== undefined && { shreddedAt: person.shreddedAt }),
  };
}

const audit = caseAudit;

/** Moves the case's updatedAt, as every change to a case does. */
async function touchCase(store: ServiceStore, caseId: string, now: string, trx: Executor) {
  const file = await store.cases.getCase(caseId, trx);
  if (file !== undefined) await store.cases.saveCase({ ...file, updatedAt: now }, trx);
}

function parseVictimData(value: unknown): VictimData {
  const parsed = VictimDataSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = ['victimData', ...(issue?.path ?? []).map(String)].join('.');
    // The message names the field and the rule, never the value.
    throw new VigilError('REQUEST_INVALID', `${field} ${issue?.message ?? 'is invalid'}.`, {
      details: { field },
    });
  }
  return parsed.data;
}

/** The custody event for one victim record: who did what to it, and why. */
function victimEvent(
  type: 'accessed' | 'disposed',
  person: StoredPerson & { readonly sealed: string },
  who: { readonly actor: string },
  now: string,
  purpose: string,
): CustodyEvent {
  const bytes = Buffer.from(person.sealed, 'utf8');
  return {
    format: CUSTODY_FORMAT,
    type,
    time: now,
    actor: { id: who.actor.slice(0, 200) },
    evidence: [
      {
        // Evidence ids are `ev_` and lowercase base32; person ids are `prs_` and the same.
        id: `ev_victim${person.id.slice(person.id.indexOf('_') + 1)}`,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        size: bytes.length,
        name: 'victim record',
        mediaType: 'application/json',
      },
    ],
    case: `case:${person.caseId}`.slice(0, 200),
    purpose,
    tool: TOOL,
    host: hostname().slice(0, 255) || 'unknown',
  };
}

// ---------------------------------------------------------------------------------------------

/**
 * Adds a suspect or victim: members other than observers. A victim's personal data is sealed
 * with the master key, bound to the person and case ids; without a master key it is refused.
 */
export async function addPerson(
  store: ServiceStore,
  settings: PersonSettings,
  caseId: string,
  input: PersonInput,
  now: string,
  who: CaseActor,
): Promise<Person> {
  const label = line(200).safeParse(input.label);
  if (!label.success) {
    throw new VigilError('REQUEST_INVALID', 'The label must be 1 to 200 characters of text.', {
      details: { field: 'label' },
    });
  }
  let data: VictimData | undefined;
  let master: MasterKey | undefined;
  if (input.victimData !== undefined) {
    if (input.kind !== 'victim') {
      throw new VigilError('REQUEST_INVALID', 'Only victims have victim personal data.', {
        details: { field: 'victimData' },
      });
    }
    master = requireMasterKey(settings);
    data = parseVictimData(input.victimData);
  }
  const id = newId('prs');
  return store.transaction(async (trx) => {
    await store.cases.lock(caseId, trx);
    await requireCaseAccess(store, caseId, accountOf(who), 'write', trx);
    const sealed: SealedRecord | undefined =
      data === undefined || master === undefined
        ? undefined
        : sealRecord(master, data, { recordId: id, caseId });
    const person: StoredPerson = {
      id,
      caseId,
      kind: input.kind,
      createdAt: now,
      createdBy: who.accountId,
      public: {
        label: label.data,
        itemIds: [...(input.itemIds ?? [])],
        identifiers: [...(input.identifiers ?? [])],
      },
      ...(sealed !== undefined && { sealed: JSON.stringify(sealed) }),
    };
    await store.persons.savePerson(person, trx);
    await touchCase(store, caseId, now, trx);
    await audit(
      store,
      who,
      now,
      'case.person.add',
      caseId,
      { personId: id, kind: person.kind, victimData: sealed !== undefined },
      trx,
    );
    return toPerson(person);
  });
}

/** The persons of a case, oldest first: members, public fields only. */
export async function listPersons(
  store: ServiceStore,
  caseId: string,
  who: CaseActor,
): Promise<Person[]> {
  await requireCaseAccess(store, caseId, accountOf(who), 'read');
  return (await store.persons.persons(caseId)).map(toPerson);
}

/** Membership, then the grant: FORBIDDEN for a member without one (admins included). */
async function requireGrant(
  store: ServiceStore,
  caseId: string,
  who: CaseActor,
  executor?: Executor,
): Promise<void> {
  await requireCaseAccess(store, caseId, accountOf(who), 'read', executor);
  const grant = await store.persons.getGrant(caseId, who.accountId, executor);
  if (grant === undefined) {
    throw new VigilError(
      'FORBIDDEN',
      'Victim personal data opens only for those a lead of the case granted it to.',
      { details: { caseId } },
    );
  }
}

async function sealedPerson(
  store: ServiceStore,
  caseId: string,
  personId: string,
  executor?: Executor,
): Promise<StoredPerson & { readonly sealed: string }> {
  const person = await store.persons.getPerson(caseId, personId, executor);
  if (person?.sealed === undefined) throw notFound('victim record in this case', personId);
  if (person.shreddedAt !== undefined) throw destroyed(personId);
  return person as StoredPerson & { readonly sealed: string };
}

/**
 * Opens a victim's personal data: members with a grant only. The opening is a custody event
 * `accessed` in the ledger and an audit record, committed together before the data is returned.
 */
export async function readVictimData(
  store: ServiceStore,
  settings: PersonSettings,
  caseId: string,
  personId: string,
  now: string,
  who: CaseActor,
): Promise<{ readonly person: Person; readonly data: Record<string, unknown> }> {
  await requireGrant(store, caseId, who);
  const person = await sealedPerson(store, caseId, personId);
  const master = requireMasterKey(settings);
  const ledger = requireLedger(store);
  const event = victimEvent('accessed', person, who, now, 'read victim personal data');
  let data: Record<string, unknown> | undefined;
  await ledger.append([custodyLeaf(event)], async (trx) => {
    // Again inside the transaction: the grant or the record may have changed meanwhile.
    await requireGrant(store, caseId, who, trx);
    const current = await sealedPerson(store, caseId, personId, trx);
    if (current.sealed !== person.sealed) {
      throw new VigilError('CONFLICT', 'The victim record changed while it was opened; retry.', {
        details: { personId },
      });
    }
    data = openRecord(master, readSealedRecord(JSON.parse(current.sealed)), {
      recordId: personId,
      caseId,
    });
    await audit(store, who, now, 'case.victim.read', caseId, { personId }, trx);
  });
  return { person: toPerson(person), data: data as Record<string, unknown> };
}

/** Who may open the case's victim data: members see it (it names accounts, no victim data). */
export async function listVictimGrants(
  store: ServiceStore,
  caseId: string,
  who: CaseActor,
): Promise<VictimGrant[]> {
  await requireCaseAccess(store, caseId, accountOf(who), 'read');
  return store.persons.grants(caseId);
}

/** Lets a member of the case open its victim data: leads (and admins). */
export async function grantVictimAccess(
  store: ServiceStore,
  caseId: string,
  accountId: string,
  now: string,
  who: CaseActor,
): Promise<VictimGrant> {
  return store.transaction(async (trx) => {
    await store.cases.lock(caseId, trx);
    await requireCaseAccess(store, caseId, accountOf(who), 'manage', trx);
    if ((await store.cases.getMember(caseId, accountId, trx)) === undefined) {
      throw new VigilError(
        'REQUEST_INVALID',
        'Victim data can be granted to members of the case only.',
        { details: { field: 'accountId' } },
      );
    }
    const grant: VictimGrant = { caseId, accountId, grantedBy: who.accountId, grantedAt: now };
    await store.persons.saveGrant(grant, trx);
    await touchCase(store, caseId, now, trx);
    await audit(store, who, now, 'case.victim.grant', caseId, { accountId }, trx);
    return grant;
  });
}

/** Withdraws a grant: leads (and admins). */
export async function revokeVictimAccess(
  store: ServiceStore,
  caseId: string,
  accountId: string,
  now: string,
  who: CaseActor,
): Promise<void> {
  await store.transaction(async (trx) => {
    await store.cases.lock(caseId, trx);
    await requireCaseAccess(store, caseId, accountOf(who), 'manage', trx);
    if (!(await store.persons.removeGrant(caseId, accountId, trx))) {
      throw notFound('grant in this case', accountId);
    }
    await touchCase(store, caseId, now, trx);
    await audit(store, who, now, 'case.victim.revoke', caseId, { accountId }, trx);
  });
}

/**
 * Destroys a victim's personal data for good (crypto-shredding): leads (and admins). The
 * wrapped key is dropped, shredded_at set, a custody event `disposed` appended and an audit
 * record written, together. From then on every read answers VICTIM_DATA_DESTROYED.
 */
export async function shredVictimData(
  store: ServiceStore,
  caseId: string,
  personId: string,
  now: string,
  who: CaseActor,
): Promise<Person> {
  await requireCaseAccess(store, caseId, accountOf(who), 'manage');
  const shredded = await shredVictimRecord(store, caseId, personId, now, {
    who,
    purpose: 'destroy victim personal data',
    touchCase: true,
    check: async (trx) => {
      await store.cases.lock(caseId, trx);
      await requireCaseAccess(store, caseId, accountOf(who), 'manage', trx);
    },
  });
  return toPerson(shredded);
}

/**
 * The shredding itself, for a lead (shredVictimData) and for the system (store/retention.ts,
 * actor "system:retention"), which checks no access: the caller has decided. The wrapped key is
 * dropped, shredded_at set, a custody event `disposed` appended and an audit record
 * `case.victim.shred` written in one transaction, after `check` (run inside it) passed and the
 * record was found unchanged; VICTIM_DATA_DESTROYED when it was shredded already.
 * `touchCase: false` leaves the case's updatedAt alone (retention must not restart the clock
 * its own periods run from).
 */
export async function shredVictimRecord(
  store: ServiceStore,
  caseId: string,
  personId: string,
  now: string,
  options: {
    readonly who: { readonly actor: string; readonly requestId?: string };
    readonly purpose: string;
    readonly touchCase: boolean;
    readonly check?: (trx: Executor) => Promise<void>;
    /** Extra audit details (no personal data). */
    readonly details?: Readonly<Record<string, unknown>>;
  },
): Promise<StoredPerson> {
  const { who } = options;
  const person = await sealedPerson(store, caseId, personId);
  const ledger = requireLedger(store);
  const event = victimEvent('disposed', person, who, now, options.purpose);
  let shredded: StoredPerson | undefined;
  await ledger.append([custodyLeaf(event)], async (trx) => {
    await options.check?.(trx);
    const current = await sealedPerson(store, caseId, personId, trx);
    if (current.sealed !== person.sealed) {
      throw new VigilError('CONFLICT', 'The victim record changed meanwhile; retry.', {
        details: { personId },
      });
    }
    const sealed = JSON.stringify(shredRecord(readSealedRecord(JSON.parse(current.sealed))));
    await store.persons.shred(personId, sealed, now, trx);
    shredded = { ...current, sealed, shreddedAt: now };
    if (options.touchCase) await touchCase(store, caseId, now, trx);
    await recordAudit(
      store,
      who,
      now,
      'case.victim.shred',
      `case:${caseId}`,
      { personId, ...options.details },
      trx,
    );
  });
  return shredded as StoredPerson;
}
