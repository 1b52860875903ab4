/**
 * `vigil victim-key new|rotate` (registered in service.ts): the master key that wraps victims'
 * data keys. `new` prints a fresh key; `rotate` rewraps every victim record from the configured
 * key (VIGIL_VICTIM_MASTER_KEY) to a new one (store/victim-keys.ts). The new key comes from the
 * environment (VIGIL_NEW_VICTIM_MASTER_KEY) or a file, never from the command line, where shell
 * history and the process list would keep it. No key is ever printed by `rotate`, only key ids.
 */
import { readFile } from 'node:fs/promises';
import { isVigilError, VigilError } from '../shared/errors.js';
import { generateMasterKey, type MasterKey, parseMasterKey } from '../store/sealed-records.js';
import { type RotationProgress, rotateVictimMasterKey } from '../store/victim-keys.js';
import { configOf, openStore, type ServiceFlags, type ServiceIo } from './service-run.js';

/** Where the new key may come from besides --new-key-file. */
export const NEW_KEY_ENV = 'VIGIL_NEW_VICTIM_MASTER_KEY';
/** A key file holds 64 hex characters and perhaps a newline; anything much larger is not one. */
const MAX_KEY_FILE = 1024;
/** Records under an unknown key listed by id at most; the count says how many there were. */
const LISTED = 20;
/** What VIGIL_VICTIM_MASTER_KEY accepts (server/config.ts), so the new key can be configured. */
const HEX_KEY = /^[0-9a-fA-F]{64}$/;

export type VictimKeyFlags = ServiceFlags & { readonly newKeyFile?: string };

/** Prints a fresh master key on stdout, and where to keep it on stderr. */
export async function victimKeyNew(io: ServiceIo): Promise<void> {
  io.stdout.write(`${generateMasterKey()}\n`);
  io.stderr.write(
    'Keep this key apart from the database and its backups (a secrets manager, not the data folder): whoever holds both can read victims’ personal data.\n',
  );
}

export async function victimKeyRotate(flags: VictimKeyFlags, io: ServiceIo): Promise<void> {
  const config = configOf(flags, io);
  if (config.victimMasterKey === undefined) {
    throw new VigilError(
      'CONFIG_INVALID',
      'No current master key for victim data is configured: set VIGIL_VICTIM_MASTER_KEY (or victimMasterKey in the configuration file) to the key the records are wrapped by now.',
      { details: { setting: 'victimMasterKey' } },
    );
  }
  const from = parseMasterKey(config.victimMasterKey);
  const to = await newKey(flags, io);
  const now = io.now().toISOString();
  const store = await openStore(config);
  let summary: Awaited<ReturnType<typeof rotateVictimMasterKey>>;
  try {
    io.stderr.write(`Rewrapping victim records from master key ${from.kid} to ${to.kid} …\n`);
    summary = await rotateVictimMasterKey(store, {
      from,
      to,
      now,
      actor: 'system:cli',
      onProgress: (progress: RotationProgress) => {
        io.stderr.write(
          `  ${progress.scanned} records looked at: ${progress.rewrapped} rewrapped, ${progress.alreadyCurrent} already current, ${progress.shredded} shredded, ${progress.unknownKey} under an unknown key, ${progress.unreadable} unreadable\n`,
        );
      },
    });
  } finally {
    await store.db.destroy();
  }
  const row = (label: string, count: number) => `  ${`${label}:`.padEnd(31)} ${count}`;
  const lines = [
    `Victim-data master key rotation ${summary.from} → ${summary.to} at ${now}:`,
    row('rewrapped', summary.rewrapped),
    row(`already under ${summary.to}`, summary.alreadyCurrent),
    row('shredded (left as they were)', summary.shredded),
    row('under an unknown key', summary.unknownKey.length),
    row('unreadable', summary.unreadable.length),
  ];
  for (const record of summary.unknownKey.slice(0, LISTED)) {
    lines.push(`  ${record.personId} (case ${record.caseId}) is wrapped by key ${record.kid}`);
  }
  for (const record of summary.unreadable.slice(0, LISTED)) {
    lines.push(`  ${record.personId} (case ${record.caseId}) does not open with ${summary.from}`);
  }
  if (summary.unknownKey.length > LISTED || summary.unreadable.length > LISTED) {
    lines.push(`  … (the first ${LISTED} of each are listed)`);
  }
  lines.push(
    `Set VIGIL_VICTIM_MASTER_KEY to the new key (${summary.to}) and restart the service now: records under it do not open with the old key. Keep the old key, apart, until the backups made before this rotation are gone.`,
  );
  io.stdout.write(`${lines.join('\n')}\n`);
  if (summary.unknownKey.length > 0) {
    const kids = [...new Set(summary.unknownKey.map((record) => record.kid))].sort();
    throw new VigilError(
      'CONFIG_INVALID',
      `${summary.unknownKey.length} victim records are wrapped by a master key that is neither the current nor the new one (${kids.join(', ')}) and were left as they are: rotate them with the key they were sealed with configured as VIGIL_VICTIM_MASTER_KEY.`,
      { details: { unknownKey: summary.unknownKey.length, kids } },
    );
  }
  if (summary.unreadable.length > 0) {
    throw new VigilError(
      'VICTIM_DATA_UNREADABLE',
      `${summary.unreadable.length} victim records under the current key do not open (changed or damaged) and were left as they are.`,
      { details: { unreadable: summary.unreadable.length } },
    );
  }
}

