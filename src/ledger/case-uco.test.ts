import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isVigilError } from '../shared/errors.js';
import { parseCanonical } from './canonical-json.js';
import {
  CASE_UCO_CONTEXT,
  type CaseUcoGraph,
  type CaseUcoInput,
  type CaseUcoNode,
  caseUcoGraph,
  caseUcoJson,
} from './case-uco.js';
import { CUSTODY_EVENT_TYPES, CUSTODY_FORMAT, type CustodyEvent } from './custody.js';

const ORIGINAL = {
  id: 'ev_original01',
  sha256: '1'.repeat(64),
  size: 2048,
  name: 'advert.html',
  mediaType: 'text/html',
};
const REDACTED = {
  id: 'ev_redacted01',
  sha256: '2'.repeat(64),
  size: 1024,
  name: 'advert-redacted.pdf',
  mediaType: 'application/pdf',
};

const common = {
  format: CUSTODY_FORMAT,
  case: 'CASE-1',
  purpose: 'Preserve the advertisement',
  tool: { name: 'vigil', version: '0.1.0' },
  host: 'workstation-3',
} as const;

const collected: CustodyEvent = {
  ...common,
  type: 'collected',
  time: '2026-11-02T09:30:00.000Z',
  actor: { id: 'analyst-7', name: 'A. Analyst', role: 'analyst' },
  evidence: [ORIGINAL],
  legalBasis: 'Warrant 2026/118',
  source: { url: 'https://ads.example/item/1' },
};
const derived: CustodyEvent = {
  ...common,
  type: 'derived',
  time: '2026-11-02T10:00:00.000Z',
  actor: { id: 'analyst-7', name: 'A. Analyst', role: 'analyst' },
  evidence: [REDACTED],
  derivedFrom: [{ id: ORIGINAL.id, sha256: ORIGINAL.sha256 }],
  tool: { name: 'mupdf', version: '1.28.1' },
};
const accessed: CustodyEvent = {
  ...common,
  type: 'accessed',
  time: '2026-11-03T08:00:00.000Z',
  actor: { id: 'reviewer-2' },
  evidence: [{ id: REDACTED.id, sha256: REDACTED.sha256 }],
  note: 'Victim Jane Roe visible in image 3',
};
const exported: CustodyEvent = {
  ...common,
  type: 'exported',
  time: '2026-11-04T12:00:00.000Z',
  actor: { id: 'analyst-7', name: 'A. Analyst', role: 'analyst' },
  evidence: [
    { id: ORIGINAL.id, sha256: ORIGINAL.sha256 },
    { id: REDACTED.id, sha256: REDACTED.sha256 },
  ],
  counterparty: 'Europol',
};

const input: CaseUcoInput = {
  caseId: 'CASE-1',
  caseTitle: 'Advertisement network 14',
  evidence: [ORIGINAL, REDACTED],
  events: [collected, derived, accessed, exported],
  generatedAt: '2026-11-04T12:00:01.000Z',
};

const ofType = (graph: CaseUcoGraph, type: string) =>
  graph['@graph'].filter((node) => node['@type'] === type);

function byId(graph: CaseUcoGraph): Map<string, CaseUcoNode> {
  return new Map(graph['@graph'].map((node) => [node['@id'], node]));
}

/** The @ids an object refers to (one reference or a list), as JSON-LD allows either. */
function refs(value: unknown): string[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((item) => (item as { '@id': string })['@id']);
}

function sha256Of(file: CaseUcoNode): string[] {
  const facets = file['uco-core:hasFacet'] as readonly Record<string, unknown>[];
  return facets.flatMap((facet) =>
    ((facet['uco-observable:hash'] ?? []) as readonly Record<string, unknown>[])
      .filter(
        (hash) => (hash['uco-types:hashMethod'] as { '@value': string })['@value'] === 'SHA256',
      )
      .map((hash) => (hash['uco-types:hashValue'] as { '@value': string })['@value']),
  );
}

function fileFor(graph: CaseUcoGraph, sha: string): CaseUcoNode[] {
  return ofType(graph, 'uco-observable:File').filter((file) => sha256Of(file).includes(sha));
}

