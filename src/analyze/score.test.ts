import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isVigilError } from '../shared/errors.js';
import {
  DEFAULT_BANDS,
  DEFAULT_BIAS,
  defaultModel,
  parseWeights,
  type ScoringModel,
  scoreIndicators,
  sigmoid,
} from './score.js';

const RULES = [
  { id: 'phone.obscured', weight: 1.1 },
  { id: 'trust.language', weight: 0.9 },
  { id: 'youth.language', weight: 0.8 },
  { id: 'ethnicity.listed', weight: 0.5 },
  { id: 'movement.language', weight: -0.4 },
  { id: 'screening.language', weight: 0 },
];
const KNOWN = new Set(RULES.map((r) => r.id));

function fired(...ids: string[]) {
  return ids.map((rule) => ({ rule, name: rule.replace('.', ' ') }));
}

function expectCode(fn: () => unknown, code: string): Error {
  try {
    fn();
  } catch (error) {
    expect(isVigilError(error)).toBe(true);
    expect((error as { code: string }).code).toBe(code);
    return error as Error;
  }
  throw new Error('expected a VigilError');
}

describe('defaultModel', () => {
  it('uses the rule weights, default bias and bands, and is frozen', () => {
    const model = defaultModel(RULES);
    expect(model.bias).toBe(DEFAULT_BIAS);
    expect(model.bands).toEqual(DEFAULT_BANDS);
    expect(model.origin).toBe('rules');
    expect(model.weights['phone.obscured']).toBe(1.1);
    expect(Object.isFrozen(model)).toBe(true);
    expect(Object.isFrozen(model.weights)).toBe(true);
  });
});

describe('scoreIndicators', () => {
  // A fixed bias, so that the expected numbers do not depend on the default.
  const model: ScoringModel = { ...defaultModel(RULES), bias: -3 };

  it('scores no indicators as σ(bias)', () => {
    const s = scoreIndicators(model, []);
    expect(s.risk).toBe(0.0474);
    expect(s.band).toBe('low');
    expect(s.explanation.logit).toBe(-3);
    expect(s.explanation.contributions).toEqual([]);
    expect(s.explanation.summary).toBe('Low risk (0.05): no indicators fired.');
  });

  it('adds each distinct rule once and sorts contributions by strength', () => {
    const s = scoreIndicators(
      model,
      fired('movement.language', 'trust.language', 'phone.obscured', 'trust.language'),
    );
    expect(s.explanation.logit).toBeCloseTo(-3 + 1.1 + 0.9 - 0.4, 10);
    expect(s.risk).toBe(Math.round(sigmoid(-1.4) * 1e4) / 1e4);
    expect(s.explanation.contributions.map((c) => c.rule)).toEqual([
      'phone.obscured',
      'trust.language',
      'movement.language',
    ]);
  });

  it('breaks ties in |weight| by rule id', () => {
    const m = parseWeights(
      { version: 1, bias: 0, weights: { 'trust.language': -1, 'phone.obscured': 1 } },
      KNOWN,
    );
    const s = scoreIndicators(m, fired('trust.language', 'phone.obscured'));
    expect(s.explanation.contributions.map((c) => c.rule)).toEqual([
      'phone.obscured',
      'trust.language',
    ]);
  });

  it('lists rules without a weight with weight 0', () => {
    const s = scoreIndicators(model, fired('not.in.model', 'phone.obscured'));
    expect(s.explanation.contributions).toEqual([
      { rule: 'phone.obscured', weight: 1.1 },
      { rule: 'not.in.model', weight: 0 },
    ]);
    expect(s.explanation.logit).toBeCloseTo(-1.9, 10);
  });

  it('writes a readable summary sentence', () => {
    const m = parseWeights({ version: 1, bias: -0.5, weights: {} }, KNOWN);
    const strong: ScoringModel = { ...model, bias: 0.5 };
    const s = scoreIndicators(
      strong,
      fired(
        'phone.obscured',
        'trust.language',
        'youth.language',
        'ethnicity.listed',
        'movement.language',
      ),
    );
    expect(s.band).toBe('high');
    expect(s.explanation.summary).toBe(
      `High risk (${s.risk.toFixed(2)}): phone obscured (+1.10), trust language (+0.90) and 2 more; lowered by movement language (-0.40).`,
    );
    const onlyUnweighted = scoreIndicators(m, fired('screening.language'));
    expect(onlyUnweighted.explanation.summary).toBe(
      'Low risk (0.38): 1 indicator fired, none with weight.',
    );
    const lowered = scoreIndicators(model, fired('movement.language', 'screening.language'));
    expect(lowered.explanation.summary).toBe(
      'Low risk (0.03): only lowered by movement language (-0.40); 1 more indicator without weight.',
    );
    const two = scoreIndicators(model, fired('trust.language', 'phone.obscured'));
    expect(two.explanation.summary).toBe(
      'Low risk (0.27): phone obscured (+1.10) and trust language (+0.90).',
    );
  });

  it('assigns bands by threshold', () => {
    const m = (bias: number) =>
      scoreIndicators(parseWeights({ version: 1, bias, weights: {} }, KNOWN), []);
    expect(m(Math.log(0.4 / 0.6)).band).toBe('medium');
    expect(m(Math.log(0.7 / 0.3)).band).toBe('high');
    expect(m(-0.5).band).toBe('low');
  });

  it('stays finite and within [0, 1] for extreme logits', () => {
    const huge = parseWeights({ version: 1, bias: 1e6, weights: {} }, KNOWN);
    const tiny = parseWeights({ version: 1, bias: -1e6, weights: {} }, KNOWN);
    expect(scoreIndicators(huge, []).risk).toBe(1);
    expect(scoreIndicators(tiny, []).risk).toBe(0);
    expect(sigmoid(-800)).toBeGreaterThanOrEqual(0);
    expect(sigmoid(800)).toBe(1);
  });

  it('property: risk is monotone in each weight and does not depend on order', () => {
    fc.assert(
      fc.property(
        fc.float({ min: -5, max: 5, noNaN: true }),
        fc.dictionary(fc.constantFrom(...KNOWN), fc.float({ min: -5, max: 5, noNaN: true })),
        fc.shuffledSubarray([...KNOWN]),
        (bias, weights, ids) => {
          const m = parseWeights({ version: 1, bias, weights }, KNOWN);
          const a = scoreIndicators(m, fired(...ids));
          const b = scoreIndicators(m, fired(...[...ids].reverse()));
          expect(a).toEqual(b);
          expect(a.risk).toBeGreaterThanOrEqual(0);
          expect(a.risk).toBeLessThanOrEqual(1);
          const more = scoreIndicators({ ...m, bias: m.bias + 1 }, fired(...ids));
          expect(more.risk).toBeGreaterThanOrEqual(a.risk);
        },
      ),
    );
  });
});

