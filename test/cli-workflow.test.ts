/**
 * Notice and action from the command line, through the built binary on a fresh SQLite data
 * folder: accounts made with `vigil user add`, items with `vigil ingest`; a trusted flagger's
 * notice outranks an individual's; a reviewer claims and decides it with a statement of
 * reasons; an appeal goes to the other reviewer, who reverses; a litigation hold blocks the
 * deletion of its item but not of the other; and the transparency report counts it all.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NOTICE_ELEMENTS, REMOVAL_DECISION } from './support/workflow-fixtures.js';

const CLI = new URL('../dist/cli/main.js', import.meta.url).pathname;

function vigil(args: string[]) {
  const run = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Synthetic, non-explicit job ads. */
const ITEMS = [
  { id: 'ad-1', title: 'Hostess work in Milan', body: 'Travel paid, passport kept by the agency.' },
  { id: 'ad-2', title: 'Work abroad, travel paid', body: 'Waitress jobs, debt for the ticket.' },
];

interface QueueEntry {
  job: { id: string; subject: string; subjectId: string; source: string; itemIds: string[] };
}

describe('notice and action from the command line', () => {
  it('takes a notice through review, appeal, hold and the transparency report', () => {
    const data = mkdtempSync(join(tmpdir(), 'vigil-workflow-'));
    const flags = ['--data-dir', data, '--log-level', 'silent'];
    const file = (name: string, value: unknown): string => {
      const path = join(data, name);
      writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
      return path;
    };
    const ok = (args: string[]) => {
      const run = vigil([...args, ...flags]);
      expect(run.status, `vigil ${args.join(' ')}\n${run.stderr}`).toBe(0);
      return run.stdout;
    };

    for (const [email, role] of [
      ['r1@example.org', 'reviewer'],
      ['r2@example.org', 'reviewer'],
      ['admin@example.org', 'admin'],
    ] as const) {
      ok([
        'user',
        'add',
        '--email',
        email,
        '--name',
        email.split('@')[0] as string,
        '--role',
        role,
      ]);
    }
    ok(['ingest', file('items.jsonl', ITEMS.map((i) => `${JSON.stringify(i)}\n`).join(''))]);

    // Without a known account, or with one whose roles do not allow it, nothing is recorded.
    const individual = file('individual.json', {
      ...NOTICE_ELEMENTS,
      notifier: { type: 'individual', name: 'Jo Doe', email: 'jo@example.org' },
      locations: { itemIds: ['ad-1'], urls: ['https://classifieds.example/ad/1'] },
    });
    const stranger = vigil(['notice', 'add', individual, '--as', 'nobody@example.org', ...flags]);
    expect(stranger.status).toBe(2);
    expect(stranger.stderr).toContain('vigil user add');
    expect(
      vigil(['notice', 'add', join(data, 'missing.json'), '--as', 'r1@example.org', ...flags])
        .stderr,
    ).toContain('[INPUT_NOT_FOUND]');

    const user = JSON.parse(ok(['notice', 'add', individual, '--as', 'admin@example.org']));
    expect(user.notice.receipt.text).toContain('We received your notice');
    const flagger = JSON.parse(
      ok([
        'notice',
        'add',
        file('flagger.json', {
          ...NOTICE_ELEMENTS,
          notifier: {
            type: 'trusted-flagger',
            name: 'Safe Passage e.V.',
            email: 'reports@safe-passage.example',
            trustedFlagger: { awardedBy: 'Bundesnetzagentur', area: 'trafficking' },
          },
          locations: { itemIds: ['ad-2'] },
        }),
        '--as',
        'admin@example.org',
      ]),
    );
    expect(flagger.unresolvedItemIds).toEqual([]);

    const queue = JSON.parse(ok(['queue', 'list', '--json'])) as {
      items: QueueEntry[];
      total: number;
    };
    expect(queue.items.map((e) => e.job.subjectId)).toEqual([flagger.notice.id, user.notice.id]);
    const [ad2, ad1] = queue.items.map((e) => e.job.itemIds[0] as string);
    expect(ok(['queue', 'list'])).toMatch(/^rank\s+score\s+job[^\n]*\n1\s[^\n]*trusted-flagger/);

    const claimed = JSON.parse(ok(['queue', 'claim', '--as', 'r1@example.org'])) as QueueEntry;
    expect(claimed.job.subjectId).toBe(flagger.notice.id);
    const decisionFile = file('decision.json', REMOVAL_DECISION);
    const decided = ok(['decide', claimed.job.id, decisionFile, '--as', 'r1@example.org']);
    expect(decided).toContain('Article 20');
    expect(decided).toContain('Section 232 StGB');
    const decisionId = /^Decision (\S+)$/m.exec(decided)?.[1] as string;
    expect(decisionId).toMatch(/^dec_/);

    const filed = JSON.parse(
      ok([
        'appeal',
        'file',
        decisionId,
        file('appeal.json', {
          complainant: { id: 'user-88', role: 'affected-recipient' },
          reason: 'The job is real and lawful.',
        }),
        '--as',
        'admin@example.org',
      ]),
    );
    // r1 took the decision: their claim passes the appeal over for the individual's notice,
    // and the appeal goes to r2.
    const notice = JSON.parse(ok(['queue', 'claim', '--as', 'r1@example.org'])) as QueueEntry;
    expect(notice.job.subjectId).toBe(user.notice.id);
    const appealJob = JSON.parse(ok(['queue', 'claim', '--as', 'r2@example.org'])) as QueueEntry;
    expect(appealJob.job.subject).toBe('appeal');
    expect(appealJob.job.subjectId).toBe(filed.id);
    const reversed = JSON.parse(
      ok([
        'appeal',
        'decide',
        filed.id,
        file('outcome.json', {
          outcome: 'reversed',
          reasons: 'The ad names a registered agency and no control of papers was shown.',
        }),
        '--as',
        'r2@example.org',
      ]),
    );
    expect(reversed.outcome.outcome).toBe('reversed');

    // A reviewer may not record holds; an admin may.
    const holdFile = file('hold.json', {
      basis: 'litigation',
      scope: { itemIds: [ad2] },
      reference: 'Matter 2026-17',
    });
    expect(vigil(['hold', 'add', holdFile, '--as', 'r1@example.org', ...flags]).stderr).toContain(
      '[FORBIDDEN]',
    );
    const hold = JSON.parse(ok(['hold', 'add', holdFile, '--as', 'admin@example.org']));
    expect(hold.hold.basis).toBe('litigation');
    expect(ok(['hold', 'list'])).toContain(hold.hold.id);

    const blocked = vigil(['item', 'delete', ad2 as string, '--as', 'admin@example.org', ...flags]);
    expect(blocked.status).toBe(1);
    expect(blocked.stderr).toContain('[HOLD_ACTIVE]');
    expect(blocked.stderr).toContain(hold.hold.id);
    expect(ok(['item', 'delete', ad1 as string, '--as', 'admin@example.org'])).toContain(
      `Deleted item ${ad1}`,
    );

    const day = 24 * 3_600_000;
    const period = [
      '--from',
      new Date(Date.now() - day).toISOString(),
      '--to',
      new Date(Date.now() + day).toISOString(),
    ];
    const csv = ok(['transparency', ...period, '--format', 'csv']);
    const rows = csv.trim().split('\r\n');
    expect(rows[0]).toBe('metric,breakdown,value');
    expect(rows).toContain('notices,total,2');
    expect(rows).toContain('notices_by_notifier_type,trusted-flagger,1');
    expect(rows).toContain('decisions,total,1');
    expect(rows).toContain('appeals,received,1');
    expect(rows).toContain('appeals_by_outcome,reversed,1');
    const out = join(data, 'report.json');
    ok(['transparency', ...period, '--out', out]);
    expect(JSON.parse(readFileSync(out, 'utf8')).decisions.total).toBe(1);
  });
});
