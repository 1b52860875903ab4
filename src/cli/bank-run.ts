/**
 * The `vigil bank` commands' work (registered in bank.ts). Each reads its input first (so a bad
 * file never opens the database), opens the configured store, checks the acting account as the
 * API would (`banks:manage`) and runs the same unit of work as the API (store/bank-service.ts),
 * closing the database whatever happens.
 */
import { readFile, stat } from 'node:fs/promises';
import { VigilError } from '../shared/errors.js';
import { createBank, deleteBank, findBank, importHashes } from '../store/bank-service.js';
import type { BankKind, ServiceStore } from '../store/repositories.js';
import { actingAccount, actorOf, json, table } from './acting.js';
import { parseBankFile } from './bank-file.js';
import { configOf, openStore, type ServiceFlags, type ServiceIo } from './service-run.js';

/** The flags of a command that changes a bank: who acts. */
export type BankFlags = ServiceFlags & { readonly as: string };

/** An import file: a million hashes with labels fit well within this. */
const MAX_FILE_BYTES = 256 * 1024 * 1024;

async function withStore<T>(
  flags: ServiceFlags,
  io: ServiceIo,
  work: (store: ServiceStore, now: string) => Promise<T>,
): Promise<T> {
  const store = await openStore(configOf(flags, io));
  try {
    return await work(store, io.now().toISOString());
  } finally {
    await store.db.destroy();
  }
}

async function actor(store: ServiceStore, email: string) {
  return { actor: actorOf(await actingAccount(store, email, 'banks:manage')) };
}

export async function bankCreate(
  name: string,
  flags: BankFlags & { kind: string; description?: string },
  io: ServiceIo,
): Promise<void> {
  const trimmed = name.trim();
  if (trimmed === '' || trimmed.length > 100) {
    throw new VigilError('CLI_USAGE', 'A bank name has 1 to 100 characters.');
  }
  await withStore(flags, io, async (store, now) => {
    const bank = await createBank(
      store,
      {
        name: trimmed,
        kind: flags.kind as BankKind,
        ...(flags.description !== undefined && { description: flags.description }),
      },
      now,
      await actor(store, flags.as),
    );
    io.stdout.write(`Created hash bank "${bank.name}" (${bank.kind}), ${bank.id}.\n`);
  });
}

export async function bankImport(
  name: string,
  file: string,
  flags: BankFlags,
  io: ServiceIo,
): Promise<void> {
  let text: string;
  try {
    const info = await stat(file);
    if (info.size > MAX_FILE_BYTES) {
      throw new VigilError(
        'INPUT_UNREADABLE',
        `${file} is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB; split it.`,
      );
    }
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof VigilError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new VigilError(
      code === 'ENOENT' ? 'INPUT_NOT_FOUND' : 'INPUT_UNREADABLE',
      `Cannot read ${file}: ${code ?? String(error)}.`,
    );
  }
  const parsed = parseBankFile(text, file);
  await withStore(flags, io, async (store, now) => {
    const who = await actor(store, flags.as);
    const bank = await findBank(store, name);
    const result = await importHashes(store, bank.id, parsed.hashes, now, who, {
      lowQuality: parsed.lowQuality,
      repeated: parsed.repeated,
    });
    io.stdout.write(
      `Imported into "${bank.name}": ${result.added} added, ${result.existing} held already` +
        (parsed.lowQuality > 0 ? `, ${parsed.lowQuality} skipped (quality below 50)` : '') +
        (parsed.repeated > 0 ? `, ${parsed.repeated} repeated in the file` : '') +
        `; the bank holds ${result.bank.size}.\n` +
        'Items analysed from now on are matched against it; items analysed before are not.\n',
    );
  });
}

export async function bankList(flags: ServiceFlags & { json: boolean }, io: ServiceIo) {
  await withStore(flags, io, async (store) => {
    const banks = await store.banks.list();
    if (flags.json) {
      io.stdout.write(json(banks));
      return;
    }
    if (banks.length === 0) {
      io.stdout.write('No hash banks. Create one with `vigil bank create NAME --kind K`.\n');
      return;
    }
    io.stdout.write(
      table(
        ['NAME', 'KIND', 'HASHES', 'VERSION', 'ID', 'DESCRIPTION'],
        banks.map((b) => [
          b.name,
          b.kind,
          String(b.size),
          String(b.version),
          b.id,
          b.description ?? '',
        ]),
      ),
    );
  });
}

export async function bankDelete(name: string, flags: BankFlags, io: ServiceIo): Promise<void> {
  await withStore(flags, io, async (store, now) => {
    const who = await actor(store, flags.as);
    const bank = await findBank(store, name);
    await deleteBank(store, bank.id, now, who);
    io.stdout.write(`Deleted hash bank "${bank.name}" and its ${bank.size} hashes.\n`);
  });
}
