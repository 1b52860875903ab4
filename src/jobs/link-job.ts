/**
 * The `link` job: templates and networks over every analysed item, as `vigil scan --link` finds
 * them over a file (src/cli/link.ts), kept in the database.
 *
 * The template index is incremental: it is loaded, every analysed item not yet in it is added
 * (oldest first, so an index grown run by run equals one built at once), and saved. Templates
 * are then read off the index, and networks are recomputed from scratch over ALL analysed
 * items, since one new item can join or merge any networks; template texts are recomputed
 * too. Measured on the 2-core test machine over 20,000 corpus items (2,107 templates): 5.4 s
 * for the first run and 3.1 s for a run with nothing new on SQLite (6.3 s and 2.7 s on
 * PostgreSQL); template texts take about a third, reading and parsing the analyses a sixth.
 * Linear in the analysed items, so fine for hundreds of thousands (extrapolated: about 45 s
 * per run at 300,000); beyond a few million a run should keep link records and template
 * texts instead of recomputing them. Runs stay rare however many items arrive: an analyze job
 * enqueues a link job only when none is waiting (its key), and link runs take turns on the
 * index row (LinkRepository.loadIndex).
 *
 * A run is computed from reads, then written in one transaction with its job's completion; the
 * index it started from is checked in that transaction, so two runs computed side by side do
 * not overwrite each other (the later is retried). On SQLite the writes still hold the write
 * lock while they last (a fraction of a second per 10,000 relinked items).
 */
import { itemDoc } from '../analyze/analyze.js';
import { mergeImageIdentifiers } from '../analyze/image-links.js';
import { linkItemOf } from '../analyze/link-item.js';
import type { LinkItem, Network, Template } from '../analyze/link-types.js';
import { createMinHasher, shingleHashes } from '../analyze/minhash.js';
import { buildNetworks, type NetworkOptions } from '../analyze/networks.js';
import { PDQ_MATCH_DISTANCE } from '../analyze/pdq.js';
import { createTemplateIndex, loadTemplateIndex } from '../analyze/template-index.js';
import { nameSlotValues, type TemplateMember, templateText } from '../analyze/template-text.js';
import { VigilError } from '../shared/errors.js';
import type { Executor, ServiceStore, StoredItem } from '../store/repositories.js';
import { ANALYZE_JOB } from '../store/service-store.js';
import type { JobHandler } from './runtime.js';

export const LINK_JOB = 'link';
/** One waiting link job at a time. */
export const LINK_JOB_KEY = 'all';
/**
 * A link run recomputes templates and networks over every analysed item, so one run after a
 * burst of analyses is worth as much as one per analysis: the waiting link job gathers the
 * requests of this long.
 */
export const LINK_DELAY_MS = 2000;

/**
 * Template text from a few members only, as `vigil scan --link` does (src/cli/link.ts
 * TEMPLATE_TEXT_OPTIONS): aligning more costs time on every template.
 */
const TEXT_MEMBERS = 6;
const TEXT_OPTIONS = { maxMembers: TEXT_MEMBERS, maxTokens: 160 } as const;
/** Items read per query. */
const PAGE = 500;
const NO_SIGNATURE = new Uint32Array(0);

export interface LinkHandlerOptions {
  readonly store: ServiceStore;
  /** Template similarity threshold of a new index; a saved index keeps its own. */
  readonly threshold?: number;
  readonly networks?: NetworkOptions;
  /** PDQ hashes at most this many bits apart are one photo (default 31, image-links.ts). */
  readonly imageDistance?: number;
}

export interface LinkRunSummary {
  readonly items: number;
  readonly added: number;
  readonly templates: number;
  readonly networks: number;
  readonly changed: number;
}

/**
 * The handler: a link run is computed before its job's transaction (reads only), and written in
 * it (see TwoPhaseHandler), so on SQLite the write lock is held for the writes alone. While
 * analyze jobs still wait, the run is put off (a new link job, delayed): one run after the
 * analyses is worth as much as one during them.
 */
export function createLinkHandler(options: LinkHandlerOptions): JobHandler {
  const { store } = options;
  return {
    async prepare() {
      const waiting = await store.jobs.list({ state: 'ready', kind: ANALYZE_JOB }, { limit: 1 });
      if (waiting.items.length > 0) return undefined;
      return computeLinks(options, store.db);
    },
    async commit(_job, prepared, trx, { now }) {
      if (prepared === undefined) {
        await store.jobs.enqueue(
          { kind: LINK_JOB, payload: {}, key: LINK_JOB_KEY, delayMs: LINK_DELAY_MS },
          now,
          trx,
        );
        return;
      }
      await writeLinks(options, prepared as LinkRun, trx);
    },
  };
}

/** One link run in `trx`; exported for callers that link outside the queue. */
export async function linkAll(options: LinkHandlerOptions, trx: Executor): Promise<LinkRunSummary> {
  return writeLinks(options, await computeLinks(options, trx), trx);
}

/** What a link run computed, and the index it started from (to detect a concurrent run). */
interface LinkRun {
  readonly loaded: Uint8Array | undefined;
  readonly saved: Uint8Array | undefined;
  readonly templates: readonly Template[];
  readonly networks: readonly Network[];
  readonly changes: readonly { id: string; template?: string; network?: string }[];
  readonly summary: LinkRunSummary;
}

