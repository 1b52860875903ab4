/**
 * Notice and action from the command line: every step of the workflow (notices, orders, the
 * review queue, decisions, appeals, referrals, legal holds, item deletion, the transparency
 * report), through the same units of work as the HTTP API (store/workflow-service.ts), on the
 * configured database. Registration only: the work is in workflow-run.ts, loaded only when one
 * of these commands runs, so that `vigil scan` and the others do not pay for the database layer.
 */
import { Argument, type Command, Option } from 'commander';
import { integer } from './option-parsers.js';
import type { ServiceFlags, ServiceIo } from './service-run.js';
import type { ActingFlags } from './workflow-run.js';

const running = () => import('./workflow-run.js');

// The same three options as service.ts's withServiceFlags (not exported from there): every
// workflow command opens the configured database.
const withServiceFlags = (command: Command): Command =>
  command
    .option('--config <file>', 'JSON configuration file (default: $VIGIL_CONFIG)')
    .option('--data-dir <dir>', 'data folder for the SQLite database (default .vigil)')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent');

/**
 * A command that changes something: it names the acting account, whose roles must grant what
 * the matching API route requires, and who is recorded in the audit log.
 */
const acting = (command: Command): Command =>
  withServiceFlags(command).requiredOption(
    '--as <email>',
    'the account acting (created with `vigil user add`)',
  );

type Flags = ServiceFlags & { json?: boolean };

