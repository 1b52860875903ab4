/**
 * The `vigil share` commands' work (registered in share.ts): this instance's organisation keys,
 * partners, agreements, and packages, through the units of work of store/share-service.ts on
 * the configured store. Acting commands name the account (`--as`) whose permission
 * (`share:use`, `share:manage`) the API route for the same step requires.
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { formatVerifierKey } from '../ledger/note.js';
import type { Permission } from '../server/permissions.js';
import type { Purpose } from '../share/agreement.js';
import { formatOrgPublicKey, orgKeyFingerprint, toPublicKeys } from '../share/keys.js';
import type { Pap, Tlp } from '../share/markings.js';
import { VigilError } from '../shared/errors.js';
import type { CaseActor } from '../store/case-service.js';
import { createOrgKeys, requireOrgKeys } from '../store/org-keys.js';
import type { ServiceStore } from '../store/repositories.js';
import { deliverPackage } from '../store/share-delivery.js';
import {
  acceptPackage,
  addAgreement,
  addPartner,
  confirmedKeys,
  confirmPartner,
  exportPackage,
  type PackagePart,
  receivePackage,
} from '../store/share-service.js';
import { actingAccount, actorOf, json, table, withCommandVault } from './acting.js';
import { configOf, openStore, type ServiceFlags, type ServiceIo } from './service-run.js';

export type ShareFlags = ServiceFlags & { readonly as?: string; readonly json?: boolean };

/** Largest file read: a package (its limit is 256 MiB) or an agreement. */
const MAX_FILE = 256 * 1024 * 1024;

async function withStore<T>(
  flags: ShareFlags,
  io: ServiceIo,
  permission: Permission | undefined,
  work: (context: {
    store: ServiceStore;
    who: CaseActor;
    now: string;
    dataDir: string;
  }) => Promise<T>,
): Promise<T> {
  const config = configOf(flags, io);
  const store = await openStore(config);
  try {
    let who: CaseActor = { accountId: 'cli', actor: 'cli', roles: [] };
    if (permission !== undefined) {
      if (flags.as === undefined) {
        throw new VigilError('CLI_USAGE', '--as names the account acting: give it.');
      }
      const account = await actingAccount(store, flags.as, permission);
      who = { accountId: account.id, actor: actorOf(account), roles: account.roles };
    }
    return await work({ store, who, now: io.now().toISOString(), dataDir: config.dataDir });
  } finally {
    await store.db.destroy();
  }
}

async function readBounded(path: string, what: string): Promise<Uint8Array> {
  try {
    const bytes = await readFile(path);
    if (bytes.length > MAX_FILE) {
      throw new VigilError('CLI_USAGE', `${what} ${path} is larger than ${MAX_FILE} bytes.`);
    }
    return bytes;
  } catch (error) {
    if (error instanceof VigilError) throw error;
    throw new VigilError('INPUT_NOT_FOUND', `Cannot read ${what} ${path}.`, { cause: error });
  }
}

// ---- Keys ----------------------------------------------------------------------------------

export async function shareInit(flags: ShareFlags & { org: string }, io: ServiceIo) {
  const config = configOf(flags, io);
  const keys = await createOrgKeys(
    config.dataDir,
    flags.org,
    (n) => new Uint8Array(randomBytes(n)),
  );
  io.stdout.write(`${formatOrgPublicKey(toPublicKeys(keys))}\n`);
  io.stderr.write(
    `Created the organisation keys of ${keys.org} (keys/org.secret in the data folder; back it up).\n` +
      `Give partners the line above and confirm this fingerprint with them out of band:\n  ${orgKeyFingerprint(keys)}\n`,
  );
}

