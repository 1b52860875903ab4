import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isVigilError, type VigilError } from '../shared/errors.js';
import {
  checkRegexSafety,
  compilePhrase,
  compileRules,
  expandPhrase,
  MAX_PHRASE_EXPANSIONS,
  parseRuleFile,
  type RuleFile,
} from './rules.js';

/** A valid rule; tests override fields. YAML is a superset of JSON, so JSON text is a rule file. */
function rule(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'TS-TEST-01',
    name: 'Test rule',
    category: 'test',
    languages: ['en'],
    weight: 0.5,
    evidence: 'weak',
    rationale: 'A rule used by the tests of the rule loader.',
    citation: 'Test citation, https://example.org/source',
    when: { any: [{ phrases: ['real pics'] }] },
    examples: { positive: ['real pics', 'Real pics!'], negative: ['no', 'nothing here'] },
    ...overrides,
  };
}

function file(rules: unknown[], overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    family: 'test-family',
    version: '1.0.0',
    title: 'Test rules',
    description: 'Rules for tests.',
    rules,
    ...overrides,
  });
}

function ruleFile(name: string, rules: unknown[]): RuleFile {
  return parseRuleFile(name, file(rules));
}

function thrown(fn: () => unknown): VigilError {
  try {
    fn();
  } catch (error) {
    expect(isVigilError(error)).toBe(true);
    return error as VigilError;
  }
  throw new Error('expected a VigilError');
}

describe('parseRuleFile', () => {
  it('reads a valid file and keeps its name', () => {
    const parsed = parseRuleFile('test.yaml', file([rule()]));
    expect(parsed.name).toBe('test.yaml');
    expect(parsed.family).toBe('test-family');
    expect(parsed.rules[0]?.id).toBe('TS-TEST-01');
  });

  it('reads YAML with anchors shared through lexicons', () => {
    const yaml = `
family: test-family
version: 1.2.3
title: Test rules
description: Shared lexicon
lexicons:
  jobs: &jobs [job, hiring]
rules:
  - id: TS-LEX-01
    name: Uses the lexicon
    category: test
    languages: [en]
    weight: 0.1
    evidence: weak
    rationale: The lexicon is shared through a YAML anchor.
    citation: https://example.org/lexicon
    when:
      any:
        - phrases: *jobs
    examples:
      positive: [a job, now hiring]
      negative: [nothing, none]
`;
    const parsed = parseRuleFile('lex.yaml', yaml);
    expect(parsed.rules[0]?.when.any?.[0]?.phrases).toEqual(['job', 'hiring']);
  });

  it('reports YAML syntax errors with the file and line', () => {
    const error = thrown(() => parseRuleFile('broken.yaml', 'family: x\nrules: [\n  - a\n'));
    expect(error.code).toBe('RULES_INVALID');
    expect(error.message).toContain('"broken.yaml"');
    expect(error.message).toMatch(/line \d+/);
  });

  it.each([
    ['a missing rationale', { rationale: undefined }, 'rationale'],
    ['a weight out of range', { weight: 9 }, 'weight'],
    ['an unknown evidence level', { evidence: 'strong' }, 'evidence'],
    ['an unknown field', { colour: 'red' }, 'colour'],
    ['a citation without URL', { citation: 'Some paper' }, 'citation'],
    ['"*" mixed with languages', { languages: ['*', 'en'] }, 'languages'],
    ['a bad id', { id: 'lower-case' }, 'id'],
    [
      'too few examples',
      { examples: { positive: ['one'], negative: ['a', 'b'] } },
      'examples.positive',
    ],
    ['an empty condition', { when: {} }, 'when'],
    [
      'a pattern with two kinds',
      { when: { any: [{ phrases: ['x'], regex: 'y' }] } },
      'when.any[0]',
    ],
    [
      'an option that does not apply to the entity kind',
      { when: { any: [{ entity: { kind: 'phones', below: 23 } }] } },
      'below',
    ],
    ['an unknown feature', { when: { any: [{ feature: 'moon_phase' }] } }, 'when.any[0].feature'],
  ])('names the file, the rule and the field for %s', (_what, overrides, field) => {
    const error = thrown(() =>
      parseRuleFile('bad.yaml', file([rule(), rule({ id: 'TS-BAD-02', ...overrides })])),
    );
    expect(error.code).toBe('RULES_INVALID');
    expect(error.message).toContain('"bad.yaml"');
    const given = (overrides as { id?: unknown }).id;
    const id = typeof given === 'string' ? given : 'TS-BAD-02';
    expect(error.message).toContain(`rule "${id}" (rules[1])`);
    expect(error.message).toContain(field);
  });

  it('reports top-level problems without a rule', () => {
    const error = thrown(() => parseRuleFile('top.yaml', file([rule()], { version: 'one' })));
    expect(error.code).toBe('RULES_INVALID');
    expect(error.message).toContain('version');
  });
});

