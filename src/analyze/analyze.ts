/**
 * The scan pipeline for one item: fold the text, extract entities, compute structural
 * features, evaluate the indicator rules and score them. Pure and synchronous: the same item
 * and engine always give the same analysis.
 */
import { type Doc, makeDoc } from './doc.js';
import { extractEntities, mentionsPlatforms } from './entities/index.js';
import { computeFeatures } from './features.js';
import { detectLanguage } from './language.js';
import { evaluateRules } from './match.js';
import type { RuleSet } from './rules.js';
import { defaultModel, type ScoringModel, scoreIndicators } from './score.js';
import type { Analysis, Indicator, Item, Range, Span } from './types.js';

export interface Engine {
  readonly rules: RuleSet;
  readonly model: ScoringModel;
}

export function createEngine(options: { rules: RuleSet; model?: ScoringModel }): Engine {
  return Object.freeze({
    rules: options.rules,
    model: options.model ?? defaultModel(options.rules.rules),
  });
}

/** The document of an item, with its language detected when the item does not state it. */
export function itemDoc(item: Item): Doc {
  const location = item.location;
  return makeDoc(
    item,
    {
      country: location?.country,
      region: location?.region,
      city: location?.city,
      language: item.language,
    },
    detectLanguage,
  );
}

export function analyzeItem(item: Item, engine: Engine): Analysis {
  return analyzeDoc(item, itemDoc(item), engine);
}

/** analyzeItem for a caller that needs the item's document too (linking reads its folded text). */
export function analyzeDoc(item: Item, doc: Doc, engine: Engine): Analysis {
  const entities = extractEntities(doc);
  const features = computeFeatures(doc, entities, mentionsPlatforms(doc));
  const fired = evaluateRules(engine.rules, doc, entities, features);
  const { model } = engine;
  const indicators: Indicator[] = fired.map(({ rule, ranges }) => ({
    rule: rule.id,
    name: rule.name,
    family: rule.family,
    category: rule.category,
    weight: model.weights[rule.id] ?? 0,
    spans: toSpans(doc, ranges),
    citation: rule.citation,
  }));
  const { risk, band, explanation } = scoreIndicators(
    model,
    fired.map(({ rule }) => ({ rule: rule.id, name: rule.name })),
  );
  return {
    id: item.id,
    risk,
    band,
    language: doc.context.language,
    indicators,
    entities,
    explanation,
  };
}

/** Field spans of a rule's evidence, in text order, without repeats. */
function toSpans(doc: Doc, ranges: readonly Range[]): Span[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start || a.end - b.end);
  const spans: Span[] = [];
  let last: Range | undefined;
  for (const range of sorted) {
    if (last !== undefined && last.start === range.start && last.end === range.end) continue;
    last = range;
    spans.push(doc.span(range));
  }
  return spans;
}
