/**
 * `vigil scan --link`: templates and networks over the whole scan. Workers compute each item's
 * link record (signature, identifiers, place and time) next to its analysis; the main thread
 * indexes signatures as results arrive, and when the scan ends it groups templates, writes
 * their text with slots, builds the identifier networks, and adds template and network ids to
 * the result lines.
 *
 * Memory stays proportional to the small link records: signatures live packed in the template
 * index, and the texts needed for template text are read back from the input file for a few
 * members of each template only.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { linkItemOf } from '../analyze/link-item.js';
import type { LinkItem, LinkRecord, Network, Template } from '../analyze/link-types.js';
import { createMinHasher, type MinHasher, shingleHashes } from '../analyze/minhash.js';
import {
  buildNetworks,
  DEFAULT_HUB_TEMPLATES,
  DEFAULT_TEMPLATE_GROUPS,
} from '../analyze/networks.js';
import { createTemplateIndex, type TemplateIndex } from '../analyze/template-index.js';
import { type TemplateMember, templateText } from '../analyze/template-text.js';
import type { Analysis, Band, Item } from '../analyze/types.js';
import { VigilError } from '../shared/errors.js';
import type { BatchWithIssues } from './input.js';
import { forEachItem } from './scan-batch.js';

export interface LinkOptions {
  /** Jaccard similarity from which two items share a template. */
  readonly threshold?: number;
  /** Distinct templates from which a shared identifier is a hub (links nothing). */
  readonly hubTemplates?: number;
  /** Separate contact groups from which a template's text is generic (links within groups). */
  readonly templateGroups?: number;
}

/** Settings the workers and the main thread must share so that signatures compare. */
export interface LinkSetup {
  readonly permutations: number;
  readonly seed: number;
}

/**
 * Template text needs only a few members to show what the author reused; aligning more costs
 * time on every template (milliseconds each, and a million items hold tens of thousands).
 */
const TEXT_MEMBERS = 6;
const TEXT_TOKENS = 160;
/** Members described in networks.jsonl for the report; all ids are listed regardless. */
const DESCRIBED_MEMBERS = 200;
const TITLE_CHARS = 160;

/**
 * The worker's half of linking. `foldedText` is the item document's folded text, so that
 * disguised copies (look-alike letters, styled text) shingle alike without folding again.
 */
export function createLinker(
  setup: LinkSetup,
): (item: Item, analysis: Analysis, foldedText: string) => LinkRecord {
  const hasher: MinHasher = createMinHasher(setup);
  return (item, analysis, foldedText) => {
    const signature = hasher.signature(shingleHashes(foldedText));
    return {
      item: linkItemOf(item, analysis, signature),
      band: analysis.band,
      ...(item.title !== undefined && { title: item.title.slice(0, TITLE_CHARS) }),
    };
  };
}

export function linkSetupOf(index: TemplateIndex): LinkSetup {
  return { permutations: index.options.permutations, seed: index.options.seed };
}

export function validateLinkOptions(options: LinkOptions): void {
  const { threshold, hubTemplates, templateGroups } = options;
  if (templateGroups !== undefined && !(Number.isInteger(templateGroups) && templateGroups >= 2)) {
    throw new VigilError(
      'LINK_OPTIONS_INVALID',
      '--template-groups must be a whole number of at least 2.',
    );
  }
  if (threshold !== undefined && !(threshold >= 0.05 && threshold <= 1)) {
    throw new VigilError(
      'LINK_OPTIONS_INVALID',
      '--template-threshold must be a number from 0.05 to 1.',
    );
  }
  if (hubTemplates !== undefined && !(Number.isInteger(hubTemplates) && hubTemplates >= 2)) {
    throw new VigilError(
      'LINK_OPTIONS_INVALID',
      '--hub-templates must be a whole number of at least 2.',
    );
  }
}

interface Described {
  readonly band: Band;
  readonly title?: string;
}

/** Collects link records as results arrive, then links everything when the scan ends. */
export class LinkCollector {
  readonly index: TemplateIndex;
  private readonly items: LinkItem[] = [];
  private readonly described = new Map<string, Described>();
  private static readonly EMPTY = new Uint32Array(0);

