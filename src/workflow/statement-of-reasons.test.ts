import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isVigilError } from '../shared/errors.js';
import { loadSorRules, type SorRules, validateBatch, validatePayload } from './sor-rules.js';
import {
  ACCOUNT,
  ACCOUNT_TYPES,
  AUTOMATED_DECISIONS,
  addMonths,
  CATEGORIES,
  CONTENT_TYPES,
  COUNTRIES,
  DECISION_ERROR,
  DECISION_GROUNDS,
  type DecisionInput,
  EEA_COUNTRIES,
  EU_COUNTRIES,
  KEYWORDS,
  LANGUAGES,
  MONETARY,
  type PlatformInput,
  PROVISION,
  parseDecision,
  SOURCE_TYPES,
  statementOfReasons,
  TRAFFICKING_CATEGORY,
  TRAFFICKING_KEYWORDS,
  transparencyPayload,
  VISIBILITY,
} from './statement-of-reasons.js';

// Tests may do IO; the module may not. rules.json lives beside the repository (../shared).
const RAW = JSON.parse(
  readFileSync(new URL('../../../shared/schemas/dsa-sor/rules.json', import.meta.url), 'utf8'),
) as Record<string, unknown> & {
  enums: Record<string, { values: { value: string }[]; groups?: Record<string, string[]> }>;
  fields: { name: string; laravel_rules: string[]; max_length?: number }[];
  documented_example_payload: { payload: Record<string, unknown> };
};
const RULES: SorRules = loadSorRules(RAW);
const FIELD_NAMES = new Set(RAW.fields.map((f) => f.name));

const PLATFORM: PlatformInput = {
  name: 'Example Classifieds',
  contact: 'trust-and-safety@example.org',
  complaint: 'https://example.org/appeals',
  outOfCourtBodies: [{ name: 'Example Dispute Settlement Body', url: 'https://ods.example.eu' }],
  termsUrl: 'https://example.org/terms',
};

const traffickingRemoval: DecisionInput = {
  id: 'dec-2025-0001',
  decidedAt: '2025-03-10',
  restrictions: { visibility: { kinds: ['DECISION_VISIBILITY_CONTENT_REMOVED'] } },
  ground: {
    kind: 'illegal',
    legalGround:
      'Directive 2011/36/EU Art. 2 as transposed in national criminal law (trafficking in human beings)',
    explanation:
      'The ad recruits people for work with travel and housing arranged by a third party who keeps their documents and wages, which are indicators of trafficking for labour exploitation.',
    referenceUrl: 'https://eur-lex.europa.eu/eli/dir/2011/36/oj',
  },
  facts:
    'A job ad posted in the jobs section offered work abroad with debts for travel and withheld documents.',
  automatedDetection: true,
  automatedDecision: 'AUTOMATED_DECISION_PARTIALLY',
  territorialScope: 'EU',
  content: { types: ['CONTENT_TYPE_TEXT'], date: '2025-03-08', language: 'EN' },
  category: TRAFFICKING_CATEGORY,
  keywords: [...TRAFFICKING_KEYWORDS],
  source: { type: 'SOURCE_TRUSTED_FLAGGER', identity: 'Example Anti-Trafficking NGO' },
};

const accountSuspension: DecisionInput = {
  id: 'dec-2025-0002',
  decidedAt: '2025-04-01',
  restrictions: { account: { kind: 'DECISION_ACCOUNT_SUSPENDED', endDate: '2025-07-01' } },
  ground: {
    kind: 'incompatible',
    clause: 'Terms of Service 4.2: no recruitment on behalf of third parties',
    explanation:
      'The account posted twelve near-identical recruitment ads for different third parties.',
    alsoIllegal: false,
  },
  facts: 'Twelve recruitment ads from this account share one template and one phone number.',
  automatedDetection: false,
  automatedDecision: 'AUTOMATED_DECISION_NOT_AUTOMATED',
  territorialScope: ['DE', 'AT'],
  content: { types: ['CONTENT_TYPE_TEXT', 'CONTENT_TYPE_IMAGE'], date: '2025-03-30' },
  category: 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC',
  source: { type: 'SOURCE_VOLUNTARY' },
  accountType: 'ACCOUNT_TYPE_PRIVATE',
};

