#!/usr/bin/env node
/**
 * The `vigil` command: the composition root that reads the command line and the environment,
 * and wires the pure modules to files and threads.
 */
import { availableParallelism } from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';
import { isVigilError, VigilError } from '../shared/errors.js';
import { VIGIL_VERSION as VERSION } from '../shared/version.js';
import { registerBankCommands } from './bank.js';
import { registerCaptureCommand } from './capture.js';
import { registerCaseCommands } from './case.js';
import { registerEvidenceCommands } from './evidence.js';
import type { CsvColumns } from './input.js';
import { registerLawCommands } from './law.js';
import { integer } from './option-parsers.js';
import type { ScanIo } from './scan.js';
import { registerServiceCommands } from './service.js';
import { registerShareCommands } from './share.js';
import { registerWorkflowCommands } from './workflow.js';

// Each command loads what it needs when it runs: the analysis engine and the database layer
// each take a few hundred milliseconds to load, which no other command should pay.
const scanning = () => import('./scan.js');

const io: ScanIo = {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  now: () => Date.now(),
};

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number >= 0');
  return n;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

const CSV_FIELDS = [
  'id',
  'title',
  'body',
  'url',
  'posted_at',
  'city',
  'region',
  'country',
  'language',
  'source',
  'images',
] as const;