  constructor(private readonly options: LinkOptions) {
    this.index = createTemplateIndex(
      options.threshold === undefined ? {} : { threshold: options.threshold },
    );
  }

  get setup(): LinkSetup {
    return linkSetupOf(this.index);
  }

  add(records: readonly LinkRecord[]): void {
    for (const record of records) {
      this.index.add(record.item.id, record.item.signature);
      // The signature now lives packed in the index; keeping it here would double the memory.
      this.items.push({ ...record.item, signature: LinkCollector.EMPTY });
      this.described.set(record.item.id, {
        band: record.band,
        ...(record.title !== undefined && { title: record.title }),
      });
    }
  }

  /**
   * Groups, describes and writes: templates.jsonl and networks.jsonl in `outDir`, and the
   * result lines of `partialResults` with their template and network ids into `results`.
   */
  async finish(io: {
    readonly outDir: string;
    readonly partialResults: string;
    readonly results: string;
    /** Reads the input again, for the texts of template members. */
    readonly rereadInput: () => AsyncIterable<BatchWithIssues>;
  }): Promise<{ templates: number; networks: number; hubs: number }> {
    const groups = this.index.templates();
    const texts = await this.memberTexts(groups, io.rereadInput);
    const nameValues = new Map<string, string[]>();
    const templates: Template[] = groups.map((group) => {
      const members = group.members
        .slice(0, TEXT_MEMBERS)
        .map((id) => texts.get(id))
        .filter((m): m is TemplateMember => m !== undefined);
      const text =
        members.length >= 2
          ? templateText(members, { maxMembers: TEXT_MEMBERS, maxTokens: TEXT_TOKENS })
          : undefined;
      if (text !== undefined) {
        const nameSlots = text.parts
          .filter((part) => 'slot' in part)
          .map((part, i) => ('slot' in part && part.slot.kind === 'name' ? i : -1))
          .filter((i) => i >= 0);
        for (const [id, values] of text.values) {
          const names = nameSlots.map((i) => values[i] ?? '').filter((v) => v !== '');
          if (names.length > 0) nameValues.set(id, names);
        }
      }
      return {
        id: group.id,
        members: group.members,
        similarity: group.similarity,
        ...(text !== undefined && { parts: text.parts }),
      };
    });

    const { networks, networkOf, hubs } = buildNetworks(
      {
        items: this.items,
        templateOf: (id) => this.index.templateOf(id),
        slotValues: (id) => nameValues.get(id),
      },
      {
        ...(this.options.hubTemplates !== undefined && { hubTemplates: this.options.hubTemplates }),
        ...(this.options.templateGroups !== undefined && {
          templateGroups: this.options.templateGroups,
        }),
      },
    );

    await writeLines(
      `${io.outDir}/templates.jsonl`,
      templates.map((t) => JSON.stringify(t)),
    );
    const byId = new Map(this.items.map((item) => [item.id, item]));
    await writeLines(
      `${io.outDir}/networks.jsonl`,
      [...networks]
        .sort((a, b) => b.risk - a.risk || a.id.localeCompare(b.id))
        .map((network) => JSON.stringify(this.describeNetwork(network, byId))),
    );
    await writeLines(
      `${io.outDir}/hubs.jsonl`,
      hubs.map((hub) => JSON.stringify(hub)),
    );
    const options = this.index.options;
    await writeLines(`${io.outDir}/summary.json`, [
      JSON.stringify({
        items: this.items.length,
        templates: templates.length,
        networks: networks.length,
        hubs: hubs.length,
        options: {
          threshold: options.threshold,
          permutations: options.permutations,
          hubTemplates: this.options.hubTemplates ?? DEFAULT_HUB_TEMPLATES,
          templateGroups: this.options.templateGroups ?? DEFAULT_TEMPLATE_GROUPS,
        },
      }),
    ]);
    await addLinkIds(io.partialResults, io.results, (id) => {
      const template = this.index.templateOf(id);
      const network = networkOf.get(id);
      return { template, network };
    });
    return { templates: templates.length, networks: networks.length, hubs: hubs.length };
  }