const demotion: DecisionInput = {
  id: 'dec-2025-0003',
  decidedAt: '2025-05-02',
  restrictions: {
    visibility: { kinds: ['DECISION_VISIBILITY_CONTENT_DEMOTED'], endDate: '2025-06-02' },
  },
  ground: {
    kind: 'incompatible',
    clause: 'Community Guidelines 7: listings with unverified agency details',
    explanation:
      'The listing names an agency we could not verify; it is shown less until verified.',
  },
  facts: 'The listing advertises massage work and names an agency without registration details.',
  automatedDetection: true,
  automatedDecision: 'AUTOMATED_DECISION_FULLY',
  content: { types: ['CONTENT_TYPE_TEXT'], date: '2025-05-01' },
  category: TRAFFICKING_CATEGORY,
  keywords: ['KEYWORD_HUMAN_EXPLOITATION'],
  source: { type: 'SOURCE_ARTICLE_16' },
};

function expectInvalid(input: unknown, pathAndText: RegExp): void {
  try {
    parseDecision(input);
  } catch (error) {
    expect(isVigilError(error, DECISION_ERROR)).toBe(true);
    expect((error as Error).message).toMatch(pathAndText);
    return;
  }
  throw new Error('expected the decision to be rejected');
}

describe('enums are rules.json verbatim', () => {
  const lists: [string, readonly string[]][] = [
    ['decision_visibility', VISIBILITY],
    ['decision_monetary', MONETARY],
    ['decision_provision', PROVISION],
    ['decision_account', ACCOUNT],
    ['account_type', ACCOUNT_TYPES],
    ['decision_ground', DECISION_GROUNDS],
    ['content_type', CONTENT_TYPES],
    ['category', CATEGORIES],
    ['category_specification', KEYWORDS],
    ['source_type', SOURCE_TYPES],
    ['automated_decision', AUTOMATED_DECISIONS],
    ['territorial_scope', COUNTRIES],
    ['content_language', LANGUAGES],
  ];
  for (const [key, list] of lists) {
    it(key, () => {
      expect([...list]).toEqual(RAW.enums[key]?.values.map((v) => v.value));
    });
  }
  it('EU / EEA groups and the trafficking taxonomy', () => {
    expect([...EU_COUNTRIES]).toEqual(RAW.enums.territorial_scope?.groups?.EU);
    expect([...EEA_COUNTRIES]).toEqual(RAW.enums.territorial_scope?.groups?.EEA);
    expect(CATEGORIES).toContain(TRAFFICKING_CATEGORY);
    for (const k of TRAFFICKING_KEYWORDS) expect(KEYWORDS).toContain(k);
  });
});

describe('rules.json loader', () => {
  it('accepts the documented example payload', () => {
    expect(validatePayload(RAW.documented_example_payload.payload, RULES)).toEqual([]);
  });
  it('reads the batch bounds and the "null" quirk from the data', () => {
    expect(RULES.batch).toEqual({ min: 1, max: 100 });
    expect([...RULES.nullString].sort()).toEqual(
      [
        'account_type',
        'category_specification',
        'decision_account',
        'decision_monetary',
        'decision_provision',
        'decision_visibility',
      ].sort(),
    );
  });
  it('rejects an unknown Laravel rule kind and an unknown field attribute', () => {
    const withToken = structuredClone(RAW);
    withToken.fields[0]?.laravel_rules.push('distinct');
    expect(() => loadSorRules(withToken)).toThrow(/unknown rule kind "distinct"/);
    const withAttr = structuredClone(RAW);
    Object.assign(withAttr.fields[0] ?? {}, { min_items: 1 });
    expect(() => loadSorRules(withAttr)).toThrow(/expected shape/);
  });
  it('rejects structured attributes that disagree with the verbatim rule', () => {
    const bad = structuredClone(RAW);
    const facts = bad.fields.find((f) => f.name === 'decision_facts') ?? { max_length: 0 };
    facts.max_length = 6000;
    expect(() => loadSorRules(bad)).toThrow(/decision_facts.*max:5000/);
  });
  it('enforces a rule added to the data without code changes', () => {
    const more = structuredClone(RAW);
    more.fields.push({
      name: 'platform_note',
      type: 'string',
      required: true,
      max_length: 3,
      laravel_rules: ['required', 'max:3'],
    } as never);
    const rules = loadSorRules(more);
    const payload = transparencyPayload(demotion);
    expect(validatePayload(payload, rules)).toEqual([
      expect.objectContaining({ field: 'platform_note', rule: 'required' }),
    ]);
    expect(validatePayload({ ...payload, platform_note: 'abcd' }, rules)).toEqual([
      expect.objectContaining({ field: 'platform_note', rule: 'max_length' }),
    ]);
  });
});

