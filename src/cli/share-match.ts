/**
 * `vigil share match <partner-org>`: private matching with a partner instance (docs/psi.md,
 * docs/sharing.md "Private matching"). Registration only (called from share.ts with the `share`
 * command); the work is in share-match-run.ts, loaded when it runs.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { PURPOSES } from '../share/agreement.js';
import type { ServiceIo } from './service-run.js';
import type { ShareMatchFlags } from './share-match-run.js';

const running = () => import('./share-match-run.js');

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 3600) {
    throw new InvalidArgumentError('expected a whole number of seconds from 1 to 3600');
  }
  return n;
}

/** Adds `match` to the `vigil share` command. */
export function registerShareMatchCommand(share: Command, io: ServiceIo): void {
  share
    .command('match')
    .description(
      'Learn which phones, emails, handles and wallets a partner holds too, and nothing else ' +
        '(ECDH-PSI, docs/psi.md). Sends this instance’s blinded identifiers to the partner’s URL, ' +
        'signed with the organisation key; the partner learns only how many. Needs share:use, ' +
        'a confirmed partner and an agreement allowing indicators.',
    )
    .argument('<partner-org>', 'the partner’s organisation id')
    .requiredOption('--agreement <id>', 'the agreement both instances registered')
    .requiredOption('--as <email>', 'the account acting (needs share:use)')
    .addOption(
      new Option('--purpose <purpose>', 'why you ask (one of the agreement’s purposes)')
        .choices([...PURPOSES])
        .default('investigation'),
    )
    .option('--timeout <seconds>', 'how long to wait for the partner', seconds, 600)
    .option('--config <file>', 'JSON configuration file (default: $VIGIL_CONFIG)')
    .option('--data-dir <dir>', 'data folder (default .vigil)')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent')
    .option('--json', 'print JSON', false)
    .action(async (org: string, flags: ShareMatchFlags) =>
      (await running()).shareMatch(org, flags, io),
    );
}
