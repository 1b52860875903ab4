#!/usr/bin/env node
// The stored evidence ledger: durable append throughput and proof latency (BENCHMARKS.md).
//
//   npm run build && node bench/ledger.mjs                 # proofs on a 10,000,000-leaf log
//   node bench/ledger.mjs --leaves 1000000 --verify        # smaller log, and time verify()
//
// Appends go to a new file in os.tmpdir() with synchronous=FULL, so every commit waits for the
// disk. The large log for the proof figures is kept in os.tmpdir() and reused while it has the
// requested size (an interrupted build resumes), so only the first run pays for building it.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { hashLeaf, verifyConsistency, verifyInclusion } from '../dist/ledger/merkle.js';
import { openDatabase } from '../dist/store/database.js';
import { createGroupAppender, createLedgerStore } from '../dist/store/ledger-store.js';

const { values } = parseArgs({
  options: {
    leaves: { type: 'string', default: '10000000' },
    proofs: { type: 'string', default: '10000' },
    verify: { type: 'boolean', default: false },
  },
});
const bigLogSize = BigInt(values.leaves);
const proofCount = Number(values.proofs);

/** Deterministic randomness, so runs draw the same proofs. */
function mulberry32(seed) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = mulberry32(42);
const randomBelow = (n) => BigInt(Math.floor(random() * Number(n)));

const encoder = new TextEncoder();

/** About 300 bytes: the canonical JSON of a realistic custody event. */
function custodyEvent(i) {
  const hex = (i * 2654435761).toString(16).padStart(8, '0').repeat(8);
  return encoder.encode(
    JSON.stringify({
      action: 'evidence.transferred',
      actor: { id: `actor-${i % 97}`, role: 'investigator' },
      at: new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString(),
      case: `case-${i % 1013}`,
      evidence: { id: `ev-${i}`, sha256: hex },
      location: 'evidence-room-2',
      reason: 'Handed to the forensic lab for imaging under the case plan.',
      v: 1,
    }),
  );
}

const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

async function durableAppends(folder) {
  const db = await openDatabase({ path: join(folder, 'appends.db') });
  const store = createLedgerStore(db);
  const rows = [];
  let next = 0;
  for (const [batch, commits] of [
    [1, 300],
    [100, 100],
    [1_000, 30],
    [10_000, 6],
  ]) {
    const latencies = [];
    const started = performance.now();
    for (let c = 0; c < commits; c++) {
      const leaves = Array.from({ length: batch }, () => custodyEvent(next++));
      const t = performance.now();
      await store.append(leaves);
      latencies.push(performance.now() - t);
    }
    const seconds = (performance.now() - started) / 1000;
    rows.push({
      mode: `batch ${batch}`,
      leavesPerSecond: Math.round((batch * commits) / seconds),
      latencyMs: median(latencies),
    });
  }
  rows.push(await groupAppends(store, () => custodyEvent(next++)));
  await db.destroy();
  return rows;
}

/** 1,000 callers, each appending one leaf at a time and waiting for it to be durable. */
async function groupAppends(store, nextEvent) {
  const callers = 1_000;
  const perCaller = 20;
  const appender = createGroupAppender(store, { maxBatch: 1_000 });
  const latencies = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: callers }, async () => {
      for (let i = 0; i < perCaller; i++) {
        const t = performance.now();
        await appender.append(nextEvent());
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    mode: `group, ${callers} callers`,
    leavesPerSecond: Math.round((callers * perCaller) / seconds),
    latencyMs: median(latencies),
  };
}

/** Builds (or resumes) the large log with big batches of small leaves. */
async function bigLog() {
  const path = join(tmpdir(), `vigil-bench-ledger-${bigLogSize}.db`);
  const db = await openDatabase({ path });
  const store = createLedgerStore(db);
  let size = await store.size();
  if (size > bigLogSize) throw new Error(`${path} holds more than ${bigLogSize} leaves; delete it`);
  const resumedFrom = size;
  const started = performance.now();
  const batch = 100_000n;
  while (size < bigLogSize) {
    const count = Number(bigLogSize - size < batch ? bigLogSize - size : batch);
    const leaves = Array.from({ length: count }, (_, i) =>
      encoder.encode(`leaf ${size + BigInt(i)}`),
    );
    ({ size } = await store.append(leaves));
    if (size % 1_000_000n === 0n || size === bigLogSize) {
      const seconds = (performance.now() - started) / 1000;
      console.error(`built ${size} leaves in ${seconds.toFixed(0)} s`);
    }
  }
  const buildSeconds = (performance.now() - started) / 1000;
  return { db, store, path, buildSeconds, resumedFrom };
}

async function timeProofs(store, size) {
  const root = await store.root(size);
  const inclusion = [];
  for (let i = 0; i < proofCount; i++) {
    const index = randomBelow(size);
    const t = performance.now();
    const proof = await store.inclusionProof(index, size);
    inclusion.push((performance.now() - t) * 1000);
    if (i < 20) verifyInclusion(hashLeaf(await store.leaf(index)), index, size, proof, root);
  }
  const consistency = [];
  for (let i = 0; i < proofCount; i++) {
    const size1 = 1n + randomBelow(size - 1n);
    const t = performance.now();
    const proof = await store.consistencyProof(size1, size);
    consistency.push((performance.now() - t) * 1000);
    if (i < 20) verifyConsistency(size1, size, proof, await store.root(size1), root);
  }
  return { inclusionUs: median(inclusion), consistencyUs: median(consistency) };
}

const folder = mkdtempSync(join(tmpdir(), 'vigil-bench-ledger-'));
try {
  const appends = await durableAppends(folder);
  console.log('durable appends (synchronous=FULL, ~300-byte leaves)');
  console.log('mode                      leaves/s   median append (ms)');
  for (const row of appends) {
    console.log(
      `${row.mode.padEnd(24)} ${String(row.leavesPerSecond).padStart(9)}   ${row.latencyMs.toFixed(2).padStart(8)}`,
    );
  }

  const log = await bigLog();
  const fileGb = statSync(log.path).size / 1e9;
  console.log(
    log.resumedFrom === bigLogSize
      ? `\nlog of ${bigLogSize} leaves reused (${fileGb.toFixed(2)} GB)`
      : `\nlog of ${bigLogSize} leaves built in ${log.buildSeconds.toFixed(0)} s from ${log.resumedFrom} (${fileGb.toFixed(2)} GB)`,
  );
  const proofs = await timeProofs(log.store, bigLogSize);
  console.log(
    `inclusion proof    median ${proofs.inclusionUs.toFixed(0)} µs (${proofCount} proofs)`,
  );
  console.log(
    `consistency proof  median ${proofs.consistencyUs.toFixed(0)} µs (${proofCount} proofs)`,
  );
  let verifySeconds;
  if (values.verify) {
    const started = performance.now();
    await log.store.verify();
    verifySeconds = (performance.now() - started) / 1000;
    console.log(`verify()           ${verifySeconds.toFixed(0)} s`);
  }
  await log.db.destroy();

  console.log(
    JSON.stringify({
      bench: 'ledger',
      appends: Object.fromEntries(appends.map((row) => [row.mode, row])),
      log: {
        leaves: Number(bigLogSize),
        buildSeconds: log.resumedFrom === bigLogSize ? null : Math.round(log.buildSeconds),
        fileGb: Number(fileGb.toFixed(2)),
      },
      proofs: { ...proofs, count: proofCount },
      verifySeconds: verifySeconds === undefined ? null : Math.round(verifySeconds),
    }),
  );
} finally {
  rmSync(folder, { recursive: true, force: true });
}