  private describeNetwork(network: Network, byId: ReadonlyMap<string, LinkItem>) {
    return {
      ...network,
      items: network.members.slice(0, DESCRIBED_MEMBERS).map((id) => {
        const item = byId.get(id);
        const described = this.described.get(id);
        const template = this.index.templateOf(id);
        return {
          id,
          risk: item?.risk ?? 0,
          band: described?.band ?? 'low',
          identifiers: item?.identifiers ?? [],
          ...(described?.title !== undefined && { title: described.title }),
          ...(item?.city !== undefined && { city: item.city }),
          ...(item?.postedAt !== undefined && { postedAt: item.postedAt }),
          ...(template !== undefined && { template }),
        };
      }),
    };
  }

  private async memberTexts(
    groups: readonly { readonly members: readonly string[] }[],
    rereadInput: () => AsyncIterable<BatchWithIssues>,
  ): Promise<Map<string, TemplateMember>> {
    const wanted = new Set<string>();
    for (const group of groups)
      for (const id of group.members.slice(0, TEXT_MEMBERS)) wanted.add(id);
    const texts = new Map<string, TemplateMember>();
    if (wanted.size === 0) return texts;
    for await (const { batch } of rereadInput()) {
      if (batch === undefined) continue;
      forEachItem(
        batch,
        (item) => {
          if (!wanted.has(item.id) || texts.has(item.id)) return;
          texts.set(item.id, {
            id: item.id,
            text: `${item.title ?? ''}\n\n${item.body ?? ''}`.trim(),
            ...(item.location?.city !== undefined && { city: item.location.city }),
          });
        },
        [],
      );
    }
    return texts;
  }
}

async function writeLines(path: string, lines: readonly string[]): Promise<void> {
  const stream = createWriteStream(path);
  try {
    for (const line of lines) {
      if (!stream.write(`${line}\n`)) {
        await new Promise<void>((resolve) => stream.once('drain', resolve));
      }
    }
  } finally {
    await new Promise<void>((resolve, reject) => {
      stream.once('error', reject);
      stream.end(resolve);
    });
  }
}

/**
 * Copies result lines, adding "template" and "network" after the id. Lines start with
 * {"id":<JSON string>, (JSON.stringify writes an analysis's id first), so the id is read
 * without parsing the whole line, which matters for a million lines.
 */
async function addLinkIds(
  from: string,
  to: string,
  idsOf: (id: string) => { template: string | undefined; network: string | undefined },
): Promise<void> {
  const out = createWriteStream(to);
  const lines = createInterface({ input: createReadStream(from) as Readable, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (line === '') continue;
      const id = leadingId(line);
      const { template, network } =
        id === undefined ? { template: undefined, network: undefined } : idsOf(id);
      const extra =
        (template === undefined ? '' : `"template":${JSON.stringify(template)},`) +
        (network === undefined ? '' : `"network":${JSON.stringify(network)},`);
      const text = extra === '' || id === undefined ? line : insertAfterId(line, extra);
      if (!out.write(`${text}\n`)) await new Promise<void>((resolve) => out.once('drain', resolve));
    }
  } finally {
    await new Promise<void>((resolve) => out.end(resolve));
  }
  await rm(from, { force: true });
}

function idLiteralEnd(line: string): number {
  if (!line.startsWith('{"id":"')) return -1;
  for (let i = 7; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x5c)
      i++; // skip the escaped character
    else if (c === 0x22) return i + 1;
  }
  return -1;
}

function leadingId(line: string): string | undefined {
  const end = idLiteralEnd(line);
  return end < 0 ? undefined : (JSON.parse(line.slice(6, end)) as string);
}

function insertAfterId(line: string, extra: string): string {
  const end = idLiteralEnd(line);
  // After `{"id":"…"` comes `,` and the next member: put the new members right after the id.
  return `${line.slice(0, end)},${extra.slice(0, -1)}${line.slice(end)}`;
}