describe('examples', () => {
  it('removal of a trafficking ad on illegality grounds', () => {
    const payload = transparencyPayload(traffickingRemoval, { includeSourceIdentity: true });
    expect(validatePayload(payload, RULES)).toEqual([]);
    expect(payload).toMatchObject({
      decision_visibility: ['DECISION_VISIBILITY_CONTENT_REMOVED'],
      decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT',
      category: 'STATEMENT_CATEGORY_VIOLENCE',
      category_specification: [
        'KEYWORD_HUMAN_EXPLOITATION',
        'KEYWORD_HUMAN_TRAFFICKING',
        'KEYWORD_TRAFFICKING_WOMEN_GIRLS',
      ],
      territorial_scope: [...EU_COUNTRIES].sort(),
      source_type: 'SOURCE_TRUSTED_FLAGGER',
      source_identity: 'Example Anti-Trafficking NGO',
      automated_detection: 'Yes',
      automated_decision: 'AUTOMATED_DECISION_PARTIALLY',
      application_date: '2025-03-10',
      content_date: '2025-03-08',
      puid: 'dec-2025-0001',
    });
    expect(payload).not.toHaveProperty('incompatible_content_ground');
    // No notifier identity unless asked for (Art. 24(5): no personal data).
    expect(transparencyPayload(traffickingRemoval)).not.toHaveProperty('source_identity');

    const sor = statementOfReasons(traffickingRemoval, PLATFORM);
    expect(sor.sections.map((s) => s.id)).toEqual([
      'action',
      'facts',
      'automation',
      'ground',
      'redress',
    ]);
    expect(sor.text).toContain('We removed the content');
    expect(sor.text).toContain('all countries of the European Union');
    expect(sor.text).toContain('trusted flagger');
    expect(sor.text).toContain('Directive 2011/36/EU');
    expect(sor.text).toContain('detected or identified by automated means');
    expect(sor.structured.redress.internalComplaint.until).toBe('2025-09-10');
  });

  it('account suspension on terms grounds', () => {
    const payload = transparencyPayload(accountSuspension);
    expect(validatePayload(payload, RULES)).toEqual([]);
    expect(payload).toMatchObject({
      decision_account: 'DECISION_ACCOUNT_SUSPENDED',
      end_date_account_restriction: '2025-07-01',
      decision_ground: 'DECISION_GROUND_INCOMPATIBLE_CONTENT',
      incompatible_content_illegal: 'No',
      territorial_scope: ['AT', 'DE'],
      content_type: ['CONTENT_TYPE_IMAGE', 'CONTENT_TYPE_TEXT'],
      source_type: 'SOURCE_VOLUNTARY',
      account_type: 'ACCOUNT_TYPE_PRIVATE',
    });
    expect(payload).not.toHaveProperty('illegal_content_legal_ground');
    const sor = statementOfReasons(accountSuspension, PLATFORM);
    expect(sor.text).toContain('We suspended your account, until 2025-07-01');
    expect(sor.text).toContain('Terms of Service 4.2');
    expect(sor.text).toContain('on our own initiative');
    expect(sor.text).toContain('This applies in: AT, DE.');
  });

  it('demotion with an end date', () => {
    const payload = transparencyPayload(demotion);
    expect(validatePayload(payload, RULES)).toEqual([]);
    expect(payload).toMatchObject({
      decision_visibility: ['DECISION_VISIBILITY_CONTENT_DEMOTED'],
      end_date_visibility_restriction: '2025-06-02',
      automated_decision: 'AUTOMATED_DECISION_FULLY',
    });
    expect(payload).not.toHaveProperty('territorial_scope');
    const sor = statementOfReasons(demotion, PLATFORM);
    expect(sor.text).toContain('demotion');
    expect(sor.text).toContain('until 2025-06-02');
    expect(sor.text).toContain('The decision was taken by automated means.');
  });

  it('every statement names the three redress routes', () => {
    for (const d of [traffickingRemoval, accountSuspension, demotion]) {
      const sor = statementOfReasons(d, PLATFORM);
      expect(sor.text).toContain('Internal complaint (Article 20 DSA)');
      expect(sor.text).toContain('6 months after the decision');
      expect(sor.text).toContain('https://example.org/appeals');
      expect(sor.text).toContain('Out-of-court dispute settlement (Article 21 DSA)');
      expect(sor.text).toContain('Example Dispute Settlement Body');
      expect(sor.text).toContain('Judicial redress');
      expect(sor.structured.redress.judicial).toBe(true);
    }
  });

  it('refuses a complaint window shorter than six months', () => {
    expect(() => statementOfReasons(demotion, { ...PLATFORM, complaintWindowMonths: 3 })).toThrow(
      /complaintWindowMonths/,
    );
  });

  it('adds months, clamping to the end of the month', () => {
    expect(addMonths('2025-08-31', 6)).toBe('2026-02-28');
    expect(addMonths('2023-08-31', 6)).toBe('2024-02-29');
    expect(addMonths('2025-12-15', 1)).toBe('2026-01-15');
  });
});