export async function shareKey(flags: ShareFlags, io: ServiceIo) {
  const config = configOf(flags, io);
  const keys = await requireOrgKeys(config.dataDir);
  await withStore(flags, io, undefined, ({ store, dataDir }) =>
    withCommandVault(store, dataDir, io.now, async (vault) => {
      const logKeys = (await vault.keys()).filter((k) => k.retiredAt === null);
      const out = {
        publicKey: formatOrgPublicKey(toPublicKeys(keys)),
        fingerprint: orgKeyFingerprint(keys),
        logKeys: logKeys.map((k) => formatVerifierKey(k.key)),
      };
      io.stdout.write(
        flags.json === true
          ? json(out)
          : `${out.publicKey}\nfingerprint ${out.fingerprint}\nevidence log key(s):\n${out.logKeys.map((k) => `  ${k}`).join('\n')}\n`,
      );
    }),
  );
}

// ---- Partners and agreements ----------------------------------------------------------------

export async function partnerAdd(
  flags: ShareFlags & { key: string; name: string; url?: string; logKey?: string[] },
  io: ServiceIo,
) {
  await withStore(flags, io, 'share:manage', async ({ store, who, now }) => {
    const partner = await addPartner(
      store,
      {
        publicKey: flags.key,
        name: flags.name,
        ...(flags.url !== undefined && { url: flags.url }),
        ...(flags.logKey !== undefined && { logKeys: flags.logKey }),
      },
      now,
      who,
    );
    io.stdout.write(
      flags.json === true
        ? json(partner)
        : `Registered ${partner.org} (${partner.name}). Before anything is exchanged, compare this fingerprint with them out of band, then run \`vigil share partner confirm ${partner.org} --fingerprint "…"\`:\n  ${partner.fingerprint}\n`,
    );
  });
}

export async function partnerConfirm(
  org: string,
  flags: ShareFlags & { fingerprint: string },
  io: ServiceIo,
) {
  await withStore(flags, io, 'share:manage', async ({ store, who, now }) => {
    const partner = await confirmPartner(store, org, flags.fingerprint, now, who);
    io.stdout.write(flags.json === true ? json(partner) : `Confirmed the key of ${org}.\n`);
  });
}

export async function partnerList(flags: ShareFlags, io: ServiceIo) {
  await withStore(flags, io, undefined, async ({ store }) => {
    const partners = await store.share.partners();
    if (flags.json === true) {
      io.stdout.write(json({ items: partners }));
      return;
    }
    io.stdout.write(
      partners.length === 0
        ? 'No partners. Register one with `vigil share partner add`.\n'
        : table(
            ['ORG', 'NAME', 'CONFIRMED', 'URL'],
            partners.map((p) => [p.org, p.name, p.confirmedAt ?? 'NO', p.url ?? '-']),
          ),
    );
  });
}

export async function agreementAdd(file: string, flags: ShareFlags, io: ServiceIo) {
  const text = new TextDecoder().decode(await readBounded(file, 'the agreement'));
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new VigilError('CLI_USAGE', `${file} is not JSON; docs/sharing.md shows an agreement.`);
  }
  const keys = await requireOrgKeys(configOf(flags, io).dataDir);
  await withStore(flags, io, 'share:manage', async ({ store, who, now }) => {
    const stored = await addAgreement(store, parsed, keys.org, now, who);
    io.stdout.write(flags.json === true ? json(stored) : `Recorded agreement ${stored.id}.\n`);
  });
}

export async function agreementList(flags: ShareFlags, io: ServiceIo) {
  await withStore(flags, io, undefined, async ({ store }) => {
    const agreements = await store.share.agreements();
    io.stdout.write(
      flags.json === true
        ? json({ items: agreements })
        : agreements.length === 0
          ? 'No agreements. Record one with `vigil share agreement add FILE`.\n'
          : table(
              ['ID', 'TITLE', 'ADDED'],
              agreements.map((a) => [
                a.id,
                String((a.agreement as { title?: unknown }).title ?? ''),
                a.addedAt,
              ]),
            ),
    );
  });
}

// ---- Packages ---------------------------------------------------------------------------------

