#!/usr/bin/env node
// CPU time per item of each analysis stage, on a generated corpus (best of 3 runs, after
// warm-up, fresh documents each run so per-document caches do not flatter a stage).
//
//   npm run build && node bench/stages.mjs [items.jsonl] [--only phones,rules]
//
// Without a file it generates 10,000 items with seed 1.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { analyzeItem, createEngine, itemDoc } from '../dist/analyze/analyze.js';
import { extractAges, extractPrices } from '../dist/analyze/entities/amounts.js';
import { extractEmails, extractOnions, extractUrls } from '../dist/analyze/entities/contacts.js';
import { extractHandles, mentionsPlatforms } from '../dist/analyze/entities/handles.js';
import { extractEntities } from '../dist/analyze/entities/index.js';
import { extractPhones } from '../dist/analyze/entities/phones.js';
import { extractWallets } from '../dist/analyze/entities/wallets.js';
import { computeFeatures } from '../dist/analyze/features.js';
import { detectLanguage } from '../dist/analyze/language.js';
import { evaluateRules } from '../dist/analyze/match.js';
import { foldText } from '../dist/analyze/normalize.js';
import { ScanSummary } from '../dist/analyze/summary.js';
import { compileRuleSources, readRuleSources } from '../dist/cli/rules-files.js';
import { generateCorpus } from '../dist/corpus/index.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { only: { type: 'string' }, n: { type: 'string', default: '10000' } },
});
const only = values.only?.split(',');
const items = positionals[0]
  ? readFileSync(positionals[0], 'utf8')
      .split('\n')
      .filter(Boolean)
      .slice(0, Number(values.n))
      .map((l) => JSON.parse(l))
  : [...generateCorpus({ n: Number(values.n), seed: 1 })].map((r) => r.item);
const rules = compileRuleSources(await readRuleSources());
const engine = createEngine({ rules });
const fresh = () => items.map(itemDoc);

function stage(name, fn, prepare = fresh) {
  if (only && !only.includes(name)) return;
  for (let w = 0; w < 2; w++) fn(prepare());
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < 3; r++) {
    const docs = prepare();
    const t = process.cpuUsage();
    fn(docs);
    const u = process.cpuUsage(t);
    best = Math.min(best, (u.user + u.system) / items.length);
  }
  console.log(`${name.padEnd(14)} ${best.toFixed(1).padStart(7)} µs/item`);
}

stage('fold', () => {
  for (const it of items) foldText(`${it.title ?? ''}\n\n${it.body ?? ''}`);
});
stage('language', (docs) => {
  for (const d of docs) detectLanguage(d.folded.text);
});
stage('phones', (docs) => {
  for (const d of docs) extractPhones(d);
});
stage('prices', (docs) => {
  for (const d of docs) {
    extractPrices(d);
    extractAges(d);
  }
});
stage('contacts', (docs) => {
  for (const d of docs) {
    extractEmails(d);
    extractUrls(d);
    extractOnions(d);
  }
});
stage('handles', (docs) => {
  for (const d of docs) {
    extractHandles(d);
    mentionsPlatforms(d);
  }
});
stage('wallets', (docs) => {
  for (const d of docs) extractWallets(d);
});
const prepared = () =>
  fresh().map((d) => {
    const e = extractEntities(d);
    return { d, e, m: mentionsPlatforms(d) };
  });
stage(
  'features',
  (ps) => {
    for (const { d, e, m } of ps) computeFeatures(d, e, m);
  },
  prepared,
);
stage(
  'rules',
  (ps) => {
    for (const { d, e, f } of ps) evaluateRules(rules, d, e, f);
  },
  () => prepared().map((p) => ({ ...p, f: computeFeatures(p.d, p.e, p.m) })),
);
stage('analyzeItem', () => {
  for (const it of items) analyzeItem(it, engine);
});
stage('serialise', () => {
  const summary = new ScanSummary();
  for (const it of items) {
    const a = analyzeItem(it, engine);
    summary.add(a, it);
    JSON.stringify(a);
  }
});
