#!/usr/bin/env node
// Child process of test/ledger-crash.test.ts: appends batches to the ledger until it is killed,
// printing one line per committed batch. Each line is a promise that the batch is durable.
//
//   node test/support/append-child.mjs <database file> <seed> <writer>
//
// Leaf n of a writer is leafContent(seed, writer, n); test/ledger-crash.test.ts recomputes it
// with the same formula. Several writers may append to one file at once.
import { createHash } from 'node:crypto';
import { openDatabase } from '../../dist/store/database.js';
import { createLedgerStore } from '../../dist/store/ledger-store.js';

/** Varied sizes, with the occasional large batch so that kills land inside long transactions. */
const BATCH_SIZES = [1, 1, 2, 3, 5, 8, 13, 40, 100, 400];

/** Must match leafContent in test/ledger-crash.test.ts. */
function leafContent(seed, writer, n) {
  const digest = createHash('sha256').update(`${seed}/${writer}/${n}`).digest();
  return Buffer.concat([Buffer.from(`${writer}/${n}:`), Buffer.alloc(digest[0] + 20, digest)]);
}

const [path, seed, writer] = process.argv.slice(2);
if (writer === undefined) {
  console.error('usage: append-child.mjs <database file> <seed> <writer>');
  process.exit(2);
}
const db = await openDatabase({ path });
const store = createLedgerStore(db);
for (let n = 0, batch = 0; ; batch++) {
  const pick = createHash('sha256').update(`${seed}/${writer}/batch/${batch}`).digest()[0];
  const count = BATCH_SIZES[pick % BATCH_SIZES.length];
  const leaves = Array.from({ length: count }, (_, k) => leafContent(seed, writer, n + k));
  const { first } = await store.append(leaves);
  process.stdout.write(`${JSON.stringify({ writer, n, first: first.toString(), count })}\n`);
  n += count;
}
