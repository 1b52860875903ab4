#!/usr/bin/env node
// Merkle log core (src/ledger/merkle.ts): append throughput, and proof generation and
// verification latency on a large in-memory tree. Pure: no store, no IO but the report.
//
//   npx tsc -p tsconfig.build.json && node bench/merkle.mjs            # 10,000,000 leaves
//   node bench/merkle.mjs --leaves 1000000 --proofs 2000 --batch 10000
//
// The tree keeps the perfect nodes appendLeaves returns in one Uint8Array per level
// (count * 32 bytes), as a tile store would, and serves them to the proof functions through a
// NodeSource. Every latency is timed one call at a time and reported as the median (and p90 in
// the JSON line): the machines are shared and noisy, and a median shrugs off GC pauses.
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import {
  appendLeaves,
  consistencyProof,
  EMPTY_FRONTIER,
  hashChildren,
  hashLeaf,
  inclusionProof,
  treeRoot,
  verifyConsistency,
  verifyInclusion,
} from '../dist/ledger/merkle.js';

const { values } = parseArgs({
  options: {
    leaves: { type: 'string', default: '10000000' },
    proofs: { type: 'string', default: '10000' },
    batch: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '1' },
  },
});
const leaves = Number(values.leaves);
const proofs = Number(values.proofs);
const batch = Number(values.batch);
const fmt = (x) => Math.round(x).toLocaleString('en-US');
const now = () => process.hrtime.bigint();
const micros = (start, end) => Number(end - start) / 1000;

function quantile(xs, q) {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
const median = (xs) => quantile(xs, 0.5);

/** A seeded PRNG (mulberry32), so that every run draws the same proofs. */
function prng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
const random = prng(Number(values.seed));
/** A uniform integer in [min, max]. */
const between = (min, max) => min + Math.floor(random() * (max - min + 1));

// --- Build: hash the leaves, append them in batches, store the nodes per level -------------

const levels = [];
for (let level = 0; 2 ** level <= leaves; level++) {
  levels.push(new Uint8Array(Math.floor(leaves / 2 ** level) * 32));
}
/** The NodeSource: a 32-byte view into the level's array, no copy. */
const node = (level, index) => {
  const offset = Number(index) * 32;
  return levels[level].subarray(offset, offset + 32);
};

const leafData = new Uint8Array(8);
const leafView = new DataView(leafData.buffer);
let frontier = EMPTY_FRONTIER;
let hashingMicros = 0;
let appendMicros = 0;
const buildStart = now();
for (let first = 0; first < leaves; first += batch) {
  const count = Math.min(batch, leaves - first);
  const t0 = now();
  const leafHashes = new Array(count);
  for (let i = 0; i < count; i++) {
    leafView.setBigUint64(0, BigInt(first + i));
    leafHashes[i] = hashLeaf(leafData);
  }
  const t1 = now();
  const step = appendLeaves(frontier, leafHashes);
  const t2 = now();
  hashingMicros += micros(t0, t1);
  appendMicros += micros(t1, t2);
  frontier = step.frontier;
  for (const { level, index, hash } of step.nodes) levels[level].set(hash, Number(index) * 32);
}
const buildSeconds = micros(buildStart, now()) / 1e6;
const size = BigInt(leaves);
const root = treeRoot(size, node);
console.error(`built ${fmt(leaves)} leaves in ${buildSeconds.toFixed(1)} s`);

// --- Proofs -----------------------------------------------------------------------------------

const [hashA, hashB] = [node(0, 0n), node(0, 1n)];
/** One node hash (SHA-256 of 65 bytes), timed over a run of 16 to see past the timer's grain. */
function timeNodeHash() {
  const t0 = now();
  for (let i = 0; i < 16; i++) hashChildren(hashA, hashB);
  return micros(t0, now()) / 16;
}

/**
 * Times generate() and verify() of each drawn case, after a warm-up of 200 unmeasured ones. A
 * node hash is timed between cases too: every proof figure is a multiple of it, and on a shared
 * machine it shows how much CPU the run actually got.
 */
function measure(draw) {
  const generate = [];
  const verify = [];
  const nodeHash = [];
  const lengths = [];
  for (let run = -200; run < proofs; run++) {
    const c = draw();
    const t0 = now();
    const proof = c.generate();
    const t1 = now();
    c.verify(proof);
    const t2 = now();
    const hash = timeNodeHash();
    if (run < 0) continue;
    generate.push(micros(t0, t1));
    verify.push(micros(t1, t2));
    nodeHash.push(hash);
    lengths.push(proof.length);
  }
  return { generate, verify, nodeHash, hashes: median(lengths) };
}

const inclusion = measure(() => {
  const index = BigInt(between(0, leaves - 1));
  const leaf = node(0, index);
  return {
    generate: () => inclusionProof(index, size, node),
    verify: (proof) => verifyInclusion(leaf, index, size, proof, root),
  };
});

// size2 < leaves for most draws, so both roots come from the stored prefix (the root of a prefix
// is read, not timed); size1 < size2 so that each proof is non-trivial.
const consistency = measure(() => {
  const size2 = BigInt(between(2, leaves));
  const size1 = BigInt(between(1, Number(size2) - 1));
  const [root1, root2] = [treeRoot(size1, node), treeRoot(size2, node)];
  return {
    generate: () => consistencyProof(size1, size2, node),
    verify: (proof) => verifyConsistency(size1, size2, proof, root1, root2),
  };
});

// --- Report -----------------------------------------------------------------------------------

const result = {
  leaves,
  batch,
  proofs,
  appendLeavesPerSecond: leaves / (appendMicros / 1e6),
  hashLeafPerSecond: leaves / (hashingMicros / 1e6),
  buildSeconds,
  nodeHashMicros: median([...inclusion.nodeHash, ...consistency.nodeHash]),
  loadAverage: loadavg().map((x) => Number(x.toFixed(2))),
  cores: availableParallelism(),
  inclusion: {
    hashes: inclusion.hashes,
    generateMicros: median(inclusion.generate),
    generateP90Micros: quantile(inclusion.generate, 0.9),
    verifyMicros: median(inclusion.verify),
    verifyP90Micros: quantile(inclusion.verify, 0.9),
  },
  consistency: {
    hashes: consistency.hashes,
    generateMicros: median(consistency.generate),
    generateP90Micros: quantile(consistency.generate, 0.9),
    verifyMicros: median(consistency.verify),
    verifyP90Micros: quantile(consistency.verify, 0.9),
  },
  node: process.version,
};

const us = (x) => `${x.toFixed(1)} µs`;
console.log(`\nMerkle core, ${fmt(leaves)} leaves, ${fmt(proofs)} random proofs of each kind\n`);
console.log('| measure | median |\n|---|---|');
console.log(
  `| appendLeaves (batches of ${fmt(batch)}) | ${fmt(result.appendLeavesPerSecond)} leaves/s |`,
);
console.log(`| hashLeaf (8-byte leaves) | ${fmt(result.hashLeafPerSecond)} leaves/s |`);
console.log(
  `| one node hash (SHA-256 of 65 bytes), between proofs | ${us(result.nodeHashMicros)} |`,
);
for (const [name, r] of [
  ['inclusion', result.inclusion],
  ['consistency', result.consistency],
]) {
  console.log(`| ${name} proof: generate (${r.hashes} hashes) | ${us(r.generateMicros)} |`);
  console.log(`| ${name} proof: verify | ${us(r.verifyMicros)} |`);
}
console.log(
  `\n${result.cores} cores, load average ${result.loadAverage.join(' ')} (1, 5, 15 min), node ${process.version}`,
);
console.log(`\n${JSON.stringify(result)}`);