function actionAt(graph: CaseUcoGraph, time: string): CaseUcoNode[] {
  return ofType(graph, 'case-investigation:InvestigativeAction').filter(
    (action) => (action['uco-action:startTime'] as { '@value': string })['@value'] === time,
  );
}

/**
 * Structural JSON-LD checks: every top-level node has @id and @type, ids are unique across the
 * graph (embedded facets and hashes included), and every node reference (an object holding only
 * @id) points at a top-level node.
 */
function shapeProblems(graph: CaseUcoGraph): string[] {
  const problems: string[] = [];
  const top = new Set<string>();
  const all = new Set<string>();
  const references: string[] = [];
  const walk = (value: unknown, isTop: boolean): void => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item, false);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const node = value as Record<string, unknown>;
    const keys = Object.keys(node);
    if (keys.length === 1 && keys[0] === '@id') {
      references.push(String(node['@id']));
      return;
    }
    if ('@id' in node) {
      const id = String(node['@id']);
      if (all.has(id)) problems.push(`duplicate id ${id}`);
      all.add(id);
      if (isTop) top.add(id);
    }
    if (isTop && (typeof node['@id'] !== 'string' || node['@type'] === undefined)) {
      problems.push(`node without @id or @type: ${JSON.stringify(node)}`);
    }
    for (const [key, member] of Object.entries(node)) {
      if (key !== '@id' && key !== '@type') walk(member, false);
    }
  };
  for (const node of graph['@graph']) walk(node, true);
  for (const id of references) {
    if (!top.has(id)) problems.push(`dangling reference ${id}`);
  }
  for (const id of all) {
    const prefix = id.split(':')[0] ?? '';
    if (!(prefix in graph['@context'])) problems.push(`id ${id} uses an undeclared prefix`);
  }
  return problems;
}