describe('invalid decisions', () => {
  it('ground illegal without a legal ground', () => {
    const { legalGround: _drop, ...ground } = traffickingRemoval.ground as Record<string, unknown>;
    expectInvalid({ ...traffickingRemoval, ground }, /ground\.legalGround/);
  });
  it('an end date before the decision', () => {
    expectInvalid(
      {
        ...demotion,
        restrictions: {
          visibility: { kinds: ['DECISION_VISIBILITY_CONTENT_DEMOTED'], endDate: '2025-05-01' },
        },
      },
      /restrictions\.visibility\.endDate: the end date 2025-05-01 is before the decision date 2025-05-02/,
    );
  });
  it('an end date on a termination', () => {
    expectInvalid(
      {
        ...accountSuspension,
        restrictions: { account: { kind: 'DECISION_ACCOUNT_TERMINATED', endDate: '2025-07-01' } },
      },
      /termination has no end date/,
    );
  });
  it('no restriction, OTHER without a description, identity on own initiative, content after decision', () => {
    expectInvalid({ ...demotion, restrictions: {} }, /restrictions: name at least one restriction/);
    expectInvalid(
      { ...demotion, restrictions: { monetary: { kind: 'DECISION_MONETARY_OTHER' } } },
      /restrictions\.monetary\.other/,
    );
    expectInvalid(
      { ...accountSuspension, source: { type: 'SOURCE_VOLUNTARY', identity: 'x' } },
      /source\.identity/,
    );
    expectInvalid(
      { ...demotion, content: { ...demotion.content, date: '2025-06-01' } },
      /content\.date/,
    );
  });
  it('an invented enum value and an over-long text', () => {
    expectInvalid({ ...demotion, category: 'STATEMENT_CATEGORY_TRAFFICKING' }, /category/);
    expectInvalid({ ...demotion, facts: 'x'.repeat(5001) }, /facts/);
    expectInvalid({ ...demotion, id: 'has space' }, /^Decision invalid at id/);
  });
  it('lists every problem in details', () => {
    let caught: unknown;
    try {
      parseDecision({
        ...demotion,
        restrictions: {},
        source: { type: 'SOURCE_VOLUNTARY', identity: 'x' },
      });
    } catch (error) {
      caught = error;
    }
    expect(isVigilError(caught, DECISION_ERROR)).toBe(true);
    expect((caught as { details: { issues: unknown[] } }).details.issues).toHaveLength(2);
    expect((caught as Error).message).toContain('and 1 more problem');
  });
});

