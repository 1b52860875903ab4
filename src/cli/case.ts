/**
 * Cases from the command line: open a case, list and show one's cases, change them, manage
 * their members, links, notes and tasks, and read their timeline, through the same units of
 * work as the HTTP API (store/case-service.ts), on the configured database. Every command names
 * the acting account (`--as`): cases are need-to-know, so what a command shows or changes
 * depends on who asks. Registration only: the work is in case-run.ts, loaded only when one of
 * these commands runs, so that `vigil scan` and the others do not pay for the database layer.
 */
import { Argument, type Command, InvalidArgumentError, Option } from 'commander';
import {
  CASE_LINK_KINDS,
  CASE_ROLES,
  CASE_STATUSES,
  type CaseLinkKind,
  type CaseRole,
  type CaseStatus,
  TLP_LEVELS,
  type Tlp,
} from '../store/repositories.js';
import type { CaseFlags } from './case-run.js';
import type { ServiceIo } from './service-run.js';

const running = () => import('./case-run.js');

/**
 * The service options of the workflow commands (workflow.ts), and `--as`: every case command
 * acts as an account, whose membership of the case decides what it may see and do.
 */
const acting = (command: Command): Command =>
  command
    .option('--config <file>', 'JSON configuration file (default: $VIGIL_CONFIG)')
    .option('--data-dir <dir>', 'data folder for the SQLite database (default .vigil)')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent')
    .requiredOption('--as <email>', 'the account acting (created with `vigil user add`)')
    .option('--json', 'print JSON, as the API returns it', false);

function integer(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

const statusOption = (description: string) =>
  new Option('--status <status>', description).choices(CASE_STATUSES);
const tlpOption = (description: string) =>
  new Option('--tlp <tlp>', description).choices(TLP_LEVELS);
const kindArgument = () =>
  new Argument('<kind>', 'item, network, template or evidence').choices(CASE_LINK_KINDS);

export function registerCaseCommands(program: Command, io: ServiceIo): void {
  const kase = program
    .command('case')
    .description(
      'Investigation cases, need-to-know: only their members (and admins) see them (`cases:use`).',
    );

  acting(
    kase
      .command('create')
      .description('Open a case; you become its lead. Prints the case id and a summary.')
      .requiredOption('--title <title>', 'the case title (1 to 200 characters)')
      .addOption(tlpOption('Traffic Light Protocol marking').default('amber')),
  ).action(async (flags: CaseFlags & { title: string; tlp: Tlp }) =>
    (await running()).caseCreate(flags, io),
  );

  acting(
    kase
      .command('list')
      .description('Your cases (an admin’s: every case), newest first.')
      .addOption(statusOption('only cases with this status'))
      .option('--limit <n>', 'cases to list', integer(1, 500), 50),
  ).action(async (flags: CaseFlags & { status?: CaseStatus; limit: number }) =>
    (await running()).caseList(flags, io),
  );

  acting(
    kase
      .command('show')
      .description('A case with its members, links, notes and tasks.')
      .argument('<id>', 'the case id'),
  ).action(async (id: string, flags: CaseFlags) => (await running()).caseShow(id, flags, io));

  acting(
    kase
      .command('update')
      .description('Change the title, status or marking of a case (its leads only).')
      .argument('<id>', 'the case id')
      .option('--title <title>', 'the new title (1 to 200 characters)')
      .addOption(statusOption('the new status'))
      .addOption(tlpOption('the new Traffic Light Protocol marking')),
  ).action(
    async (id: string, flags: CaseFlags & { title?: string; status?: CaseStatus; tlp?: Tlp }) =>
      (await running()).caseUpdate(id, flags, io),
  );

  const member = kase.command('member').description('The members of a case (its leads only).');
  acting(
    member
      .command('add')
      .description('Add a member to a case, or change a member’s role.')
      .argument('<id>', 'the case id')
      .argument('<email>', 'the member’s account email')
      .addOption(
        new Option('--role <role>', 'the role in the case')
          .choices(CASE_ROLES)
          .makeOptionMandatory(),
      ),
  ).action(async (id: string, email: string, flags: CaseFlags & { role: CaseRole }) =>
    (await running()).caseMemberAdd(id, email, flags, io),
  );
  acting(
    member
      .command('remove')
      .description('Remove a member from a case; never its last lead.')
      .argument('<id>', 'the case id')
      .argument('<email>', 'the member’s account email'),
  ).action(async (id: string, email: string, flags: CaseFlags) =>
    (await running()).caseMemberRemove(id, email, flags, io),
  );

  acting(
    kase
      .command('link')
      .description(
        'Link an item, network, template or evidence to a case (members other than observers).',
      )
      .argument('<id>', 'the case id')
      .addArgument(kindArgument())
      .argument('<targetId>', 'the id of what is linked')
      .option('--note <text>', 'why it belongs to the case (up to 2000 characters)')
      .option('--source <name>', 'take an item’s <targetId> as the platform’s id in this source'),
  ).action(
    async (
      id: string,
      kind: CaseLinkKind,
      targetId: string,
      flags: CaseFlags & { note?: string; source?: string },
    ) => (await running()).caseLink(id, kind, targetId, flags, io),
  );
  acting(
    kase
      .command('unlink')
      .description('Remove a link from a case (members other than observers).')
      .argument('<id>', 'the case id')
      .addArgument(kindArgument())
      .argument('<targetId>', 'the id of what is linked')
      .option('--source <name>', 'take an item’s <targetId> as the platform’s id in this source'),
  ).action(
    async (
      id: string,
      kind: CaseLinkKind,
      targetId: string,
      flags: CaseFlags & { source?: string },
    ) => (await running()).caseUnlink(id, kind, targetId, flags, io),
  );

  acting(
    kase
      .command('note')
      .description('Add a note to a case (members other than observers); notes are never changed.')
      .argument('<id>', 'the case id')
      .argument('<text>', 'the note (1 to 20000 characters)'),
  ).action(async (id: string, text: string, flags: CaseFlags) =>
    (await running()).caseNote(id, text, flags, io),
  );

  const task = kase.command('task').description('The tasks of a case.');
  acting(
    task
      .command('add')
      .description('Add a task to a case (members other than observers).')
      .argument('<id>', 'the case id')
      .argument('<title>', 'what is to be done (1 to 200 characters)')
      .option('--assignee <email>', 'a member of the case who is to do it')
      .option('--due <date>', 'when it is due: an ISO 8601 date or date-time'),
  ).action(
    async (id: string, title: string, flags: CaseFlags & { assignee?: string; due?: string }) =>
      (await running()).caseTaskAdd(id, title, flags, io),
  );
  acting(
    task
      .command('done')
      .description('Mark a task of a case done.')
      .argument('<id>', 'the case id')
      .argument('<taskId>', 'the task id'),
  ).action(async (id: string, taskId: string, flags: CaseFlags) =>
    (await running()).caseTaskDone(id, taskId, flags, io),
  );

  acting(
    kase
      .command('timeline')
      .description('What happened in a case, newest first (members only).')
      .argument('<id>', 'the case id')
      .option('--limit <n>', 'entries to list', integer(1, 500), 50),
  ).action(async (id: string, flags: CaseFlags & { limit: number }) =>
    (await running()).caseTimeline(id, flags, io),
  );
}
