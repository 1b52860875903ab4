/**
 * Hash-bank matches as indicators. A bank holds PDQ hashes of known images (victim photos from
 * an investigator, abuse material from a hotline); an item image within the match distance of
 * one is not a keyword hit but a near-certain reuse of a known image, so it enters the
 * analysis as an indicator of its own (one rule per bank, `hash-bank:<bank id>`) with a weight
 * that puts the item in the high band on its own under the default model: σ(-2.5 + 5) ≈ 0.92.
 * The item is then rescored with the same logistic model, so the explanation still adds up.
 *
 * Pure: the worker finds the matches (jobs/bank-matcher.ts) and passes them in.
 */
import { type ScoringModel, scoreIndicators } from './score.js';
import type { Analysis, BankMatch, Indicator } from './types.js';

/** Log-odds a bank match adds (each bank counts once, however many images match it). */
export const BANK_MATCH_WEIGHT = 5;
export const BANK_RULE_PREFIX = 'hash-bank:';
export const BANK_CITATION =
  'PDQ perceptual hash (Meta ThreatExchange): a match is a Hamming distance of at most 31 bits of 256.';

/** The indicator of one match. */
export function bankIndicator(match: BankMatch): Indicator {
  return {
    rule: `${BANK_RULE_PREFIX}${match.bankId}`,
    name: `Image matches hash bank "${match.bank}"`,
    family: 'image',
    category: 'hash-bank',
    weight: BANK_MATCH_WEIGHT,
    spans: [],
    citation: BANK_CITATION,
    bankMatch: match,
  };
}

/**
 * The analysis with an indicator per match (nearest first) and its risk, band and explanation
 * recomputed; the analysis itself when there is none.
 */
export function withBankMatches(
  analysis: Analysis,
  matches: readonly BankMatch[],
  model: ScoringModel,
): Analysis {
  if (matches.length === 0) return analysis;
  const sorted = [...matches].sort(
    (a, b) =>
      a.distance - b.distance || a.bank.localeCompare(b.bank) || a.image.localeCompare(b.image),
  );
  const added = sorted.map(bankIndicator);
  const indicators = [...analysis.indicators, ...added];
  const weights: Record<string, number> = { ...model.weights };
  for (const indicator of added) weights[indicator.rule] = BANK_MATCH_WEIGHT;
  const { risk, band, explanation } = scoreIndicators(
    { ...model, weights },
    indicators.map((indicator) => ({ rule: indicator.rule, name: indicator.name })),
  );
  return { ...analysis, indicators, risk, band, explanation };
}
