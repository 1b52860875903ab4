#!/usr/bin/env node
// MinHash signing speed and accuracy, template quality on the synthetic corpus, and template
// index throughput at a million items (BENCHMARKS.md).
//
//   npx tsc -p tsconfig.build.json && node bench/minhash.mjs
//   node bench/minhash.mjs --items 200000 --quality 5000 --seed 2
//
// Sections:
// 1. signing: shingles and signatures per second on corpus texts and on 60-shingle documents,
//    on one thread and on two worker threads (signatures are made in the scan's workers);
// 2. accuracy: error of the Jaccard estimate against exact Jaccard over random set pairs, for
//    this MinHash (mod 2^31 - 1, doubles) and for a BigInt reference mod 2^61 - 1;
// 3. quality: pairwise precision, recall and F1 of templates against the corpus's planted
//    templates (items of net-*, scam-* and hub-* groups), over thresholds and permutations;
// 4. scale, each scenario in a process of its own (see `scenario`): `add` throughput, memory,
//    save and load for --items signatures derived from the corpus (near duplicates and
//    unrelated items), for as many unrelated ones (the index's most memory), and for a giant
//    bucket of identical items.
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

const { generateCorpus } = await import('../dist/corpus/index.js');
const { foldText } = await import('../dist/analyze/normalize.js');
const { createMinHasher, estimateJaccard, shingleHashes } = await import(
  '../dist/analyze/minhash.js'
);
const { createTemplateIndex, loadTemplateIndex } = await import(
  '../dist/analyze/template-index.js'
);

