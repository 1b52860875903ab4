import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VigilError } from '../shared/errors.js';
import {
  type AgreementInput,
  CLAUSES,
  DATA_CATEGORIES,
  type DataCategory,
  decideExport,
  type ExportDecision,
  type ExportRequestInput,
  evaluateExport,
  PURPOSES,
  parseAgreement,
  redactForExport,
} from './agreement.js';
import { PAP_LEVELS, papRank, TLP_LEVELS, tlpRank } from './markings.js';

const FP = 'a'.repeat(64);
const agreement: AgreementInput = {
  id: 'ag-2025-007',
  title: 'Signal exchange between Example Classifieds and the National Anti-Trafficking Unit',
  parties: [
    { organisationId: 'org.classifieds', name: 'Example Classifieds', keyFingerprints: [FP] },
    {
      organisationId: 'org.natu',
      name: 'National Anti-Trafficking Unit',
      keyFingerprints: ['b'.repeat(64)],
    },
  ],
  purposes: {
    allowed: ['investigation', 'victim-identification'],
    description: 'Identify and protect victims; investigate trafficking offences.',
  },
  legalBasis: {
    kind: 'bilateral-agreement',
    reference: 'MoU 2025-07',
    citation: 'Memorandum of understanding of 1 March 2025, §§ 2-9',
  },
  dataCategories: ['indicators', 'case-summaries'],
  maxTlp: 'amber',
  papCeiling: 'amber',
  retentionDays: 90,
  onwardSharing: 'none',
  validity: { from: '2025-03-01T00:00:00Z', until: '2026-03-01T00:00:00Z' },
};
const NOW = '2025-06-01T12:00:00Z';
const request: ExportRequestInput = {
  to: 'org.natu',
  from: 'org.classifieds',
  purpose: 'investigation',
  categories: ['indicators'],
  tlp: 'amber',
  pap: 'green',
  containsVictimData: false,
};

function denied(fn: () => unknown): VigilError {
  try {
    fn();
  } catch (e) {
    if (e instanceof VigilError) return e;
    throw e;
  }
  throw new Error('expected a denial');
}

describe('agreements', () => {
  it('validates an agreement and refuses broken ones naming the field', () => {
    expect(parseAgreement(agreement).id).toBe('ag-2025-007');
    const e = denied(() =>
      parseAgreement({
        ...agreement,
        validity: { from: '2026-01-01T00:00:00Z', until: '2025-01-01T00:00:00Z' },
      }),
    );
    expect(e.code).toBe('SHARE_AGREEMENT_INVALID');
    expect(e.message).toContain('validity.until');
    const dup = denied(() =>
      parseAgreement({ ...agreement, parties: [agreement.parties[0], agreement.parties[0]] }),
    );
    expect(dup.code).toBe('SHARE_AGREEMENT_INVALID');
    expect(
      denied(() => parseAgreement({ ...agreement, dataCategories: ['everything'] })).code,
    ).toBe('SHARE_AGREEMENT_INVALID');
  });

  it('allows a request within every clause and returns the rules that travel with the data', () => {
    const d = decideExport(agreement, request, NOW);
    expect(d.allowed).toBe(true);
    expect(d.to.organisationId).toBe('org.natu');
    expect(d.categories).toEqual(['indicators']);
    expect(d.victimData).toBe(false);
    expect(d.markings.tlp).toBe('amber');
    expect(d.markings.pap).toBe('green');
    expect(d.markings.statement).toContain('ag-2025-007');
    expect(d.markings.statement).toContain('no onward sharing');
    expect(d.retention).toEqual({ days: 90, deleteBy: '2025-08-30T12:00:00.000Z' });
    expect(d.onwardSharing).toBe('none');
  });

  it('never shares victim data unless the agreement names it, and names clause 4', () => {
    const e = denied(() => decideExport(agreement, { ...request, containsVictimData: true }, NOW));
    expect(e.code).toBe('SHARE_DENIED');
    expect(e.message).toContain('clause 4 (data categories)');
    expect(e.message).toContain('victim-data');
    expect(e.details?.clauses).toEqual([4]);
    const withVictims = {
      ...agreement,
      dataCategories: ['indicators', 'victim-data'] as DataCategory[],
    };
    expect(
      decideExport(withVictims, { ...request, containsVictimData: true }, NOW).victimData,
    ).toBe(true);
  });

  it('lists every clause that forbids a request', () => {
    const e = denied(() =>
      decideExport(
        agreement,
        { ...request, to: 'org.stranger', purpose: 'research', tlp: 'red', pap: 'red' },
        '2027-01-01T00:00:00Z',
      ),
    );
    expect(e.code).toBe('SHARE_DENIED');
    expect(e.details?.clauses).toEqual([1, 2, 5, 6, 9]);
    for (const label of [
      'clause 1 (parties)',
      'clause 2 (purposes)',
      'clause 5 (TLP maximum)',
      'clause 6 (PAP ceiling)',
      'clause 9 (validity)',
    ])
      expect(e.message).toContain(label);
  });

  it('checks the legal basis an export answers (clause 3)', () => {
    const mla = {
      ...agreement,
      legalBasis: {
        kind: 'mla-request' as const,
        reference: 'MLA 2025/118',
        citation: 'Budapest Convention Art. 25',
      },
    };
    expect(
      decideExport(
        mla,
        { ...request, legalBasis: { kind: 'mla-request', reference: 'MLA 2025/118' } },
        NOW,
      ).allowed,
    ).toBe(true);
    const e = denied(() =>
      decideExport(
        mla,
        { ...request, legalBasis: { kind: 'mla-request', reference: 'MLA 2025/999' } },
        NOW,
      ),
    );
    expect(e.details?.clauses).toEqual([3]);
    expect(e.message).toContain('clause 3 (legal basis)');
  });

  it('refuses a request outside validity at both ends (from inclusive, until exclusive)', () => {
    expect(evaluateExport(agreement, request, '2025-03-01T00:00:00Z').allowed).toBe(true);
    expect(evaluateExport(agreement, request, '2025-02-28T23:59:59Z').allowed).toBe(false);
    expect(evaluateExport(agreement, request, '2026-03-01T00:00:00Z').allowed).toBe(false);
  });

  it('refuses malformed requests as REQUEST_INVALID, not as a decision', () => {
    expect(denied(() => decideExport(agreement, { ...request, tlp: 'white' }, NOW)).code).toBe(
      'REQUEST_INVALID',
    );
    expect(denied(() => decideExport(agreement, request, 'yesterday')).code).toBe(
      'REQUEST_INVALID',
    );
  });
});