export function registerWorkflowCommands(program: Command, io: ServiceIo): void {
  // ---- Notices and orders ----------------------------------------------------------------

  const notice = program.command('notice').description('Notices about content (DSA Art. 16).');
  acting(
    notice
      .command('add')
      .description(
        'Record a notice and queue it for review; prints the stored notice with its confirmation of receipt (Art. 16(4)).',
      )
      .argument('<file>', 'the notice as JSON: notifier, explanation, locations, goodFaith, …')
      .option('--allow-incomplete', 'record a notice missing an Art. 16(2) element', false)
      .option('--source <name>', 'the source of the item ids the notice names', 'default'),
  ).action(
    async (file: string, flags: ActingFlags & { allowIncomplete: boolean; source: string }) =>
      (await running()).noticeAdd(file, flags, io),
  );
  withServiceFlags(
    notice
      .command('list')
      .description('List notices, newest first.')
      .addOption(
        new Option('--state <state>', 'only open or decided ones').choices(['open', 'decided']),
      )
      .option('--limit <n>', 'notices to list', integer(1, 500), 50)
      .option('--json', 'print JSON', false),
  ).action(async (flags: Flags & { state?: 'open' | 'decided'; limit: number }) =>
    (await running()).noticeList(flags, io),
  );

  const order = program.command('order').description('Orders from authorities (DSA Arts 9, 10).');
  acting(
    order
      .command('add')
      .description('Record an order and queue it, ranked by its deadline; prints the stored order.')
      .argument('<file>', 'the order as JSON: kind, issuingAuthority, legalBasis, deadline, …')
      .option('--source <name>', 'the source of the item ids the order names', 'default'),
  ).action(async (file: string, flags: ActingFlags & { source: string }) =>
    (await running()).orderAdd(file, flags, io),
  );

  // ---- The review queue ------------------------------------------------------------------

  const queue = program.command('queue').description('The review queue.');
  withServiceFlags(
    queue
      .command('list')
      .description(
        'The pending review jobs in priority order (risk, source, legal deadline, age), with the reasons for each place.',
      )
      .option('--limit <n>', 'jobs to list', integer(1, 500), 50)
      .option('--json', 'print JSON', false),
  ).action(async (flags: Flags & { limit: number }) => (await running()).queueList(flags, io));
  acting(
    queue
      .command('claim')
      .description(
        'Claim the next job in priority order that nobody holds; prints it (JSON), or says that nothing waits.',
      ),
  ).action(async (flags: ActingFlags) => (await running()).queueClaim(flags, io));
  acting(
    queue
      .command('release')
      .description('Give a claimed job back to the queue.')
      .argument('<job>', 'the review job id')
      .option('--skip', 'offer other jobs first on your next claims', false),
  ).action(async (job: string, flags: ActingFlags & { skip: boolean }) =>
    (await running()).queueRelease(job, flags, io),
  );
  acting(
    queue
      .command('flag')
      .description('Queue stored items for review on the platform’s own initiative.')
      .argument('<itemIds...>', 'Vigil item ids, or the platform’s ids in --source (1 to 100)')
      .option('--source <name>', 'the source of the platform’s ids', 'default'),
  ).action(async (itemIds: string[], flags: ActingFlags & { source: string }) =>
    (await running()).queueFlag(itemIds, flags, io),
  );

  // ---- Decisions and appeals -------------------------------------------------------------

  acting(
    program
      .command('decide')
      .description(
        'Decide a job you claimed: prints the statement of reasons (Art. 17), then the decision id. With --preview nothing is recorded.',
      )
      .argument('<job>', 'the review job id')
      .argument('<file>', 'the decision as JSON: restrictions, ground, facts, category, …')
      .option('--preview', 'show the statement of reasons without recording anything', false)
      .option('--json', 'print the stored decision as JSON', false),
  ).action(async (job: string, file: string, flags: ActingFlags & Flags & { preview: boolean }) =>
    (await running()).decideJob(job, file, flags, io),
  );

  const appeal = program.command('appeal').description('Appeals (DSA Art. 20).');
  acting(
    appeal
      .command('file')
      .description(
        'File an appeal against a decision; it is queued for a reviewer other than the one who decided.',
      )
      .argument('<decision>', 'the decision id')
      .argument('<file>', 'JSON: {"complainant": {"id", "role"}, "reason"?}'),
  ).action(async (decision: string, file: string, flags: ActingFlags) =>
    (await running()).appealFile(decision, file, flags, io),
  );
  acting(
    appeal
      .command('decide')
      .description('Decide an appeal whose review job you claimed.')
      .argument('<appeal>', 'the appeal id')
      .argument('<file>', 'JSON: {"outcome", "lift"?, "reasons"}'),
  ).action(async (id: string, file: string, flags: ActingFlags) =>
    (await running()).appealDecide(id, file, flags, io),
  );

  // ---- Referrals and holds ---------------------------------------------------------------

  const referral = program
    .command('referral')
    .description('Referrals to authorities (DSA Art. 18, CyberTipline).');
  acting(
    referral
      .command('add')
      .description('Draft a referral; prints it.')
      .argument('<file>', 'the referral as JSON: kind, destination, source, facts, …'),
  ).action(async (file: string, flags: ActingFlags) =>
    (await running()).referralAdd(file, flags, io),
  );
  withServiceFlags(
    referral
      .command('payload')
      .description(
        'Print what the referral sends: the Art. 18 notification (JSON) or the CyberTipline report (XML).',
      )
      .argument('<id>', 'the referral id'),
  ).action(async (id: string, flags: ServiceFlags) =>
    (await running()).referralPayloadOf(id, flags, io),
  );
  acting(
    referral
      .command('submit')
      .description(
        'Queue the referral’s delivery to its configured endpoint (sent by `vigil worker`); refused when none is configured.',
      )
      .argument('<id>', 'the referral id'),
  ).action(async (id: string, flags: ActingFlags) =>
    (await running()).referralSubmit(id, flags, io),
  );
  acting(
    referral
      .command('event')
      .description(
        'Record a referral’s progress made through another channel: submit, acknowledge or fail.',
      )
      .argument('<id>', 'the referral id')
      .addArgument(
        new Argument('<event>', 'submit, acknowledge or fail').choices([
          'submit',
          'acknowledge',
          'fail',
        ]),
      )
      .option('--external-id <id>', 'the recipient’s reference (acknowledge)')
      .option('--reason <text>', 'why it failed (fail)'),
  ).action(
    async (
      id: string,
      event: 'submit' | 'acknowledge' | 'fail',
      flags: ActingFlags & { externalId?: string; reason?: string },
    ) => (await running()).referralEventOf(id, event, flags, io),
  );

  const hold = program.command('hold').description('Legal holds: data under a hold is kept.');
  acting(
    hold
      .command('add')
      .description('Record a legal hold; prints it with its expiry.')
      .argument('<file>', 'the hold as JSON: basis, scope, start (default now), reference'),
  ).action(async (file: string, flags: ActingFlags) => (await running()).holdAdd(file, flags, io));
  withServiceFlags(
    hold
      .command('list')
      .description('List legal holds.')
      .option('--limit <n>', 'holds to list', integer(1, 500), 50)
      .option('--json', 'print JSON', false),
  ).action(async (flags: Flags & { limit: number }) => (await running()).holdList(flags, io));
  acting(
    hold
      .command('renew')
      .description('Renew a hold (2703(f), e-Evidence preservation).')
      .argument('<id>', 'the hold id'),
  ).action(async (id: string, flags: ActingFlags) => (await running()).holdRenew(id, flags, io));
  acting(
    hold
      .command('release')
      .description('Release a hold.')
      .argument('<id>', 'the hold id')
      .requiredOption('--reason <text>', 'why it is released'),
  ).action(async (id: string, flags: ActingFlags & { reason: string }) =>
    (await running()).holdRelease(id, flags, io),
  );
  withServiceFlags(
    hold
      .command('reminders')
      .description('Holds ending soon: what to renew or let lapse.')
      .option('--days <n>', 'how far ahead to look', integer(1, 365), 14)
      .option('--json', 'print JSON', false),
  ).action(async (flags: Flags & { days: number }) =>
    (await running()).holdReminderList(flags, io),
  );

  // ---- Items and the transparency report -------------------------------------------------

  const item = program.command('item').description('Stored items.');
  acting(
    item
      .command('delete')
      .description('Delete a stored item; refused while a legal hold covers it.')
      .argument('<id>', 'the Vigil item id, or the platform’s id with --source')
      .option('--source <name>', 'take <id> as the platform’s id in this source'),
  ).action(async (id: string, flags: ActingFlags & { source?: string }) =>
    (await running()).itemDelete(id, flags, io),
  );

  withServiceFlags(
    program
      .command('transparency')
      .description(
        'The transparency report of a period [from, to): notices, decisions, appeals, median times.',
      )
      .requiredOption('--from <iso>', 'start of the period (inclusive), ISO 8601')
      .requiredOption('--to <iso>', 'end of the period (exclusive), ISO 8601')
      .addOption(
        new Option('--format <format>', 'json or csv').choices(['json', 'csv']).default('json'),
      )
      .option('--out <file>', 'write the report to this file instead of stdout'),
  ).action(
    async (
      flags: ServiceFlags & { from: string; to: string; format: 'json' | 'csv'; out?: string },
    ) => (await running()).transparency(flags, io),
  );
}