export function buildProgram(): Command {
  const program = new Command()
    .name('vigil')
    .description(
      'Explained trafficking signals from online items, and a tamper-evident chain of custody for evidence.',
    )
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)');

  const scan = program
    .command('scan')
    .description('Scan items (JSONL or CSV) for identifiers, trafficking indicators and risk.')
    .argument(
      '[input]',
      'items file (.jsonl, .csv, .tsv, optionally .gz); "-" or nothing reads stdin',
    )
    .option('-o, --out <file>', 'results file (JSONL, one line per item); default stdout')
    .option('-r, --report <file>', 'write an HTML report')
    .addOption(
      new Option('--format <format>', 'input format when the file name does not tell').choices([
        'jsonl',
        'csv',
        'tsv',
      ]),
    )
    .option(
      '-w, --workers <n>',
      'worker threads (0 = main thread)',
      integer(0, 256),
      availableParallelism(),
    )
    .option('--weights <file>', 'rule weights written by "vigil calibrate"')
    .option(
      '--rules <path>',
      'rule file or folder to use instead of the built-in rules (repeatable)',
      collect,
    )
    .option('--strict', 'stop at the first malformed record instead of skipping it', false)
    .option('-q, --quiet', 'no progress or summary on stderr', false)
    .option('--max-line-bytes <n>', 'longest accepted input line', integer(1024, 256 * 1024 * 1024))
    .option('--stats <file>', 'write run statistics (items/s, peak memory) as JSON')
    .option(
      '--link',
      'also group near-duplicate ads into templates and link items into networks; --out is then a folder',
      false,
    )
    .option(
      '--template-threshold <jaccard>',
      'similarity (0.05-1) from which two ads share a template',
      positiveNumber,
    )
    .option(
      '--hub-templates <n>',
      'an identifier on ads of this many unrelated templates is a hub and links nothing',
      integer(2, 1_000_000),
    )
    .option(
      '--template-groups <n>',
      'a template whose ads carry this many unrelated contact groups is generic text and does not join them',
      integer(2, 1_000_000),
    )
    .option(
      '--images <dir>',
      'folder of the items\' image files: relative "images" entries are read from it and PDQ-hashed',
    )
    .option(
      '--image-distance <bits>',
      'with --link: photos whose PDQ hashes differ in at most this many bits are one photo (default 31)',
      integer(0, 64),
    );
  for (const field of CSV_FIELDS) {
    scan.option(`--${field.replace('_', '-')}-column <name>`, `CSV column holding "${field}"`);
  }
  scan.action(async (input: string | undefined, opts: Record<string, unknown>) => {
    const csvColumns: Record<string, string> = {};
    for (const field of CSV_FIELDS) {
      const key = `${field.replace(/_(\w)/, (_m, c: string) => c.toUpperCase())}Column`;
      if (typeof opts[key] === 'string') csvColumns[field] = opts[key];
    }
    const { runScan } = await scanning();
    await runScan(
      {
        ...(input !== undefined && { input }),
        ...(typeof opts.out === 'string' && { out: opts.out }),
        ...(typeof opts.report === 'string' && { report: opts.report }),
        ...(typeof opts.format === 'string' && { format: opts.format }),
        ...(typeof opts.weights === 'string' && { weights: opts.weights }),
        ...(Array.isArray(opts.rules) && { rules: opts.rules as string[] }),
        ...(typeof opts.maxLineBytes === 'number' && { maxLineBytes: opts.maxLineBytes }),
        ...(typeof opts.stats === 'string' && { stats: opts.stats }),
        ...(Object.keys(csvColumns).length > 0 && { csvColumns: csvColumns as CsvColumns }),
        ...(typeof opts.images === 'string' && { images: opts.images }),
        workers: opts.workers as number,
        strict: opts.strict === true,
        quiet: opts.quiet === true,
        ...(opts.link === true && {
          link: {
            ...(typeof opts.templateThreshold === 'number' && {
              threshold: opts.templateThreshold,
            }),
            ...(typeof opts.hubTemplates === 'number' && { hubTemplates: opts.hubTemplates }),
            ...(typeof opts.templateGroups === 'number' && {
              templateGroups: opts.templateGroups,
            }),
            ...(typeof opts.imageDistance === 'number' && { imageDistance: opts.imageDistance }),
          },
        }),
      },
      io,
    );
  });

  program
    .command('hash')
    .description(
      'Print the PDQ perceptual hash (64 hex characters) and quality of each image, as "vigil scan --images" computes it.',
    )
    .argument('<images...>', 'image files (JPEG, PNG, WebP, GIF, TIFF, AVIF)')
    .option('--json', 'one JSON line per image', false)
    .option('--dihedral', 'also the hashes of the eight rotations and mirror images', false)
    .action(async (images: string[], opts: Record<string, unknown>) => {
      const { runHash } = await import('./hash.js');
      await runHash(images, { json: opts.json === true, dihedral: opts.dihedral === true }, io);
    });

  program
    .command('networks')
    .description(
      'Show the networks that "vigil scan --link" found, riskiest first, and write the network report.',
    )
    .argument('<dir>', 'the folder "vigil scan --link --out DIR" wrote')
    .option('-r, --report <file>', 'write the HTML network report')
    .option('--top <n>', 'networks to list', integer(0, 1_000_000), 20)
    .action(async (dir: string, opts: Record<string, unknown>) => {
      const { runNetworks } = await import('./networks.js');
      const result = await runNetworks({
        dir,
        top: opts.top as number,
        now: io.now,
        ...(typeof opts.report === 'string' && { report: opts.report }),
      });
      io.stdout.write(result.lines.map((line) => `${line}\n`).join(''));
      io.stderr.write(
        `${result.networks.toLocaleString('en-US')} networks${typeof opts.report === 'string' ? `; report: ${opts.report}` : ''}\n`,
      );
    });

  program
    .command('calibrate')
    .description(
      'Fit rule weights to labelled items (regularised logistic regression) and report cross-validated precision and recall.',
    )
    .argument('<items>', 'labelled items (JSONL)')
    .option(
      '--labels <file>',
      'ground truth JSONL joined by id (e.g. truth.jsonl from "vigil corpus")',
    )
    .option(
      '--label-field <name>',
      'field holding the label (1/0, true/false, trafficking/scam/benign)',
      'label',
    )
    .option('-o, --out <file>', 'weights file to write', 'weights.json')
    .option('--l2 <lambda>', 'L2 regularisation strength', positiveNumber)
    .option('--folds <k>', 'cross-validation folds', integer(2, 20))
    .option('--seed <n>', 'seed of the fold shuffle', integer(0, 2 ** 31 - 1))
    .option('--rules <path>', 'rule file or folder (repeatable)', collect)
    .option('-q, --quiet', 'print only the result', false)
    .action(async (items: string, opts: Record<string, unknown>) => {
      const out = opts.out as string;
      const { describeCalibration, runCalibrate } = await import('./calibrate.js');
      const result = await runCalibrate(
        {
          input: items,
          out,
          labelField: opts.labelField as string,
          quiet: opts.quiet === true,
          ...(typeof opts.labels === 'string' && { labels: opts.labels }),
          ...(Array.isArray(opts.rules) && { rules: opts.rules as string[] }),
          ...(typeof opts.l2 === 'number' && { l2: opts.l2 }),
          ...(typeof opts.folds === 'number' && { folds: opts.folds }),
          ...(typeof opts.seed === 'number' && { seed: opts.seed }),
        },
        io,
      );
      io.stdout.write(`${describeCalibration(result, out)}\n`);
    });

  program
    .command('rules')
    .description("Check rule files: schema, regex safety, and every rule's own examples.")
    .argument('[paths...]', 'rule files or folders (default: the built-in rules)')
    .action(async (paths: string[]) => {
      const { compileRuleSources, readRuleSources, rulesVersion } = await import(
        './rules-files.js'
      );
      const { checkRuleExamples } = await import('../analyze/examples.js');
      const sources = await readRuleSources(paths.length > 0 ? paths : undefined);
      const rules = compileRuleSources(sources);
      const failures = checkRuleExamples(rules);
      for (const f of failures) {
        io.stderr.write(`${f.rule}: ${f.kind} example ${f.problem}: ${JSON.stringify(f.text)}\n`);
      }
      const examples = rules.rules.reduce(
        (n, r) => n + r.examples.positive.length + r.examples.negative.length,
        0,
      );
      if (failures.length > 0) {
        throw new VigilError(
          'RULE_EXAMPLE_FAILED',
          `${failures.length} of ${examples} rule examples failed (listed above); fix the rules or their examples.`,
        );
      }
      io.stdout.write(
        `${rules.rules.length} rules in ${sources.length} files (${rulesVersion(sources)}): all ${examples} examples behave as declared.\n`,
      );
    });

  program
    .command('corpus')
    .description(
      'Write a synthetic corpus with ground truth (planted networks, scams, benign look-alikes).',
    )
    .option('-n, --n <count>', 'number of items', '100000')
    .option('--seed <n>', 'random seed', '1')
    .option('--start <date>', 'first posting date (ISO 8601)')
    .requiredOption('-o, --out <dir>', 'output folder (items.jsonl, truth.jsonl)')
    .action(async (opts: Record<string, unknown>) => {
      const { validateCorpusOptions } = await import('../corpus/index.js');
      const { writeCorpus } = await import('./corpus.js');
      const options = validateCorpusOptions({
        n: Number(opts.n),
        seed: Number(opts.seed),
        ...(opts.start !== undefined && { start: opts.start }),
      });
      const written = await writeCorpus(options, opts.out as string);
      io.stderr.write(
        `Wrote ${written.count.toLocaleString('en-US')} items to ${written.items} and ground truth to ${written.truth}\n`,
      );
    });

  program
    .command('demo')
    .description(
      'Write the synthetic demo corpus, scan it and write the HTML report (what "npm start" runs).',
    )
    .option('--dir <dir>', 'working folder', '.vigil/demo')
    .option('-n, --n <count>', 'demo corpus size', integer(1, 1_000_000), 20_000)
    .option('--seed <n>', 'corpus seed', integer(0, 2 ** 31 - 1), 1)
    .option('-w, --workers <n>', 'worker threads', integer(0, 256), availableParallelism())
    .option('-q, --quiet', 'less output', false)
    .action(async (opts: Record<string, unknown>) => {
      const { runDemo } = await import('./demo.js');
      const { describeOutcome } = await scanning();
      const outcome = await runDemo(
        {
          dir: opts.dir as string,
          n: opts.n as number,
          seed: opts.seed as number,
          workers: opts.workers as number,
          quiet: opts.quiet === true,
        },
        io,
      );
      const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
      io.stdout.write(
        [
          ...(opts.quiet === true ? [describeOutcome(outcome.scan)] : []),
          `Against the corpus ground truth, items flagged medium or high: precision ${pct(outcome.precision)}, recall ${pct(outcome.recall)}.`,
          `Results: ${outcome.results}`,
          `Report:  ${outcome.report}  (open it in a browser)`,
          '',
        ].join('\n'),
      );
    });

  registerEvidenceCommands(program, {
    version: VERSION,
    stdout: process.stdout,
    stderr: process.stderr,
    dataDir: process.env.VIGIL_HOME ?? '.vigil',
  });
  // The service and workflow commands share the process's streams, environment and clock.
  const serviceIo = {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    now: () => new Date(),
  };
  registerServiceCommands(program, serviceIo);
  registerWorkflowCommands(program, serviceIo);
  registerCaseCommands(program, serviceIo);
  registerShareCommands(program, serviceIo);
  registerLawCommands(program, serviceIo);
  registerCaptureCommand(program, serviceIo);
  registerBankCommands(program, serviceIo);
  return program;
}

async function main(): Promise<void> {
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (error) {
    if (isVigilError(error)) {
      process.stderr.write(`vigil: ${error.message} [${error.code}]\n`);
      process.exitCode = error.code === 'CLI_USAGE' ? 2 : 1;
      return;
    }
    // Anything else is a bug: say so without dumping internals, unless asked to.
    process.stderr.write(
      `vigil: unexpected internal error${process.env.VIGIL_DEBUG ? `\n${(error as Error).stack}` : ' (set VIGIL_DEBUG=1 for details)'}\n`,
    );
    process.exitCode = 70;
  }
}

void main();