export async function shareExport(
  caseId: string,
  flags: ShareFlags & {
    to: string;
    agreement: string;
    purpose: Purpose;
    include: PackagePart[];
    tlp?: Tlp;
    pap?: Pap;
    out?: string;
    send?: boolean;
  },
  io: ServiceIo,
) {
  if (flags.out === undefined && flags.send !== true) {
    throw new VigilError(
      'CLI_USAGE',
      'Say where the package goes: --out FILE, or --send to the partner.',
    );
  }
  const keys = await requireOrgKeys(configOf(flags, io).dataDir);
  await withStore(flags, io, 'share:use', ({ store, who, now, dataDir }) =>
    withCommandVault(store, dataDir, io.now, async (vault) => {
      const partner = await store.share.getPartner(flags.to);
      confirmedKeys(partner, flags.to);
      if (flags.send === true && partner?.url === undefined) {
        throw new VigilError('CLI_USAGE', `No URL is registered for ${flags.to}; use --out FILE.`);
      }
      const { bytes, record } = await exportPackage(
        store,
        vault,
        keys,
        {
          caseId,
          to: flags.to,
          agreementId: flags.agreement,
          purpose: flags.purpose,
          parts: flags.include,
          ...(flags.tlp !== undefined && { tlp: flags.tlp }),
          ...(flags.pap !== undefined && { pap: flags.pap }),
        },
        now,
        who,
      );
      if (flags.out !== undefined) await writeFile(flags.out, bytes, { flag: 'wx' });
      if (flags.send === true) await deliverPackage(store, keys, record, bytes, io.now());
      io.stdout.write(
        flags.json === true
          ? json(record)
          : `Package ${record.id} for ${flags.to} (${bytes.length} bytes)${flags.out ? ` written to ${flags.out}` : ''}${flags.send ? ', delivered to its inbox' : ''}.\n`,
      );
    }),
  );
}

export async function shareImport(file: string, flags: ShareFlags, io: ServiceIo) {
  const bytes = await readBounded(file, 'the package');
  const keys = await requireOrgKeys(configOf(flags, io).dataDir);
  await withStore(flags, io, 'share:use', async ({ store, who, now, dataDir }) => {
    const record = await receivePackage(store, dataDir, keys, bytes, now, who);
    io.stdout.write(
      flags.json === true
        ? json(record)
        : `Verified package ${record.id} from ${record.partner} under agreement ${record.agreementId}: signature, addressee, every hash${
            (record.manifest as { files?: { name: string }[] }).files?.some(
              (f) => f.name === 'evidence-bundle.zip',
            )
              ? ' and the evidence bundle against the partner’s log key'
              : ''
          }. Accept it into a case with \`vigil share accept ${record.id} --case C\`.\n`,
    );
  });
}

export async function shareInbox(flags: ShareFlags & { limit: number }, io: ServiceIo) {
  await withStore(flags, io, 'share:use', async ({ store }) => {
    const items = await store.share.packages({ limit: flags.limit });
    io.stdout.write(
      flags.json === true
        ? json({ items })
        : items.length === 0
          ? 'No packages yet.\n'
          : table(
              ['ID', 'DIRECTION', 'PARTNER', 'STATUS', 'AGREEMENT', 'AT'],
              items.map((p) => [
                p.id,
                p.direction,
                p.partner,
                p.status,
                p.agreementId,
                p.createdAt,
              ]),
            ),
    );
  });
}

export async function shareAccept(
  packageId: string,
  flags: ShareFlags & { case: string },
  io: ServiceIo,
) {
  const keys = await requireOrgKeys(configOf(flags, io).dataDir);
  await withStore(flags, io, 'share:use', ({ store, who, now, dataDir }) =>
    withCommandVault(store, dataDir, io.now, async (vault) => {
      const record = await acceptPackage(
        store,
        vault,
        dataDir,
        keys,
        packageId,
        flags.case,
        now,
        who,
      );
      io.stdout.write(
        flags.json === true
          ? json(record)
          : `Accepted ${packageId} into case ${flags.case}: ${record.evidence?.length ?? 0} evidence file(s), each logged as received from ${record.partner}.\n`,
      );
    }),
  );
}