// ---------------------------------------------------------------------------------------------
// Property: every valid decision yields a payload that passes every rule in rules.json.

const DAY = 86_400_000;
const BASE_2000 = Date.UTC(2000, 0, 1);
const dayOf = (n: number) => new Date(BASE_2000 + n * DAY).toISOString().slice(0, 10);
const dayIndex = (s: string) => Math.round((Date.parse(`${s}T00:00:00Z`) - BASE_2000) / DAY);
const FIRST_DECISION = dayIndex('2020-01-01');
const LAST_DAY = dayIndex('2038-01-01');

const textArb = (max: number) =>
  fc
    .oneof(
      { weight: 4, arbitrary: fc.string({ minLength: 1, maxLength: Math.min(max, 80) }) },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: max - 2, maxLength: max }) },
    )
    .map((s) => [...s].slice(0, max).join(''))
    .filter((s) => s.trim().length > 0);

const endDate = (decided: number, allowed: boolean) =>
  allowed
    ? fc.option(fc.integer({ min: decided, max: LAST_DAY }).map(dayOf), { nil: undefined })
    : fc.constant(undefined);

const decisionArb: fc.Arbitrary<DecisionInput> = fc
  .integer({ min: FIRST_DECISION, max: LAST_DAY })
  .chain((decided) =>
    fc.record({
      id: fc.stringMatching(/^[a-zA-Z0-9_-]{1,60}$/),
      decidedAt: fc.constant(dayOf(decided)),
      restrictions: fc
        .record({
          visibility: fc.option(
            fc.uniqueArray(fc.constantFrom(...VISIBILITY), { minLength: 1 }).chain((kinds) =>
              fc.record({
                kinds: fc.constant(kinds),
                other: kinds.includes('DECISION_VISIBILITY_OTHER')
                  ? textArb(500)
                  : fc.constant(undefined),
                endDate: endDate(decided, true),
              }),
            ),
            { nil: undefined },
          ),
          monetary: fc.option(
            fc.constantFrom(...MONETARY).chain((kind) =>
              fc.record({
                kind: fc.constant(kind),
                other: kind === 'DECISION_MONETARY_OTHER' ? textArb(500) : fc.constant(undefined),
                endDate: endDate(decided, kind !== 'DECISION_MONETARY_TERMINATION'),
              }),
            ),
            { nil: undefined },
          ),
          provision: fc.option(
            fc.constantFrom(...PROVISION).chain((kind) =>
              fc.record({
                kind: fc.constant(kind),
                endDate: endDate(decided, kind.endsWith('_SUSPENSION')),
              }),
            ),
            { nil: undefined },
          ),
          account: fc.option(
            fc.constantFrom(...ACCOUNT).chain((kind) =>
              fc.record({
                kind: fc.constant(kind),
                endDate: endDate(decided, kind === 'DECISION_ACCOUNT_SUSPENDED'),
              }),
            ),
            { nil: undefined },
          ),
        })
        .filter((r) => Object.values(r).some((v) => v !== undefined)),
      ground: fc.oneof(
        fc.record({
          kind: fc.constant('illegal' as const),
          legalGround: textArb(500),
          explanation: textArb(2000),
          referenceUrl: fc.option(fc.webUrl({ size: 'small' }), { nil: undefined }),
        }),
        fc.record({
          kind: fc.constant('incompatible' as const),
          clause: textArb(500),
          explanation: textArb(2000),
          alsoIllegal: fc.option(fc.boolean(), { nil: undefined }),
          referenceUrl: fc.option(fc.webUrl({ size: 'small' }), { nil: undefined }),
        }),
      ),
      facts: textArb(5000),
      automatedDetection: fc.boolean(),
      automatedDecision: fc.constantFrom(...AUTOMATED_DECISIONS),
      territorialScope: fc.option(
        fc.oneof(
          fc.constant('EU' as const),
          fc.constant('EEA' as const),
          fc.uniqueArray(fc.constantFrom(...COUNTRIES), { minLength: 1 }),
        ),
        { nil: undefined },
      ),
      content: fc.uniqueArray(fc.constantFrom(...CONTENT_TYPES), { minLength: 1 }).chain((types) =>
        fc.record({
          types: fc.constant(types),
          other: types.includes('CONTENT_TYPE_OTHER') ? textArb(500) : fc.constant(undefined),
          date: fc.integer({ min: 0, max: decided }).map(dayOf),
          language: fc.option(fc.constantFrom(...LANGUAGES), { nil: undefined }),
        }),
      ),
      category: fc.oneof(fc.constant(TRAFFICKING_CATEGORY), fc.constantFrom(...CATEGORIES)),
      additionalCategories: fc.option(fc.uniqueArray(fc.constantFrom(...CATEGORIES)), {
        nil: undefined,
      }),
      keywords: fc.option(
        fc.oneof(
          fc.subarray([...TRAFFICKING_KEYWORDS], { minLength: 1 }),
          fc.uniqueArray(fc.constantFrom(...KEYWORDS), { maxLength: 8 }),
        ),
        { nil: undefined },
      ),
      source: fc.constantFrom(...SOURCE_TYPES).chain((type) =>
        fc.record({
          type: fc.constant(type),
          identity:
            type === 'SOURCE_VOLUNTARY'
              ? fc.constant(undefined)
              : fc.option(textArb(500), { nil: undefined }),
        }),
      ),
      accountType: fc.option(fc.constantFrom(...ACCOUNT_TYPES), { nil: undefined }),
    }),
  )
  .chain((d) =>
    (d.keywords ?? []).includes('KEYWORD_OTHER')
      ? textArb(500).map((keywordOther) => ({ ...d, keywordOther }))
      : fc.constant(d),
  );

