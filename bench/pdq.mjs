#!/usr/bin/env node
// PDQ image hashes (src/analyze/pdq.ts, src/cli/image-decode.ts) and the near-duplicate index
// over them (src/analyze/pdq-index.ts): hashing throughput and index build, memory and lookups
// at a million hashes (BENCHMARKS.md).
//
//   npx tsc -p tsconfig.build.json && node bench/pdq.mjs
//   node bench/pdq.mjs --images 40 --bank 1000000 --queries 2000 --subset 100000 --runs 3
//   node bench/pdq.mjs --images 0      # the index only (--bank 0: the hashing only)
//
// Sections:
// 1. hashing: --images synthetic 1000x1000 JPEGs (gradients, shapes, noise; made with sharp in
//    a temporary folder, removed at the end) decoded (decodeImageLuma) and hashed
//    (pdqFromLuminance) on 2 worker threads, images/s, median of --runs; then, on the main
//    thread, decode-only and hash-only time per image (median over the images);
// 2. index: a bank of --bank random hashes: build time (adds, then the first search builds the
//    tables), memory (process.memoryUsage deltas, bytes per hash), and lookups/s at distance 31
//    for near-duplicates of stored hashes (10 bits flipped) and for random hashes (no match),
//    median of --runs; the same on a --subset bank against a brute-force scan (the fastest scan
//    we have: popcount over contiguous 32-bit words), as a ratio within the run.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';

const { pdqFromLuminance } = await import('../dist/analyze/pdq.js');
const { decodeImageLuma } = await import('../dist/cli/image-decode.js');
const { PdqIndex } = await import('../dist/analyze/pdq-index.js');

const fmt = (x) => Math.round(x).toLocaleString('en-US');
const fmt1 = (x) => x.toLocaleString('en-US', { maximumFractionDigits: 1 });
const fmt2 = (x) => x.toLocaleString('en-US', { maximumFractionDigits: 2 });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const MiB = 1024 * 1024;
// A full collection before each memory reading, without needing --expose-gc on the command.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');

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

if (!isMainThread) {
  // Worker: decode and hash each file it is sent; reply with the quality (a use of the result).
  parentPort.on('message', async (path) => {
    const { luma, width, height } = await decodeImageLuma(path);
    parentPort.postMessage(pdqFromLuminance(luma, width, height).quality);
  });
} else {
  await main();
}

async function main() {
  const { values } = parseArgs({
    options: {
      images: { type: 'string', default: '40' },
      side: { type: 'string', default: '1000' },
      bank: { type: 'string', default: '1000000' },
      subset: { type: 'string', default: '100000' },
      queries: { type: 'string', default: '2000' },
      runs: { type: 'string', default: '3' },
      seed: { type: 'string', default: '1' },
    },
  });
  const opts = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Number(v)]));
  console.log(
    `# PDQ — node ${process.version}, ${availableParallelism()} cores, ` +
      `load average ${loadavg().map(fmt2).join(' ')}\n`,
  );
  if (opts.images > 0) await hashing(opts);
  if (opts.bank > 0) index(opts);
  console.log(`\nload average at the end: ${loadavg().map(fmt2).join(' ')}`);
}

// ---------------------------------------------------------------------------------------------
// 1. Hashing

