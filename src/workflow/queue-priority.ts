/**
 * Review-queue priority: a deterministic, explained score for each job. Pure: `now` is passed in.
 *
 * The score adds four parts, each bounded, each explained in `reasons`:
 * - risk (0..1) of the item:                                   0 .. 40
 * - source: trusted flagger first (DSA Art. 22: "given priority and processed and decided upon
 *   without undue delay", compliance.md §3.1.5), then authority orders, internal detection,
 *   then individuals and other notifiers:                       0 .. 30
 * - legal deadline: closer is higher, overdue highest:         0 .. 45 (overdue >= 40)
 * - age: older first among equals:                             0 .. <5
 * Ties are broken by creation time (older first) and then by id, so the order is total.
 */
import { z } from 'zod';
import {
  DAY_MS,
  HOUR_MS,
  instantMs,
  instantSchema,
  invalid,
  parseOrThrow,
  requireInstant,
} from './notices.js';

export const JOB_SOURCES = [
  'trusted-flagger',
  'authority-order',
  'internal-detection',
  'ngo',
  'individual',
] as const;
export type JobSource = (typeof JOB_SOURCES)[number];

export const jobSchema = z.strictObject({
  id: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[a-zA-Z0-9_.:-]+$/, 'may hold only letters, digits, ".", ":", "-" and "_"'),
  /** The item's risk from analysis, 0..1. */
  risk: z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1'),
  source: z.enum(JOB_SOURCES),
  /** When the job entered the queue. */
  createdAt: instantSchema,
  /** The legal deadline, if any (for an authority order: `orderDeadline(order)`). */
  deadline: instantSchema.optional(),
});
export type Job = z.infer<typeof jobSchema>;

export const RISK_WEIGHT = 40;
export const SOURCE_POINTS: Record<JobSource, number> = {
  'trusted-flagger': 30,
  'authority-order': 20,
  'internal-detection': 10,
  ngo: 0,
  individual: 0,
};
const SOURCE_TEXT: Record<JobSource, string> = {
  'trusted-flagger': 'notice from a trusted flagger (priority under Art. 22 DSA)',
  'authority-order': 'order from an authority (ranked by its deadline)',
  'internal-detection': 'found by internal detection',
  ngo: 'notice from an organisation without trusted-flagger status',
  individual: 'notice from an individual',
};
/** Points for a deadline due now; they halve every DEADLINE_HALF_HOURS hours before it. */
export const DEADLINE_DUE = 35;
export const DEADLINE_HALF_HOURS = 12;
/** Points for an overdue deadline, plus up to OVERDUE_EXTRA more, one per day overdue. */
export const OVERDUE = 40;
export const OVERDUE_EXTRA = 5;
export const AGE_MAX = 5;

export interface Priority {
  id: string;
  score: number;
  reasons: string[];
}

const fmt = (x: number) => (Math.round(x * 10) / 10).toFixed(1);
function duration(ms: number): string {
  const h = ms / HOUR_MS;
  if (h < 48) return `${fmt(h)} h`;
  return `${fmt(ms / DAY_MS)} d`;
}

function priorityOfParsed(job: Job, nowMs: number): Priority {
  const reasons: string[] = [];
  const risk = job.risk * RISK_WEIGHT;
  reasons.push(`risk ${job.risk.toFixed(2)}: +${fmt(risk)}`);
  const source = SOURCE_POINTS[job.source];
  reasons.push(`${SOURCE_TEXT[job.source]}: +${fmt(source)}`);
  let deadline = 0;
  if (job.deadline !== undefined) {
    const left = instantMs(job.deadline) - nowMs;
    if (left <= 0) {
      deadline = OVERDUE + Math.min(OVERDUE_EXTRA, -left / DAY_MS);
      reasons.push(
        `legal deadline ${job.deadline} overdue by ${duration(-left)}: +${fmt(deadline)}`,
      );
    } else {
      deadline = DEADLINE_DUE * 2 ** (-left / HOUR_MS / DEADLINE_HALF_HOURS);
      reasons.push(`legal deadline ${job.deadline} in ${duration(left)}: +${fmt(deadline)}`);
    }
  } else {
    reasons.push('no legal deadline: +0.0');
  }
  const waited = Math.max(0, nowMs - instantMs(job.createdAt));
  const days = waited / DAY_MS;
  const age = AGE_MAX * (days / (1 + days));
  reasons.push(`waiting ${duration(waited)}: +${fmt(age)}`);
  return { id: job.id, score: risk + source + deadline + age, reasons };
}

function parseJob(input: unknown): Job {
  const job = parseOrThrow(jobSchema, input, 'job');
  if (job.source === 'authority-order' && job.deadline === undefined) {
    invalid('job', [
      {
        path: 'deadline',
        message:
          'a job for an authority order needs the order deadline; pass orderDeadline(order) as deadline',
      },
    ]);
  }
  return job;
}

/** The priority of one job at `now`: a score (higher first) and the reasons that add up to it. */
export function priorityOf(job: unknown, now: string): Priority {
  const nowMs = requireInstant(now, 'now');
  return priorityOfParsed(parseJob(job), nowMs);
}

export interface RankedJob extends Priority {
  job: Job;
  rank: number;
}

/** Compare ranked entries: higher score first, then older, then id. A total order on unique ids. */
export function compareRanked(
  a: { score: number; job: Job },
  b: { score: number; job: Job },
): number {
  if (a.score !== b.score) return b.score - a.score;
  const ca = instantMs(a.job.createdAt);
  const cb = instantMs(b.job.createdAt);
  if (ca !== cb) return ca - cb;
  return a.job.id < b.job.id ? -1 : a.job.id > b.job.id ? 1 : 0;
}

/** The queue in review order at `now`. Ids must be unique; the result does not depend on input order. */
export function rankQueue(jobs: readonly unknown[], now: string): RankedJob[] {
  const nowMs = requireInstant(now, 'now');
  if (!Array.isArray(jobs))
    invalid('queue', [{ path: '(queue)', message: 'must be an array of jobs' }]);
  const parsed = jobs.map((j, i) => {
    try {
      return parseJob(j);
    } catch (e) {
      if (e instanceof Error) e.message = `jobs[${i}]: ${e.message}`;
      throw e;
    }
  });
  const seen = new Set<string>();
  for (const [i, j] of parsed.entries()) {
    if (seen.has(j.id)) {
      invalid('queue', [
        { path: `jobs[${i}].id`, message: `duplicate job id "${j.id}"; each job needs its own id` },
      ]);
    }
    seen.add(j.id);
  }
  return parsed
    .map((job) => ({ ...priorityOfParsed(job, nowMs), job }))
    .sort(compareRanked)
    .map((r, i) => ({ ...r, rank: i + 1 }));
}
