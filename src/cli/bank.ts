/**
 * `vigil bank …`: hash banks from the command line (create, import, list, delete), and the
 * reader of the files an import takes. Registration and the file reader only: the work is in
 * bank-run.ts, loaded when a command runs.
 *
 * An import file is JSON or CSV (told apart by its first character):
 *
 * - JSON: `[{"pdq": "<64 hex>", "label": "…"}, …]` or `{"hashes": [ … ]}`; an entry may also be
 *   the hash alone, as a string;
 * - CSV, one hash per line, `pdq[,label]`, with or without a header line (`pdq,label`,
 *   `hash,quality`, …: the columns are then taken by name). Lines written by PDQ tools and
 *   ThreatExchange exports, `hash,quality[,name]`, are read too: without a header, a second
 *   column that is a whole number from 0 to 100 is the hash's quality, and hashes of quality
 *   below 50 (PDQ's threshold) are skipped, as PDQ advises. ThreatExchange's `pdq,<hash>`
 *   (signal type, value) lines are read too. Blank lines and lines starting with `#` are
 *   skipped. (A label that is a bare number from 0 to 100 needs a header `pdq,label`.)
 *
 * A hash may be written `pdq:<hex>`, in either case. An invalid line refuses the whole file,
 * naming the line (up to ten of them); nothing is stored.
 */
import { type Command, Option } from 'commander';
import { BANK_KINDS } from '../store/repositories.js';
import type { BankFlags } from './bank-run.js';
import type { ServiceFlags, ServiceIo } from './service-run.js';

const running = () => import('./bank-run.js');

// ---------------------------------------------------------------------------------------------

const withServiceFlags = (command: Command): Command =>
  command
    .option('--config <file>', 'JSON configuration file (default: $VIGIL_CONFIG)')
    .option('--data-dir <dir>', 'data folder for the SQLite database (default .vigil)')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent');

const acting = (command: Command): Command =>
  withServiceFlags(command).requiredOption(
    '--as <email>',
    'the account acting (created with `vigil user add`; needs an admin role)',
  );

export function registerBankCommands(program: Command, io: ServiceIo): void {
  const bank = program
    .command('bank')
    .description(
      'Hash banks: PDQ hashes of known images (victim photos, abuse material), never the images. Analysed items whose pdq: images match one carry an indicator naming the bank.',
    );
  acting(
    bank
      .command('create')
      .description('Create a hash bank.')
      .argument('<name>', 'a unique name')
      .addOption(
        new Option('--kind <kind>', 'what the bank holds')
          .choices([...BANK_KINDS])
          .makeOptionMandatory(),
      )
      .option('--description <text>', 'what it is, who supplied it'),
  ).action(async (name: string, flags: BankFlags & { kind: string; description?: string }) =>
    (await running()).bankCreate(name, flags, io),
  );
  acting(
    bank
      .command('import')
      .description(
        'Add the hashes of a JSON or CSV file to a bank (pdq[,label] lines, hash,quality lines of PDQ tools, or [{"pdq","label"}]); up to 1,000,000 per import. An invalid line refuses the file, naming it.',
      )
      .argument('<name>', 'the bank (its name or id)')
      .argument('<file>', 'the JSON or CSV file'),
  ).action(async (name: string, file: string, flags: BankFlags) =>
    (await running()).bankImport(name, file, flags, io),
  );
  withServiceFlags(
    bank
      .command('list')
      .description('List the hash banks (names, kinds, sizes; never their hashes).')
      .option('--json', 'print JSON', false),
  ).action(async (flags: ServiceFlags & { json: boolean }) =>
    (await running()).bankList(flags, io),
  );
  acting(
    bank
      .command('delete')
      .description('Delete a hash bank and its hashes.')
      .argument('<name>', 'the bank (its name or id)'),
  ).action(async (name: string, flags: BankFlags) => (await running()).bankDelete(name, flags, io));
}