describe('decideExport (properties)', () => {
  const parties = ['org.a', 'org.b', 'org.c'];
  const instant = fc
    .integer({ min: Date.UTC(2020, 0, 1) / 1000, max: Date.UTC(2030, 0, 1) / 1000 })
    .map((s) => new Date(s * 1000).toISOString().replace('.000Z', 'Z'));
  const arbAgreement = fc
    .record({
      purposes: fc.uniqueArray(fc.constantFrom(...PURPOSES), { minLength: 1 }),
      categories: fc.uniqueArray(fc.constantFrom(...DATA_CATEGORIES), { minLength: 1 }),
      maxTlp: fc.constantFrom(...TLP_LEVELS),
      papCeiling: fc.constantFrom(...PAP_LEVELS),
      from: instant,
      days: fc.integer({ min: 1, max: 2000 }),
    })
    .map(
      (r): AgreementInput => ({
        ...agreement,
        parties: parties
          .slice(0, 2)
          .map((id) => ({ organisationId: id, name: id, keyFingerprints: [FP] })),
        purposes: { allowed: r.purposes, description: 'test' },
        dataCategories: r.categories,
        maxTlp: r.maxTlp,
        papCeiling: r.papCeiling,
        validity: {
          from: r.from,
          until: new Date(Date.parse(r.from) + r.days * 86_400_000).toISOString(),
        },
      }),
    );
  const arbRequest = fc.record({
    to: fc.constantFrom(...parties),
    purpose: fc.constantFrom(...PURPOSES),
    categories: fc.uniqueArray(fc.constantFrom(...DATA_CATEGORIES), { minLength: 1 }),
    tlp: fc.constantFrom(...TLP_LEVELS),
    pap: fc.constantFrom(...PAP_LEVELS),
    containsVictimData: fc.boolean(),
  });

  it('allows a request exactly when no clause forbids it', () => {
    fc.assert(
      fc.property(arbAgreement, arbRequest, instant, (a, r, now) => {
        const result = evaluateExport(a, r, now);
        const wanted = new Set<string>(r.categories);
        if (r.containsVictimData) wanted.add('victim-data');
        const forbidden =
          [...wanted].some((c) => !(a.dataCategories as string[]).includes(c)) ||
          tlpRank(r.tlp) > tlpRank(a.maxTlp) ||
          papRank(r.pap) > papRank(a.papCeiling) ||
          !(a.purposes.allowed as string[]).includes(r.purpose) ||
          Date.parse(now) < Date.parse(a.validity.from) ||
          Date.parse(now) >= Date.parse(a.validity.until) ||
          !a.parties.some((p) => p.organisationId === r.to);
        expect(result.allowed).toBe(!forbidden);
        if (!result.allowed) {
          expect(result.denials.length).toBeGreaterThan(0);
          const e = denied(() => decideExport(a, r, now));
          expect(e.code).toBe('SHARE_DENIED');
          for (const c of (e.details?.clauses ?? []) as number[])
            expect(e.message).toContain(`clause ${c} (`);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('names clause 4 whenever a category is missing, and never lets victim data through unnamed', () => {
    fc.assert(
      fc.property(arbAgreement, arbRequest, (a, r) => {
        const now = a.validity.from;
        const victims = r.containsVictimData || r.categories.includes('victim-data');
        const result = evaluateExport(a, r, now);
        if (victims && !(a.dataCategories as string[]).includes('victim-data')) {
          expect(result.allowed).toBe(false);
          if (!result.allowed)
            expect(result.denials.map((d) => d.clause)).toContain(CLAUSES.dataCategories.number);
        }
        if (result.allowed) expect(result.victimData).toBe(victims);
      }),
      { numRuns: 300 },
    );
  });
});

describe('redactForExport', () => {
  const summary = {
    caseId: 'case-1',
    title: 'Network around Jane Roe',
    summary:
      'Ads posted for Jane Roe ("JR") used +15550000001 and the handle trafficker_x. Contact +15550000002 belongs to Jane Roe.',
    victims: [
      {
        id: 'v1',
        name: 'Jane Roe',
        aliases: ['JR'],
        identifiers: [{ kind: 'phone' as const, value: '+15550000002' }],
      },
    ],
    suspects: [{ id: 's1', name: 'John Doe' }],
  };
  const identifiers = [
    { kind: 'phone' as const, value: '+15550000001' },
    { kind: 'phone' as const, value: '+15550000002' },
    { kind: 'image-pdq' as const, value: 'f'.repeat(64), linkedToVictim: true },
    { kind: 'handle' as const, platform: 'telegram', value: 'trafficker_x' },
  ];
  const decision = (categories: DataCategory[]): ExportDecision =>
    decideExport(
      { ...agreement, dataCategories: categories },
      { ...request, categories, containsVictimData: categories.includes('victim-data') },
      NOW,
    );

  it('removes victims and their identifiers and pseudonymises their names by default', () => {
    const out = redactForExport(
      { caseSummary: summary, identifiers },
      decision(['indicators', 'case-summaries']),
    );
    expect(out.identifiers.map((i) => i.value)).toEqual(['+15550000001', 'trafficker_x']);
    expect(out.caseSummary?.victims).toBeUndefined();
    expect(out.caseSummary?.victimCount).toBe(1);
    expect(out.caseSummary?.title).toBe('Network around [victim 1]');
    const text = out.caseSummary?.summary ?? '';
    expect(text).not.toContain('Jane');
    expect(text).not.toContain('JR');
    expect(text).not.toContain('+15550000002');
    expect(text).toContain('+15550000001');
    expect(out.caseSummary?.suspects).toEqual([{ id: 's1', name: 'John Doe' }]);
    expect(JSON.stringify(out.report)).not.toContain('Jane');
    expect(out.report.every((r) => r.reason.includes('clause 4 (data categories)'))).toBe(true);
  });

  it('keeps victim data only when the agreement names victim-data', () => {
    const out = redactForExport(
      { caseSummary: summary, identifiers },
      decision(['indicators', 'case-summaries', 'victim-data']),
    );
    expect(out.identifiers).toHaveLength(4);
    expect(out.caseSummary?.victims?.[0]?.name).toBe('Jane Roe');
    expect(out.report).toEqual([]);
  });

  it('drops what the categories do not cover', () => {
    const onlySummaries = redactForExport(
      { caseSummary: summary, identifiers },
      decision(['case-summaries']),
    );
    expect(onlySummaries.identifiers).toEqual([]);
    expect(onlySummaries.caseSummary).toBeDefined();
    const onlyIndicators = redactForExport(
      { caseSummary: summary, identifiers },
      decision(['indicators']),
    );
    expect(onlyIndicators.caseSummary).toBeUndefined();
    expect(onlyIndicators.identifiers).toHaveLength(2);
  });
});