describe('parseWeights', () => {
  it('accepts a calibrated file and freezes it', () => {
    const m = parseWeights(
      {
        version: 1,
        bias: -2.5,
        weights: { 'phone.obscured': 1.3 },
        bands: { medium: 0.3, high: 0.8 },
        trainedOn: { n: 100, positives: 20 },
      },
      KNOWN,
    );
    expect(m.origin).toBe('calibrated');
    expect(m.bands).toEqual({ medium: 0.3, high: 0.8 });
    expect(Object.isFrozen(m.weights)).toBe(true);
    expect(Object.isFrozen(m.bands)).toBe(true);
  });

  it('defaults bands and origin', () => {
    const m = parseWeights({ version: 1, bias: -3, weights: {} }, KNOWN);
    expect(m.bands).toEqual(DEFAULT_BANDS);
    expect(m.origin).toBe('rules');
  });

  it('names unknown rule ids', () => {
    const error = expectCode(
      () => parseWeights({ version: 1, bias: -3, weights: { 'phone.obscurd': 1, x: 2 } }, KNOWN),
      'WEIGHTS_INVALID',
    );
    expect(error.message).toContain('"phone.obscurd"');
    expect(error.message).toContain('"x"');
  });

  it('treats "__proto__" as an unknown rule id', () => {
    const json = JSON.parse('{"version":1,"bias":0,"weights":{"__proto__":1}}');
    expectCode(() => parseWeights(json, KNOWN), 'WEIGHTS_INVALID');
  });

  it.each([
    ['bands out of order', { medium: 0.7, high: 0.4 }],
    ['band at 0', { medium: 0, high: 0.4 }],
    ['band at 1', { medium: 0.5, high: 1 }],
  ])('rejects %s', (_, bands) => {
    expectCode(
      () => parseWeights({ version: 1, bias: 0, weights: {}, bands }, KNOWN),
      'WEIGHTS_INVALID',
    );
  });

  it.each([
    ['infinite weight', { version: 1, bias: 0, weights: { 'phone.obscured': Infinity } }],
    ['NaN bias', { version: 1, bias: Number.NaN, weights: {} }],
    ['string weight', { version: 1, bias: 0, weights: { 'phone.obscured': '1' } }],
    ['wrong version', { version: 2, bias: 0, weights: {} }],
    ['unknown field', { version: 1, bias: 0, weights: {}, wieghts: {} }],
    ['not an object', 'weights'],
    ['null', null],
  ])('rejects %s with a message saying what to do', (_, json) => {
    const error = expectCode(() => parseWeights(json, KNOWN), 'WEIGHTS_INVALID');
    expect(error.message).toMatch(/Fix|Remove/);
  });
});