/** A 1000x1000 RGB picture: a gradient, a few filled shapes, then noise. */
function syntheticRgb(side, next) {
  const rgb = new Uint8Array(side * side * 3);
  const from = [next() & 255, next() & 255, next() & 255];
  const to = [next() & 255, next() & 255, next() & 255];
  const angle = ((next() % 360) * Math.PI) / 180;
  const [cx, cy] = [Math.cos(angle), Math.sin(angle)];
  const shapes = Array.from({ length: 3 + (next() % 6) }, () => ({
    round: (next() & 1) === 1,
    x: next() % side,
    y: next() % side,
    r: 40 + (next() % (side / 4)),
    colour: [next() & 255, next() & 255, next() & 255],
  }));
  const noise = 4 + (next() % 24);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const t = Math.min(1, Math.max(0, 0.5 + ((x - side / 2) * cx + (y - side / 2) * cy) / side));
      let colour = null;
      for (const s of shapes) {
        const dx = x - s.x;
        const dy = y - s.y;
        const inside = s.round
          ? dx * dx + dy * dy <= s.r * s.r
          : Math.abs(dx) <= s.r && Math.abs(dy) <= s.r / 2;
        if (inside) colour = s.colour;
      }
      const k = 3 * (y * side + x);
      for (let c = 0; c < 3; c++) {
        const base = colour ? colour[c] : from[c] + (to[c] - from[c]) * t;
        rgb[k + c] = Math.max(0, Math.min(255, base + ((next() % (2 * noise + 1)) - noise)));
      }
    }
  }
  return rgb;
}

