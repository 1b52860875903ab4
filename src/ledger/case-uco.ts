/**
 * CASE/UCO JSON-LD export of a case's custody record, so forensic tools (Autopsy's CASE-UCO
 * module, CASE-Utilities, SHACL validators) can read Vigil's provenance without knowing Vigil.
 *
 * The mapping follows CASE 1.4.0 (casework/CASE @ e21d2a6, `ontology/investigation/investigation.ttl`)
 * and the forms in casework/CASE-Examples (`examples/illustrations/forensic_lifecycle` for actions,
 * provenance records and the investigation; `examples/illustrations/file` for files and hashes),
 * as summarised in the shared reference notes (evidence-and-sharing.md, "CASE/UCO"):
 *
 *   evidence file     → uco-observable:File with a FileFacet (fileName, sizeInBytes) and a
 *                       ContentDataFacet (mimeType, sizeInBytes, uco-types:Hash SHA256)
 *   derived evidence  → also case-investigation:wasDerivedFrom its source files (PROV-O)
 *   custody event     → case-investigation:InvestigativeAction: name = event type,
 *                       performer = uco-identity:Identity, instrument = uco-tool:Tool,
 *                       environment = uco-observable:Device (the host), startTime,
 *                       object = the evidence acted on, result = evidence it produced,
 *                       relevantAuthorization = case-investigation:Authorization (legal basis)
 *   the exhibits      → one case-investigation:ProvenanceRecord grouping the bundle's files
 *   the case          → case-investigation:Investigation, object = the record and the actions
 *
 * Victim data: this module only ever sees evidence metadata and custody events, never victim
 * records. It still cannot tell whether a file name, case title, purpose or legal basis names a
 * victim: the caller must redact those before calling. Two free-text fields are left out on
 * purpose because they are the likeliest to carry identifying content and no CASE consumer needs
 * them to check provenance: the event `note` and the collection `source` (item, URL).
 *
 * Pure and deterministic: every `@id` is a hash of the canonical JSON (RFC 8785) of what the node
 * stands for, and nodes are sorted, so the same input in any order gives the same bytes.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { hex } from '@scure/base';
import { VigilError } from '../shared/errors.js';
import { canonicalBytes, canonicalize, type Json } from './canonical-json.js';
import { type CustodyEvent, type EvidenceRef, parseCustodyEvent } from './custody.js';

/** The CASE release the mapping was written against (`owl:versionInfo` of case.ttl). */
export const CASE_VERSION = '1.4.0';

/**
 * Where this export's node IRIs live. Node ids are content hashes, so a URN (not a web address
 * that would suggest a resolvable resource) is enough to keep them apart from other graphs.
 */
export const CASE_UCO_KB = 'urn:vigil:kb:';

/**
 * The prefixes the graph uses. The namespace IRIs are those of CASE 1.x / UCO 1.x, as in the
 * CASE-Examples `@context`s; they carry no version, the ontology version is in the ontology.
 */
export const CASE_UCO_CONTEXT = {
  kb: CASE_UCO_KB,
  'case-investigation': 'https://ontology.caseontology.org/case/investigation/',
  'uco-action': 'https://ontology.unifiedcyberontology.org/uco/action/',
  'uco-core': 'https://ontology.unifiedcyberontology.org/uco/core/',
  'uco-identity': 'https://ontology.unifiedcyberontology.org/uco/identity/',
  'uco-observable': 'https://ontology.unifiedcyberontology.org/uco/observable/',
  'uco-tool': 'https://ontology.unifiedcyberontology.org/uco/tool/',
  'uco-types': 'https://ontology.unifiedcyberontology.org/uco/types/',
  'uco-vocabulary': 'https://ontology.unifiedcyberontology.org/uco/vocabulary/',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
} as const;

/** Evidence as a bundle lists it; only these fields are read. */
/** An evidence file as a bundle lists it (bundle.ts BundleEvidence has these fields). */
export interface CaseUcoEvidence {
  readonly id: string;
  readonly sha256: string;
  readonly size: number;
  readonly name: string;
  readonly mediaType: string;
}

export interface CaseUcoInput {
  readonly caseId: string;
  /** A human title for the case; the caller must have removed any victim name from it. */
  readonly caseTitle?: string;
  /** The case's topical focus (`case-investigation:focus`). */
  readonly focus?: string;
  /** The exhibits: the evidence files of the bundle. */
  readonly evidence: readonly CaseUcoEvidence[];
  readonly events: readonly CustodyEvent[];
  /** When the export was made (UTC, as custody event times), passed in: this module has no clock. */
  readonly generatedAt: string;
}

