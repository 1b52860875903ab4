/**
 * Every shipped indicator rule runs its own examples through the whole pipeline (DESIGN.md
 * "Tests": every indicator rule ships its own examples, which the tests run): each positive
 * example must make the rule fire, with evidence in the text, and each negative example must not.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeItem, createEngine } from '../src/analyze/analyze.js';
import { compileRules, type Example, parseRuleFile } from '../src/analyze/rules.js';
import type { Item } from '../src/analyze/types.js';

const RULE_FILES = ['sex-trafficking.yaml', 'labour-recruitment.yaml', 'evasion.yaml'] as const;

const files = RULE_FILES.map((name) =>
  parseRuleFile(name, readFileSync(new URL(`../rules/${name}`, import.meta.url), 'utf8')),
);
const rules = compileRules(files);
const engine = createEngine({ rules });

let counter = 0;
function itemOf(example: Example): Item {
  counter++;
  if (typeof example === 'string') return { id: `example-${counter}`, body: example };
  const location = {
    ...(example.country !== undefined && { country: example.country }),
    ...(example.region !== undefined && { region: example.region }),
    ...(example.city !== undefined && { city: example.city }),
  };
  return {
    id: `example-${counter}`,
    body: example.text,
    ...(example.title !== undefined && { title: example.title }),
    ...(example.language !== undefined && { language: example.language }),
    ...(Object.keys(location).length > 0 && { location }),
  };
}

const textOf = (example: Example): string => (typeof example === 'string' ? example : example.text);

describe('shipped rule files', () => {
  it('hold 40 to 60 rules across the three families', () => {
    const perFamily = Object.fromEntries(
      files.map((f) => [f.family, rules.rules.filter((r) => r.family === f.family).length]),
    );
    expect(Object.keys(perFamily).sort()).toEqual([
      'evasion',
      'labour-recruitment',
      'sex-trafficking',
    ]);
    expect(rules.rules.length).toBeGreaterThanOrEqual(40);
    expect(rules.rules.length).toBeLessThanOrEqual(60);
  });

  it('weight the indicators the outcome study found NOT predictive at or below zero', () => {
    for (const rule of rules.rules.filter((r) => r.evidence === 'not-predictive')) {
      expect(rule.weight, rule.id).toBeLessThanOrEqual(0);
    }
    const movement = rules.rules.find((r) => r.id === 'ST-MOVE-01');
    expect(movement?.weight).toBeLessThan(0);
  });

  it('never write examples about minors', () => {
    const banned =
      /\b(?:teens?|teenagers?|schoolgirls?|underage|minors?|child|children|kids?|jailbait|lolita|barely legal|high school|schoolboy)\b/i;
    for (const rule of rules.rules) {
      for (const example of [...rule.examples.positive, ...rule.examples.negative]) {
        expect(banned.test(textOf(example)), `${rule.id}: ${textOf(example)}`).toBe(false);
      }
    }
  });
});

for (const rule of rules.rules) {
  describe(`${rule.id} ${rule.name}`, () => {
    it.each(rule.examples.positive.map((e) => [textOf(e), e] as const))(
      'fires on: %s',
      (_text, example) => {
        const analysis = analyzeItem(itemOf(example), engine);
        const hit = analysis.indicators.find((i) => i.rule === rule.id);
        expect(hit, `${rule.id} should fire (language ${analysis.language})`).toBeDefined();
        expect(hit?.spans.length, 'evidence spans').toBeGreaterThan(0);
        for (const span of hit?.spans ?? []) expect(span.text.length).toBeGreaterThan(0);
      },
    );
    it.each(rule.examples.negative.map((e) => [textOf(e), e] as const))(
      'does not fire on: %s',
      (_text, example) => {
        const analysis = analyzeItem(itemOf(example), engine);
        expect(analysis.indicators.map((i) => i.rule)).not.toContain(rule.id);
      },
    );
  });
}
