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
import {
  checkImageDistance,
  type ImageMerge,
  mergeImageIdentifiers,
  networkImageMatches,
} from '../analyze/image-links.js';
import { type LocalImageHashes, linkItemOf } from '../analyze/link-item.js';
import type { LinkItem, LinkRecord, Network, Template } from '../analyze/link-types.js';
import { createMinHasher, type MinHasher, shingleHashes } from '../analyze/minhash.js';
import {
  buildNetworks,
  DEFAULT_HUB_TEMPLATES,
  DEFAULT_TEMPLATE_GROUPS,
} from '../analyze/networks.js';
import { PDQ_MATCH_DISTANCE } from '../analyze/pdq.js';
import { createTemplateIndex, type TemplateIndex } from '../analyze/template-index.js';
import {
  nameSlotValues,
  type TemplateMember,
  type TemplateTextResult,
  templateText,
} from '../analyze/template-text.js';
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
  /** PDQ hashes at most this many bits apart are one photo (default PDQ_MATCH_DISTANCE, 31). */
  readonly imageDistance?: number;
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
export const TEMPLATE_TEXT_OPTIONS = { maxMembers: TEXT_MEMBERS, maxTokens: TEXT_TOKENS } as const;
/** Members described in networks.jsonl for the report; all ids are listed regardless. */
const DESCRIBED_MEMBERS = 200;
const TITLE_CHARS = 160;

/**
 * The worker's half of linking. `foldedText` is the item document's folded text, so that
 * disguised copies (look-alike letters, styled text) shingle alike without folding again.
 */
export function createLinker(
  setup: LinkSetup,
): (
  item: Item,
  analysis: Analysis,
  foldedText: string,
  line: number,
  localImages?: LocalImageHashes,
) => LinkRecord {
  const hasher: MinHasher = createMinHasher(setup);
  return (item, analysis, foldedText, line, localImages) => {
    const signature = hasher.signature(shingleHashes(foldedText));
    return { item: linkItemOf(item, analysis, signature, localImages), band: analysis.band, line };
  };
}

export function linkSetupOf(index: TemplateIndex): LinkSetup {
  return { permutations: index.options.permutations, seed: index.options.seed };
}