/** Deterministic 32-bit generator for the bench's own data (splitmix32). */
function generator(seed) {
  let state = seed | 0;
  return () => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** Documents of `size` random shingles, as corpus ads have about 60. */
function randomDocuments(count, size, seed) {
  const next = generator(seed);
  return Array.from({ length: count }, () => Uint32Array.from({ length: size }, next));
}

function signAll(hasher, docs) {
  const start = performance.now();
  for (const doc of docs) hasher.signature(doc);
  return performance.now() - start;
}

if (!isMainThread) {
  // Worker: prepare and warm up, say so, then sign when told to and report the time.
  const { count, size, seed, permutations } = workerData;
  const hasher = createMinHasher({ permutations });
  const docs = randomDocuments(count, size, seed);
  signAll(hasher, docs.slice(0, 2000));
  parentPort.once('message', () => parentPort.postMessage(signAll(hasher, docs)));
  parentPort.postMessage('ready');
} else if (process.argv.includes('--scenario')) {
  scenario();
} else {
  await main();
}

async function main() {
  const { values } = parseArgs({
    options: {
      items: { type: 'string', default: '1000000' },
      quality: { type: 'string', default: '20000' },
      seed: { type: 'string', default: '1' },
    },
  });
  const items = Number(values.items);
  const qualityItems = Number(values.quality);
  const corpusSeed = Number(values.seed);
  const rows = [];
  const row = (section, name, value, unit) => {
    rows.push({ section, name, value, unit });
    console.error(`${section.padEnd(9)} ${name.padEnd(58)} ${String(value).padStart(12)} ${unit}`);
  };

  // 1. Signing ---------------------------------------------------------------------------------
  const records = [];
  let start = performance.now();
  for (const { item, truth } of generateCorpus({ n: qualityItems, seed: corpusSeed })) {
    records.push({ id: item.id, text: joined(item), truth });
  }
  row('corpus', `generate ${qualityItems} items (seed ${corpusSeed})`, ms(start), 'ms');
  start = performance.now();
  for (const r of records) r.folded = foldText(r.text).text;
  const foldMs = performance.now() - start;
  start = performance.now();
  for (const r of records) r.shingles = shingleHashes(r.folded);
  const shingleMs = performance.now() - start;
  const meanShingles = records.reduce((s, r) => s + r.shingles.length, 0) / records.length;
  row('sign', 'fold (foldText) per second', perSecond(records.length, foldMs), '/s');
  row('sign', 'shingleHashes per second', perSecond(records.length, shingleMs), '/s');
  row('sign', 'mean shingles per corpus item', meanShingles.toFixed(1), '');

  const hasher = createMinHasher();
  signAll(
    hasher,
    records.slice(0, 2000).map((r) => r.shingles),
  ); // warm-up
  const corpusSignMs = median(
    [0, 1, 2].map(() =>
      signAll(
        hasher,
        records.map((r) => r.shingles),
      ),
    ),
  );
  row(
    'sign',
    '128 permutations, corpus items, 1 thread',
    perSecond(records.length, corpusSignMs),
    '/s',
  );
  const docs = randomDocuments(20_000, 60, 7);
  const sixtyMs = median([0, 1, 2].map(() => signAll(hasher, docs)));
  row('sign', '128 permutations, 60-shingle docs, 1 thread', perSecond(docs.length, sixtyMs), '/s');
  for (const permutations of [64, 256]) {
    const other = createMinHasher({ permutations });
    signAll(other, docs.slice(0, 2000));
    const t = median([0, 1, 2].map(() => signAll(other, docs)));
    row(
      'sign',
      `${permutations} permutations, 60-shingle docs, 1 thread`,
      perSecond(docs.length, t),
      '/s',
    );
  }
  const workers = Math.min(2, availableParallelism());
  const perWorker = 100_000;
  const ready = await Promise.all(
    Array.from({ length: workers }, (_, w) =>
      startWorker({ count: perWorker, size: 60, seed: w + 11, permutations: 128 }),
    ),
  );
  start = performance.now();
  await Promise.all(ready.map((go) => go()));
  row(
    'sign',
    `128 permutations, 60-shingle docs, ${workers} workers`,
    perSecond(perWorker * workers, performance.now() - start),
    '/s',
  );

  // 2. Accuracy --------------------------------------------------------------------------------
  for (const target of [0.2, 0.5, 0.8]) {
    const ours = estimateErrors(target, 2000, (a) => hasher.signature(a));
    row('accuracy', `J=${target}: bias, mod 2^31-1 (2000 pairs)`, ours.bias.toFixed(4), '');
    row('accuracy', `J=${target}: error sd / binomial sd, mod 2^31-1`, ours.ratio.toFixed(3), '');
    const reference = referenceHasher(128, 5);
    const exact = estimateErrors(target, 300, reference);
    row(
      'accuracy',
      `J=${target}: error sd / binomial sd, BigInt mod 2^61-1 (300)`,
      exact.ratio.toFixed(3),
      '',
    );
  }

  // 3. Quality ---------------------------------------------------------------------------------
  const planted = records.filter((r) => /^(net|scam|hub)-/.test(r.truth.network ?? ''));
  row('quality', `planted items (net-, scam-, hub-) of ${records.length}`, planted.length, '');
  const signed = new Map();
  for (const permutations of [64, 128, 256]) {
    const h = createMinHasher({ permutations });
    signed.set(
      permutations,
      records.map((r) => h.signature(r.shingles)),
    );
  }
  const quality = [];
  for (const permutations of [64, 128, 256]) {
    for (const threshold of [0.5, 0.55, 0.6, 0.65, 0.7]) {
      const index = indexOf(records, signed.get(permutations), { permutations, threshold });
      const score = pairwise(index, planted);
      quality.push({ permutations, threshold, ...score });
      row(
        'quality',
        `k=${permutations} t=${threshold} ${index.options.bands}x${index.options.rows}: P / R / F1`,
        `${f3(score.precision)} ${f3(score.recall)} ${f3(score.f1)}`,
        '',
      );
    }
  }
  const noExemplar = pairwise(indexOf(records, signed.get(128), { exemplarThreshold: 0 }), planted);
  row(
    'quality',
    'defaults without the exemplar check: P / R / F1',
    `${f3(noExemplar.precision)} ${f3(noExemplar.recall)} ${f3(noExemplar.f1)}`,
    '',
  );
  const defaults = indexOf(records, signed.get(128), {});
  for (const group of ['net', 'scam', 'hub']) {
    const score = pairwise(
      defaults,
      planted.filter((r) => r.truth.network.startsWith(`${group}-`)),
    );
    row(
      'quality',
      `defaults, ${group}-* groups only: P / R / F1`,
      `${f3(score.precision)} ${f3(score.recall)} ${f3(score.f1)}`,
      '',
    );
  }

  // 4. Scale: each scenario in its own process, so that its peak RSS is its own.
  for (const name of ['derived', 'unrelated', 'giant']) {
    const out = execFileSync(
      process.execPath,
      [new URL(import.meta.url).pathname, '--scenario', name, '--items', String(items)],
      { encoding: 'utf8', maxBuffer: 1 << 20 },
    );
    for (const r of JSON.parse(out)) row('scale', r.name, r.value, r.unit);
  }

  const pick = (section, name) => rows.find((r) => r.section === section && r.name === name)?.value;
  console.log(
    JSON.stringify({
      bench: 'minhash',
      node: process.version,
      items,
      qualityItems,
      corpusSeed,
      signaturesPerSecond1Thread: pick('sign', '128 permutations, 60-shingle docs, 1 thread'),
      signaturesPerSecondWorkers: pick(
        'sign',
        `128 permutations, 60-shingle docs, ${workers} workers`,
      ),
      addsPerSecondDerived: pick('scale', 'derived: adds per second'),
      addsPerSecondUnrelated: pick('scale', 'unrelated: adds per second'),
      quality,
      rows,
    }),
  );
}

function joined(item) {
  return item.title && item.body ? `${item.title}\n\n${item.body}` : item.title || item.body || '';
}

/** Starts a signing worker; resolves, once it is ready, to a function that runs it. */
function startWorker(data) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: data });
    worker.once('error', reject);
    worker.once('message', () =>
      resolve(
        () =>
          new Promise((done) => {
            worker.once('message', (elapsed) => worker.terminate().then(() => done(elapsed)));
            worker.postMessage('go');
          }),
      ),
    );
  });
}