/**
 * A reference to another node of the graph. A type alias, not an interface, so that it is
 * assignable to Json (interfaces carry no implicit index signature).
 */
export type CaseUcoRef = { readonly '@id': string };

/** A node of the graph. Values are plain JSON so the graph can be canonicalised as it is. */
export interface CaseUcoNode {
  readonly '@id': string;
  readonly '@type': string;
  readonly [property: string]: Json;
}

export interface CaseUcoGraph {
  readonly '@context': typeof CASE_UCO_CONTEXT;
  readonly '@graph': readonly CaseUcoNode[];
}

/** A node being built: optional properties may be undefined until {@link stripUndefined}. */
interface Draft {
  readonly '@id': string;
  readonly [property: string]: Json | undefined;
}

const DEFAULT_FOCUS = 'Online human trafficking';
const SHA256_HEX = /^[0-9a-f]{64}$/;
// The custody event's time format; also a valid xsd:dateTime.
const UTC_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Builds the CASE/UCO graph of a case's evidence and custody events. Events are validated as
 * custody events (CUSTODY_EVENT_INVALID); an invalid case id, export time or evidence entry
 * throws BUNDLE_MANIFEST_INVALID, since those come from the bundle manifest.
 */
export function caseUcoGraph(input: CaseUcoInput): CaseUcoGraph {
  checkInput(input);
  const nodes = new Map<string, Draft>();
  const add = (node: Draft): void => {
    if (!nodes.has(node['@id'])) nodes.set(node['@id'], node);
  };

  // Files first: one per distinct (evidence id, content). The bundle's own listing is
  // authoritative for name, size and media type; references in events only fill gaps (evidence
  // an event mentions but the bundle does not carry, such as the original of a redacted copy).
  const events = sortedEvents(input.events);
  const files = new Map<string, FileInfo>();
  const exhibits = [...input.evidence].sort(compareEvidence);
  for (const item of exhibits) fileInfo(files, item);
  for (const { event } of events) {
    for (const ref of [...event.evidence, ...(event.derivedFrom ?? [])]) fileInfo(files, ref);
    if (event.type === 'derived' && event.derivedFrom !== undefined) {
      // PROV-O derivation, as CASE re-implements it: each derived file from each source.
      for (const result of event.evidence) {
        const info = fileInfo(files, result);
        for (const source of event.derivedFrom) info.derivedFrom.add(fileId(source));
      }
    }
  }
  for (const info of files.values()) add(fileNode(info));

  const actionIds: string[] = [];
  for (const { event, id } of events) {
    const performer = identityNode(event.actor);
    const instrument = toolNode(event.tool);
    const environment = hostNode(event.host);
    add(performer);
    add(instrument);
    add(environment);
    const authorization = event.legalBasis === undefined ? undefined : authorizationNode(event);
    if (authorization !== undefined) add(authorization);

    // What the event acted on and what it produced: collection and derivation produce their
    // evidence (as "seized"/"imaged" produce results in the CASE forensic lifecycle example);
    // every other custody event acts on the evidence it lists.
    const listed = event.evidence.map(fileRef);
    const object =
      event.type === 'derived'
        ? (event.derivedFrom ?? []).map(fileRef)
        : event.type === 'collected'
          ? []
          : listed;
    const result = event.type === 'derived' || event.type === 'collected' ? listed : [];

    actionIds.push(id);
    add({
      '@id': id,
      '@type': 'case-investigation:InvestigativeAction',
      'uco-core:name': event.type,
      'uco-core:description': actionDescription(event),
      'uco-action:startTime': dateTime(event.time),
      'uco-action:performer': ref(performer['@id']),
      'uco-action:instrument': ref(instrument['@id']),
      'uco-action:environment': ref(environment['@id']),
      'uco-action:object': object.length > 0 ? object : undefined,
      'uco-action:result': result.length > 0 ? result : undefined,
      'case-investigation:relevantAuthorization':
        authorization === undefined ? undefined : ref(authorization['@id']),
    });
  }

  const recordId = nodeId('provenance-record', { case: input.caseId });
  add({
    '@id': recordId,
    '@type': 'case-investigation:ProvenanceRecord',
    'uco-core:description': `Exhibits of case ${input.caseId} in this Vigil evidence bundle.`,
    // rootExhibitNumber: "a unique identifier assigned to a set of objects at the start of their
    // treatment" (investigation.ttl); Vigil's evidence ids are assigned at collection.
    'case-investigation:rootExhibitNumber': exhibits.map((item) => item.id),
    'uco-core:objectCreatedTime': dateTime(input.generatedAt),
    'uco-core:object': exhibits.map(fileRef),
  });

  add({
    '@id': nodeId('investigation', { case: input.caseId }),
    '@type': 'case-investigation:Investigation',
    'uco-core:name': input.caseTitle ?? input.caseId,
    'uco-core:description': `Vigil case ${input.caseId}`,
    'case-investigation:investigationForm': 'case',
    'case-investigation:focus': [input.focus ?? DEFAULT_FOCUS],
    // As in the CASE forensic lifecycle example, the investigation's objects are what it
    // compiles: here the provenance record and every custody action.
    'uco-core:object': [ref(recordId), ...actionIds.sort().map(ref)],
  });

  const graph = [...nodes.values()]
    .map((node) => stripUndefined(node))
    .sort((a, b) => (a['@id'] < b['@id'] ? -1 : a['@id'] > b['@id'] ? 1 : 0));
  return { '@context': CASE_UCO_CONTEXT, '@graph': graph };
}