async function computeLinks(options: LinkHandlerOptions, reader: Executor): Promise<LinkRun> {
  const { store } = options;
  const loaded = await store.links.loadIndex(reader);
  const index =
    loaded === undefined
      ? createTemplateIndex(options.threshold === undefined ? {} : { threshold: options.threshold })
      : loadTemplateIndex(loaded);
  const hasher = createMinHasher({
    permutations: index.options.permutations,
    seed: index.options.seed,
  });

  const linkItems: LinkItem[] = [];
  const before = new Map<string, { template?: string; network?: string }>();
  const fresh: { id: string; signature: Uint32Array }[] = [];
  for await (const stored of analysedItems(store, reader)) {
    const item = { ...stored.item, id: stored.id };
    linkItems.push(
      linkItemOf(item, stored.analysis as NonNullable<StoredItem['analysis']>, NO_SIGNATURE),
    );
    before.set(stored.id, {
      ...(stored.template !== undefined && { template: stored.template }),
      ...(stored.network !== undefined && { network: stored.network }),
    });
    if (index.positionOf(stored.id) === undefined) {
      fresh.push({
        id: stored.id,
        signature: hasher.signature(shingleHashes(itemDoc(stored.item).folded.text)),
      });
    }
  }
  // Listed newest first: added oldest first.
  for (let i = fresh.length - 1; i >= 0; i--) {
    const { id, signature } = fresh[i] as (typeof fresh)[number];
    index.add(id, signature);
  }

  const { templates, nameValues } = await describeTemplates(store, reader, index.templates());
  // Items ingested with `pdq:<hex>` images: near-identical photos become one identifier, as in
  // `vigil scan --link` (the service never reads local image files).
  const images = mergeImageIdentifiers(linkItems, options.imageDistance ?? PDQ_MATCH_DISTANCE);
  const { networks, networkOf } = buildNetworks(
    {
      items: images.items,
      templateOf: (id) => index.templateOf(id),
      slotValues: (id) => nameValues.get(id),
    },
    options.networks,
  );

  const changes: { id: string; template?: string; network?: string }[] = [];
  for (const { id } of linkItems) {
    const template = index.templateOf(id);
    const network = networkOf.get(id);
    const old = before.get(id);
    if (old?.template !== template || old?.network !== network) {
      changes.push({
        id,
        ...(template !== undefined && { template }),
        ...(network !== undefined && { network }),
      });
    }
  }
  return {
    loaded,
    saved: fresh.length > 0 ? index.save() : undefined,
    templates,
    networks,
    changes,
    summary: {
      items: linkItems.length,
      added: fresh.length,
      templates: templates.length,
      networks: networks.length,
      changed: changes.length,
    },
  };
}

async function writeLinks(
  options: LinkHandlerOptions,
  run: LinkRun,
  trx: Executor,
): Promise<LinkRunSummary> {
  const { store } = options;
  // First: on PostgreSQL this locks the index row until the run commits. Another run that
  // committed since this one read the index would be overwritten: this one is retried instead.
  const current = await store.links.loadIndex(trx);
  if (!sameBytes(current, run.loaded)) {
    throw new VigilError(
      'CONFLICT',
      'Another link run saved the template index while this one ran; this run will be retried.',
    );
  }
  if (run.saved !== undefined) await store.links.saveIndex(run.saved, trx);
  await store.links.replaceAll(run.templates, run.networks, trx);
  await store.items.saveLinks(run.changes, trx);
  return run.summary;
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

async function* analysedItems(store: ServiceStore, trx: Executor): AsyncGenerator<StoredItem> {
  let cursor: string | undefined;
  do {
    const page = await store.items.list(
      { analyzed: true },
      { limit: PAGE, ...(cursor !== undefined && { cursor }) },
      trx,
    );
    yield* page.items;
    cursor = page.next;
  } while (cursor !== undefined);
}

/**
 * Templates with their text (from their first members) and, per member whose text was aligned,
 * the values of its name slots, which network features count as personas.
 */
async function describeTemplates(
  store: ServiceStore,
  trx: Executor,
  groups: ReturnType<ReturnType<typeof createTemplateIndex>['templates']>,
): Promise<{ templates: Template[]; nameValues: Map<string, string[]> }> {
  const wanted = groups.flatMap((group) => group.members.slice(0, TEXT_MEMBERS));
  const texts = new Map<string, TemplateMember>();
  for (let i = 0; i < wanted.length; i += PAGE) {
    for (const stored of await store.items.getMany(wanted.slice(i, i + PAGE), trx)) {
      const { item } = stored;
      texts.set(stored.id, {
        id: stored.id,
        text: `${item.title ?? ''}\n\n${item.body ?? ''}`.trim(),
        ...(item.location?.city !== undefined && { city: item.location.city }),
      });
    }
  }
  const nameValues = new Map<string, string[]>();
  const templates = groups.map((group): Template => {
    const members = group.members
      .slice(0, TEXT_MEMBERS)
      .map((id) => texts.get(id))
      .filter((member): member is TemplateMember => member !== undefined);
    const text = members.length >= 2 ? templateText(members, TEXT_OPTIONS) : undefined;
    if (text !== undefined) {
      for (const [id, names] of nameSlotValues(text)) nameValues.set(id, names);
    }
    return {
      id: group.id,
      members: group.members,
      similarity: group.similarity,
      ...(text !== undefined && { parts: text.parts }),
    };
  });
  return { templates, nameValues };
}