/** Pairs of 60-element sets with exact Jaccard `target` (rounded to whole elements). */
function estimateErrors(target, pairs, sign) {
  const next = generator(Math.round(target * 1000));
  const size = 60;
  const shared = Math.round((2 * size * target) / (1 + target));
  const exact = shared / (2 * size - shared);
  const errors = [];
  for (let p = 0; p < pairs; p++) {
    const common = Array.from({ length: shared }, next);
    const a = Uint32Array.from([...common, ...Array.from({ length: size - shared }, next)]);
    const b = Uint32Array.from([...common, ...Array.from({ length: size - shared }, next)]);
    errors.push(estimateJaccard(sign(a), sign(b)) - exact);
  }
  const bias = errors.reduce((s, e) => s + e, 0) / pairs;
  const sd = Math.sqrt(errors.reduce((s, e) => s + (e - bias) ** 2, 0) / (pairs - 1));
  return { bias, ratio: sd / Math.sqrt((exact * (1 - exact)) / 128) };
}

/** MinHash with h_i(x) = (a_i x + b_i) mod 2^61 - 1 in BigInt: the reference for accuracy. */
function referenceHasher(permutations, seed) {
  const p = (1n << 61n) - 1n;
  const next = generator(seed);
  const draw = () => ((BigInt(next()) << 32n) | BigInt(next())) % p;
  const a = Array.from({ length: permutations }, () => draw() || 1n);
  const b = Array.from({ length: permutations }, draw);
  return (shingles) => {
    const out = new Uint32Array(permutations);
    for (let i = 0; i < permutations; i++) {
      let min = p;
      for (const x of shingles) {
        const v = (a[i] * BigInt(x) + b[i]) % p;
        if (v < min) min = v;
      }
      out[i] = Number(min & 0xffffffffn);
    }
    return out;
  };
}

function indexOf(records, signatures, options) {
  const index = createTemplateIndex(options);
  records.forEach((r, i) => {
    index.add(r.id, signatures[i]);
  });
  return index;
}

