import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Doc, makeDoc } from './doc.js';
import { NO_ENTITIES as NONE } from './entities/index.js';
import { computeFeatures, type Features } from './features.js';
import { detectLanguage } from './language.js';
import { evaluateRules, type FiredRule } from './match.js';
import { compileRules, parseRuleFile, type RuleSet } from './rules.js';
import type { Entities, Phone, Range } from './types.js';

let ids = 0;
/** A rule set of one or more rules given by their `when` (and optionally languages). */
function rulesOf(...specs: { when: unknown; languages?: string[]; id?: string }[]): RuleSet {
  const rules = specs.map((spec) => ({
    id: spec.id ?? `TS-M-${++ids}`,
    name: 'Test rule',
    category: 'test',
    languages: spec.languages ?? ['*'],
    weight: 1,
    evidence: 'weak',
    rationale: 'A rule used by the matcher tests.',
    citation: 'https://example.org/test',
    when: spec.when,
    examples: { positive: ['a', 'b'], negative: ['c', 'd'] },
  }));
  return compileRules([
    parseRuleFile(
      'test.yaml',
      JSON.stringify({
        family: 'test',
        version: '1.0.0',
        title: 'Test',
        description: 'Test',
        rules,
      }),
    ),
  ]);
}

function docOf(body: string, options: { title?: string; language?: string } = {}): Doc {
  return makeDoc({ body, title: options.title }, { language: options.language ?? 'und' });
}

function run(
  rules: RuleSet,
  doc: Doc,
  entities: Entities = NONE,
  features: Features = {},
): FiredRule[] {
  return evaluateRules(rules, doc, entities, features);
}

/** The original text of each range of the first fired rule. */
function texts(doc: Doc, fired: FiredRule[]): string[] {
  const joined = doc.folded.original;
  return (fired[0]?.ranges ?? []).map((r) => joined.slice(r.start, r.end));
}

