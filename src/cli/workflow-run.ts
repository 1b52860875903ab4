/**
 * The workflow commands' work (registered in workflow.ts, loaded only when one runs). Each
 * command reads its input first (so that a bad file never opens the database), opens the
 * configured store, checks that the acting account may do what the matching API route allows,
 * runs the same unit of work as the API (store/workflow-service.ts) and always closes the
 * database, whatever happens.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { type ServiceConfig, workflowSettings } from '../server/config.js';
import type { Permission } from '../server/permissions.js';
import { isVigilError, VigilError } from '../shared/errors.js';
import type { ServiceStore } from '../store/repositories.js';
import { itemId } from '../store/service-common.js';
import {
  type Actor,
  appeal,
  changeHold,
  claimNext,
  createHold,
  createReferral,
  type DecisionRequest,
  decide,
  decideAppealJob,
  deleteItem,
  flagItems,
  holdReminders,
  type QueueEntry,
  rankedQueue,
  receiveNotice,
  receiveOrder,
  referralEvent,
  referralPayload,
  releaseJob,
  submitReferral,
  transparencyFor,
  type WorkflowSettings,
} from '../store/workflow-service.js';
import type { ReferralEvent } from '../workflow/index.js';
import { transparencyCsv } from '../workflow/index.js';
import { actingAccount, actorOf, emailsOf, json, table } from './acting.js';
import { configOf, openStore, type ServiceFlags, type ServiceIo } from './service-run.js';

/** The flags of a command that changes something: who acts. */
export type ActingFlags = ServiceFlags & { readonly as: string };

/** Input files are requests, as the API's bodies are: the same order of size. */
const MAX_INPUT_BYTES = 1024 * 1024;
/** The API's limit on the items of one flag request (POST /v1/queue/jobs). */
const MAX_FLAGGED = 100;

interface Context {
  readonly store: ServiceStore;
  readonly config: ServiceConfig;
  readonly settings: WorkflowSettings;
  /** The command's one instant: every record it writes carries the same time. */
  readonly now: string;
}

/** Opens the configured store, runs `work`, and closes the database even when `work` throws. */
async function withStore<T>(
  flags: ServiceFlags,
  io: ServiceIo,
  work: (context: Context) => Promise<T>,
): Promise<T> {
  const config = configOf(flags, io);
  const store = await openStore(config);
  try {
    return await work({
      store,
      config,
      settings: workflowSettings(config),
      now: io.now().toISOString(),
    });
  } finally {
    await store.db.destroy();
  }
}

