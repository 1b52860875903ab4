/**
 * Durability of the stored ledger under SIGKILL. Writer processes (support/append-child.mjs,
 * built code from dist/) append batches to one database file and print every batch they see
 * committed; the test kills them mid-stream, several rounds over the same file, two writers at
 * a time (so they also race to migrate the new file and contend for the append lock). Then every
 * acknowledged leaf must be present with its exact content, every stored leaf must be one a
 * writer produced, verify() must pass, and the root must equal a pure recomputation.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appendLeaves, EMPTY_FRONTIER, frontierRoot, hashLeaf } from '../src/ledger/merkle.js';
import { openDatabase } from '../src/store/database.js';
import { createLedgerStore } from '../src/store/ledger-store.js';

const CHILD = new URL('./support/append-child.mjs', import.meta.url).pathname;
const BUILT_STORE = new URL('../dist/store/ledger-store.js', import.meta.url).pathname;
const SEED = 'crash-1';
const ROUNDS = 3;
const WRITERS_PER_ROUND = 2;
/** Acknowledged batches each writer must report before the kill. */
const ACKS_BEFORE_KILL = 20;

interface Ack {
  readonly writer: string;
  readonly n: number;
  readonly first: bigint;
  readonly count: number;
}

/** Must match leafContent in support/append-child.mjs. */
function leafContent(seed: string, writer: string, n: number): Buffer {
  const digest = createHash('sha256').update(`${seed}/${writer}/${n}`).digest();
  return Buffer.concat([
    Buffer.from(`${writer}/${n}:`),
    Buffer.alloc((digest[0] ?? 0) + 20, digest),
  ]);
}

/** A running writer: its acknowledgements so far, and a promise of its exit. */
function startWriter(path: string, writer: string) {
  const child = spawn(process.execPath, [CHILD, path, SEED, writer], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const acks: Ack[] = [];
  let pending = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const ack = JSON.parse(line) as { writer: string; n: number; first: string; count: number };
      acks.push({ ...ack, first: BigInt(ack.first) });
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, signal) => resolve(signal)),
  );
  return { child, acks, exited, stderr: () => stderr };
}

async function waitFor(condition: () => boolean, failure: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(failure());
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function sameBytes(actual: Uint8Array | undefined, expected: Uint8Array): boolean {
  return actual !== undefined && Buffer.from(expected).equals(actual);
}

const folder = mkdtempSync(join(tmpdir(), 'vigil-ledger-crash-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('ledger under SIGKILL', () => {
  it('keeps every acknowledged leaf, exactly, and a log that verifies', async () => {
    expect(existsSync(BUILT_STORE), 'build dist first: npx tsc -p tsconfig.build.json').toBe(true);
    const path = join(folder, 'ledger.db');
    const acks: Ack[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const writers = Array.from({ length: WRITERS_PER_ROUND }, (_, w) =>
        startWriter(path, `r${round}w${w}`),
      );
      for (const writer of writers) {
        await waitFor(
          () => writer.acks.length >= ACKS_BEFORE_KILL,
          () => `writer acknowledged ${writer.acks.length} batches; stderr: ${writer.stderr()}`,
        );
      }
      // Stagger the kills so they land at different points of the writers' transactions.
      writers[0]?.child.kill('SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 3 + round * 4));
      for (const writer of writers) writer.child.kill('SIGKILL');
      for (const writer of writers) {
        expect(await writer.exited).toBe('SIGKILL');
        acks.push(...writer.acks);
      }
    }

    const db = await openDatabase({ path });
    try {
      const store = createLedgerStore(db);
      const { size, root } = await store.verify();
      const stored: Uint8Array[] = [];
      for await (const { data } of store.leaves(0n, size)) stored.push(data);

      // Collected, then compared once: a deep equality per leaf would dominate the test's time.
      const wrong: string[] = [];
      for (const ack of acks) {
        for (let k = 0; k < ack.count; k++) {
          const index = Number(ack.first) + k;
          const expected = leafContent(SEED, ack.writer, ack.n + k);
          if (!sameBytes(stored[index], expected)) wrong.push(`acknowledged leaf ${index}`);
        }
      }
      // Leaves committed but killed before they were acknowledged are whole, too.
      for (const [index, data] of stored.entries()) {
        const [writer, n] = new TextDecoder().decode(data.subarray(0, 16)).split(/[/:]/);
        if (!sameBytes(data, leafContent(SEED, `${writer}`, Number(n)))) {
          wrong.push(`stored leaf ${index}`);
        }
      }
      expect(wrong).toEqual([]);
      const { frontier } = appendLeaves(EMPTY_FRONTIER, stored.map(hashLeaf));
      expect(root).toEqual(frontierRoot(frontier));
      expect(await store.root()).toEqual(root);
      expect(acks.length).toBeGreaterThanOrEqual(ROUNDS * WRITERS_PER_ROUND * ACKS_BEFORE_KILL);
    } finally {
      await db.destroy();
    }
  });
});