describe('phrases', () => {
  const rules = rulesOf({ when: { any: [{ phrases: ['{real|genuine} {pics|photos}'] }] } });

  it('match words in any case, across blanks and light punctuation', () => {
    for (const text of [
      'REAL PICS',
      'Genuine photos!',
      'real-pics',
      'real / pics',
      'real\n\tpics',
    ]) {
      const doc = docOf(`Hello, ${text} here`);
      expect(texts(doc, run(rules, doc)), text).toHaveLength(1);
    }
  });

  it('do not match inside words, across other symbols or long gaps', () => {
    for (const text of [
      'surreal pics',
      'real picsx',
      'real 🙂 pics',
      'real @ pics',
      `real${' '.repeat(40)}pics`,
    ]) {
      expect(run(rules, docOf(text)), text).toEqual([]);
    }
  });

  it('point at the original text, disguised or not, in title or body', () => {
    const plain = docOf('Call me. Real pics only.', { title: 'Hi' });
    expect(texts(plain, run(rules, plain))).toEqual(['Real pics']);
    // Cyrillic "е" and fullwidth letters fold to Latin; the range covers what was written.
    const disguised = docOf('100% rеal ｐｉｃｓ, call now', { title: 'Ａｄ' });
    const fired = run(rules, disguised);
    expect(texts(disguised, fired)).toEqual(['rеal ｐｉｃｓ']);
    const range = fired[0]?.ranges[0] as Range;
    expect(disguised.span(range)).toMatchObject({ field: 'body', text: 'rеal ｐｉｃｓ' });
  });

  it('fold rule phrases like ad text: accents, case, look-alike letters', () => {
    const phone = rulesOf({ when: { any: [{ phrases: ['teléfono'] }] } });
    for (const text of ['TELEFONO 1', 'teléfono 2', 'tеlefono 3']) {
      const doc = docOf(text);
      expect(texts(doc, run(phone, doc))).toEqual([text.slice(0, 8)]);
    }
  });

  it('match a "word*" prefix', () => {
    const recruit = rulesOf({
      when: { any: [{ phrases: ['recruit* {now|today}', 'we recruit*'] }] },
    });
    expect(texts(docOf('Recruiting now!'), run(recruit, docOf('Recruiting now!')))).toEqual([
      'Recruiting now',
    ]);
    const doc = docOf('we recruiters');
    expect(texts(doc, run(recruit, doc))).toEqual(['we recruiters']);
    expect(run(recruit, docOf('rec now'))).toEqual([]);
  });

  it('treat typographic apostrophes as apostrophes', () => {
    const rules2 = rulesOf({ when: { any: [{ phrases: ["don't call"] }] } });
    const doc = docOf('Please don’t call, text.');
    expect(texts(doc, run(rules2, doc))).toEqual(['don’t call']);
  });

  it('match Thai, Chinese and emoji by substring', () => {
    const sub = rulesOf({ when: { any: [{ phrases: ['ไม่มีวันหยุด', '工作', '👑'] }] } });
    const thai = docOf('ทำงานไม่มีวันหยุดเลย');
    expect(texts(thai, run(sub, thai))).toEqual(['ไม่มีวันหยุด']);
    const zh = docOf('高薪工作');
    expect(texts(zh, run(sub, zh))).toEqual(['工作']);
    // The emoji variation selector in the ad is folded away; the range covers the emoji.
    const crown = docOf('Queen 👑\uFE0F');
    expect(texts(crown, run(sub, crown))).toEqual(['👑']);
  });

  it('keep at most 16 hits per pattern', () => {
    const doc = docOf('real pics '.repeat(100));
    expect(run(rules, doc)[0]?.ranges).toHaveLength(16);
  });

  it('compare words, not only their hashes', () => {
    // "yacxd" and "glbvv" have the same FNV-1a hash: the matcher looks tokens up by hash.
    const one = rulesOf({ when: { any: [{ phrases: ['yacxd pics', 'pics glbvv'] }] } });
    expect(run(one, docOf('glbvv pics'))).toEqual([]);
    expect(run(one, docOf('pics yacxd'))).toEqual([]);
    const hit = docOf('see glbvv pics yacxd pics');
    expect(texts(hit, run(one, hit))).toEqual(['yacxd pics']);
    // Both words in one rule set: each token must still find its own word.
    const both = rulesOf(
      { id: 'TS-HASH-01', when: { any: [{ phrases: ['yacxd'] }] } },
      { id: 'TS-HASH-02', when: { any: [{ phrases: ['glbvv now'] }] } },
    );
    const doc = docOf('glbvv now, yacxd now');
    expect(run(both, doc).map((f) => [f.rule.id, texts(doc, [f])])).toEqual([
      ['TS-HASH-01', ['yacxd']],
      ['TS-HASH-02', ['glbvv now']],
    ]);
    expect(run(both, docOf('yacxd now')).map((f) => f.rule.id)).toEqual(['TS-HASH-01']);
  });

  it('find emoji and symbol phrases next to words too', () => {
    const sub = rulesOf({ when: { any: [{ phrases: ['👑', '✈'] }] } });
    const doc = docOf('queen👑 fly✈ now 👑');
    expect(texts(doc, run(sub, doc))).toEqual(['👑', '✈', '👑']);
  });

  it('find a phrase wherever it is put among other words', () => {
    const words = fc.constantFrom('hello', 'nice', 'call', 'me', 'today', 'pics', 'real', 'ok');
    fc.assert(
      fc.property(
        fc.array(words, { maxLength: 20 }),
        fc.array(words, { maxLength: 20 }),
        fc.constantFrom(' ', ', ', ' - ', '\n'),
        (before, after, sep) => {
          const head = before.join(sep);
          const text = `${head}${head ? sep : ''}Genuine Photos${after.length ? sep : ''}${after.join(sep)}`;
          const doc = docOf(text);
          expect(texts(doc, run(rules, doc))).toContain('Genuine Photos');
        },
      ),
    );
  });
});

describe('regex patterns', () => {
  it('run on the folded lower-case text and report the original', () => {
    const rules = rulesOf({ when: { any: [{ regex: '\\bq[kv]\\b' }] } });
    const doc = docOf('QV special, ｑｖ too');
    expect(texts(doc, run(rules, doc))).toEqual(['QV', 'ｑｖ']);
    expect(run(rules, docOf('qvx special'))).toEqual([]);
  });
});