describe('CASE/UCO export', () => {
  const graph = caseUcoGraph(input);

  it('declares the CASE and UCO namespaces', () => {
    const context = graph['@context'];
    expect(context['case-investigation']).toBe(
      'https://ontology.caseontology.org/case/investigation/',
    );
    expect(context['uco-core']).toBe('https://ontology.unifiedcyberontology.org/uco/core/');
    expect(context['uco-action']).toBe('https://ontology.unifiedcyberontology.org/uco/action/');
    expect(context['uco-observable']).toBe(
      'https://ontology.unifiedcyberontology.org/uco/observable/',
    );
    expect(context['uco-types']).toBe('https://ontology.unifiedcyberontology.org/uco/types/');
    expect(context['uco-identity']).toBe('https://ontology.unifiedcyberontology.org/uco/identity/');
    expect(context.xsd).toBe('http://www.w3.org/2001/XMLSchema#');
    expect(context).toEqual(CASE_UCO_CONTEXT);
  });

  it('has exactly one File per evidence file, with its SHA-256, size, name and media type', () => {
    expect(ofType(graph, 'uco-observable:File')).toHaveLength(2);
    for (const item of [ORIGINAL, REDACTED]) {
      const files = fileFor(graph, item.sha256);
      expect(files).toHaveLength(1);
      const facets = files[0]?.['uco-core:hasFacet'];
      expect(facets).toContainEqual(
        expect.objectContaining({
          '@type': 'uco-observable:FileFacet',
          'uco-observable:fileName': item.name,
          'uco-observable:sizeInBytes': item.size,
        }),
      );
      expect(facets).toContainEqual(
        expect.objectContaining({
          '@type': 'uco-observable:ContentDataFacet',
          'uco-observable:mimeType': item.mediaType,
          'uco-observable:hash': [
            expect.objectContaining({
              '@type': 'uco-types:Hash',
              'uco-types:hashMethod': {
                '@type': 'uco-vocabulary:HashNameVocab',
                '@value': 'SHA256',
              },
              'uco-types:hashValue': { '@type': 'xsd:hexBinary', '@value': item.sha256 },
            }),
          ],
        }),
      );
    }
  });

  it('has one action per event with its performer, tool, time and objects', () => {
    const nodes = byId(graph);
    const original = fileFor(graph, ORIGINAL.sha256)[0]?.['@id'];
    const redacted = fileFor(graph, REDACTED.sha256)[0]?.['@id'];
    expect(ofType(graph, 'case-investigation:InvestigativeAction')).toHaveLength(4);
    const expected = [
      { event: collected, object: [], result: [original] },
      { event: derived, object: [original], result: [redacted] },
      { event: accessed, object: [redacted], result: [] },
      { event: exported, object: [original, redacted], result: [] },
    ];
    for (const { event, object, result } of expected) {
      const actions = actionAt(graph, event.time);
      expect(actions).toHaveLength(1);
      const action = actions[0] as CaseUcoNode;
      expect(action['uco-core:name']).toBe(event.type);
      const performer = nodes.get(refs(action['uco-action:performer'])[0] ?? '');
      expect(performer?.['@type']).toBe('uco-identity:Identity');
      expect(performer?.['uco-core:name']).toBe(event.actor.name ?? event.actor.id);
      expect(performer?.['uco-core:description']).toContain(event.actor.id);
      const tool = nodes.get(refs(action['uco-action:instrument'])[0] ?? '');
      expect(tool).toMatchObject({
        '@type': 'uco-tool:Tool',
        'uco-core:name': event.tool.name,
        'uco-tool:version': event.tool.version,
      });
      const host = nodes.get(refs(action['uco-action:environment'])[0] ?? '');
      expect(host?.['uco-core:name']).toBe(event.host);
      expect(refs(action['uco-action:object']).sort()).toEqual([...object].sort());
      expect(refs(action['uco-action:result']).sort()).toEqual([...result].sort());
    }
    const authorization = refs(
      actionAt(graph, collected.time)[0]?.['case-investigation:relevantAuthorization'],
    );
    expect(nodes.get(authorization[0] ?? '')).toMatchObject({
      '@type': 'case-investigation:Authorization',
      'uco-core:description': 'Warrant 2026/118',
    });
  });

  it('links derived evidence to its source', () => {
    const original = fileFor(graph, ORIGINAL.sha256)[0];
    const redacted = fileFor(graph, REDACTED.sha256)[0];
    expect(refs(redacted?.['case-investigation:wasDerivedFrom'])).toEqual([original?.['@id']]);
    expect(original?.['case-investigation:wasDerivedFrom']).toBeUndefined();
  });

  it('groups the exhibits in a provenance record under the investigation', () => {
    const [record] = ofType(graph, 'case-investigation:ProvenanceRecord');
    expect(ofType(graph, 'case-investigation:ProvenanceRecord')).toHaveLength(1);
    expect(refs(record?.['uco-core:object']).sort()).toEqual(
      ofType(graph, 'uco-observable:File')
        .map((file) => file['@id'])
        .sort(),
    );
    expect(record?.['case-investigation:rootExhibitNumber']).toEqual([ORIGINAL.id, REDACTED.id]);
    expect(record?.['uco-core:objectCreatedTime']).toEqual({
      '@type': 'xsd:dateTime',
      '@value': input.generatedAt,
    });
    const [investigation] = ofType(graph, 'case-investigation:Investigation');
    expect(investigation?.['uco-core:name']).toBe('Advertisement network 14');
    expect(investigation?.['case-investigation:focus']).toEqual(['Online human trafficking']);
    expect(refs(investigation?.['uco-core:object'])).toContain(record?.['@id']);
  });

  it('is well-formed JSON-LD: every node typed and identified, no dangling references', () => {
    expect(shapeProblems(graph)).toEqual([]);
    // The checker itself sees what it is there to see.
    const [first, ...rest] = graph['@graph'] as [CaseUcoNode, ...CaseUcoNode[]];
    expect(shapeProblems({ ...graph, '@graph': rest }).join()).toContain('dangling reference');
    expect(shapeProblems({ ...graph, '@graph': [first, first, ...rest] }).join()).toContain(
      'duplicate id',
    );
  });

  it('gives stable ids and identical bytes, whatever the input order', () => {
    const json = caseUcoJson(input);
    expect(caseUcoJson(input)).toBe(json);
    expect(
      caseUcoJson({
        ...input,
        evidence: [...input.evidence].reverse(),
        events: [...input.events].reverse(),
      }),
    ).toBe(json);
    // Canonical: the text is its own RFC 8785 form.
    expect(parseCanonical(new TextEncoder().encode(json))).toEqual(graph);
    // Pinned, so a change of id scheme is a deliberate, visible change.
    expect(fileFor(graph, ORIGINAL.sha256)[0]?.['@id']).toMatch(/^kb:file-[0-9a-f]{32}$/);
    expect(fileFor(caseUcoGraph(input), ORIGINAL.sha256)[0]?.['@id']).toBe(
      fileFor(graph, ORIGINAL.sha256)[0]?.['@id'],
    );
  });

  it('leaves out the free-text note and the collection source', () => {
    const json = caseUcoJson(input);
    expect(json).not.toContain('Jane Roe');
    expect(json).not.toContain('ads.example');
  });

  it('gives identical events distinct actions', () => {
    const twice = caseUcoGraph({ ...input, events: [...input.events, accessed] });
    expect(actionAt(twice, accessed.time)).toHaveLength(2);
    expect(shapeProblems(twice)).toEqual([]);
  });

  it('refuses an export time or evidence that is not what a bundle holds', () => {
    const code = (bad: CaseUcoInput): string | undefined => {
      try {
        caseUcoGraph(bad);
      } catch (error) {
        if (isVigilError(error)) return `${error.code} ${String(error.details?.field)}`;
        throw error;
      }
      return undefined;
    };
    expect(code({ ...input, generatedAt: '2026-11-04' })).toBe(
      'BUNDLE_MANIFEST_INVALID generatedAt',
    );
    expect(code({ ...input, evidence: [{ ...ORIGINAL, sha256: 'XYZ' }] })).toBe(
      'BUNDLE_MANIFEST_INVALID evidence.0',
    );
    expect(code({ ...input, events: [{ ...accessed, time: 'yesterday' }] })).toBe(
      'CUSTODY_EVENT_INVALID time',
    );
  });

  it('has unique ids and no dangling references for any set of events', () => {
    const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);
    const ref = fc.record({
      id: fc.constantFrom('ev_aaaaaaaa', 'ev_bbbbbbbb', 'ev_cccccccc'),
      sha256: fc.oneof(fc.constant('3'.repeat(64)), hex64),
      size: fc.nat(),
      name: fc.constantFrom('a.html', 'b.png'),
      mediaType: fc.constantFrom('text/html', 'image/png'),
    });
    const refs = fc.uniqueArray(ref, { minLength: 1, maxLength: 3, selector: (r) => r.id });
    const event = fc
      .record({
        type: fc.constantFrom(...CUSTODY_EVENT_TYPES),
        time: fc
          .integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 })
          .map((ms) => new Date(ms).toISOString()),
        actor: fc.record(
          { id: fc.constantFrom('a-1', 'a-2'), name: fc.constantFrom('Ann', 'Bo') },
          { requiredKeys: ['id'] },
        ),
        evidence: refs,
        derivedFrom: refs,
        tool: fc.record({
          name: fc.constantFrom('vigil', 'x'),
          version: fc.constantFrom('1', '2'),
        }),
        host: fc.constantFrom('h1', 'h2'),
        legalBasis: fc.option(fc.constantFrom('W-1', 'W-2'), { nil: undefined }),
      })
      .map(
        ({ derivedFrom, ...rest }): CustodyEvent => ({
          ...rest,
          format: CUSTODY_FORMAT,
          case: 'CASE-1',
          purpose: 'p',
          ...(rest.type === 'derived' ? { derivedFrom } : {}),
          ...(rest.type === 'transferred' || rest.type === 'received'
            ? { counterparty: 'Europol' }
            : {}),
          ...(rest.type === 'annotated' ? { note: 'n' } : {}),
        }),
      );
    fc.assert(
      fc.property(
        fc.array(event, { maxLength: 12 }),
        fc.array(ref, { maxLength: 3 }),
        (events, evidence) => {
          const result = caseUcoGraph({
            caseId: 'CASE-1',
            evidence,
            events,
            generatedAt: input.generatedAt,
          });
          expect(shapeProblems(result)).toEqual([]);
          expect(ofType(result, 'case-investigation:InvestigativeAction')).toHaveLength(
            events.length,
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});
