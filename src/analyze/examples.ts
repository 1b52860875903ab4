/**
 * Rule examples as checks: every rule ships positive examples (it must fire, with evidence in
 * the text) and negative ones (it must not). The test suite and `vigil rules check` both run
 * them through the whole pipeline, so a rule is tested the way it is used.
 */
import { analyzeItem, createEngine, type Engine } from './analyze.js';
import type { Example, RuleSet } from './rules.js';
import type { Item } from './types.js';

/** The item an example stands for: its text as the body, with its stated context. */
export function exampleItem(example: Example, id: string): Item {
  if (typeof example === 'string') return { id, body: example };
  const location = {
    ...(example.country !== undefined && { country: example.country }),
    ...(example.region !== undefined && { region: example.region }),
    ...(example.city !== undefined && { city: example.city }),
  };
  return {
    id,
    body: example.text,
    ...(example.title !== undefined && { title: example.title }),
    ...(example.language !== undefined && { language: example.language }),
    ...(Object.keys(location).length > 0 && { location }),
  };
}

export const exampleText = (example: Example): string =>
  typeof example === 'string' ? example : example.text;

export interface ExampleFailure {
  readonly rule: string;
  readonly kind: 'positive' | 'negative';
  readonly text: string;
  /** What went wrong, for a person: "did not fire", "fired", "fired without evidence…". */
  readonly problem: string;
}

/** Runs every example of every rule; returns the ones that do not behave as declared. */
export function checkRuleExamples(
  rules: RuleSet,
  engine: Engine = createEngine({ rules }),
): ExampleFailure[] {
  const failures: ExampleFailure[] = [];
  for (const rule of rules.rules) {
    rule.examples.positive.forEach((example, i) => {
      const analysis = analyzeItem(exampleItem(example, `${rule.id}+${i}`), engine);
      const hit = analysis.indicators.find((indicator) => indicator.rule === rule.id);
      const problem =
        hit === undefined
          ? `did not fire (language ${analysis.language})`
          : hit.spans.every((span) => span.text.length === 0)
            ? 'fired without evidence in the text'
            : undefined;
      if (problem !== undefined) {
        failures.push({ rule: rule.id, kind: 'positive', text: exampleText(example), problem });
      }
    });
    rule.examples.negative.forEach((example, i) => {
      const analysis = analyzeItem(exampleItem(example, `${rule.id}-${i}`), engine);
      if (analysis.indicators.some((indicator) => indicator.rule === rule.id)) {
        failures.push({
          rule: rule.id,
          kind: 'negative',
          text: exampleText(example),
          problem: 'fired',
        });
      }
    });
  }
  return failures;
}
