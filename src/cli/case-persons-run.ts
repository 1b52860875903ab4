/**
 * `vigil case person …` and `vigil case grant|revoke`: the suspects and victims of a case and
 * who may open victims' personal data, through the units of work of the API
 * (store/person-service.ts). A victim's personal data is read from a JSON file or standard
 * input, never from the command line, where shell history and the process list would keep it.
 */
import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { VigilError } from '../shared/errors.js';
import {
  addPerson,
  grantVictimAccess,
  listPersons,
  type PersonSettings,
  readVictimData,
  revokeVictimAccess,
  shredVictimData,
} from '../store/person-service.js';
import type { PersonKind } from '../store/repositories.js';
import { parseMasterKey } from '../store/sealed-records.js';
import { json, table } from './acting.js';
import { type CaseFlags, checkId, withCase } from './case-run.js';
import { configOf, type ServiceIo } from './service-run.js';

/** Largest victim-data file read: the API's body limit is far above what a record needs. */
const MAX_VICTIM_FILE = 1024 * 1024;

export type PersonIo = ServiceIo & { readonly stdin: Readable };

function personSettings(flags: CaseFlags, io: ServiceIo): PersonSettings {
  const key = configOf(flags, io).victimMasterKey;
  return key === undefined ? {} : { masterKey: parseMasterKey(key) };
}

const tooLarge = () =>
  new VigilError(
    'CLI_USAGE',
    `--victim-data holds more than ${MAX_VICTIM_FILE} bytes; a victim record is far smaller.`,
  );

async function readVictimFile(path: string, stdin: Readable): Promise<unknown> {
  let text: string;
  try {
    if (path === '-') {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of stdin) {
        size += (chunk as Buffer).length;
        if (size > MAX_VICTIM_FILE) throw tooLarge();
        chunks.push(chunk as Buffer);
      }
      text = Buffer.concat(chunks).toString('utf8');
    } else {
      const bytes = await readFile(path);
      if (bytes.length > MAX_VICTIM_FILE) throw tooLarge();
      text = bytes.toString('utf8');
    }
  } catch (error) {
    if (error instanceof VigilError) throw error;
    throw new VigilError('INPUT_UNREADABLE', `Cannot read the victim data file ${path}.`, {
      cause: error,
    });
  }
  try {
    return JSON.parse(text);
  } catch {
    // The message never quotes the content: it is a victim's personal data.
    throw new VigilError(
      'CLI_USAGE',
      '--victim-data is not valid JSON. It is an object such as {"names": ["…"], "nationality": ["…"]}; docs/api.md lists its fields.',
    );
  }
}

export async function personAdd(
  caseId: string,
  flags: CaseFlags & {
    kind: PersonKind;
    label: string;
    identifier?: string[];
    item?: string[];
    victimData?: string;
  },
  io: PersonIo,
): Promise<void> {
  checkId(caseId, 'case id');
  if (flags.label.trim() === '' || flags.label.length > 200) {
    throw new VigilError(
      'CLI_USAGE',
      '--label must be 1 to 200 characters: an alias, never a real name.',
    );
  }
  if (flags.victimData !== undefined && flags.kind !== 'victim') {
    throw new VigilError('CLI_USAGE', '--victim-data belongs to victims only (--kind victim).');
  }
  const victimData =
    flags.victimData === undefined ? undefined : await readVictimFile(flags.victimData, io.stdin);
  const settings = personSettings(flags, io);
  await withCase(flags, io, async ({ store, who, now }) => {
    const person = await addPerson(
      store,
      settings,
      caseId,
      {
        kind: flags.kind,
        label: flags.label,
        ...(flags.identifier !== undefined && { identifiers: flags.identifier }),
        ...(flags.item !== undefined && { itemIds: flags.item }),
        ...(victimData !== undefined && { victimData }),
      },
      now,
      who,
    );
    io.stdout.write(
      flags.json === true
        ? json(person)
        : `Added ${person.kind} ${person.id} ("${person.label}") to case ${caseId}${person.victimData === 'sealed' ? '; personal data sealed' : ''}.\n`,
    );
  });
}

export async function personList(caseId: string, flags: CaseFlags, io: ServiceIo): Promise<void> {
  checkId(caseId, 'case id');
  await withCase(flags, io, async ({ store, who }) => {
    const persons = await listPersons(store, caseId, who);
    if (flags.json === true) {
      io.stdout.write(json({ items: persons }));
      return;
    }
    if (persons.length === 0) {
      io.stdout.write(`Case ${caseId} records no persons.\n`);
      return;
    }
    io.stdout.write(
      table(
        ['ID', 'KIND', 'LABEL', 'PERSONAL DATA', 'IDENTIFIERS'],
        persons.map((p) => [
          p.id,
          p.kind,
          p.label,
          p.kind === 'victim' ? p.victimData : '-',
          p.identifiers.join(', '),
        ]),
      ),
    );
  });
}

export async function personOpen(
  caseId: string,
  personId: string,
  flags: CaseFlags,
  io: ServiceIo,
): Promise<void> {
  checkId(caseId, 'case id');
  checkId(personId, 'person id');
  const settings = personSettings(flags, io);
  await withCase(flags, io, async ({ store, who, now }) => {
    const opened = await readVictimData(store, settings, caseId, personId, now, who);
    io.stdout.write(json(flags.json === true ? opened : opened.data));
    io.stderr.write(
      `This opening of ${personId}'s personal data is recorded in the chain of custody.\n`,
    );
  });
}

export async function personShred(
  caseId: string,
  personId: string,
  flags: CaseFlags & { yes?: boolean },
  io: ServiceIo,
): Promise<void> {
  checkId(caseId, 'case id');
  checkId(personId, 'person id');
  if (flags.yes !== true) {
    throw new VigilError(
      'CLI_USAGE',
      'Destroying a victim’s personal data cannot be undone: add --yes to confirm.',
    );
  }
  await withCase(flags, io, async ({ store, who, now }) => {
    const person = await shredVictimData(store, caseId, personId, now, who);
    io.stdout.write(
      flags.json === true
        ? json(person)
        : `Destroyed the personal data of ${personId}: its key is gone, nothing can recover it.\n`,
    );
  });
}

/** Grants (or revokes) a member the opening of the case's victim data: leads. */
export async function grant(
  caseId: string,
  email: string,
  revoke: boolean,
  flags: CaseFlags,
  io: ServiceIo,
): Promise<void> {
  checkId(caseId, 'case id');
  await withCase(flags, io, async ({ store, who, now }) => {
    const found = await store.accounts.findByEmail(email.trim().toLowerCase());
    if (found === undefined) {
      throw new VigilError('NOT_FOUND', `No account has the email ${email}.`, {
        details: { kind: 'account', email },
      });
    }
    if (revoke) {
      await revokeVictimAccess(store, caseId, found.account.id, now, who);
      if (flags.json !== true) {
        io.stdout.write(`${email} can no longer open victim data in case ${caseId}.\n`);
      }
      return;
    }
    const granted = await grantVictimAccess(store, caseId, found.account.id, now, who);
    io.stdout.write(
      flags.json === true
        ? json(granted)
        : `${email} may now open victim data in case ${caseId}; each opening is recorded.\n`,
    );
  });
}
