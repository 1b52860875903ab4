/**
 * Cases from the command line, through the built binary on a fresh SQLite data folder:
 * accounts made with `vigil user add`, an item with `vigil ingest`; a lead opens a case, makes
 * a colleague an observer, links the item, writes a note and a task and closes the task; the
 * observer reads but cannot write; an auditor (no `cases:use`) is refused; someone who is no
 * member is told the case does not exist; and the timeline lists it all, newest first.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = new URL('../dist/cli/main.js', import.meta.url).pathname;

function vigil(args: string[]) {
  const run = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A synthetic, non-explicit job ad. */
const ITEM = { id: 'ad-1', title: 'Hostess work abroad', body: 'Travel paid, passport kept.' };

const LEAD = 'lead@example.org';
const OBSERVER = 'observer@example.org';
const AUDITOR = 'auditor@example.org';
const OUTSIDER = 'outsider@example.org';

describe('cases from the command line', () => {
  it('keeps a case need-to-know: members read, non-observers write, others see nothing', () => {
    const data = mkdtempSync(join(tmpdir(), 'vigil-case-'));
    const flags = ['--data-dir', data, '--log-level', 'silent'];
    const run = (args: string[], as: string) => vigil([...args, '--as', as, ...flags]);
    const ok = (args: string[], as = LEAD) => {
      const done = run(args, as);
      expect(done.status, `vigil ${args.join(' ')} --as ${as}\n${done.stderr}`).toBe(0);
      return done.stdout;
    };
    const fails = (args: string[], as: string, code: string) => {
      const done = run(args, as);
      expect(done.status, `vigil ${args.join(' ')} --as ${as}\n${done.stdout}`).toBe(1);
      expect(done.stderr).toContain(`[${code}]`);
      return done.stderr;
    };

    for (const [email, role] of [
      [LEAD, 'investigator'],
      [OBSERVER, 'investigator'],
      [AUDITOR, 'auditor'],
      [OUTSIDER, 'investigator'],
    ] as const) {
      const made = vigil([
        'user',
        'add',
        '--email',
        email,
        '--name',
        email,
        '--role',
        role,
        ...flags,
      ]);
      expect(made.status, made.stderr).toBe(0);
    }
    const items = join(data, 'items.jsonl');
    writeFileSync(items, `${JSON.stringify(ITEM)}\n`);
    expect(vigil(['ingest', items, ...flags]).status).toBe(0);

    const opened = ok(['case', 'create', '--title', 'Milan hostess ads', '--tlp', 'red']);
    const caseId = /^Opened case (\S+):/.exec(opened)?.[1] as string;
    expect(caseId).toMatch(/^case_/);
    expect(opened).toContain('"Milan hostess ads" (open, TLP:RED)');

    expect(ok(['case', 'member', 'add', caseId, OBSERVER, '--role', 'observer'])).toContain(
      `${OBSERVER} is now observer of case ${caseId}`,
    );
    const link = JSON.parse(
      ok([
        'case',
        'link',
        caseId,
        'item',
        'ad-1',
        '--source',
        'default',
        '--note',
        'first ad',
        '--json',
      ]),
    );
    expect(link).toMatchObject({ caseId, kind: 'item', note: 'first ad' });
    expect(link.targetId).toMatch(/^itm_/);
    fails(['case', 'link', caseId, 'item', 'itm_missing'], LEAD, 'NOT_FOUND');
    fails(['case', 'link', caseId, 'item', link.targetId], LEAD, 'CONFLICT');
    expect(ok(['case', 'note', caseId, 'The agency keeps passports.'])).toMatch(
      /^Added note \S+ to case/,
    );
    const task = JSON.parse(
      ok([
        'case',
        'task',
        'add',
        caseId,
        'Identify the agency',
        '--assignee',
        LEAD,
        '--due',
        '2026-12-01',
        '--json',
      ]),
    );
    expect(task).toMatchObject({ state: 'open', due: '2026-12-01T00:00:00.000Z' });
    expect(ok(['case', 'task', 'done', caseId, task.id])).toContain('is done');

    // The observer reads the case but cannot change it.
    const shown = ok(['case', 'show', caseId], OBSERVER);
    expect(shown).toContain('Your role: observer');
    expect(shown).toContain(`${LEAD}  lead`);
    expect(shown).toContain(`item ${link.targetId}`);
    expect(shown).toContain('The agency keeps passports.');
    expect(shown).toContain('[x] Identify the agency');
    const detail = JSON.parse(ok(['case', 'show', caseId, '--json'], OBSERVER));
    expect(detail.role).toBe('observer');
    expect(detail.members).toHaveLength(2);
    expect(fails(['case', 'note', caseId, 'mine'], OBSERVER, 'FORBIDDEN')).toContain('Observers');
    // A case keeps its last lead.
    fails(['case', 'member', 'remove', caseId, LEAD], LEAD, 'CONFLICT');

    // No `cases:use` for auditors; non-members learn nothing, not even that the case exists.
    fails(['case', 'show', caseId], AUDITOR, 'FORBIDDEN');
    expect(fails(['case', 'show', caseId], OUTSIDER, 'NOT_FOUND')).toContain(
      `No case has the id ${caseId}`,
    );
    expect(ok(['case', 'list'], OUTSIDER)).toBe('No cases.\n');
    expect(ok(['case', 'list', '--status', 'open'])).toContain(caseId);

    expect(ok(['case', 'update', caseId, '--status', 'closed'])).toContain(
      'Changed the status of case',
    );
    const timeline = JSON.parse(ok(['case', 'timeline', caseId, '--json'], OBSERVER));
    expect(timeline.items.map((r: { action: string }) => r.action)).toEqual([
      'case.update',
      'case.task.update',
      'case.task.add',
      'case.note.add',
      'case.link.add',
      'case.member.add',
      'case.create',
    ]);
    expect(ok(['case', 'timeline', caseId, '--limit', '2'])).toMatch(
      new RegExp(`^at\\s+who\\s+action\\s+details\\n\\S+\\s+${LEAD}\\s+case\\.update`),
    );
    // Some thirty command runs, each starting Node and opening the database.
  }, 120_000);
});