/** The graph as RFC 8785 canonical JSON: identical input gives identical bytes. */
export function caseUcoJson(input: CaseUcoInput): string {
  return canonicalize(caseUcoGraph(input));
}

// ---------------------------------------------------------------------------------------------
// Ids

/**
 * `kb:<kind>-<128-bit hash>`: the hash of the canonical JSON of what the node stands for, so the
 * id is the same on every run and machine, reveals nothing the node does not already say, and is
 * a safe IRI whatever characters the inputs hold.
 */
function nodeId(kind: string, key: unknown): string {
  return `kb:${kind}-${hex.encode(sha256(canonicalBytes({ kind, key }))).slice(0, 32)}`;
}

function ref(id: string): CaseUcoRef {
  return { '@id': id };
}

/** A file is one piece of evidence with one content: the same id with other bytes is another file. */
function fileId(item: Pick<EvidenceRef, 'id' | 'sha256'>): string {
  return nodeId('file', { id: item.id, sha256: item.sha256 });
}

function fileRef(item: Pick<EvidenceRef, 'id' | 'sha256'>): CaseUcoRef {
  return ref(fileId(item));
}

// ---------------------------------------------------------------------------------------------
// Nodes

interface FileInfo {
  readonly id: string;
  readonly sha256: string;
  size?: number;
  name?: string;
  mediaType?: string;
  readonly derivedFrom: Set<string>;
}

function fileInfo(files: Map<string, FileInfo>, item: EvidenceRef): FileInfo {
  const key = fileId(item);
  let info = files.get(key);
  if (info === undefined) {
    info = { id: item.id, sha256: item.sha256, derivedFrom: new Set() };
    files.set(key, info);
  }
  info.size ??= item.size;
  info.name ??= item.name;
  info.mediaType ??= item.mediaType;
  return info;
}

function fileNode(info: FileInfo): Draft {
  const id = fileId(info);
  const facets: Draft[] = [];
  if (info.name !== undefined || info.size !== undefined) {
    facets.push({
      '@id': `${id}-file-facet`,
      '@type': 'uco-observable:FileFacet',
      'uco-observable:fileName': info.name,
      'uco-observable:sizeInBytes': info.size,
    });
  }
  // The hash form of CASE-Examples file.json: a typed HashNameVocab method, an xsd:hexBinary value.
  facets.push({
    '@id': `${id}-content-facet`,
    '@type': 'uco-observable:ContentDataFacet',
    'uco-observable:mimeType': info.mediaType,
    'uco-observable:sizeInBytes': info.size,
    'uco-observable:hash': [
      {
        '@id': `${id}-sha256`,
        '@type': 'uco-types:Hash',
        'uco-types:hashMethod': { '@type': 'uco-vocabulary:HashNameVocab', '@value': 'SHA256' },
        'uco-types:hashValue': { '@type': 'xsd:hexBinary', '@value': info.sha256 },
      },
    ],
  });
  const derivedFrom = [...info.derivedFrom].sort().map(ref);
  return {
    '@id': id,
    '@type': 'uco-observable:File',
    'uco-core:hasFacet': facets.map(stripUndefined),
    'case-investigation:wasDerivedFrom': derivedFrom.length > 0 ? derivedFrom : undefined,
  };
}

/**
 * The actor as the event names them. Keyed on everything the event says about the actor, so two
 * events that describe one person differently give two nodes rather than a silent merge.
 */
