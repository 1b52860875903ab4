/**
 * `vigil share …`: sharing with partner organisations under agreements (docs/sharing.md) —
 * this instance's keys, partners confirmed out of band, agreements, packages sent and received,
 * and private matching. Registration only: the work is in share-run.ts, loaded when it runs.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { PURPOSES } from '../share/agreement.js';
import { PAP_LEVELS, TLP_LEVELS } from '../share/markings.js';
import { integer } from './option-parsers.js';
import type { ServiceIo } from './service-run.js';
import { registerShareMatchCommand } from './share-match.js';
import type { ShareFlags } from './share-run.js';

const running = () => import('./share-run.js');
const PARTS = ['evidence', 'indicators', 'summary'] as const;

const service = (command: Command): Command =>
  command
    .option('--config <file>', 'JSON configuration file (default: $VIGIL_CONFIG)')
    .option('--data-dir <dir>', 'data folder (default .vigil)')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent')
    .option('--json', 'print JSON', false);
const acting = (command: Command): Command =>
  service(command).requiredOption('--as <email>', 'the account acting');

function parts(value: string): string[] {
  const list = value.split(',').map((part) => part.trim());
  for (const part of list) {
    if (!(PARTS as readonly string[]).includes(part)) {
      throw new InvalidArgumentError(`expected some of ${PARTS.join(', ')}, separated by commas`);
    }
  }
  return list;
}

export function registerShareCommands(program: Command, io: ServiceIo): void {
  const share = program
    .command('share')
    .description('Share with partner organisations under agreements (docs/sharing.md).');

  service(
    share
      .command('init')
      .description('Create this instance’s organisation keys; prints the public line for partners.')
      .requiredOption('--org <id>', 'your organisation id, e.g. de-lka-berlin'),
  ).action(async (flags: ShareFlags & { org: string }) => (await running()).shareInit(flags, io));
  service(
    share
      .command('key')
      .description(
        'Print the public key line, its fingerprint and the evidence log key(s) for partners.',
      ),
  ).action(async (flags: ShareFlags) => (await running()).shareKey(flags, io));

  const partner = share.command('partner').description('Partner organisations.');
  acting(
    partner
      .command('add')
      .description('Register a partner by its public key line (share:manage).')
      .requiredOption('--key <line>', 'the partner’s `vigil share key` line')
      .requiredOption('--name <name>', 'the organisation’s name')
      .option('--url <url>', 'its instance’s base URL, for --send and matching')
      .option('--log-key <line...>', 'its evidence log key(s), to verify the evidence it sends'),
  ).action(async (flags) => (await running()).partnerAdd(flags, io));
  acting(
    partner
      .command('confirm')
      .description('Record that you compared the partner’s fingerprint out of band (share:manage).')
      .argument('<org>', 'the partner’s organisation id')
      .requiredOption('--fingerprint <text>', 'the fingerprint the partner read to you'),
  ).action(async (org: string, flags) => (await running()).partnerConfirm(org, flags, io));
  service(partner.command('list').description('The registered partners.')).action(
    async (flags: ShareFlags) => (await running()).partnerList(flags, io),
  );

  const agreement = share.command('agreement').description('Data-sharing agreements.');
  acting(
    agreement
      .command('add')
      .description('Record an agreement from a JSON file (share:manage).')
      .argument('<file>', 'the agreement as JSON (docs/sharing.md)'),
  ).action(async (file: string, flags: ShareFlags) =>
    (await running()).agreementAdd(file, flags, io),
  );
  service(agreement.command('list').description('The recorded agreements.')).action(
    async (flags: ShareFlags) => (await running()).agreementList(flags, io),
  );

  acting(
    share
      .command('export')
      .description(
        'Package a case for a partner: refused unless the agreement allows it (share:use, leads of the case).',
      )
      .argument('<caseId>', 'the case')
      .requiredOption('--to <org>', 'the partner')
      .requiredOption('--agreement <id>', 'the agreement it is shared under')
      .addOption(new Option('--purpose <purpose>', 'why').choices(PURPOSES).makeOptionMandatory())
      .option('--include <parts>', 'evidence, indicators, summary (comma-separated)', parts, [
        'evidence',
        'indicators',
      ])
      .addOption(new Option('--tlp <tlp>', 'marking (default: the case’s)').choices(TLP_LEVELS))
      .addOption(
        new Option('--pap <pap>', 'marking (default: the agreement’s ceiling)').choices(PAP_LEVELS),
      )
      .option('--out <file>', 'write the package to this file')
      .option('--send', 'deliver it to the partner’s inbox', false),
  ).action(async (caseId: string, flags) => (await running()).shareExport(caseId, flags, io));
  acting(
    share
      .command('import')
      .description('Verify and keep a package file a partner sent (share:use).')
      .argument('<file>', 'the package'),
  ).action(async (file: string, flags: ShareFlags) =>
    (await running()).shareImport(file, flags, io),
  );
  acting(
    share
      .command('inbox')
      .description('Packages sent and received, newest first (share:use).')
      .option('--limit <n>', 'how many (1 to 500)', integer(1, 500), 50),
  ).action(async (flags) => (await running()).shareInbox(flags, io));
  acting(
    share
      .command('accept')
      .description('Seal a received package’s files as evidence of a case (share:use).')
      .argument('<packageId>', 'the package')
      .requiredOption('--case <id>', 'the case'),
  ).action(async (id: string, flags) => (await running()).shareAccept(id, flags, io));

  registerShareMatchCommand(share, io);
}
