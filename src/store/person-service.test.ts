/**
 * Persons of cases on every test database: victim personal data stored only sealed, opened only
 * with a grant (members without one: FORBIDDEN; non-members: NOT_FOUND), every opening and
 * shredding a custody event in the ledger, consent required, and no master key, no victim data.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/support/databases.js';
import { rejection } from '../../test/support/errors.js';
import { parseCanonical } from '../ledger/canonical-json.js';
import type { CustodyEvent } from '../ledger/custody.js';
import { isVigilError, type VigilError } from '../shared/errors.js';
import { addMember, type CaseActor, createCase, removeMember } from './case-service.js';
import type { Db } from './database.js';
import {
  addPerson,
  grantVictimAccess,
  listPersons,
  type PersonSettings,
  readVictimData,
  revokeVictimAccess,
  shredVictimData,
} from './person-service.js';
import type { Role, ServiceStore } from './repositories.js';
import { parseMasterKey } from './sealed-records.js';
import { openServiceStore } from './service-store.js';

const DATABASES = testDatabases();
const T0 = Date.parse('2026-05-01T09:00:00.000Z');
let tick = 0;
const next = () => new Date(T0 + 1000 * ++tick).toISOString();

const SETTINGS: PersonSettings = {
  masterKey: parseMasterKey('3f9a1c2e7b4d6f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7a8'),
};

const VICTIM_DATA = {
  names: ['Maria Testperson'],
  contact: [{ kind: 'phone' as const, value: '+49 170 5550123' }],
  identityDocuments: [{ type: 'passport', number: 'X1234567Q' }],
  nationality: ['Moldovan'],
  health: 'Untreated hand injury',
  immigrationStatus: 'Residence permit pending',
  referrals: [{ kind: 'shelter' as const, to: 'Haven Shelter', consent: true as const }],
  protectiveMeasures: [{ kind: 'court-anonymity' as const, consent: true as const }],
};
const PLAINTEXTS = [
  'Maria Testperson',
  '+49 170 5550123',
  'X1234567Q',
  'Moldovan',
  'Untreated hand injury',
  'Residence permit pending',
  'Haven Shelter',
];

async function account(store: ServiceStore, roles: readonly Role[]): Promise<CaseActor> {
  const created = await store.accounts.createAccount(
    { name: `t ${roles.join('+')}`, roles },
    next(),
  );
  return { accountId: created.id, actor: `account:${created.id}`, roles };
}

async function failure(promise: Promise<unknown>): Promise<VigilError> {
  const error = await rejection(promise);
  if (!isVigilError(error)) throw error;
  return error;
}

async function custodyEvents(store: ServiceStore): Promise<CustodyEvent[]> {
  const ledger = store.ledger;
  if (ledger === undefined) throw new Error('no ledger');
  const events: CustodyEvent[] = [];
  for await (const leaf of ledger.leaves(0n, await ledger.size())) {
    events.push(parseCanonical(leaf.data) as CustodyEvent);
  }
  return events;
}

for (const database of DATABASES) {
  describe(`persons on ${database.name}`, () => {
    const opened: Db[] = [];
    afterAll(async () => {
      await Promise.all(opened.splice(0).map((db) => db.destroy()));
    });

    async function fixture() {
      const db = await database.open();
      opened.push(db);
      const store = openServiceStore(db);
      const lead = await account(store, ['investigator']);
      const member = await account(store, ['investigator']);
      const advocate = await account(store, ['advocate']);
      const outsider = await account(store, ['investigator']);
      const admin = await account(store, ['admin']);
      const { case: file } = await createCase(store, { title: 'Circuit B' }, next(), lead);
      const caseId = file.id;
      await addMember(
        store,
        caseId,
        { accountId: member.accountId, role: 'investigator' },
        next(),
        lead,
      );
      await addMember(
        store,
        caseId,
        { accountId: advocate.accountId, role: 'advocate' },
        next(),
        lead,
      );
      const victim = await addPerson(
        store,
        SETTINGS,
        caseId,
        { kind: 'victim', label: 'Victim A', victimData: VICTIM_DATA },
        next(),
        member,
      );
      return { store, db, lead, member, advocate, outsider, admin, caseId, victim };
    }

    it('stores a victim’s data only sealed, and lists public fields only', async () => {
      const { store, db, member, caseId, victim } = await fixture();
      expect(victim.victimData).toBe('sealed');
      const row = await db
        .selectFrom('person')
        .selectAll()
        .where('id', '=', victim.id)
        .executeTakeFirstOrThrow();
      const raw = JSON.stringify(row);
      for (const text of PLAINTEXTS) expect(raw).not.toContain(text);
      const listed = await listPersons(store, caseId, member);
      expect(listed).toHaveLength(1);
      expect(JSON.stringify(listed)).not.toContain('Maria');
      const audit = JSON.stringify((await store.audit.list({}, { limit: 500 })).items);
      for (const text of PLAINTEXTS) expect(audit).not.toContain(text);
    });

    it('refuses members without a grant (admins too) and hides the case from non-members', async () => {
      const { store, lead, member, outsider, admin, caseId, victim } = await fixture();
      for (const who of [lead, member, admin]) {
        expect(
          (await failure(readVictimData(store, SETTINGS, caseId, victim.id, next(), who))).code,
        ).toBe('FORBIDDEN');
      }
      expect(
        (await failure(readVictimData(store, SETTINGS, caseId, victim.id, next(), outsider))).code,
      ).toBe('NOT_FOUND');
      expect(
        (await failure(grantVictimAccess(store, caseId, member.accountId, next(), member))).code,
      ).toBe('FORBIDDEN');
      expect(await custodyEvents(store)).toEqual([]);
    });

    it('opens with a grant, leaving an accessed custody event', async () => {
      const { store, lead, advocate, caseId, victim } = await fixture();
      await grantVictimAccess(store, caseId, advocate.accountId, next(), lead);
      const opened = await readVictimData(store, SETTINGS, caseId, victim.id, next(), advocate);
      expect(opened.data).toEqual(VICTIM_DATA);
      const events = await custodyEvents(store);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        type: 'accessed',
        actor: { id: advocate.actor },
        case: `case:${caseId}`,
        purpose: 'read victim personal data',
        evidence: [{ name: 'victim record', mediaType: 'application/json' }],
      });
      expect(JSON.stringify(events)).not.toContain('Maria');
      const actions = (
        await store.audit.list({ target: `case:${caseId}` }, { limit: 50 })
      ).items.map((r) => r.action);
      expect(actions).toContain('case.victim.read');
      await revokeVictimAccess(store, caseId, advocate.accountId, next(), lead);
      expect(
        (await failure(readVictimData(store, SETTINGS, caseId, victim.id, next(), advocate))).code,
      ).toBe('FORBIDDEN');
    });

    it('ends a grant with membership: re-adding the member does not revive it', async () => {
      const { store, lead, advocate, caseId, victim } = await fixture();
      await grantVictimAccess(store, caseId, advocate.accountId, next(), lead);
      const role = (await store.cases.getMember(caseId, advocate.accountId))?.role ?? 'advocate';
      await removeMember(store, caseId, advocate.accountId, next(), lead);
      await addMember(store, caseId, { accountId: advocate.accountId, role }, next(), lead);
      expect(
        (await failure(readVictimData(store, SETTINGS, caseId, victim.id, next(), advocate))).code,
      ).toBe('FORBIDDEN');
    });

    it('shreds for good: VICTIM_DATA_DESTROYED for everyone, and a disposed event', async () => {
      const { store, lead, advocate, member, caseId, victim } = await fixture();
      await grantVictimAccess(store, caseId, advocate.accountId, next(), lead);
      await grantVictimAccess(store, caseId, lead.accountId, next(), lead);
      expect((await failure(shredVictimData(store, caseId, victim.id, next(), member))).code).toBe(
        'FORBIDDEN',
      );
      const shredded = await shredVictimData(store, caseId, victim.id, next(), lead);
      expect(shredded.victimData).toBe('destroyed');
      for (const who of [lead, advocate]) {
        expect(
          (await failure(readVictimData(store, SETTINGS, caseId, victim.id, next(), who))).code,
        ).toBe('VICTIM_DATA_DESTROYED');
      }
      const events = await custodyEvents(store);
      expect(events.map((event) => event.type)).toEqual(['disposed']);
      expect(events[0]?.actor.id).toBe(lead.actor);
    });

    it('requires consent for referrals and protective measures', async () => {
      const { store, member, caseId } = await fixture();
      const refused = await failure(
        addPerson(
          store,
          SETTINGS,
          caseId,
          {
            kind: 'victim',
            label: 'Victim B',
            victimData: { referrals: [{ kind: 'medical', consent: false }] },
          },
          next(),
          member,
        ),
      );
      expect(refused.code).toBe('REQUEST_INVALID');
      expect(refused.message).toContain('consent');
      const measure = await failure(
        addPerson(
          store,
          SETTINGS,
          caseId,
          {
            kind: 'victim',
            label: 'Victim C',
            victimData: { protectiveMeasures: [{ kind: 'protection-order' }] },
          },
          next(),
          member,
        ),
      );
      expect(measure.code).toBe('REQUEST_INVALID');
    });

    it('refuses victim data without a master key, naming the setting', async () => {
      const { store, member, caseId } = await fixture();
      const refused = await failure(
        addPerson(
          store,
          {},
          caseId,
          { kind: 'victim', label: 'Victim D', victimData: VICTIM_DATA },
          next(),
          member,
        ),
      );
      expect(refused.code).toBe('CONFIG_INVALID');
      expect(refused.message).toContain('VIGIL_VICTIM_MASTER_KEY');
      expect(refused.message).toContain('openssl rand -hex 32');
      const suspect = await addPerson(
        store,
        {},
        caseId,
        { kind: 'suspect', label: 'Handle X' },
        next(),
        member,
      );
      expect(suspect.victimData).toBe('none');
    });
  });
}