const REQUIRED = RAW.fields
  .filter((f) => (f as { required?: boolean }).required)
  .map((f) => f.name);

describe('property: payloads of valid decisions pass every rule', () => {
  it('0 violations, only known fields, normalised arrays, and a statement with redress', () => {
    fc.assert(
      fc.property(decisionArb, fc.boolean(), (d, withIdentity) => {
        const payload = transparencyPayload(d, { includeSourceIdentity: withIdentity });
        expect(validatePayload(payload, RULES)).toEqual([]);
        for (const key of Object.keys(payload)) expect(FIELD_NAMES.has(key), key).toBe(true);
        for (const key of [
          'decision_visibility',
          'content_type',
          'category_specification',
          'territorial_scope',
        ]) {
          const v = payload[key] as string[] | undefined;
          if (v) expect(v).toEqual([...new Set(v)].sort());
        }
        expect((payload.category_addition as string[] | undefined) ?? []).not.toContain(
          payload.category,
        );
        const sor = statementOfReasons(d, PLATFORM);
        expect(sor.text).toContain('Article 20');
        expect(sor.text).toContain('Article 21');
        expect(sor.text).toContain('Judicial redress');
      }),
      { numRuns: 300 },
    );
  });

  it('a batch of valid payloads passes; too many or repeated puids do not', () => {
    fc.assert(
      fc.property(fc.array(decisionArb, { minLength: 1, maxLength: 5 }), (ds) => {
        const statements = ds.map((d, i) => transparencyPayload({ ...d, id: `${d.id}-${i}` }));
        expect(validateBatch(statements, RULES)).toEqual([]);
      }),
      { numRuns: 30 },
    );
    const one = transparencyPayload(demotion);
    expect(validateBatch(Array(101).fill(one), RULES)).toContainEqual(
      expect.objectContaining({ field: 'statements', rule: 'between' }),
    );
    expect(validateBatch([one, one], RULES)).toContainEqual(
      expect.objectContaining({ field: 'statements[1].puid', rule: 'distinct' }),
    );
    expect(validateBatch([], RULES)).toContainEqual(expect.objectContaining({ rule: 'between' }));
  });

  it('dropping any required field is caught naming the field and rule', () => {
    fc.assert(
      fc.property(decisionArb, fc.constantFrom(...REQUIRED), (d, field) => {
        const payload = transparencyPayload(d);
        delete payload[field];
        expect(validatePayload(payload, RULES)).toContainEqual(
          expect.objectContaining({ field, rule: 'required' }),
        );
      }),
      { numRuns: 100 },
    );
  });
});