export function validateLinkOptions(options: LinkOptions): void {
  const { threshold, hubTemplates, templateGroups, imageDistance } = options;
  if (imageDistance !== undefined) checkImageDistance(imageDistance);
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

const BANDS: readonly Band[] = ['low', 'medium', 'high'];

/**
 * Collects link records as results arrive, then links everything when the scan ends. Per item
 * it keeps the link record (without its signature, which lives packed in the index), its band
 * and its input line; texts are read back from the input for the few items that show them.
 */
export class LinkCollector {
  readonly index: TemplateIndex;
  private readonly items: LinkItem[] = [];
  private bands = new Uint8Array(1024);
  private lines = new Float64Array(1024);
  private static readonly EMPTY = new Uint32Array(0);
  /** Identifier and place strings repeat across items: one copy of each is kept. */
  private readonly strings = new Map<string, string>();

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
      const { item } = record;
      this.index.add(item.id, item.signature);
      const i = this.items.length;
      if (i === this.bands.length) {
        this.bands = grownTo(this.bands, 2 * i);
        this.lines = grownTo(this.lines, 2 * i);
      }
      this.bands[i] = Math.max(0, BANDS.indexOf(record.band));
      this.lines[i] = record.line;
      this.items.push(this.compact(item));
    }
  }

  /**
   * The record as kept: no signature, shared strings, shared empty arrays. Structured cloning
   * gives every record its own copy of each string; a phone shared by a thousand ads, or a city
   * name, is kept once instead.
   */
  private compact(item: LinkItem): LinkItem {
    const intern = (value: string): string => {
      const known = this.strings.get(value);
      if (known !== undefined) return known;
      this.strings.set(value, value);
      return value;
    };
    const list = (values: readonly string[]): readonly string[] =>
      values.length === 0 ? NO_STRINGS : values.map(intern);
    return {
      ...item,
      signature: LinkCollector.EMPTY,
      identifiers: list(item.identifiers),
      phoneCountries: list(item.phoneCountries),
      phoneAreas: list(item.phoneAreas),
      prices: item.prices.length === 0 ? NO_PRICES : item.prices,
      ...(item.city !== undefined && { city: intern(item.city) }),
      ...(item.region !== undefined && { region: intern(item.region) }),
      ...(item.country !== undefined && { country: intern(item.country) }),
    };
  }

  /**
   * Groups, describes and writes: templates.jsonl and networks.jsonl in `outDir`, and the
   * result lines of `partialResults` with their template and network ids into `results`.
   */
  async finish(io: {
    readonly outDir: string;
    readonly partialResults: string;
    readonly results: string;
    /** Reads the input again, for the texts of template members and network members' titles. */
    readonly rereadInput: () => AsyncIterable<BatchWithIssues>;
    /** Computes template texts elsewhere (the scan's worker threads); by default, here. */
    readonly templateTexts?: (
      groups: readonly (readonly TemplateMember[])[],
    ) => Promise<(TemplateTextResult | undefined)[]>;
  }): Promise<{ templates: number; networks: number; hubs: number }> {
    this.strings.clear();
    const groups = this.index.templates();
    // The index and `items` hold the items in the same order: the order they were added.
    const positionOf = (id: string): number => this.index.positionOf(id) ?? -1;
    const textMembers = groups.flatMap((group) => group.members.slice(0, TEXT_MEMBERS));
    const texts = await this.readItems(
      textMembers.map(positionOf),
      io.rereadInput,
      (item): TemplateMember => ({
        id: item.id,
        text: `${item.title ?? ''}\n\n${item.body ?? ''}`.trim(),
        ...(item.location?.city !== undefined && { city: item.location.city }),
      }),
    );
    const memberLists = groups.map((group) =>
      group.members
        .slice(0, TEXT_MEMBERS)
        .map((id) => texts.get(positionOf(id)))
        .filter((member): member is TemplateMember => member !== undefined),
    );
    texts.clear();
    // Only templates with two members' texts or more have a text to align.
    const aligned = memberLists.flatMap((members, g) => (members.length >= 2 ? [g] : []));
    const wanted = aligned.map((g) => memberLists[g] as TemplateMember[]);
    const computed =
      io.templateTexts === undefined
        ? wanted.map((members) => templateText(members, TEMPLATE_TEXT_OPTIONS))
        : await io.templateTexts(wanted);
    const textOf = new Map(aligned.map((g, k) => [g, computed[k]]));
    const nameValues = new Map<string, string[]>();
    const templates: Template[] = groups.map((group, g) => {
      const text = textOf.get(g);
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

    // Near-identical photos become one identifier before anything links (image-links.ts).
    const images = mergeImageIdentifiers(this.items, this.imageDistance);
    const { networks, networkOf, hubs } = buildNetworks(
      {
        items: images.items,
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
    const described = networks.flatMap((network) =>
      network.members.slice(0, DESCRIBED_MEMBERS).map(positionOf),
    );
    // Only titles are kept of the items read back: a network report lists many members.
    const titles = await this.readItems(described, io.rereadInput, (item) =>
      item.title?.slice(0, TITLE_CHARS),
    );
    const ranked = [...networks].sort((a, b) => b.risk - a.risk || a.id.localeCompare(b.id));
    await writeLines(
      `${io.outDir}/networks.jsonl`,
      (function* (collector: LinkCollector) {
        for (const network of ranked) {
          yield JSON.stringify(collector.describeNetwork(network, positionOf, titles, images));
        }
      })(this),
    );
    titles.clear();
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
          imageDistance: this.imageDistance,
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

  private get imageDistance(): number {
    return this.options.imageDistance ?? PDQ_MATCH_DISTANCE;
  }

  private describeNetwork(
    network: Network,
    positionOf: (id: string) => number,
    titles: ReadonlyMap<number, string | undefined>,
    images: ImageMerge,
  ) {
    // The members' own photo hashes that were linked as near-identical, with their distance to
    // the hash listed in the network's identifiers.
    const imageMatches = networkImageMatches(
      network,
      network.members.slice(0, DESCRIBED_MEMBERS).map((id) => ({
        id,
        identifiers: this.items[positionOf(id)]?.identifiers ?? [],
      })),
      images,
    );
    return {
      ...network,
      ...(imageMatches.length > 0 && { imageMatches }),
      items: network.members.slice(0, DESCRIBED_MEMBERS).map((id) => {
        const at = positionOf(id);
        const item = this.items[at];
        const title = titles.get(at);
        const template = this.index.templateOf(id);
        return {
          id,
          risk: item?.risk ?? 0,
          band: BANDS[this.bands[at] ?? 0] ?? 'low',
          identifiers: item?.identifiers ?? [],
          ...(title !== undefined && { title }),
          ...(item?.city !== undefined && { city: item.city }),
          ...(item?.postedAt !== undefined && { postedAt: item.postedAt }),
          ...(template !== undefined && { template }),
        };
      }),
    };
  }

  /**
   * What `keep` takes of the input items at these positions (indices of `items`), read again
   * from the input. Only their lines are decoded and parsed: the rest streams past as bytes.
   */
  private async readItems<T>(
    positions: readonly number[],
    rereadInput: () => AsyncIterable<BatchWithIssues>,
    keep: (item: Item) => T,
  ): Promise<Map<number, T>> {
    const found = new Map<number, T>();
    const atLine = new Map<number, number>();
    for (const at of positions) if (at >= 0) atLine.set(this.lines[at] as number, at);
    if (atLine.size === 0) return found;
    const wanted = (line: number): boolean => atLine.has(line);
    for await (const { batch } of rereadInput()) {
      if (batch === undefined) continue;
      forEachItem(
        batch,
        (item, _record, line) => {
          const at = atLine.get(line);
          // The same line must still hold the same item: the input may have changed since.
          if (at !== undefined && this.items[at]?.id === item.id) found.set(at, keep(item));
        },
        [],
        wanted,
      );
      if (found.size === atLine.size) break;
    }
    return found;
  }
}

const NO_STRINGS: readonly string[] = Object.freeze([]);
const NO_PRICES: LinkItem['prices'] = Object.freeze([]);

function grownTo<T extends Uint8Array | Float64Array>(array: T, length: number): T {
  const next = new (array.constructor as new (n: number) => T)(length);
  next.set(array);
  return next;
}

async function writeLines(path: string, lines: Iterable<string>): Promise<void> {
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

const NEWLINE = 0x0a;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** `{"id":"` — JSON.stringify writes an analysis's id first. */
const ID_OPENING = Buffer.from('{"id":"');

/**
 * Copies result lines, adding "template" and "network" right after the id. The lines stay
 * bytes: only the id is decoded, which matters for a million lines of several hundred bytes.
 */
async function addLinkIds(
  from: string,
  to: string,
  idsOf: (id: string) => { template: string | undefined; network: string | undefined },
): Promise<void> {
  const out = createWriteStream(to);
  const write = async (pieces: Buffer[]): Promise<void> => {
    if (pieces.length === 0) return;
    if (!out.write(Buffer.concat(pieces))) {
      await new Promise<void>((resolve) => out.once('drain', resolve));
    }
  };
  let carry: Buffer | undefined;
  try {
    for await (const chunk of createReadStream(from, { highWaterMark: 1 << 20 })) {
      const data: Buffer = carry === undefined ? chunk : Buffer.concat([carry, chunk]);
      const pieces: Buffer[] = [];
      let start = 0;
      for (let end = data.indexOf(NEWLINE); end !== -1; end = data.indexOf(NEWLINE, start)) {
        withLinkIds(data.subarray(start, end + 1), idsOf, pieces);
        start = end + 1;
      }
      carry = start < data.length ? Buffer.from(data.subarray(start)) : undefined;
      await write(pieces);
    }
    if (carry !== undefined) {
      const pieces: Buffer[] = [];
      withLinkIds(Buffer.concat([carry, Buffer.from('\n')]), idsOf, pieces);
      await write(pieces);
    }
  } finally {
    await new Promise<void>((resolve) => out.end(resolve));
  }
  await rm(from, { force: true });
}

/** One result line (with its newline), as pieces to write; blank lines are dropped. */
function withLinkIds(
  line: Buffer,
  idsOf: (id: string) => { template: string | undefined; network: string | undefined },
  pieces: Buffer[],
): void {
  if (line.length <= 1 || (line.length === 2 && line[0] === 0x0d)) return;
  const end = idLiteralEnd(line);
  if (end < 0) {
    pieces.push(line);
    return;
  }
  const literal = line.subarray(ID_OPENING.length - 1, end);
  const id =
    literal.indexOf(BACKSLASH) === -1
      ? literal.toString('utf8', 1, literal.length - 1)
      : (JSON.parse(literal.toString('utf8')) as string);
  const { template, network } = idsOf(id);
  const extra =
    (template === undefined ? '' : `,"template":${JSON.stringify(template)}`) +
    (network === undefined ? '' : `,"network":${JSON.stringify(network)}`);
  if (extra === '') {
    pieces.push(line);
    return;
  }
  pieces.push(line.subarray(0, end), Buffer.from(extra), line.subarray(end));
}

/** The offset just after the id's closing quote, or -1 when the line does not open with an id. */
function idLiteralEnd(line: Buffer): number {
  if (line.length < ID_OPENING.length || ID_OPENING.compare(line, 0, ID_OPENING.length) !== 0) {
    return -1;
  }
  for (let i = ID_OPENING.length; i < line.length; i++) {
    const c = line[i];
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i + 1;
  }
  return -1;
}
