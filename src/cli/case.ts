/**
 * Cases from the command line: open a case, list and show one's cases, change them, manage
 * their members, links, notes and tasks, and read their timeline, through the same units of
 * work as the HTTP API (store/case-service.ts), on the configured database. Every command names
 * the acting account (`--as`): cases are need-to-know, so what a command shows or changes
 * depends on who asks. Registration only: the work is in case-run.ts, loaded only when one of
 * these commands runs, so that `vigil scan` and the others do not pay for the database layer.
 */
import { Argument, type Command, Option } from 'commander';
import {
  CASE_LINK_KINDS,
  CASE_ROLES,
  CASE_STATUSES,
  type CaseLinkKind,
  type CaseRole,
  type CaseStatus,
  PERSON_KINDS,
  type PersonKind,
  TLP_LEVELS,
  type Tlp,
} from '../store/repositories.js';
import type { PersonIo } from './case-persons-run.js';
import type { CaseFlags } from './case-run.js';
import { integer } from './option-parsers.js';

const running = () => import('./case-run.js');
const persons = () => import('./case-persons-run.js');
const evidence = () => import('./case-evidence-run.js');

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

const statusOption = (description: string) =>
  new Option('--status <status>', description).choices(CASE_STATUSES);
const tlpOption = (description: string) =>
  new Option('--tlp <tlp>', description).choices(TLP_LEVELS);
const kindArgument = () =>
  new Argument('<kind>', 'item, network, template or evidence').choices(CASE_LINK_KINDS);

/** `--as` and the service options, plus the case id argument. */
export function registerCaseCommands(program: Command, io: PersonIo): void {
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
      .addOption(tlpOption('Traffic Light Protocol marking').default('amber'))
      .option('--network <id...>', 'open it from these networks: they are linked at once')
      .option('--item <id...>', 'open it from these items (their Vigil ids): linked at once'),
  ).action(
    async (flags: CaseFlags & { title: string; tlp: Tlp; network?: string[]; item?: string[] }) =>
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

  const person = kase
    .command('person')
    .description('The suspects and victims of a case; victims’ personal data is sealed.');
  acting(
    person
      .command('add')
      .description('Add a suspect or victim (members other than observers).')
      .argument('<id>', 'the case id')
      .addOption(
        new Option('--kind <kind>', 'suspect or victim')
          .choices(PERSON_KINDS)
          .makeOptionMandatory(),
      )
      .requiredOption(
        '--label <label>',
        'an alias or label, never a real name (1 to 200 characters)',
      )
      .option('--identifier <value...>', 'identifiers seen online: phone numbers, handles, e-mails')
      .option('--item <id...>', 'items (their Vigil ids) the person appears in')
      .option(
        '--victim-data <file>',
        'a victim’s personal data as a JSON file ("-" reads stdin), sealed with the master key; never on the command line',
      ),
  ).action(
    async (
      id: string,
      flags: CaseFlags & {
        kind: PersonKind;
        label: string;
        identifier?: string[];
        item?: string[];
        victimData?: string;
      },
    ) => (await persons()).personAdd(id, flags, io),
  );
  acting(
    person
      .command('list')
      .description('The persons of a case, public fields only (members).')
      .argument('<id>', 'the case id'),
  ).action(async (id: string, flags: CaseFlags) => (await persons()).personList(id, flags, io));
  acting(
    person
      .command('open')
      .description(
        'Print a victim’s personal data (members granted it); the opening is a custody event.',
      )
      .argument('<id>', 'the case id')
      .argument('<personId>', 'the person id'),
  ).action(async (id: string, personId: string, flags: CaseFlags) =>
    (await persons()).personOpen(id, personId, flags, io),
  );
  acting(
    person
      .command('shred')
      .description('Destroy a victim’s personal data for good (leads): its key is destroyed.')
      .argument('<id>', 'the case id')
      .argument('<personId>', 'the person id')
      .option('--yes', 'confirm: this cannot be undone', false),
  ).action(async (id: string, personId: string, flags: CaseFlags & { yes?: boolean }) =>
    (await persons()).personShred(id, personId, flags, io),
  );
  acting(
    kase
      .command('grant')
      .description('Let a member open the case’s victim data (leads); each opening is recorded.')
      .argument('<id>', 'the case id')
      .argument('<email>', 'the member’s account email'),
  ).action(async (id: string, email: string, flags: CaseFlags) =>
    (await persons()).grant(id, email, false, flags, io),
  );
  acting(
    kase
      .command('revoke')
      .description('Withdraw a member’s grant to open victim data (leads).')
      .argument('<id>', 'the case id')
      .argument('<email>', 'the member’s account email'),
  ).action(async (id: string, email: string, flags: CaseFlags) =>
    (await persons()).grant(id, email, true, flags, io),
  );

  acting(
    kase
      .command('evidence')
      .description('The evidence sealed in a case and its capture requests (members).')
      .argument('<id>', 'the case id'),
  ).action(async (id: string, flags: CaseFlags) =>
    (await evidence()).caseEvidenceList(id, flags, io),
  );
  acting(
    kase
      .command('capture')
      .description(
        'Capture a web page into a case now (members other than observers): WARC, screenshot, HTML, headers, image metadata.',
      )
      .argument('<id>', 'the case id')
      .argument('<url>', 'the http or https address')
      .option('--purpose <text>', 'why it is captured')
      .option('--legal-basis <text>', 'authority for the capture (warrant, order, policy)')
      .option('--timeout-ms <n>', 'how long the page may take to load', integer(1000, 600_000)),
  ).action(
    async (
      id: string,
      url: string,
      flags: CaseFlags & { purpose?: string; legalBasis?: string; timeoutMs?: number },
    ) => (await evidence()).caseCapture(id, url, flags, io),
  );
  acting(
    kase
      .command('export')
      .description(
        'Write the court package: a verifiable evidence bundle with a printable case report (members other than observers). Victims appear by number only unless --include-victim-data.',
      )
      .argument('<id>', 'the case id')
      .requiredOption('--out <dir>', 'the folder to create (or zip file with --zip)')
      .option('--zip', 'write one zip file', false)
      .option('--purpose <text>', 'why it is exported', 'Court package')
      .option('--recipient <text>', 'who receives it, e.g. "Prosecutor, Unit 5"')
      .option('--legal-basis <text>', 'the authority for the disclosure')
      .option(
        '--include-victim-data',
        'include victims’ personal data (leads with a grant; needs --authorization)',
        false,
      )
      .option(
        '--authorization <text>',
        'what authorizes disclosing victim data (court order, consent)',
      ),
  ).action(
    async (
      id: string,
      flags: CaseFlags & {
        out: string;
        zip?: boolean;
        purpose?: string;
        recipient?: string;
        legalBasis?: string;
        includeVictimData?: boolean;
        authorization?: string;
      },
    ) => (await evidence()).caseExport(id, flags, io),
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