describe('regex safety', () => {
  it.each([
    ['(a+)+$', 'repeats without bound'],
    ['(a|a)*b', 'repeats without bound'],
    ['(?:a|a){1,9}b', 'alternatives that can match the same text'],
    ['(?:ab|ac){1,9}', 'alternatives that can match the same text'],
    ['(?:a{1,3}){1,5}', 'nested quantifiers'],
    ['(?<=x)y', 'lookahead or lookbehind'],
    ['(?=x)y', 'lookahead or lookbehind'],
    ['(?!x)y', 'lookahead or lookbehind'],
    ['\\1', 'backreference'],
    ['(x)\\1', 'backreference'],
    ['(?<n>x)\\k<n>', 'backreference'],
    ['a.*b', 'repeats without bound'],
    ['\\d+x', 'repeats without bound'],
    ['[a-z]{2,}', 'repeats without bound'],
    ['a{1,100}', 'more than 64'],
    ['\\d{1,9}\\d{1,9}x', 'same characters next to each other'],
    ['\\w{1,20}\\s{0,3}\\w{1,20}', 'same characters next to each other'],
    ['.{1,20}x{0,2}[a-z]{1,5}', 'same characters next to each other'],
    ['(?:x\\d{1,5})\\d{1,5}', 'same characters next to each other'],
  ])('rejects %s', (source, reason) => {
    expect(() => checkRegexSafety(source)).toThrow(reason);
    const error = thrown(() =>
      compileRules([ruleFile('r.yaml', [rule({ when: { any: [{ regex: source }] } })])]),
    );
    expect(error.code).toBe('RULES_UNSAFE_REGEX');
    expect(error.message).toContain('"r.yaml"');
    expect(error.message).toContain('"TS-TEST-01"');
  });

  it.each([
    '\\d{2,4} {0,2}🌹|🌹 {0,2}\\d{2,4}|🌹{3,8}',
    '\\b(?:cat|dog){1,3}\\b',
    '\\bq(?:-\\d{2})?v\\b',
    '[a-z]{1,20}@[a-z]{1,20}\\.[a-z]{2,6}',
    '\\be[ .]{1,2}s[ .]{1,2}c\\b',
    '\\w{1,20}\\s{1,3}x',
    'x{0,64}y',
    '\\p{L}{1,5}\\d',
  ])('accepts %s', (source) => {
    expect(() => checkRegexSafety(source)).not.toThrow();
    expect(() =>
      compileRules([ruleFile('ok.yaml', [rule({ when: { any: [{ regex: source }] } })])]),
    ).not.toThrow();
  });

  it('refuses regexes that match empty text or do not parse', () => {
    for (const source of ['a?', '(?:)', '\\b', '(']) {
      const error = thrown(() =>
        compileRules([ruleFile('r.yaml', [rule({ when: { any: [{ regex: source }] } })])]),
      );
      expect(error.code).toBe('RULES_INVALID');
    }
  });

  it('never crashes on arbitrary input: it accepts, or rejects with a reason', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (source) => {
        try {
          checkRegexSafety(source);
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
          expect((error as Error).message.length).toBeGreaterThan(0);
        }
      }),
    );
  });
});