async function hashing({ images, side, runs, seed }) {
  const sharp = (await import('sharp')).default;
  const dir = await mkdtemp(join(tmpdir(), 'vigil-pdq-bench-'));
  try {
    const next = generator(seed);
    const paths = [];
    let bytes = 0;
    for (let i = 0; i < images; i++) {
      const jpeg = await sharp(syntheticRgb(side, next), {
        raw: { width: side, height: side, channels: 3 },
      })
        .jpeg({ quality: 85 })
        .toBuffer();
      const path = join(dir, `image-${i}.jpg`);
      await writeFile(path, jpeg);
      paths.push(path);
      bytes += jpeg.length;
    }
    console.log(
      `${images} synthetic ${side}x${side} JPEGs (quality 85, ${fmt(bytes / images / 1024)} KiB on average)\n`,
    );

    // 2 workers, each sent the next file as soon as it answers; warmed up on 2 files each.
    const workers = [0, 1].map(() => new Worker(new URL(import.meta.url)));
    const hashAll = (list) =>
      new Promise((resolve, reject) => {
        let sent = 0;
        let done = 0;
        for (const worker of workers) {
          const onMessage = () => {
            done++;
            if (sent < list.length) worker.postMessage(list[sent++]);
            if (done === list.length) {
              for (const w of workers) w.off('message', w.listener);
              resolve();
            }
          };
          worker.listener = onMessage;
          worker.on('message', onMessage);
          worker.once('error', reject);
          if (sent < list.length) worker.postMessage(list[sent++]);
        }
      });
    await hashAll(paths.slice(0, 4));
    const rates = [];
    for (let run = 0; run < runs; run++) {
      const start = performance.now();
      await hashAll(paths);
      rates.push((images * 1000) / (performance.now() - start));
    }
    await Promise.all(workers.map((w) => w.terminate()));

    // One thread: decode and hash separately, per image.
    const decodeMs = [];
    const hashMs = [];
    let usable = 0;
    for (const path of paths) {
      const t0 = performance.now();
      const { luma, width, height } = await decodeImageLuma(path);
      const t1 = performance.now();
      const { quality } = pdqFromLuminance(luma, width, height);
      const t2 = performance.now();
      decodeMs.push(t1 - t0);
      hashMs.push(t2 - t1);
      if (quality >= 50) usable++;
    }
    console.log('| hashing 1-megapixel JPEGs | figure |');
    console.log('|---|---|');
    console.log(
      `| decode + hash, 2 worker threads, median of ${runs} runs (all runs) | **${fmt1(median(rates))} images/s** (${rates.map(fmt1).join(' · ')}) |`,
    );
    console.log(
      `| decode only (sharp → luminance), 1 thread, median per image | ${fmt2(median(decodeMs))} ms |`,
    );
    console.log(
      `| hash only (pdqFromLuminance), 1 thread, median per image | ${fmt2(median(hashMs))} ms (${fmt1(1000 / median(hashMs))} images/s) |`,
    );
    console.log(`| images of quality >= 50 | ${usable} of ${images} |\n`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// 2. Index

function popcount32(x) {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/**
 * The brute-force baseline: every stored hash (8 big-endian words each) within max, unrolled
 * and cut short after 4 words like the index's own verification, so that the ratio measures
 * the probing alone.
 */
function bruteSearch(words, count, query, max) {
  const q = [0, 0, 0, 0, 0, 0, 0, 0];
  for (let w = 0; w < 8; w++) {
    q[w] =
      ((query[4 * w] << 24) |
        (query[4 * w + 1] << 16) |
        (query[4 * w + 2] << 8) |
        query[4 * w + 3]) >>>
      0;
  }
  const [q0, q1, q2, q3, q4, q5, q6, q7] = q;
  const found = [];
  for (let id = 0, b = 0; id < count; id++, b += 8) {
    const half =
      popcount32(words[b] ^ q0) +
      popcount32(words[b + 1] ^ q1) +
      popcount32(words[b + 2] ^ q2) +
      popcount32(words[b + 3] ^ q3);
    if (half > max) continue;
    const d =
      half +
      popcount32(words[b + 4] ^ q4) +
      popcount32(words[b + 5] ^ q5) +
      popcount32(words[b + 6] ^ q6) +
      popcount32(words[b + 7] ^ q7);
    if (d <= max) found.push(id);
  }
  return found;
}

function toWords(bytes, count) {
  const words = new Uint32Array(count * 8);
  const view = new DataView(bytes.buffer, bytes.byteOffset, count * 32);
  for (let i = 0; i < count * 8; i++) words[i] = view.getUint32(4 * i);
  return words;
}

function randomHashes(count, next) {
  const bytes = new Uint8Array(count * 32);
  for (let i = 0; i < bytes.length; i += 4) {
    const x = next();
    bytes[i] = x >>> 24;
    bytes[i + 1] = (x >>> 16) & 255;
    bytes[i + 2] = (x >>> 8) & 255;
    bytes[i + 3] = x & 255;
  }
  return bytes;
}

/** Queries: `count` stored hashes (of the first `stored`) with 10 distinct bits flipped. */
function nearQueries(bank, stored, count, next) {
  return Array.from({ length: count }, () => {
    const id = next() % stored;
    const query = bank.slice(32 * id, 32 * id + 32);
    const bits = new Set();
    while (bits.size < 10) bits.add(next() & 255);
    for (const bit of bits) query[bit >> 3] ^= 1 << (bit & 7);
    return { id, query };
  });
}

function lookupsPerSecond(search, queries, runs) {
  // Warm-up (JIT) on a tenth of the queries, untimed.
  for (const q of queries.slice(0, Math.ceil(queries.length / 10))) search(q);
  const rates = [];
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    let found = 0;
    for (const q of queries) found += search(q).length;
    rates.push((queries.length * 1000) / (performance.now() - start));
    if (found < 0) console.log(found);
  }
  return median(rates);
}

function memory() {
  gc();
  return process.memoryUsage();
}

function index({ bank: count, subset, queries: queryCount, runs, seed }) {
  const next = generator(seed + 1000);
  const bank = randomHashes(count, next);
  const near = nearQueries(bank, count, queryCount, next);
  const random = Array.from({ length: queryCount }, () => ({ query: randomHashes(1, next) }));

  const before = memory();
  const buildStart = performance.now();
  const idx = new PdqIndex();
  for (let i = 0; i < count; i++) idx.add(bank.subarray(32 * i, 32 * i + 32));
  const addMs = performance.now() - buildStart;
  idx.search(near[0].query, 31); // builds the tables
  const buildMs = performance.now() - buildStart;
  const after = memory();
  const rssDelta = after.rss - before.rss;
  const heapDelta = after.heapUsed - before.heapUsed;
  const buffersDelta = after.arrayBuffers - before.arrayBuffers;

  // Every near-duplicate query must find its source; random ones (almost surely) nothing.
  let missed = 0;
  for (const { id, query } of near) if (!idx.search(query, 31).some((m) => m.id === id)) missed++;
  let randomMatches = 0;
  for (const { query } of random) randomMatches += idx.search(query, 31).length;

  const nearRate = lookupsPerSecond((q) => idx.search(q.query, 31), near, runs);
  const randomRate = lookupsPerSecond((q) => idx.search(q.query, 31), random, runs);

  // The subset: the first `subset` hashes, index against brute force, in this run.
  const subIdx = new PdqIndex();
  for (let i = 0; i < subset; i++) subIdx.add(bank.subarray(32 * i, 32 * i + 32));
  const subWords = toWords(bank, subset);
  const subNear = nearQueries(bank, subset, queryCount, next);
  const bruteQueries = subNear.slice(0, Math.max(50, Math.floor(queryCount / 10)));
  let disagreements = 0;
  for (const { query } of bruteQueries) {
    const a = subIdx.search(query, 31).map((m) => m.id);
    const b = bruteSearch(subWords, subset, query, 31);
    const byId = (x, y) => x - y;
    if (a.sort(byId).join() !== b.sort(byId).join()) disagreements++;
  }
  const subNearRate = lookupsPerSecond((q) => subIdx.search(q.query, 31), subNear, runs);
  const subRandomRate = lookupsPerSecond((q) => subIdx.search(q.query, 31), random, runs);
  const bruteNearRate = lookupsPerSecond(
    (q) => bruteSearch(subWords, subset, q.query, 31),
    bruteQueries,
    runs,
  );
  const bruteRandomRate = lookupsPerSecond(
    (q) => bruteSearch(subWords, subset, q.query, 31),
    random.slice(0, bruteQueries.length),
    runs,
  );

  console.log(`| index of ${fmt(count)} random hashes | figure |`);
  console.log('|---|---|');
  console.log(
    `| build: ${fmt(count)} adds, then the tables (first search) | ${fmt(buildMs)} ms (adds ${fmt(addMs)} ms) |`,
  );
  console.log(
    `| memory delta: RSS · heapUsed · arrayBuffers | ${fmt1(rssDelta / MiB)} · ${fmt1(heapDelta / MiB)} · ${fmt1(buffersDelta / MiB)} MiB |`,
  );
  console.log(
    `| bytes per hash (heapUsed + arrayBuffers delta · RSS delta) | **${fmt1((heapDelta + buffersDelta) / count)}** · ${fmt1(rssDelta / count)} |`,
  );
  console.log(
    `| lookups/s at d <= 31, near-duplicates (10 bits flipped; median of ${runs}) | **${fmt(nearRate)}** |`,
  );
  console.log(
    `| lookups/s at d <= 31, random hashes (no match; median of ${runs}) | **${fmt(randomRate)}** |`,
  );
  console.log(
    `| near-duplicates not found · matches for random queries | ${missed} of ${near.length} · ${randomMatches} |\n`,
  );
  console.log(
    `| ${fmt(subset)}-hash subset, d <= 31 | index lookups/s | brute-force scan lookups/s | index / scan |`,
  );
  console.log('|---|---|---|---|');
  console.log(
    `| near-duplicates | ${fmt(subNearRate)} | ${fmt(bruteNearRate)} | **${fmt1(subNearRate / bruteNearRate)}x** |`,
  );
  console.log(
    `| random hashes | ${fmt(subRandomRate)} | ${fmt(bruteRandomRate)} | **${fmt1(subRandomRate / bruteRandomRate)}x** |`,
  );
  console.log(
    `\nindex and scan disagreed on ${disagreements} of ${bruteQueries.length} queries; ` +
      `scan over ${fmt(count)} hashes, extrapolated: ${fmt1((bruteNearRate * subset) / count)} lookups/s`,
  );
  console.log(
    JSON.stringify({
      bank: count,
      buildMs,
      addMs,
      rssDelta,
      heapDelta,
      buffersDelta,
      nearRate,
      randomRate,
      subNearRate,
      subRandomRate,
      bruteNearRate,
      bruteRandomRate,
    }),
  );
}
