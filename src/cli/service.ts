/**
 * Vigil as a service, from the command line: `vigil start` (what `npm start` runs), `serve`,
 * `worker`, `ingest`, `user add` and `apikey create`. Registration only: the work, which loads
 * the HTTP server, the database and the analysis engine, is in service-run.ts and is loaded
 * only when one of these commands runs.
 */
import type { Command } from 'commander';
import type { ServiceFlags, ServiceIo } from './service-run.js';

export type { ServiceFlags, ServiceIo };

const running = () => import('./service-run.js');
const ROLE_NAMES = 'admin, reviewer, investigator, advocate, auditor';
const collect = (value: string, previous: string[]): string[] => [...previous, value];

const withServiceFlags = (command: Command): Command =>
  command
    .option('--config <file>', 'JSON configuration file (default: $VIGIL_CONFIG)')
    .option('--data-dir <dir>', 'data folder for the SQLite database (default .vigil)')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent');

export function registerServiceCommands(program: Command, io: ServiceIo): void {
  withServiceFlags(
    program
      .command('start')
      .description(
        'Run Vigil as a service on the embedded database; on first start, create the admin login and load the demo corpus through the ingest path.',
      )
      .option('--port <port>', 'port to listen on (0 picks a free one)')
      .option('--host <host>', 'address to bind (default 127.0.0.1)')
      .option('--workers <n>', 'worker processes analysing ingested items', '1')
      .option('--demo-items <n>', 'items of the demo corpus loaded on first start', '20000'),
  ).action(async (flags: ServiceFlags & { workers: string; demoItems: string }) =>
    (await running()).start(flags, io),
  );

  withServiceFlags(
    program
      .command('serve')
      .description('Run the HTTP API (and worker processes) on the configured database.')
      .option('--port <port>', 'port to listen on (0 picks a free one)')
      .option('--host <host>', 'address to bind (default 127.0.0.1)')
      .option('--workers <n>', 'worker processes analysing ingested items', '1'),
  ).action(async (flags: ServiceFlags & { workers: string }) =>
    (await running()).serveCommand(flags, io),
  );

  withServiceFlags(
    program
      .command('worker')
      .description('Analyse ingested items: claim jobs from the database queue until stopped.')
      .option('--batch <n>', 'jobs claimed at a time', '4')
      .option('--id <id>', 'this worker’s name in the queue (default host:pid)')
      .option('--until-idle', 'stop once no job is ready (a one-off run, e.g. from cron)', false),
  ).action(async (flags: ServiceFlags & { batch: string; id?: string; untilIdle?: boolean }) =>
    (await running()).worker(flags, io),
  );

  withServiceFlags(
    program
      .command('ingest')
      .description(
        'Store items from a file (JSONL or CSV) and queue their analysis; items already stored (same source and id) are skipped.',
      )
      .argument('<file>', 'items file (.jsonl, .csv, .tsv, optionally .gz)')
      .option('--source <name>', 'where the items come from', 'default'),
  ).action(async (file: string, flags: ServiceFlags & { source: string }) =>
    (await running()).ingest(file, flags, io),
  );

  const user = program.command('user').description('Manage user accounts.');
  withServiceFlags(
    user
      .command('add')
      .description('Create a user account; prints a generated password once.')
      .requiredOption('--email <email>', 'sign-in email')
      .requiredOption('--name <name>', 'display name')
      .option('--role <role>', `role (${ROLE_NAMES}); repeat for several`, collect, []),
  ).action(async (flags: ServiceFlags & { email: string; name: string; role: string[] }) =>
    (await running()).userAdd(flags, io),
  );

  const apikey = program.command('apikey').description('Manage API keys.');
  withServiceFlags(
    apikey
      .command('create')
      .description('Create an API key for an account; prints the key once.')
      .requiredOption('--email <email>', 'the account the key acts as')
      .option('--name <label>', 'what the key is for', 'cli'),
  ).action(async (flags: ServiceFlags & { email: string; name: string }) =>
    (await running()).apikeyCreate(flags, io),
  );

  const retention = program
    .command('retention')
    .description('Retention: delete what has outlived its retention period.');
  withServiceFlags(
    retention
      .command('run')
      .description(
        'Run retention once: delete expired items, shred victim data and dispose of evidence of cases closed longer than their periods, unless a legal hold or a case keeps them; each deletion leaves a custody event.',
      )
      .option('--dry-run', 'print what would be deleted and what holds keep; delete nothing')
      .option('--items-days <n>', 'keep items this many days (default: the configuration)')
      .option('--victim-data-days <n>', 'keep victim data this many days after the case closed')
      .option('--evidence-days <n>', 'keep evidence this many days after its cases closed'),
  ).action(
    async (
      flags: ServiceFlags & {
        dryRun?: boolean;
        itemsDays?: string;
        victimDataDays?: string;
        evidenceDays?: string;
      },
    ) => (await running()).retentionRun(flags, io),
  );

  // `vigil victim-key new|rotate`: the work is in victim-key-run.ts.
  const victimKeys = () => import('./victim-key-run.js');
  const victimKey = program
    .command('victim-key')
    .description(
      'The master key that wraps victims’ data keys (VIGIL_VICTIM_MASTER_KEY): make one, rotate to one.',
    );
  victimKey
    .command('new')
    .description('Print a fresh random master key (64 hex); keep it apart from the database.')
    .action(async () => (await victimKeys()).victimKeyNew(io));
  withServiceFlags(
    victimKey
      .command('rotate')
      .summary('rewrap victim records under a new master key (stop the service first)')
      .description(
        'Rewrap every victim record from the configured master key (VIGIL_VICTIM_MASTER_KEY) to a new one, read from VIGIL_NEW_VICTIM_MASTER_KEY or --new-key-file (never the command line). Only the wrapped data keys change; safe to run again after an interruption. Stop the service during the rotation, or restart it with the new key right after: records rewrapped under the new key do not open with the old one. Exits non-zero if any record is under an unknown key.',
      )
      .option('--new-key-file <file>', 'file holding the new key (64 hex characters)'),
  ).action(async (flags: ServiceFlags & { newKeyFile?: string }) =>
    (await victimKeys()).victimKeyRotate(flags, io),
  );
}