describe('phrases', () => {
  it('expands alternatives', () => {
    expect(expandPhrase('{real|genuine} {pics|photos}').sort()).toEqual(
      ['genuine photos', 'genuine pics', 'real photos', 'real pics'].sort(),
    );
    expect(expandPhrase('{very |}nice').sort()).toEqual(['nice', 'very nice']);
    expect(expandPhrase('plain words')).toEqual(['plain words']);
  });

  it('expands to the product of the alternatives', () => {
    const word = fc.stringMatching(/^[a-z]{1,6}$/);
    const group = fc.uniqueArray(word, { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(fc.array(group, { minLength: 1, maxLength: 3 }), (groups) => {
        const phrase = groups.map((g) => `{${g.join('|')}}`).join(' x ');
        const expected = groups.reduce((n, g) => n * g.length, 1);
        expect(expandPhrase(phrase)).toHaveLength(expected);
      }),
    );
  });

  it(`refuses more than ${MAX_PHRASE_EXPANSIONS} expansions and bad braces`, () => {
    const nine = '{a|b|c|d|e|f|g|h|i}';
    expect(() => expandPhrase(`${nine} ${nine} ${nine}`)).toThrow(/more than 512/);
    expect(() => expandPhrase('{a|{b}}')).toThrow(/nest/);
    expect(() => expandPhrase('{a|b')).toThrow(/without/);
    expect(() => expandPhrase('a|b}')).toThrow(/without/);
    expect(() => expandPhrase('x {} y')).toThrow(/empty/);
    const error = thrown(() =>
      compileRules([
        ruleFile('p.yaml', [rule({ when: { any: [{ phrases: [`${nine} ${nine} ${nine}`] }] } })]),
      ]),
    );
    expect(error.code).toBe('RULES_INVALID');
    expect(error.message).toContain('"p.yaml", rule "TS-TEST-01"');
  });

  it('folds phrases the way ad text is folded', () => {
    expect(compilePhrase('Teléfono Móvil')).toEqual({
      kind: 'tokens',
      tokens: ['telefono', 'movil'],
      prefix: [false, false],
    });
    // A Cyrillic "е" inside a Latin word is a look-alike.
    expect(compilePhrase('tеlefono')).toEqual(compilePhrase('telefono'));
    expect(compilePhrase('don’t call')).toEqual(compilePhrase("don't call"));
    expect(compilePhrase('100% real')).toEqual({
      kind: 'tokens',
      tokens: ['100', 'real'],
      prefix: [false, false],
    });
  });

  it('reads "*" as a prefix and refuses it where it cannot work', () => {
    expect(compilePhrase('recruit* now')).toEqual({
      kind: 'tokens',
      tokens: ['recruit', 'now'],
      prefix: [true, false],
    });
    expect(() => compilePhrase('ab*')).toThrow(/at least 3/);
    expect(() => compilePhrase('rec*ruit')).toThrow(/end of a word/);
    expect(() => compilePhrase('*')).toThrow();
    expect(() => compilePhrase('งาน*')).toThrow(/words only/);
  });

  it('matches scripts without spaces and emoji by substring', () => {
    expect(compilePhrase('ไม่มีวันหยุด').kind).toBe('substring');
    expect(compilePhrase('工作').kind).toBe('substring');
    expect(compilePhrase('👑')).toEqual({ kind: 'substring', text: '👑' });
    // The variation selector is folded away on both sides.
    expect(compilePhrase('✈️')).toEqual({ kind: 'substring', text: '✈' });
  });

  it('refuses symbols that word matching would ignore', () => {
    expect(() => compilePhrase('$100 special')).toThrow(/"\$"/);
    expect(() => compilePhrase('me@home')).toThrow(/"@"/);
    expect(() => compilePhrase('...')).toThrow(/no words/);
  });
});

describe('compileRules', () => {
  it('rejects a rule id defined twice, naming both files', () => {
    const a = ruleFile('a.yaml', [rule()]);
    const b = ruleFile('b.yaml', [rule()]);
    const error = thrown(() => compileRules([a, b]));
    expect(error.code).toBe('RULES_DUPLICATE_ID');
    expect(error.message).toContain('"TS-TEST-01"');
    expect(error.message).toContain('"a.yaml"');
    expect(error.message).toContain('"b.yaml"');
    const same = thrown(() => compileRules([ruleFile('c.yaml', [rule(), rule()])]));
    expect(same.code).toBe('RULES_DUPLICATE_ID');
  });

  it('returns a frozen rule set with the rule metadata', () => {
    const set = compileRules([
      ruleFile('a.yaml', [
        rule({
          when: {
            any: [{ phrases: ['real pics'] }, { regex: 'x{2,3}' }],
            all: [{ entity: { kind: 'phones', obfuscated: true } }],
            unless: [{ feature: 'crypto_payment' }],
          },
        }),
      ]),
    ]);
    expect(Object.isFrozen(set)).toBe(true);
    expect(Object.isFrozen(set.rules)).toBe(true);
    const [compiled] = set.rules;
    expect(Object.isFrozen(compiled)).toBe(true);
    expect(Object.isFrozen(compiled?.when)).toBe(true);
    expect(Object.isFrozen(compiled?.when.any)).toBe(true);
    expect(compiled).toMatchObject({
      id: 'TS-TEST-01',
      family: 'test-family',
      evidence: 'weak',
      weight: 0.5,
      languages: ['en'],
      anyLanguage: false,
      source: 'a.yaml',
    });
    expect(compiled?.when.any.map((p) => p.kind)).toEqual(['phrases', 'regex']);
    expect(compiled?.when.all.map((p) => p.kind)).toEqual(['entity']);
    expect(compiled?.when.unless.map((p) => p.kind)).toEqual(['feature']);
    expect(set.families).toEqual([
      { family: 'test-family', version: '1.0.0', title: 'Test rules', source: 'a.yaml' },
    ]);
  });

  it('shares identical phrase lists and regexes between rules', () => {
    const set = compileRules([
      ruleFile('a.yaml', [
        rule({ id: 'TS-A-01', when: { any: [{ phrases: ['x y', 'z'] }, { regex: 'q{2}' }] } }),
        rule({ id: 'TS-A-02', when: { any: [{ phrases: ['z', 'x y'] }, { regex: 'q{2}' }] } }),
      ]),
    ]);
    expect(set.phrases.slotCount).toBe(1);
    expect(set.regexCount).toBe(1);
  });
});