/** The new key from --new-key-file or VIGIL_NEW_VICTIM_MASTER_KEY: one of them, not both. */
async function newKey(flags: VictimKeyFlags, io: ServiceIo): Promise<MasterKey> {
  const fromEnv = io.env[NEW_KEY_ENV];
  const envSet = fromEnv !== undefined && fromEnv !== '';
  if (flags.newKeyFile !== undefined && envSet) {
    throw new VigilError(
      'CLI_USAGE',
      `Give the new key either with --new-key-file or in ${NEW_KEY_ENV}, not both.`,
    );
  }
  let text: string;
  let source: string;
  if (flags.newKeyFile !== undefined) {
    source = flags.newKeyFile;
    let bytes: Buffer;
    try {
      bytes = await readFile(flags.newKeyFile);
    } catch (error) {
      throw new VigilError('INPUT_UNREADABLE', `Cannot read the new key file ${source}.`, {
        cause: error,
      });
    }
    if (bytes.length > MAX_KEY_FILE) {
      bytes.fill(0);
      throw new VigilError(
        'CLI_USAGE',
        `The new key file ${source} is larger than ${MAX_KEY_FILE} bytes; it should hold only the 64 hex characters of the key.`,
      );
    }
    text = bytes.toString('utf8');
    bytes.fill(0);
  } else if (envSet) {
    source = NEW_KEY_ENV;
    text = fromEnv;
  } else {
    throw new VigilError(
      'CLI_USAGE',
      `No new key: set ${NEW_KEY_ENV} or pass --new-key-file FILE (never the key itself on the command line). Make one with \`vigil victim-key new\`.`,
    );
  }
  // VIGIL_VICTIM_MASTER_KEY takes hex only, and the new key must be configurable afterwards.
  if (!HEX_KEY.test(text.trim())) {
    throw new VigilError(
      'CONFIG_INVALID',
      `The new master key (from ${source}) must be 64 hexadecimal characters, as VIGIL_VICTIM_MASTER_KEY takes them. Make one with \`vigil victim-key new\`.`,
      { details: { source } },
    );
  }
  try {
    return parseMasterKey(text);
  } catch (error) {
    if (!isVigilError(error, 'CONFIG_INVALID')) throw error;
    throw new VigilError(
      'CONFIG_INVALID',
      `The new master key (from ${source}): ${error.message}`,
      {
        details: { source },
      },
    );
  }
}