describe('mutated payloads are caught naming the rule', () => {
  const base = () => transparencyPayload(traffickingRemoval, { includeSourceIdentity: true });
  const cases: [string, (p: Record<string, unknown>) => void, string, string][] = [
    [
      'bad enum',
      (p) => {
        p.category = 'STATEMENT_CATEGORY_TRAFFICKING';
      },
      'category',
      'enum',
    ],
    [
      'bad enum in an array',
      (p) => {
        p.category_specification = ['KEYWORD_DANGEROUS_TOYS'];
      },
      'category_specification',
      'enum',
    ],
    [
      'too long',
      (p) => {
        p.decision_facts = 'x'.repeat(5001);
      },
      'decision_facts',
      'max_length',
    ],
    [
      'too long in code points',
      (p) => {
        p.illegal_content_legal_ground = '€'.repeat(501);
      },
      'illegal_content_legal_ground',
      'max_length',
    ],
    [
      'pattern',
      (p) => {
        p.puid = 'dec 1';
      },
      'puid',
      'pattern',
    ],
    [
      'pattern with trailing newline',
      (p) => {
        p.puid = 'dec1\n';
      },
      'puid',
      'pattern',
    ],
    [
      'date format',
      (p) => {
        p.content_date = '2025-02-30';
      },
      'content_date',
      'format',
    ],
    [
      'date bound',
      (p) => {
        p.application_date = '2019-12-31';
      },
      'application_date',
      'min_date',
    ],
    [
      'upper date bound',
      (p) => {
        p.end_date_visibility_restriction = '2038-01-02';
      },
      'end_date_visibility_restriction',
      'max_date',
    ],
    [
      'required_if',
      (p) => {
        delete p.illegal_content_legal_ground;
      },
      'illegal_content_legal_ground',
      'required_if',
    ],
    [
      'required_if contains',
      (p) => {
        p.decision_visibility = ['DECISION_VISIBILITY_OTHER'];
      },
      'decision_visibility_other',
      'required_if',
    ],
    [
      'at least one restriction',
      (p) => {
        delete p.decision_visibility;
      },
      'decision_visibility',
      'at_least_one_of',
    ],
    [
      'type',
      (p) => {
        p.content_type = 'CONTENT_TYPE_TEXT';
      },
      'content_type',
      'type',
    ],
    [
      'not nullable',
      (p) => {
        p.content_language = null;
        p.automated_detection = null;
      },
      'automated_detection',
      'required',
    ],
    [
      'blank string',
      (p) => {
        p.decision_facts = '   ';
      },
      'decision_facts',
      'required',
    ],
    [
      'url',
      (p) => {
        p.decision_ground_reference_url = 'not a url';
      },
      'decision_ground_reference_url',
      'format',
    ],
    [
      'EAN-13',
      (p) => {
        p.content_id = { 'EAN-13': '123' };
      },
      'content_id.EAN-13',
      'pattern',
    ],
  ];
  for (const [name, mutate, field, rule] of cases) {
    it(name, () => {
      const p = base();
      expect(validatePayload(p, RULES)).toEqual([]);
      mutate(p);
      const violations = validatePayload(p, RULES);
      expect(violations).toContainEqual(expect.objectContaining({ field, rule }));
      expect(violations.find((v) => v.field === field)?.message).toContain(field);
    });
  }
  it('follows the server where it is lenient', () => {
    const p = base();
    p.decision_account = 'null'; // in:null,... accepts the string "null"
    p.incompatible_content_ground = 'x'.repeat(9999); // excluded: ground is illegal
    p.unknown_key = 1; // dropped by the server
    p.decision_monetary = null; // nullable
    expect(validatePayload(p, RULES)).toEqual([]);
    expect(validatePayload([], RULES)).toEqual([expect.objectContaining({ rule: 'object' })]);
  });
});