/** A JSON object from a file of at most MAX_INPUT_BYTES, with errors that name the file. */
async function readJsonObject(file: string, what: string): Promise<Record<string, unknown>> {
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) {
      throw new VigilError(
        'INPUT_UNREADABLE',
        `${file} is not a file; give the ${what} as a JSON file.`,
      );
    }
    size = info.size;
  } catch (error) {
    if (isVigilError(error)) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new VigilError(
        'INPUT_NOT_FOUND',
        `${file} does not exist; give the ${what} as a JSON file.`,
      );
    }
    throw new VigilError('INPUT_UNREADABLE', `Cannot read ${file}: check its permissions.`, {
      cause: error,
    });
  }
  if (size > MAX_INPUT_BYTES) {
    throw new VigilError(
      'INPUT_UNREADABLE',
      `${file} is ${size.toLocaleString('en-US')} bytes; a ${what} file may hold at most 1 MiB.`,
    );
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new VigilError('INPUT_UNREADABLE', `Cannot read ${file}: check its permissions.`, {
      cause: error,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new VigilError(
      'INPUT_UNREADABLE',
      `${file} is not valid JSON (${(error as Error).message}); it should hold the ${what} as one JSON object.`,
      { cause: error },
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new VigilError(
      'INPUT_UNREADABLE',
      `${file} holds JSON but not an object; it should hold the ${what} as one JSON object.`,
    );
  }
  return value as Record<string, unknown>;
}

/** The Actor for `--as`: see actingAccount. */
async function actorFor(
  store: ServiceStore,
  email: string,
  permission: Permission,
): Promise<Actor> {
  const account = await actingAccount(store, email, permission);
  return { accountId: account.id, actor: actorOf(account) };
}

// ---- Notices and orders -------------------------------------------------------------------

export async function noticeAdd(
  file: string,
  flags: ActingFlags & { allowIncomplete: boolean; source: string },
  io: ServiceIo,
): Promise<void> {
  const input = await readJsonObject(file, 'notice');
  await withStore(flags, io, async ({ store, now }) => {
    const who = await actorFor(store, flags.as, 'notices:submit');
    const stored = await receiveNotice(
      store,
      input,
      { now, allowIncomplete: flags.allowIncomplete, source: flags.source },
      who,
    );
    io.stdout.write(json(stored));
  });
}

export async function noticeList(
  flags: ServiceFlags & { json?: boolean; state?: 'open' | 'decided'; limit: number },
  io: ServiceIo,
): Promise<void> {
  await withStore(flags, io, async ({ store }) => {
    const page = await store.workflow.listNotices(
      flags.state === undefined ? {} : { state: flags.state },
      { limit: flags.limit },
    );
    if (flags.json === true) {
      io.stdout.write(json(page.items));
      return;
    }
    if (page.items.length === 0) {
      io.stdout.write(`No ${flags.state === undefined ? '' : `${flags.state} `}notices.\n`);
      return;
    }
    io.stdout.write(
      table(
        ['notice', 'state', 'received', 'notifier', 'items', 'unresolved', 'job'],
        page.items.map((stored) => [
          stored.notice.id,
          stored.state,
          stored.notice.receivedAt,
          stored.notice.notifier.type,
          String(stored.notice.locations.itemIds.length - stored.unresolvedItemIds.length),
          String(stored.unresolvedItemIds.length),
          stored.jobId,
        ]),
      ),
    );
  });
}

export async function orderAdd(
  file: string,
  flags: ActingFlags & { source: string },
  io: ServiceIo,
): Promise<void> {
  const input = await readJsonObject(file, 'order');
  await withStore(flags, io, async ({ store, now }) => {
    const who = await actorFor(store, flags.as, 'orders:receive');
    io.stdout.write(json(await receiveOrder(store, input, { now, source: flags.source }, who)));
  });
}

// ---- The review queue ---------------------------------------------------------------------

export async function queueList(
  flags: ServiceFlags & { json?: boolean; limit: number },
  io: ServiceIo,
): Promise<void> {
  await withStore(flags, io, async ({ store, now }) => {
    const ranked = await rankedQueue(store, now);
    const shown = ranked.slice(0, flags.limit);
    if (flags.json === true) {
      io.stdout.write(json({ items: shown, total: ranked.length }));
      return;
    }
    if (ranked.length === 0) {
      io.stdout.write('The review queue is empty.\n');
      return;
    }
    const emails = await emailsOf(
      store,
      shown.flatMap((entry) => (entry.held && entry.job.claimedBy ? [entry.job.claimedBy] : [])),
    );
    io.stdout.write(
      table(
        ['rank', 'score', 'job', 'subject', 'source', 'deadline', 'claimed by', 'reasons'],
        shown.map((entry: QueueEntry) => [
          String(entry.rank),
          entry.score.toFixed(2),
          entry.job.id,
          entry.job.subject,
          entry.job.source,
          entry.job.deadline ?? '-',
          entry.held && entry.job.claimedBy !== undefined
            ? (emails.get(entry.job.claimedBy) ?? entry.job.claimedBy)
            : '-',
          // Risk and source come first and decide most places; the rest is in --json.
          entry.reasons.slice(0, 2).join('; '),
        ]),
      ),
    );
    if (ranked.length > shown.length) {
      io.stdout.write(`(${shown.length} of ${ranked.length}; --limit shows more)\n`);
    }
  });
}

export async function queueClaim(flags: ActingFlags, io: ServiceIo): Promise<void> {
  await withStore(flags, io, async ({ store, settings, now }) => {
    const who = await actorFor(store, flags.as, 'queue:review');
    const entry = await claimNext(store, settings, now, who);
    // Nothing on stdout when nothing waits, so that a script reads either a job or nothing.
    if (entry === undefined) io.stderr.write('Nothing waits in the review queue for you.\n');
    else io.stdout.write(json(entry));
  });
}

export async function queueRelease(
  jobId: string,
  flags: ActingFlags & { skip: boolean },
  io: ServiceIo,
): Promise<void> {
  await withStore(flags, io, async ({ store, settings, now }) => {
    const who = await actorFor(store, flags.as, 'queue:review');
    io.stdout.write(json(await releaseJob(store, settings, jobId, { now, skip: flags.skip }, who)));
  });
}

export async function queueFlag(
  itemIds: readonly string[],
  flags: ActingFlags & { source: string },
  io: ServiceIo,
): Promise<void> {
  if (itemIds.length > MAX_FLAGGED) {
    throw new VigilError(
      'CLI_USAGE',
      `${itemIds.length} items named; flag at most ${MAX_FLAGGED} at a time.`,
    );
  }
  await withStore(flags, io, async ({ store, now }) => {
    const who = await actorFor(store, flags.as, 'queue:review');
    io.stdout.write(json(await flagItems(store, itemIds, { now, source: flags.source }, who)));
  });
}

// ---- Decisions and appeals ----------------------------------------------------------------

export async function decideJob(
  jobId: string,
  file: string,
  flags: ActingFlags & { json?: boolean; preview: boolean },
  io: ServiceIo,
): Promise<void> {
  // The workflow module validates the decision whole (parseDecision), as it does for the API.
  const request = (await readJsonObject(file, 'decision')) as unknown as DecisionRequest;
  await withStore(flags, io, async ({ store, settings, now }) => {
    const who = await actorFor(store, flags.as, 'queue:review');
    const stored = await decide(store, settings, jobId, request, now, who, {
      preview: flags.preview,
    });
    if (flags.json === true) {
      io.stdout.write(json(stored));
      return;
    }
    io.stdout.write(`${stored.statement.text.trimEnd()}\n\n`);
    io.stdout.write(
      flags.preview
        ? 'Preview only: nothing was recorded; run again without --preview to decide.\n'
        : `Decision ${stored.id}\n`,
    );
  });
}

export async function appealFile(
  decisionId: string,
  file: string,
  flags: ActingFlags,
  io: ServiceIo,
): Promise<void> {
  const input = await readJsonObject(file, 'appeal');
  await withStore(flags, io, async ({ store, now }) => {
    const who = await actorFor(store, flags.as, 'appeals:file');
    // The whole object goes to the workflow module, whose schema refuses unknown fields.
    const filed = await appeal(
      store,
      decisionId,
      { ...input, complainant: input.complainant },
      now,
      who,
    );
    io.stdout.write(json(filed));
  });
}

export async function appealDecide(
  appealId: string,
  file: string,
  flags: ActingFlags,
  io: ServiceIo,
): Promise<void> {
  const outcome = await readJsonObject(file, 'appeal outcome');
  await withStore(flags, io, async ({ store, settings, now }) => {
    const who = await actorFor(store, flags.as, 'queue:review');
    io.stdout.write(json(await decideAppealJob(store, settings, appealId, outcome, now, who)));
  });
}

// ---- Referrals and holds ------------------------------------------------------------------

export async function referralAdd(file: string, flags: ActingFlags, io: ServiceIo): Promise<void> {
  const input = await readJsonObject(file, 'referral');
  await withStore(flags, io, async ({ store, now }) => {
    const who = await actorFor(store, flags.as, 'referrals:manage');
    io.stdout.write(json(await createReferral(store, input, now, who)));
  });
}

export async function referralPayloadOf(
  id: string,
  flags: ServiceFlags,
  io: ServiceIo,
): Promise<void> {
  await withStore(flags, io, async ({ store, settings }) => {
    const referral = await store.workflow.getReferral(id);
    if (referral === undefined) {
      throw new VigilError('NOT_FOUND', `No referral has the id ${id}.`);
    }
    const payload = referralPayload(referral, settings);
    io.stdout.write(
      payload.kind === 'cybertipline' ? `${payload.xml.trimEnd()}\n` : json(payload.body),
    );
  });
}

export async function referralSubmit(id: string, flags: ActingFlags, io: ServiceIo): Promise<void> {
  await withStore(flags, io, async ({ store, settings, now }) => {
    const who = await actorFor(store, flags.as, 'referrals:manage');
    io.stdout.write(json(await submitReferral(store, settings, id, now, who)));
  });
}

export async function referralEventOf(
  id: string,
  type: 'submit' | 'acknowledge' | 'fail',
  flags: ActingFlags & { externalId?: string; reason?: string },
  io: ServiceIo,
): Promise<void> {
  const event = referralEventFrom(type, flags);
  await withStore(flags, io, async ({ store, now }) => {
    const who = await actorFor(store, flags.as, 'referrals:manage');
    io.stdout.write(json(await referralEvent(store, id, event, now, who)));
  });
}

/** The event as the API's body would give it, with the same limits (POST /v1/referrals/:id/events). */
function referralEventFrom(
  type: 'submit' | 'acknowledge' | 'fail',
  flags: { externalId?: string; reason?: string },
): ReferralEvent {
  const misplaced = (option: string) =>
    new VigilError('CLI_USAGE', `${option} goes with another event type, not "${type}".`);
  if (type !== 'acknowledge' && flags.externalId !== undefined) throw misplaced('--external-id');
  if (type !== 'fail' && flags.reason !== undefined) throw misplaced('--reason');
  if (type === 'submit') return { type };
  if (type === 'acknowledge') {
    if (flags.externalId !== undefined && flags.externalId.length > 100) {
      throw new VigilError('CLI_USAGE', '--external-id may hold at most 100 characters.');
    }
    return { type, ...(flags.externalId !== undefined && { externalId: flags.externalId }) };
  }
  const reason = flags.reason?.trim() ?? '';
  if (reason === '' || reason.length > 1000) {
    throw new VigilError(
      'CLI_USAGE',
      'A "fail" event needs --reason <text> (1 to 1000 characters).',
    );
  }
  return { type, reason };
}

export async function holdAdd(file: string, flags: ActingFlags, io: ServiceIo): Promise<void> {
  const input = await readJsonObject(file, 'hold');
  await withStore(flags, io, async ({ store, now }) => {
    const who = await actorFor(store, flags.as, 'holds:manage');
    io.stdout.write(json(await createHold(store, input, now, who)));
  });
}

export async function holdList(
  flags: ServiceFlags & { json?: boolean; limit: number },
  io: ServiceIo,
): Promise<void> {
  await withStore(flags, io, async ({ store }) => {
    const page = await store.workflow.listHolds({ limit: flags.limit });
    if (flags.json === true) {
      io.stdout.write(json(page.items));
      return;
    }
    if (page.items.length === 0) {
      io.stdout.write('No legal holds.\n');
      return;
    }
    const count = (ids: readonly string[], kind: string) =>
      ids.length === 0 ? [] : [`${ids.length} ${kind}`];
    io.stdout.write(
      table(
        ['hold', 'basis', 'start', 'ends', 'scope', 'reference'],
        page.items.map(({ hold, expiresAt }) => [
          hold.id,
          hold.basis,
          hold.start,
          hold.releasedAt !== undefined
            ? `released ${hold.releasedAt}`
            : (expiresAt ?? 'until released'),
          [
            ...count(hold.scope.itemIds, 'items'),
            ...count(hold.scope.evidenceIds, 'evidence'),
            ...count(hold.scope.accountIds, 'accounts'),
            ...count(hold.scope.caseIds, 'cases'),
          ].join(', '),
          hold.reference ?? '-',
        ]),
      ),
    );
  });
}

export async function holdRenew(id: string, flags: ActingFlags, io: ServiceIo): Promise<void> {
  await withStore(flags, io, async ({ store, now }) => {
    const who = await actorFor(store, flags.as, 'holds:manage');
    io.stdout.write(json(await changeHold(store, id, { type: 'renew' }, now, who)));
  });
}

export async function holdRelease(
  id: string,
  flags: ActingFlags & { reason: string },
  io: ServiceIo,
): Promise<void> {
  const reason = flags.reason.trim();
  if (reason === '' || reason.length > 1000) {
    throw new VigilError(
      'CLI_USAGE',
      '--reason must say why the hold is released (1 to 1000 characters).',
    );
  }
  await withStore(flags, io, async ({ store, now }) => {
    const who = await actorFor(store, flags.as, 'holds:manage');
    io.stdout.write(json(await changeHold(store, id, { type: 'release', reason }, now, who)));
  });
}

export async function holdReminderList(
  flags: ServiceFlags & { json?: boolean; days: number },
  io: ServiceIo,
): Promise<void> {
  await withStore(flags, io, async ({ store, now }) => {
    const due = await holdReminders(store, now, flags.days);
    if (flags.json === true) {
      io.stdout.write(json(due));
      return;
    }
    if (due.length === 0) {
      io.stdout.write(`No hold ends within ${flags.days} days.\n`);
      return;
    }
    io.stdout.write(
      table(
        ['hold', 'basis', 'ends', 'days left', 'action'],
        due.map((r) => [r.holdId, r.basis, r.expiresAt, String(r.daysLeft), r.action]),
      ),
    );
  });
}

// ---- Items and the transparency report ----------------------------------------------------

export async function itemDelete(
  id: string,
  flags: ActingFlags & { source?: string },
  io: ServiceIo,
): Promise<void> {
  await withStore(flags, io, async ({ store, now }) => {
    const who = await actorFor(store, flags.as, 'items:delete');
    const target = flags.source === undefined ? id : itemId(flags.source, id);
    await deleteItem(store, target, now, who);
    io.stdout.write(`Deleted item ${target}.\n`);
  });
}

export async function transparency(
  flags: ServiceFlags & { from: string; to: string; format: 'json' | 'csv'; out?: string },
  io: ServiceIo,
): Promise<void> {
  const from = instant(flags.from, '--from');
  const to = instant(flags.to, '--to');
  const text = await withStore(flags, io, async ({ store }) => {
    const report = await transparencyFor(store, { from, to });
    return flags.format === 'csv' ? transparencyCsv(report) : json(report);
  });
  if (flags.out === undefined) {
    io.stdout.write(text);
    return;
  }
  try {
    await writeFile(flags.out, text, 'utf8');
  } catch (error) {
    throw new VigilError(
      'OUTPUT_UNWRITABLE',
      `Cannot write ${flags.out}: check that its folder exists and is writable.`,
      { cause: error },
    );
  }
  io.stderr.write(`Wrote the transparency report (${flags.format}) to ${flags.out}\n`);
}

/** An ISO 8601 date-time, normalised as the API does; a clear refusal otherwise. */
function instant(value: string, option: string): string {
  const ms = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2}))?$/.test(value)
    ? Date.parse(value)
    : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new VigilError(
      'CLI_USAGE',
      `${option} ${JSON.stringify(value)} is not an ISO 8601 date or date-time, e.g. 2026-01-01 or 2026-01-01T00:00:00Z.`,
    );
  }
  return new Date(ms).toISOString();
}