/** Pairwise precision and recall of the index's templates against truth.template. */
function pairwise(index, records) {
  const predicted = new Map();
  const truth = new Map();
  const both = new Map();
  const count = (map, key) => map.set(key, (map.get(key) ?? 0) + 1);
  for (const r of records) {
    const template = index.templateOf(r.id) ?? r.id;
    count(predicted, template);
    count(truth, r.truth.template);
    count(both, `${template}\u0000${r.truth.template}`);
  }
  const pairs = (map) => [...map.values()].reduce((s, c) => s + (c * (c - 1)) / 2, 0);
  const agreed = pairs(both);
  const precision = agreed / pairs(predicted);
  const recall = agreed / pairs(truth);
  return { precision, recall, f1: (2 * precision * recall) / (precision + recall) };
}

/**
 * One scale scenario, in a process of its own; prints its rows as JSON. The signatures to add
 * are made first, in one typed array (as they would arrive from the scan's workers), from the
 * signatures of 20,000 corpus items:
 * - derived: each corpus signature repeated with a share of its values replaced (uniform up to
 *   0.4: near duplicates of the corpus text), or all of them for 30% of the items (unrelated);
 * - unrelated: every value replaced (every bucket distinct: the index's most memory);
 * - giant: one signature `items / 10` times (an agency posting one text over and over).
 */
function scenario() {
  const { values } = parseArgs({
    options: { scenario: { type: 'string' }, items: { type: 'string' } },
  });
  const name = values.scenario;
  const hasher = createMinHasher();
  const base = [];
  for (const { item } of generateCorpus({ n: 20_000, seed: 1 })) {
    const signature = hasher.signature(shingleHashes(foldText(joined(item)).text));
    if (signature.length > 0) base.push(signature);
  }
  const k = hasher.permutations;
  const count = name === 'giant' ? Number(values.items) / 10 : Number(values.items);
  const all = new Uint32Array(count * k);
  const next = generator(99);
  const unrelatedShare = name === 'derived' ? 0.3 : 1;
  for (let i = 0; i < count; i++) {
    all.set(base[i % base.length], i * k);
    if (name === 'giant') continue;
    const replaced = next() / 2 ** 32 < unrelatedShare ? 1 : (next() / 2 ** 32) * 0.4;
    for (let j = i * k; j < (i + 1) * k; j++) {
      if (next() / 2 ** 32 < replaced) all[j] = next() >>> 1;
    }
  }
  if (name === 'giant') for (let i = 1; i < count; i++) all.copyWithin(i * k, 0, k);

  const rows = [];
  const row = (label, value, unit) => rows.push({ name: `${name}: ${label}`, value, unit });
  const index = createTemplateIndex();
  const rssBefore = process.memoryUsage().rss;
  let start = performance.now();
  for (let i = 0; i < count; i++) index.add(`${name}-${i}`, all.subarray(i * k, (i + 1) * k));
  const addMs = performance.now() - start;
  row(`add ${count} signatures`, Math.round(addMs), 'ms');
  row('RSS growth while adding (the index)', mib(process.memoryUsage().rss - rssBefore), 'MiB');
  row('adds per second', perSecond(count, addMs), '/s');
  row('verifications per item', (index.stats().verifications / count).toFixed(2), '');
  start = performance.now();
  const templates = index.templates();
  row('templates() time', ms(start), 'ms');
  row('templates', templates.length, '');
  start = performance.now();
  const bytes = index.save();
  row('save', ms(start), 'ms');
  row('saved size', (bytes.length / 2 ** 20).toFixed(1), 'MiB');
  start = performance.now();
  const loaded = loadTemplateIndex(bytes);
  row('load', ms(start), 'ms');
  if (loaded.size !== count) throw new Error('the loaded index lost items');
  row(
    'peak RSS (input, index, saved bytes, loaded copy)',
    mib(process.resourceUsage().maxRSS * 1024),
    'MiB',
  );
  console.log(JSON.stringify(rows));
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
function ms(start) {
  return Math.round(performance.now() - start);
}
function perSecond(count, milliseconds) {
  return Math.round((count / milliseconds) * 1000);
}
function mib(bytes) {
  return Math.round(bytes / 2 ** 20);
}
function f3(x) {
  return x.toFixed(3);
}