describe('entity and feature patterns', () => {
  const phone = (doc: Doc, raw: string, obfuscated: boolean): Phone => {
    const start = doc.body.indexOf(raw);
    return {
      e164: '+12125550147',
      raw,
      span: { field: 'body', start, end: start + raw.length, text: raw },
      obfuscated,
      country: 'US',
      area: 'US-NY',
    };
  };

  it('select entities and report their spans in the joined text', () => {
    const rules = rulesOf({ when: { any: [{ entity: { kind: 'phones', obfuscated: true } }] } });
    const doc = docOf('Call two one two 555 0147', { title: 'Title' });
    const hidden = phone(doc, 'two one two 555 0147', true);
    expect(texts(doc, run(rules, doc, { ...NONE, phones: [hidden] }))).toEqual([
      'two one two 555 0147',
    ]);
    expect(run(rules, doc, { ...NONE, phones: [{ ...hidden, obfuscated: false }] })).toEqual([]);
  });

  it('filter handles, ages, prices and wallets by their options', () => {
    const doc = docOf('x');
    const span = { field: 'body' as const, start: 0, end: 1, text: 'x' };
    const rules = rulesOf(
      {
        id: 'TS-E-HANDLE',
        when: { any: [{ entity: { kind: 'handles', platform: ['telegram'] } }] },
      },
      { id: 'TS-E-AGE', when: { any: [{ entity: { kind: 'ages', below: 23 } }] } },
      {
        id: 'TS-E-PRICE',
        when: { any: [{ entity: { kind: 'prices', per: 'month', min: 2000, currency: ['USD'] } }] },
      },
      { id: 'TS-E-WALLET', when: { any: [{ entity: { kind: 'wallets', chain: ['tron'] } }] } },
      { id: 'TS-E-ONION', when: { any: [{ entity: { kind: 'onions' } }] } },
    );
    const fired = (entities: Partial<Entities>) =>
      run(rules, doc, { ...NONE, ...entities }).map((f) => f.rule.id);
    const handle = {
      platform: 'telegram',
      kind: 'messaging',
      handle: 'abcde',
      raw: 'x',
      span,
      obfuscated: false,
    } as const;
    expect(fired({ handles: [handle] })).toEqual(['TS-E-HANDLE']);
    expect(fired({ handles: [{ ...handle, platform: 'whatsapp' }] })).toEqual([]);
    expect(fired({ ages: [{ value: 21, raw: 'x', span }] })).toEqual(['TS-E-AGE']);
    expect(fired({ ages: [{ value: 23, raw: 'x', span }] })).toEqual([]);
    const price = { amount: 3000, currency: 'USD', per: 'month', raw: 'x', span } as const;
    expect(fired({ prices: [price] })).toEqual(['TS-E-PRICE']);
    expect(fired({ prices: [{ ...price, amount: 1500 }] })).toEqual([]);
    expect(fired({ prices: [{ ...price, currency: 'THB' }] })).toEqual([]);
    expect(fired({ prices: [{ ...price, per: 'week' }] })).toEqual([]);
    const wallet = {
      chain: 'tron',
      address: 'T',
      checksummed: true,
      raw: 'x',
      span,
      obfuscated: false,
    } as const;
    expect(fired({ wallets: [wallet] })).toEqual(['TS-E-WALLET']);
    expect(fired({ wallets: [{ ...wallet, chain: 'bitcoin' }] })).toEqual([]);
    expect(fired({ onions: [{ address: 'a.onion', raw: 'x', span }] })).toEqual(['TS-E-ONION']);
  });

  it('read features and carry their evidence', () => {
    const rules = rulesOf({ when: { any: [{ feature: 'crypto_payment' }] } });
    const doc = docOf('pay to my wallet');
    expect(run(rules, doc)).toEqual([]);
    expect(texts(doc, run(rules, doc, NONE, { crypto_payment: [{ start: 7, end: 16 }] }))).toEqual([
      'my wallet',
    ]);
  });
});

describe('conditions', () => {
  const rules = rulesOf({
    id: 'TS-C-01',
    when: {
      any: [{ phrases: ['alpha'] }, { phrases: ['beta'] }],
      all: [{ phrases: ['gamma'] }],
      unless: [{ phrases: ['delta'] }],
    },
  });
  const fires = (text: string) => run(rules, docOf(text)).length === 1;

  it('fire when any pattern and every "all" pattern hold and no "unless" pattern does', () => {
    expect(fires('alpha gamma')).toBe(true);
    expect(fires('beta gamma')).toBe(true);
    expect(fires('alpha beta')).toBe(false);
    expect(fires('gamma')).toBe(false);
    expect(fires('alpha gamma delta')).toBe(false);
  });

  it('report the evidence of every pattern that holds, in text order', () => {
    const doc = docOf('gamma then beta then alpha');
    expect(texts(doc, run(rules, doc))).toEqual(['gamma', 'beta', 'alpha']);
  });

  it('fire on "all" alone', () => {
    const allOnly = rulesOf({ when: { all: [{ phrases: ['one'] }, { phrases: ['two'] }] } });
    expect(run(allOnly, docOf('one and two'))).toHaveLength(1);
    expect(run(allOnly, docOf('one only'))).toEqual([]);
  });

  it('forget the previous document', () => {
    expect(fires('alpha gamma')).toBe(true);
    expect(fires('nothing here')).toBe(false);
    const re = rulesOf({ when: { any: [{ regex: 'x{3}' }] } });
    expect(run(re, docOf('xxx'))).toHaveLength(1);
    expect(run(re, docOf('yyy'))).toEqual([]);
  });
});