function identityNode(actor: CustodyEvent['actor']): Draft {
  const details = [
    `Vigil actor ${actor.id}`,
    actor.role === undefined ? undefined : `role: ${actor.role}`,
    actor.organisation === undefined ? undefined : `organisation: ${actor.organisation}`,
  ].filter((part): part is string => part !== undefined);
  return {
    '@id': nodeId('identity', actor),
    '@type': 'uco-identity:Identity',
    'uco-core:name': actor.name ?? actor.id,
    'uco-core:description': details.join('; '),
  };
}

function toolNode(tool: CustodyEvent['tool']): Draft {
  return {
    '@id': nodeId('tool', tool),
    '@type': 'uco-tool:Tool',
    'uco-core:name': tool.name,
    'uco-tool:version': tool.version,
  };
}

/** The machine the action ran on: uco-action:environment, as the forensic lab computer in CASE-Examples. */
function hostNode(host: string): Draft {
  return {
    '@id': nodeId('host', host),
    '@type': 'uco-observable:Device',
    'uco-core:name': host,
  };
}

/**
 * The legal basis as a case-investigation:Authorization. Vigil records it as free text (warrant
 * number, EPOC id, data-sharing agreement), so it is the description, not an authorizationIdentifier
 * that would claim to be a bare identifier.
 */
function authorizationNode(event: CustodyEvent): Draft {
  const basis = event.legalBasis ?? '';
  return {
    '@id': nodeId('authorization', { case: event.case, basis }),
    '@type': 'case-investigation:Authorization',
    'uco-core:description': basis,
  };
}

/** Why (ISO/IEC 27037 "why"), for which case, and with whom for transfers and exports. */
function actionDescription(event: CustodyEvent): string {
  const parts = [`Case ${event.case}`, `purpose: ${event.purpose}`];
  if (event.counterparty !== undefined) parts.push(`counterparty: ${event.counterparty}`);
  return parts.join('; ');
}

function dateTime(value: string): Json {
  return { '@type': 'xsd:dateTime', '@value': value };
}

// ---------------------------------------------------------------------------------------------
// Input

/**
 * Events in time order (ties by content), each with its action id: the hash of its canonical JSON
 * (the custody leaf bytes), with an occurrence number so identical events still get distinct ids.
 */
function sortedEvents(
  events: readonly CustodyEvent[],
): { readonly event: CustodyEvent; readonly id: string }[] {
  const keyed = events.map((raw) => {
    const event = parseCustodyEvent(raw);
    return { event, leaf: hex.encode(sha256(canonicalBytes(event))) };
  });
  keyed.sort((a, b) =>
    a.event.time !== b.event.time
      ? a.event.time < b.event.time
        ? -1
        : 1
      : a.leaf < b.leaf
        ? -1
        : a.leaf > b.leaf
          ? 1
          : 0,
  );
  const seen = new Map<string, number>();
  return keyed.map(({ event, leaf }) => {
    const occurrence = seen.get(leaf) ?? 0;
    seen.set(leaf, occurrence + 1);
    return { event, id: nodeId('action', { leaf, occurrence }) };
  });
}

function compareEvidence(a: CaseUcoEvidence, b: CaseUcoEvidence): number {
  const ka = `${a.id}\u0000${a.sha256}`;
  const kb = `${b.id}\u0000${b.sha256}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function checkInput(input: CaseUcoInput): void {
  if (typeof input.caseId !== 'string' || input.caseId.length === 0) {
    invalidInput('The case id is empty.', 'caseId');
  }
  if (typeof input.generatedAt !== 'string' || !UTC_TIME.test(input.generatedAt)) {
    invalidInput('The export time must be UTC time as YYYY-MM-DDTHH:MM:SS.sssZ.', 'generatedAt');
  }
  for (const [i, item] of input.evidence.entries()) {
    if (!SHA256_HEX.test(item.sha256)) {
      invalidInput(
        `Evidence ${i} has no valid SHA-256 (64 lowercase hex digits).`,
        `evidence.${i}`,
      );
    }
    if (!Number.isSafeInteger(item.size) || item.size < 0) {
      invalidInput(`Evidence ${i} has an invalid size.`, `evidence.${i}`);
    }
  }
}

function invalidInput(message: string, field: string): never {
  throw new VigilError('BUNDLE_MANIFEST_INVALID', `Cannot export CASE/UCO: ${message}`, {
    details: { field },
  });
}

/** Optional properties are written as undefined above; JSON-LD nodes must not carry them. */
function stripUndefined(node: Draft): CaseUcoNode {
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(node)) {
    if (value !== undefined) out[key] = value;
  }
  return out as CaseUcoNode;
}
