/**
 * The `analyze` job: runs the scan engine over stored items, saves each analysis with the
 * identifiers it found, and asks for one `link` run to fold the new analyses into templates and
 * networks.
 */
import { analyzeItem, type Engine } from '../analyze/analyze.js';
import { withBankMatches } from '../analyze/bank-match.js';
import { identifiersOf } from '../analyze/link-item.js';
import type { Analysis } from '../analyze/types.js';
import { VigilError } from '../shared/errors.js';
import type { ServiceStore } from '../store/repositories.js';
import { ANALYZE_JOB } from '../store/service-store.js';
import { type BankMatcher, createBankMatcher } from './bank-matcher.js';
import { LINK_DELAY_MS, LINK_JOB, LINK_JOB_KEY } from './link-job.js';
import type { JobHandler } from './runtime.js';

export { ANALYZE_JOB };
/** Items one analyze job may name: its transaction holds them all. */
export const MAX_ANALYZE_ITEMS = 10_000;

export interface AnalyzePayload {
  /** Store ids (`itm_…`) of the items to analyse. */
  readonly items: readonly string[];
}

export interface AnalyzeHandlerOptions {
  readonly store: ServiceStore;
  /** Built by the composition root from the rule files and weights (cli/rules-files.ts). */
  readonly engine: Engine;
  /** Enqueue a link run after the analyses (default true). */
  readonly link?: boolean;
  /**
   * The hash banks `pdq:` images are matched against (default: the store's banks, an index
   * per handler, i.e. per worker); false matches none.
   */
  readonly banks?: BankMatcher | false;
}

/**
 * Analyses every item of the payload that exists (an unknown id is skipped), replacing an
 * earlier analysis, and enqueues a `link` job unless one is waiting already.
 */
export function createAnalyzeHandler(options: AnalyzeHandlerOptions): JobHandler {
  const { store, engine } = options;
  const link = options.link ?? true;
  const banks = options.banks ?? createBankMatcher(store);
  return {
    // The analyses are computed outside the job's transaction (see TwoPhaseHandler).
    async prepare(job) {
      const { items: ids } = analyzePayload(job.payload);
      const items = await store.items.getMany(ids);
      // Hash banks: only items with `pdq:` images can match, and the banks are read only
      // when some item has one.
      const anyPdq = items.some((stored) =>
        stored.item.images?.some((ref) => ref.toLowerCase().startsWith('pdq:')),
      );
      if (banks !== false && anyPdq) await banks.refresh();
      return items.map((stored) => {
        let analysis = analyzeItem(stored.item, engine);
        if (banks !== false && anyPdq) {
          analysis = withBankMatches(analysis, banks.match(stored.item), engine.model);
        }
        return { id: stored.id, analysis, identifiers: identifiersOf(stored.item, analysis) };
      });
    },
    async commit(_job, prepared, trx, { now }) {
      const analyses = prepared as readonly Prepared[];
      await store.items.saveAnalyses(analyses, now, trx);
      if (link && analyses.length > 0) {
        await store.jobs.enqueue(
          { kind: LINK_JOB, payload: {}, key: LINK_JOB_KEY, delayMs: LINK_DELAY_MS },
          now,
          trx,
        );
      }
    },
  };
}

interface Prepared {
  readonly id: string;
  readonly analysis: Analysis;
  readonly identifiers: readonly string[];
}

export function analyzePayload(payload: unknown): AnalyzePayload {
  const items = (payload as { items?: unknown } | null)?.items;
  if (
    !Array.isArray(items) ||
    items.length > MAX_ANALYZE_ITEMS ||
    !items.every((id) => typeof id === 'string')
  ) {
    throw new VigilError(
      'REQUEST_INVALID',
      `An analyze job's payload must be {"items": [...]} with at most ${MAX_ANALYZE_ITEMS} item ids.`,
    );
  }
  return { items };
}