describe('language filter', () => {
  const rules = rulesOf(
    { id: 'TS-L-EN', languages: ['en'], when: { any: [{ phrases: ['hola'] }] } },
    { id: 'TS-L-ESPT', languages: ['es', 'pt'], when: { any: [{ phrases: ['hola'] }] } },
    { id: 'TS-L-ALL', languages: ['*'], when: { any: [{ phrases: ['hola'] }] } },
  );
  const fired = (language: string) => run(rules, docOf('hola', { language })).map((f) => f.rule.id);

  it('runs a rule in its languages, in undetermined ones, and "*" everywhere', () => {
    expect(fired('en')).toEqual(['TS-L-EN', 'TS-L-ALL']);
    expect(fired('es')).toEqual(['TS-L-ESPT', 'TS-L-ALL']);
    expect(fired('pt')).toEqual(['TS-L-ESPT', 'TS-L-ALL']);
    expect(fired('th')).toEqual(['TS-L-ALL']);
    expect(fired('und')).toEqual(['TS-L-EN', 'TS-L-ESPT', 'TS-L-ALL']);
  });
});

describe('shipped rules on hostile input', () => {
  const shipped = compileRules(
    ['sex-trafficking.yaml', 'labour-recruitment.yaml', 'evasion.yaml'].map((name) =>
      parseRuleFile(name, readFileSync(new URL(`../../rules/${name}`, import.meta.url), 'utf8')),
    ),
  );

  // Near-misses of phrases and regexes: first words of many phrases without their ends,
  // runs that regexes could backtrack on, separators, emoji and scripts without spaces.
  const block = [
    'real real real 100% 100% not a not a no experience no experience free free free ',
    'passports will be passports will be we will we will keep your keep your ',
    'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa ',
    'e s c o r e s c o r m a s s a g m a s s a ',
    '- - - - . . . . / / / / , , , , ~ ~ ~ | | | ',
    '1111111111111111111111111111111111 🌹🌹 12 🌹🌹 ',
    'ไม่มีวันหยุไม่มีวันหยุตั๋วเครื่องบินฟตั๋วเครื่องบินฟ ',
    '👑💗🍒✈️ recruit recruit recruiting ',
    'young young young fresh fresh new in new in ',
  ].join('');

  const hostile = (size: number): string =>
    block.repeat(Math.ceil(size / block.length)).slice(0, size);

  function timeOf(text: string): number {
    const base = makeDoc({ body: text }, { language: 'und' });
    const doc = { ...base, context: { language: detectLanguage(base.folded.text) } };
    let best = Number.POSITIVE_INFINITY;
    for (let round = 0; round < 3; round++) {
      const start = performance.now();
      const features = computeFeatures(doc, NONE, new Set());
      evaluateRules(shipped, doc, NONE, features);
      best = Math.min(best, performance.now() - start);
    }
    return best;
  }

  it('take time roughly linear in the size of the text', () => {
    timeOf(hostile(64 * 1024)); // warm-up
    const small = timeOf(hostile(256 * 1024));
    const large = timeOf(hostile(1024 * 1024));
    // 4x the input must cost less than 8x the time (quadratic would be 16x).
    expect(large).toBeLessThan(8 * small);
  });

  it('still finds what is there, with bounded evidence', () => {
    const doc = docOf(`${hostile(200_000)} Passports will be kept by the company.`);
    const fired = run(shipped, doc, NONE, computeFeatures(doc, NONE, new Set()));
    const docs = fired.find((f) => f.rule.id === 'LR-DOCS-01');
    expect(docs).toBeDefined();
    for (const f of fired) expect(f.ranges.length).toBeLessThanOrEqual(32);
  });
});
