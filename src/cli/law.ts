/**
 * `vigil law check | duties | routes`: the legal knowledge base from the command line, over the
 * data shipped in law/. Answers print as readable text (every explanation, then the sources
 * with their verification, UNVERIFIED facts marked) or, with --json, as the API returns them.
 * Every output starts with the line that it is legal information, not legal advice.
 */
import { readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import {
  type Citation,
  CONTENT_KINDS,
  candidateOffences,
  cooperationRoutes,
  DATA_KINDS,
  DISCLAIMER,
  definitionTest,
  jurisdictionClaims,
  providerDuties,
} from '../law/index.js';
import { VigilError } from '../shared/errors.js';
import { readLawData } from './law-files.js';

export interface LawIo {
  readonly stdout: { write(text: string): unknown };
  readonly now: () => Date;
}

const MAX_FACTS_BYTES = 1024 * 1024;

function readFacts(file: string): unknown {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new VigilError('INPUT_NOT_FOUND', `The facts file ${file} does not exist.`);
  }
  if (size > MAX_FACTS_BYTES) {
    throw new VigilError('INPUT_UNREADABLE', `The facts file ${file} is larger than 1 MiB.`);
  }
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new VigilError('INPUT_UNREADABLE', `The facts file ${file} is not valid JSON.`);
  }
}

const codes = (value: string | undefined): string[] =>
  value === undefined || value === ''
    ? []
    : value.split(',').map((code) => code.trim().toUpperCase());

function checkDay(value: string | undefined, today: string): string {
  const day = value ?? today;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) {
    throw new VigilError('CLI_USAGE', `--as-of must be a date YYYY-MM-DD, not "${day}".`);
  }
  return day;
}

/** A heading for an answer part: its name, title or provision, whichever it has. */
function headingOf(part: Record<string, unknown>): string | undefined {
  const name = [part.name, part.title, part.jurisdiction, part.id].find(
    (v) => typeof v === 'string',
  ) as string | undefined;
  const provision = typeof part.provision === 'string' ? part.provision : undefined;
  if (name === undefined && provision === undefined) return undefined;
  return [name, provision && provision !== name ? `(${provision})` : undefined]
    .filter(Boolean)
    .join(' ');
}

/** Every explanation in the answer, indented by depth, and every citation once. */
export function answerText(answer: unknown): string {
  const lines: string[] = [DISCLAIMER, ''];
  const citations = new Map<string, Citation>();
  const walk = (value: unknown, depth: number): void => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item, depth);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const part = value as Record<string, unknown>;
    const pad = '  '.repeat(depth);
    const explanation = Array.isArray(part.explanation) ? (part.explanation as string[]) : [];
    let inner = depth;
    if (explanation.length > 0) {
      const heading = depth > 0 ? headingOf(part) : undefined;
      const flag = part.unverified === true ? ' [rests on UNVERIFIED facts]' : '';
      if (heading !== undefined) lines.push(`${pad}${heading}${flag}`);
      for (const line of explanation) lines.push(`${pad}${heading ? '  ' : ''}${line}`);
      if (heading === undefined && flag !== '') lines.push(`${pad}${flag.trim()}`);
      inner = depth + 1;
    }
    if (Array.isArray(part.citations)) {
      for (const c of part.citations as Citation[]) citations.set(`${c.file}#${c.key}`, c);
    }
    for (const [key, child] of Object.entries(part)) {
      if (key !== 'citations' && key !== 'explanation') walk(child, inner);
    }
  };
  walk(answer, 0);
  if (citations.size > 0) {
    lines.push('', 'Sources (P: primary text read; S: secondary source; UNVERIFIED):');
    for (const c of [...citations.values()].sort((a, b) => a.file.localeCompare(b.file))) {
      lines.push(
        `  [${c.key}] ${c.title}${c.url ? ` <${c.url}>` : ''} — ${c.verification} (${c.file})`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

function print(io: LawIo, answer: unknown, json: boolean | undefined): void {
  io.stdout.write(json ? `${JSON.stringify(answer, null, 2)}\n` : answerText(answer));
}

export function registerLawCommands(program: Command, io: LawIo): void {
  const law = program
    .command('law')
    .description('Legal information (not legal advice) from the knowledge base in law/.');

  law
    .command('check')
    .description(
      'Do the facts meet the Palermo Protocol and national definitions; the candidate offences with penalties after aggravators; which states can claim jurisdiction.',
    )
    .argument('<facts>', 'JSON file with the case facts (docs/law.md)')
    .option('--as-of <date>', 'the law as it stood on this date (default today)')
    .option('--json', 'print JSON, as the API returns it')
    .action((file: string, flags: { asOf?: string; json?: boolean }) => {
      const data = readLawData();
      const given = readFacts(file);
      const today = io.now().toISOString().slice(0, 10);
      const facts = {
        ...(typeof given === 'object' && given !== null ? given : {}),
        asOf: checkDay(flags.asOf ?? (given as { asOf?: string }).asOf, today),
      };
      print(
        io,
        {
          disclaimer: DISCLAIMER,
          definition: definitionTest(data, facts),
          offences: candidateOffences(data, facts),
          jurisdiction: jurisdictionClaims(data, facts),
        },
        flags.json,
      );
    });

  law
    .command('duties')
    .description('What a platform must do, for whom and by when, for a kind of content.')
    .requiredOption('--platform-country <codes>', 'where the platform is established (DE,IE)')
    .option('--serving <codes>', 'countries it serves (US,AU)')
    .requiredOption('--content <kinds>', `content kinds: ${CONTENT_KINDS.join(', ')}`)
    .option('--as-of <date>', 'the law as it stood on this date (default today)')
    .option('--json', 'print JSON, as the API returns it')
    .action(
      (flags: {
        platformCountry: string;
        serving?: string;
        content: string;
        asOf?: string;
        json?: boolean;
      }) => {
        print(
          io,
          providerDuties(readLawData(), {
            established: codes(flags.platformCountry),
            serving: codes(flags.serving),
            content: flags.content
              .split(',')
              .map((kind) => kind.trim()) as (typeof CONTENT_KINDS)[number][],
            asOf: checkDay(flags.asOf, io.now().toISOString().slice(0, 10)),
          }),
          flags.json,
        );
      },
    );

  law
    .command('routes')
    .description('How the authorities of one state obtain data held in or by another.')
    .requiredOption('--from <code>', 'the requesting state')
    .requiredOption('--to <code>', 'the state where the data or its provider is')
    .requiredOption('--data <kind>', DATA_KINDS.join(', '))
    .option('--offences <ids>', 'offence ids of the requesting state, for dual criminality')
    .option('--emergency', 'an emergency (imminent threat to life)')
    .option('--as-of <date>', 'the law as it stood on this date (default today)')
    .option('--json', 'print JSON, as the API returns it')
    .action(
      (flags: {
        from: string;
        to: string;
        data: string;
        offences?: string;
        emergency?: boolean;
        asOf?: string;
        json?: boolean;
      }) => {
        print(
          io,
          cooperationRoutes(readLawData(), {
            from: flags.from.toUpperCase(),
            to: flags.to.toUpperCase(),
            data: flags.data as (typeof DATA_KINDS)[number],
            asOf: checkDay(flags.asOf, io.now().toISOString().slice(0, 10)),
            emergency: flags.emergency === true,
            offences: flags.offences === undefined ? [] : flags.offences.split(','),
          }),
          flags.json,
        );
      },
    );
}
