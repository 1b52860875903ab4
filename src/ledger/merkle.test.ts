/**
 * merkle.ts against a reference written straight from the recursive definitions of RFC 9162
 * §2.1.1 (MTH), §2.1.3.1 (PATH) and §2.1.4.1 (PROOF/SUBPROOF), hashed with SHA-256 directly.
 * The reference is slow and obviously right; the module is fast and must agree with it.
 * The published vectors are checked in test/merkle-vectors.test.ts.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { hex } from '@scure/base';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeOf } from '../../test/support/errors.js';
import { type ErrorCode, VigilError } from '../shared/errors.js';
import {
  appendLeaves,
  consistencyNodeIds,
  consistencyProof,
  createInclusionVerifier,
  EMPTY_FRONTIER,
  EMPTY_ROOT,
  type Frontier,
  frontierNodeIds,
  frontierRoot,
  type Hash,
  hashChildren,
  hashLeaf,
  inclusionNodeIds,
  inclusionProof,
  type NodeId,
  type NodeSource,
  rootFromInclusionProof,
  rootNodeIds,
  type StoredNode,
  treeRoot,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js';

// ---------------------------------------------------------------------------------------------
// The reference (RFC 9162 §2.1), over the leaves of one test tree

const LEAVES = 1100;
const MAX_SIZE = 2n ** 64n - 1n;

/** Leaf i holds the 8-byte big-endian counter i, as the benchmark does. */
function leafData(i: number): Uint8Array {
  const data = new Uint8Array(8);
  new DataView(data.buffer).setBigUint64(0, BigInt(i));
  return data;
}

/** SHA-256 of the concatenated parts. */
function refHash(...parts: Uint8Array[]): Hash {
  const input = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    input.set(part, offset);
    offset += part.length;
  }
  return sha256(input);
}
const refNode = (left: Hash, right: Hash): Hash => refHash(Uint8Array.of(1), left, right);
const refLeaves = Array.from({ length: LEAVES }, (_, i) => refHash(Uint8Array.of(0), leafData(i)));

/** The largest power of two smaller than n (n > 1). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

const mthCache = new Map<string, Hash>();
/** MTH(D[start:end]), RFC 9162 §2.1.1. */
function mth(start: number, end: number): Hash {
  const key = `${start}:${end}`;
  let hash = mthCache.get(key);
  if (hash === undefined) {
    const n = end - start;
    if (n === 0) hash = sha256(new Uint8Array(0));
    else if (n === 1) hash = refLeaves[start] as Hash;
    else hash = refNode(mth(start, start + split(n)), mth(start + split(n), end));
    mthCache.set(key, hash);
  }
  return hash;
}

/** PATH(m, D[start:end]), RFC 9162 §2.1.3.1. */
function refPath(m: number, start: number, end: number): Hash[] {
  const n = end - start;
  if (n === 1) return [];
  const k = split(n);
  return m < k
    ? [...refPath(m, start, start + k), mth(start + k, end)]
    : [...refPath(m - k, start + k, end), mth(start, start + k)];
}

/** SUBPROOF(m, D[start:end], b), RFC 9162 §2.1.4.1; PROOF(m, D[n]) is SUBPROOF(m, D[0:n], true). */
function refSubproof(m: number, start: number, end: number, b = true): Hash[] {
  const n = end - start;
  if (m === n) return b ? [] : [mth(start, end)];
  const k = split(n);
  return m <= k
    ? [...refSubproof(m, start, start + k, b), mth(start + k, end)]
    : [...refSubproof(m - k, start + k, end, false), mth(start, start + k)];
}

/** The root a PATH leads to, by undoing the recursion of §2.1.3.1; undefined for a wrong length. */
function refRootFromPath(
  leaf: Hash,
  m: number,
  n: number,
  path: readonly Hash[],
): Hash | undefined {
  if (n === 1) return path.length === 0 ? leaf : undefined;
  const last = path.at(-1);
  if (last === undefined) return undefined;
  const k = split(n);
  const sub =
    m < k
      ? refRootFromPath(leaf, m, k, path.slice(0, -1))
      : refRootFromPath(leaf, m - k, n - k, path.slice(0, -1));
  if (sub === undefined) return undefined;
  return m < k ? refNode(sub, last) : refNode(last, sub);
}

/** The old and new roots a PROOF leads to, by undoing the recursion of §2.1.4.1. */
function refRootsFromProof(
  m: number,
  n: number,
  proof: readonly Hash[],
  root1: Hash,
  b = true,
): { old: Hash; new: Hash } | undefined {
  if (m === n) {
    if (b) return proof.length === 0 ? { old: root1, new: root1 } : undefined;
    return proof.length === 1 ? { old: proof[0] as Hash, new: proof[0] as Hash } : undefined;
  }
  const last = proof.at(-1);
  if (last === undefined) return undefined;
  const k = split(n);
  if (m <= k) {
    const sub = refRootsFromProof(m, k, proof.slice(0, -1), root1, b);
    return sub && { old: sub.old, new: refNode(sub.new, last) };
  }
  const sub = refRootsFromProof(m - k, n - k, proof.slice(0, -1), root1, false);
  return sub && { old: refNode(last, sub.old), new: refNode(last, sub.new) };
}

/** Hashes as hex: readable failures, and far faster to compare than Uint8Arrays in expect(). */
const hexes = (hashes: readonly (Hash | undefined)[]): string[] =>
  hashes.map((hash) => (hash === undefined ? 'missing' : hex.encode(hash)));
const hexOf = (hash: Hash): string => hex.encode(hash);

const same = (a: Hash, b: Hash): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** What verifyInclusion must do, by the reference: undefined = accept. */
function refInclusion(
  leaf: Hash,
  i: number,
  n: number,
  proof: Hash[],
  root: Hash,
): ErrorCode | undefined {
  if (i < 0 || i >= n) return 'PROOF_MALFORMED';
  const computed = refRootFromPath(leaf, i, n, proof);
  if (computed === undefined) return 'PROOF_MALFORMED';
  return same(computed, root) ? undefined : 'INCLUSION_PROOF_FAILED';
}

/** What verifyConsistency must do, by the reference: undefined = accept. */
function refConsistency(
  m: number,
  n: number,
  proof: Hash[],
  root1: Hash,
  root2: Hash,
): ErrorCode | undefined {
  if (m <= 0 || m > n) return 'PROOF_MALFORMED';
  const roots = refRootsFromProof(m, n, proof, root1);
  if (roots === undefined) return 'PROOF_MALFORMED';
  return same(roots.old, root1) && same(roots.new, root2) ? undefined : 'CONSISTENCY_PROOF_FAILED';
}

// ---------------------------------------------------------------------------------------------
// The module's tree: all LEAVES appended once; a smaller tree is a prefix with the same nodes

const leafHashes = Array.from({ length: LEAVES }, (_, i) => hashLeaf(leafData(i)));
const built = appendLeaves(EMPTY_FRONTIER, leafHashes);
const idKey = (level: number, index: bigint): string => `${level}/${index}`;
const stored = new Map(built.nodes.map((node) => [idKey(node.level, node.index), node.hash]));

/** A NodeSource over the stored nodes that records what it reads. */
function recordingSource(): { source: NodeSource; reads: string[] } {
  const reads: string[] = [];
  const source: NodeSource = (level, index) => {
    reads.push(idKey(level, index));
    const hash = stored.get(idKey(level, index));
    if (hash === undefined) throw new Error(`no stored node ${level}/${index}`);
    return hash;
  };
  return { source, reads };
}
const source = recordingSource().source;
const nodeList = (nodes: readonly StoredNode[]): string[] =>
  nodes.map((node) => `${idKey(node.level, node.index)} ${hexOf(node.hash)}`);
const keys = (ids: NodeId[]): string[] => ids.map((id) => idKey(id.level, id.index));

const flipBit = (proof: Hash[], element: number, bit: number): Hash[] =>
  proof.map((hash, i) => {
    if (i !== element) return hash;
    const copy = hash.slice();
    copy[bit >> 3] = (copy[bit >> 3] as number) ^ (1 << (bit & 7));
    return copy;
  });

/** A root that differs from the real one in its very last bit. */
const lastBitFlipped = (hash: Hash): Hash => flipBit([hash], 0, 255)[0] as Hash;

const sizeArb = fc.integer({ min: 1, max: LEAVES });
const leafInTree = sizeArb.chain((size) =>
  fc.record({ size: fc.constant(size), index: fc.integer({ min: 0, max: size - 1 }) }),
);
const sizePair = sizeArb.chain((size2) =>
  fc.record({ size1: fc.integer({ min: 1, max: size2 }), size2: fc.constant(size2) }),
);

// ---------------------------------------------------------------------------------------------

describe('hashing (RFC 9162 §2.1.1)', () => {
  it('prefixes leaves with 0x00 and nodes with 0x01', () => {
    expect(hashLeaf(leafData(7))).toEqual(refLeaves[7]);
    const [a, b] = [refLeaves[0] as Hash, refLeaves[1] as Hash];
    expect(hashChildren(a, b)).toEqual(refNode(a, b));
    expect(EMPTY_ROOT).toEqual(sha256(new Uint8Array(0)));
  });

  it('returns a fresh array from every hash, never the reused input buffer', () => {
    const [a, b] = [refLeaves[0] as Hash, refLeaves[1] as Hash];
    const first = hashChildren(a, b);
    const copy = first.slice();
    hashChildren(b, a);
    expect(first).toEqual(copy);
  });

  it('hands out copies of the empty root, so EMPTY_ROOT cannot be changed through them', () => {
    const root = treeRoot(0n, source);
    root.fill(0);
    expect(frontierRoot(EMPTY_FRONTIER)).toEqual(sha256(new Uint8Array(0)));
    expect(EMPTY_ROOT).toEqual(sha256(new Uint8Array(0)));
  });
});

describe('roots', () => {
  it('equal MTH for every size 0..300, from stored nodes and from the frontier', () => {
    let frontier: Frontier = EMPTY_FRONTIER;
    for (let n = 0; n <= 300; n++) {
      const { source: reading, reads } = recordingSource();
      expect(hexOf(treeRoot(BigInt(n), reading)), `size ${n}`).toBe(hexOf(mth(0, n)));
      expect(hexOf(frontierRoot(frontier)), `frontier ${n}`).toBe(hexOf(mth(0, n)));
      // The planned ids are exactly what treeRoot read, and they are the frontier's.
      expect(reads).toEqual(keys(rootNodeIds(BigInt(n))));
      expect(keys(frontierNodeIds(BigInt(n)))).toEqual(reads);
      expect(hexes(frontier.hashes)).toEqual(hexes(reads.map((key) => stored.get(key))));
      frontier = appendLeaves(frontier, [leafHashes[n] as Hash]).frontier;
    }
  });
});

describe('appendLeaves', () => {
  it('stores every perfect subtree once, with its MTH, children before parents', () => {
    const seen = new Set<string>();
    for (const { level, index, hash } of built.nodes) {
      const start = Number(index) * 2 ** level;
      expect(hexOf(hash), `${level}/${index}`).toBe(hexOf(mth(start, start + 2 ** level)));
      if (level > 0) {
        expect(seen.has(idKey(level - 1, index * 2n))).toBe(true);
        expect(seen.has(idKey(level - 1, index * 2n + 1n))).toBe(true);
      }
      seen.add(idKey(level, index));
    }
    let perfect = 0;
    for (let level = 0; 2 ** level <= LEAVES; level++) perfect += Math.floor(LEAVES / 2 ** level);
    expect(seen.size).toBe(perfect);
    expect(built.nodes).toHaveLength(perfect);
  });

  it('gives the same nodes and frontier however the leaves are split into batches', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 12 }), (batches) => {
        const total = batches.reduce((a, b) => a + b, 0);
        const whole = appendLeaves(EMPTY_FRONTIER, leafHashes.slice(0, total));
        let frontier: Frontier = EMPTY_FRONTIER;
        const nodes = [];
        let offset = 0;
        for (const count of batches) {
          const step = appendLeaves(frontier, leafHashes.slice(offset, offset + count));
          nodes.push(...step.nodes);
          frontier = step.frontier;
          offset += count;
        }
        expect(nodeList(nodes)).toEqual(nodeList(whole.nodes));
        expect(frontier.size).toBe(whole.frontier.size);
        expect(hexes(frontier.hashes)).toEqual(hexes(whole.frontier.hashes));
      }),
    );
  });

  it('rejects a frontier whose hashes do not match its size', () => {
    const two = appendLeaves(EMPTY_FRONTIER, leafHashes.slice(0, 2)).frontier;
    const cases: unknown[] = [
      { size: 3n, hashes: two.hashes },
      { size: 2, hashes: two.hashes },
      { size: 2n, hashes: [new Uint8Array(31)] },
      { size: 2n },
      null,
    ];
    for (const frontier of cases) {
      expect(codeOf(() => appendLeaves(frontier as Frontier, []))).toBe('PROOF_MALFORMED');
      expect(codeOf(() => frontierRoot(frontier as Frontier))).toBe('PROOF_MALFORMED');
    }
    expect(codeOf(() => appendLeaves(two, [new Uint8Array(32), new Uint8Array(3)]))).toBe(
      'PROOF_MALFORMED',
    );
  });

  it('refuses to grow the log beyond 2^64-1 entries', () => {
    const full = { size: MAX_SIZE, hashes: Array.from({ length: 64 }, () => new Uint8Array(32)) };
    expect(frontierRoot(full)).toHaveLength(32);
    expect(appendLeaves(full, []).frontier.size).toBe(MAX_SIZE);
    expect(codeOf(() => appendLeaves(full, [new Uint8Array(32)]))).toBe('PROOF_MALFORMED');
  });
});

describe('inclusion proofs (RFC 9162 §2.1.3)', () => {
  function checkLeaf(index: number, size: number): void {
    const { source: reading, reads } = recordingSource();
    const proof = inclusionProof(BigInt(index), BigInt(size), reading);
    expect(hexes(proof), `${index} in ${size}`).toEqual(hexes(refPath(index, 0, size)));
    expect(reads).toEqual(keys(inclusionNodeIds(BigInt(index), BigInt(size))));
    expect(new Set(reads).size).toBe(reads.length);
    const leaf = leafHashes[index] as Hash;
    expect(hexOf(rootFromInclusionProof(leaf, BigInt(index), BigInt(size), proof))).toBe(
      hexOf(mth(0, size)),
    );
    verifyInclusion(leaf, BigInt(index), BigInt(size), proof, mth(0, size));
  }

  it('generate PATH and verify for every leaf of every tree up to 64 leaves', () => {
    for (let size = 1; size <= 64; size++) for (let i = 0; i < size; i++) checkLeaf(i, size);
  });

  it('generate PATH and verify for random leaves of trees up to 1100 leaves', () => {
    fc.assert(fc.property(leafInTree, ({ index, size }) => checkLeaf(index, size)));
  });

  it('fail on any flipped bit of any proof hash', () => {
    const proof = inclusionProof(5n, 1000n, source);
    for (let element = 0; element < proof.length; element++) {
      for (let bit = 0; bit < 256; bit++) {
        const flipped = flipBit(proof, element, bit);
        expect(
          codeOf(() => verifyInclusion(leafHashes[5] as Hash, 5n, 1000n, flipped, mth(0, 1000))),
        ).toBe('INCLUSION_PROOF_FAILED');
      }
    }
    fc.assert(
      fc.property(leafInTree, fc.nat(), fc.nat(255), ({ index, size }, pick, bit) => {
        const proof = inclusionProof(BigInt(index), BigInt(size), source);
        fc.pre(proof.length > 0);
        const flipped = flipBit(proof, pick % proof.length, bit);
        const verify = () =>
          verifyInclusion(
            leafHashes[index] as Hash,
            BigInt(index),
            BigInt(size),
            flipped,
            mth(0, size),
          );
        expect(codeOf(verify)).toBe('INCLUSION_PROOF_FAILED');
      }),
    );
  });

  /** A wrong leaf, root or index fails; a size off by one does what the reference does. */
  function checkMutations(i: number, size: number): void {
    const proof = inclusionProof(BigInt(i), BigInt(size), source);
    const [leaf, root] = [leafHashes[i] as Hash, mth(0, size)];
    const verify = (l: Hash, index: number, n: number, r: Hash) =>
      codeOf(() => verifyInclusion(l, BigInt(index), BigInt(n), proof, r));
    expect(verify(leafHashes[i + 1] ?? EMPTY_ROOT, i, size, root)).toBe('INCLUSION_PROOF_FAILED');
    expect(verify(leaf, i, size, lastBitFlipped(root))).toBe('INCLUSION_PROOF_FAILED');
    for (const index of [i - 1, i + 1]) {
      const code = verify(leaf, index, size, root);
      expect(code, `index ${index} of ${size}`).not.toBeUndefined();
      expect(code).toBe(refInclusion(leaf, index, size, proof, root));
    }
    for (const n of [size - 1, size + 1]) {
      expect(verify(leaf, i, n, root), `${i} of size ${n}`).toBe(
        refInclusion(leaf, i, n, proof, root),
      );
    }
  }

  it('fail with a wrong leaf, root or index, and agree with the reference on sizes ±1', () => {
    for (let size = 1; size <= 40; size++) for (let i = 0; i < size; i++) checkMutations(i, size);
    fc.assert(fc.property(leafInTree, ({ index, size }) => checkMutations(index, size)));
  });

  it('do not bind the tree size on their own: the checkpoint must (RFC 9162 §2.1.3.2)', () => {
    // Leaf 0's path in a tree of 3 (leaf 1, leaf 2) has the shape of its path in a tree of 4
    // (leaf 1, node [2, 4)), so it verifies for size 4 against the size-3 root. Callers take
    // size and root together from one signed checkpoint.
    const proof = inclusionProof(0n, 3n, source);
    verifyInclusion(leafHashes[0] as Hash, 0n, 4n, proof, mth(0, 3));
  });
});

describe('batch inclusion verification (createInclusionVerifier)', () => {
  it('accepts every proof of a tree in any order, and equals verifyInclusion one by one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.nat(), (size, seed) => {
        const verify = createInclusionVerifier(BigInt(size), mth(0, size));
        const order = Array.from({ length: size }, (_, i) => (i * (2 * seed + 1)) % size);
        for (const i of order) {
          verify(leafHashes[i] as Hash, BigInt(i), inclusionProof(BigInt(i), BigInt(size), source));
        }
      }),
      { numRuns: 40 },
    );
  });

  it('still rejects any flipped bit or wrong leaf after its neighbours were verified', () => {
    fc.assert(
      fc.property(leafInTree, fc.nat(), fc.nat(255), ({ index, size }, pick, bit) => {
        const verify = createInclusionVerifier(BigInt(size), mth(0, size));
        // Verify every other leaf first, so that the memo holds every shared path.
        for (let i = 0; i < size; i++) {
          if (i !== index) {
            verify(
              leafHashes[i] as Hash,
              BigInt(i),
              inclusionProof(BigInt(i), BigInt(size), source),
            );
          }
        }
        const proof = inclusionProof(BigInt(index), BigInt(size), source);
        if (proof.length > 0) {
          const flipped = flipBit(proof, pick % proof.length, bit);
          expect(codeOf(() => verify(leafHashes[index] as Hash, BigInt(index), flipped))).toBe(
            'INCLUSION_PROOF_FAILED',
          );
        }
        const other = leafHashes[(index + 1) % LEAVES] as Hash;
        expect(codeOf(() => verify(other, BigInt(index), proof))).toBe('INCLUSION_PROOF_FAILED');
        verify(leafHashes[index] as Hash, BigInt(index), proof);
      }),
      { numRuns: 60 },
    );
  });

  it('rejects malformed input like verifyInclusion', () => {
    const verify = createInclusionVerifier(10n, mth(0, 10));
    expect(codeOf(() => verify(leafHashes[0] as Hash, 10n, []))).toBe('PROOF_MALFORMED');
    expect(codeOf(() => verify(leafHashes[0] as Hash, 0n, []))).toBe('PROOF_MALFORMED');
    expect(codeOf(() => createInclusionVerifier(-1n, mth(0, 10)))).toBe('PROOF_MALFORMED');
  });
});

describe('consistency proofs (RFC 9162 §2.1.4)', () => {
  function checkSizes(size1: number, size2: number): void {
    const { source: reading, reads } = recordingSource();
    const proof = consistencyProof(BigInt(size1), BigInt(size2), reading);
    expect(hexes(proof), `${size1} to ${size2}`).toEqual(hexes(refSubproof(size1, 0, size2)));
    expect(reads).toEqual(keys(consistencyNodeIds(BigInt(size1), BigInt(size2))));
    expect(new Set(reads).size).toBe(reads.length);
    verifyConsistency(BigInt(size1), BigInt(size2), proof, mth(0, size1), mth(0, size2));
  }

  it('generate PROOF and verify for every pair of sizes up to 64', () => {
    for (let size2 = 1; size2 <= 64; size2++) for (let m = 1; m <= size2; m++) checkSizes(m, size2);
  });

  it('generate PROOF and verify for random sizes up to 1100', () => {
    fc.assert(fc.property(sizePair, ({ size1, size2 }) => checkSizes(size1, size2)));
  });

  it('fail on any flipped bit of any proof hash', () => {
    fc.assert(
      fc.property(sizePair, fc.nat(), fc.nat(255), ({ size1, size2 }, pick, bit) => {
        const proof = consistencyProof(BigInt(size1), BigInt(size2), source);
        fc.pre(proof.length > 0);
        const flipped = flipBit(proof, pick % proof.length, bit);
        const verify = () =>
          verifyConsistency(BigInt(size1), BigInt(size2), flipped, mth(0, size1), mth(0, size2));
        expect(codeOf(verify)).toBe('CONSISTENCY_PROOF_FAILED');
      }),
    );
  });

  /** Wrong or swapped roots fail; a size off by one does what the reference does. */
  function checkMutations(size1: number, size2: number): void {
    const proof = consistencyProof(BigInt(size1), BigInt(size2), source);
    const [root1, root2] = [mth(0, size1), mth(0, size2)];
    const verify = (s1: number, s2: number, r1: Hash, r2: Hash) =>
      codeOf(() => verifyConsistency(BigInt(s1), BigInt(s2), proof, r1, r2));
    expect(verify(size1, size2, lastBitFlipped(root1), root2)).toBe('CONSISTENCY_PROOF_FAILED');
    expect(verify(size1, size2, root1, lastBitFlipped(root2))).toBe('CONSISTENCY_PROOF_FAILED');
    if (size1 < size2) expect(verify(size1, size2, root2, root1)).toBe('CONSISTENCY_PROOF_FAILED');
    for (const [s1, s2] of [
      [size1 - 1, size2],
      [size1 + 1, size2],
      [size1, size2 - 1],
      [size1, size2 + 1],
    ] as const) {
      expect(verify(s1, s2, root1, root2), `${s1} to ${s2}`).toBe(
        refConsistency(s1, s2, proof, root1, root2),
      );
    }
  }

  it('fail with wrong or swapped roots, and agree with the reference on sizes ±1', () => {
    for (let size2 = 1; size2 <= 40; size2++) {
      for (let size1 = 1; size1 <= size2; size1++) checkMutations(size1, size2);
    }
    fc.assert(fc.property(sizePair, ({ size1, size2 }) => checkMutations(size1, size2)));
  });

  it('need 0 < size1 <= size2, and an empty proof and equal roots for equal sizes', () => {
    const [root, other] = [mth(0, 5), mth(0, 6)];
    expect(consistencyProof(5n, 5n, source)).toEqual([]);
    expect(consistencyNodeIds(5n, 5n)).toEqual([]);
    verifyConsistency(5n, 5n, [], root, root);
    expect(codeOf(() => verifyConsistency(5n, 5n, [], root, other))).toBe(
      'CONSISTENCY_PROOF_FAILED',
    );
    expect(codeOf(() => verifyConsistency(5n, 5n, [root], root, root))).toBe('PROOF_MALFORMED');
    // As in transparency-dev/merkle's vectors: from the empty tree there is nothing to prove.
    expect(codeOf(() => verifyConsistency(0n, 5n, [], EMPTY_ROOT, root))).toBe('PROOF_MALFORMED');
    expect(codeOf(() => verifyConsistency(0n, 0n, [], EMPTY_ROOT, EMPTY_ROOT))).toBe(
      'PROOF_MALFORMED',
    );
    expect(codeOf(() => consistencyProof(0n, 5n, source))).toBe('PROOF_MALFORMED');
    expect(codeOf(() => consistencyNodeIds(6n, 5n))).toBe('PROOF_MALFORMED');
    expect(codeOf(() => verifyConsistency(6n, 5n, [], other, root))).toBe('PROOF_MALFORMED');
  });
});

describe('node sources', () => {
  it('must serve every planned id as a 32-byte hash', () => {
    const missing: NodeSource = () => undefined as unknown as Hash;
    const short: NodeSource = () => new Uint8Array(31);
    for (const node of [missing, short]) {
      expect(codeOf(() => treeRoot(3n, node))).toBe('PROOF_MALFORMED');
      expect(codeOf(() => inclusionProof(0n, 3n, node))).toBe('PROOF_MALFORMED');
      expect(codeOf(() => consistencyProof(1n, 3n, node))).toBe('PROOF_MALFORMED');
    }
    expect(codeOf(() => treeRoot(3n, 'store' as unknown as NodeSource))).toBe('PROOF_MALFORMED');
  });
});

// ---------------------------------------------------------------------------------------------
// Attacker-controlled input: only ever a VigilError with an expected code

const hash32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const anyHash = fc.oneof(
  hash32,
  fc.uint8Array({ maxLength: 40 }),
  fc.array(fc.nat(255), { minLength: 32, maxLength: 32 }),
  fc.string(),
  fc.constantFrom(undefined, null, 0, {}),
);
const anySize = fc.oneof(
  fc.bigInt({ min: 0n, max: 2000n }),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
  fc.constantFrom(-1n, 0n, 2n ** 63n, MAX_SIZE - 1n, MAX_SIZE, MAX_SIZE + 1n),
  fc.integer(),
  fc.double(),
  fc.string(),
  fc.constantFrom(undefined, null, true, {}),
);
const anyProof = fc.oneof(
  fc.array(hash32, { maxLength: 200 }),
  fc.array(anyHash, { maxLength: 200 }),
  fc.constantFrom(undefined, null, 'proof', new Array(24), { length: 3 }),
);
const zeroSource: NodeSource = () => new Uint8Array(32);

type Attack = { a: unknown; b: unknown; h1: unknown; h2: unknown; proof: unknown };
const MALFORMED: readonly ErrorCode[] = ['PROOF_MALFORMED'];
const ATTACKS: [string, (x: Attack) => unknown, readonly ErrorCode[]][] = [
  [
    'verifyInclusion',
    (x) =>
      verifyInclusion(...(asArgs(x, 'h1 a b proof h2') as [Hash, bigint, bigint, Hash[], Hash])),
    ['PROOF_MALFORMED', 'INCLUSION_PROOF_FAILED'],
  ],
  [
    'rootFromInclusionProof',
    (x) => rootFromInclusionProof(...(asArgs(x, 'h1 a b proof') as [Hash, bigint, bigint, Hash[]])),
    MALFORMED,
  ],
  [
    'verifyConsistency',
    (x) =>
      verifyConsistency(...(asArgs(x, 'a b proof h1 h2') as [bigint, bigint, Hash[], Hash, Hash])),
    ['PROOF_MALFORMED', 'CONSISTENCY_PROOF_FAILED'],
  ],
  ['inclusionProof', (x) => inclusionProof(x.a as bigint, x.b as bigint, zeroSource), MALFORMED],
  [
    'consistencyProof',
    (x) => consistencyProof(x.a as bigint, x.b as bigint, zeroSource),
    MALFORMED,
  ],
  ['treeRoot', (x) => treeRoot(x.a as bigint, zeroSource), MALFORMED],
  ['rootNodeIds', (x) => rootNodeIds(x.a as bigint), MALFORMED],
  ['frontierNodeIds', (x) => frontierNodeIds(x.a as bigint), MALFORMED],
  ['inclusionNodeIds', (x) => inclusionNodeIds(x.a as bigint, x.b as bigint), MALFORMED],
  ['consistencyNodeIds', (x) => consistencyNodeIds(x.a as bigint, x.b as bigint), MALFORMED],
  ['frontierRoot', (x) => frontierRoot({ size: x.a, hashes: x.proof } as Frontier), MALFORMED],
  [
    'appendLeaves',
    (x) => appendLeaves({ size: x.a, hashes: x.proof } as Frontier, x.proof as Hash[]),
    MALFORMED,
  ],
  ['hashLeaf', (x) => hashLeaf(x.h1 as Uint8Array), MALFORMED],
  ['hashChildren', (x) => hashChildren(x.h1 as Hash, x.h2 as Hash), MALFORMED],
];

function asArgs(x: Attack, names: string): unknown[] {
  return names.split(' ').map((name) => x[name as keyof Attack]);
}

describe('attacker-controlled input', () => {
  it.each(ATTACKS)('%s throws nothing but a VigilError with an expected code', (_, call, codes) => {
    fc.assert(
      fc.property(
        fc.record({ a: anySize, b: anySize, h1: anyHash, h2: anyHash, proof: anyProof }),
        (attack) => {
          try {
            call(attack);
          } catch (error) {
            expect(error).toBeInstanceOf(VigilError);
            expect(codes).toContain((error as VigilError).code);
            // Details hold no bigint, so the error renders as JSON.
            expect(() => JSON.stringify(error)).not.toThrow();
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rejects proofs of the wrong length or with a hash of the wrong length as malformed', () => {
    const proof = inclusionProof(5n, 1000n, source);
    const [leaf, root] = [leafHashes[5] as Hash, mth(0, 1000)];
    const verify = (p: unknown[]) =>
      codeOf(() => verifyInclusion(leaf, 5n, 1000n, p as Hash[], root));
    expect(verify(proof.slice(1))).toBe('PROOF_MALFORMED');
    expect(verify([...proof, root])).toBe('PROOF_MALFORMED');
    expect(verify(proof.map((h, i) => (i === 3 ? h.slice(1) : h)))).toBe('PROOF_MALFORMED');
    expect(verify(proof.map((h, i) => (i === 3 ? [...h] : h)))).toBe('PROOF_MALFORMED');
    expect(verify(Array.from({ length: 65 }, () => root))).toBe('PROOF_MALFORMED');
    const five = 5 as unknown as bigint;
    expect(codeOf(() => verifyInclusion(leaf, five, 1000n, proof, root))).toBe('PROOF_MALFORMED');
    expect(codeOf(() => verifyInclusion(leaf, 1000n, 1000n, proof, root))).toBe('PROOF_MALFORMED');
    expect(codeOf(() => verifyInclusion(leaf, -1n, 1000n, proof, root))).toBe('PROOF_MALFORMED');
  });
});

// ---------------------------------------------------------------------------------------------
// Big trees: exact uint64 arithmetic far beyond 2^32 and 2^53

describe('trees beyond 2^32 leaves', () => {
  it('plan the exact node ids of a tree of 2^40 + 5 leaves', () => {
    const size = 2n ** 40n + 5n;
    const ids = (list: NodeId[]) => list.map(({ level, index }) => [level, index]);
    expect(ids(rootNodeIds(size))).toEqual([
      [40, 0n],
      [2, 2n ** 38n],
      [0, 2n ** 40n + 4n],
    ]);
    expect(ids(inclusionNodeIds(size - 1n, size))).toEqual([
      [2, 2n ** 38n],
      [40, 0n],
    ]);
    expect(ids(consistencyNodeIds(2n ** 40n, size))).toEqual([
      [2, 2n ** 38n],
      [0, 2n ** 40n + 4n],
    ]);
    expect(frontierNodeIds(MAX_SIZE)).toHaveLength(64);
    // Leaf 0 of the largest tree: 63 perfect siblings, then the right edge [2^63, 2^64 - 1),
    // folded from its 63 perfect subtrees into the 64th proof hash.
    expect(inclusionProof(0n, MAX_SIZE, zeroSource)).toHaveLength(64);
    expect(inclusionNodeIds(0n, MAX_SIZE)).toHaveLength(63 + 63);
  });

  /**
   * A consistent tree of any size without building it: every leaf is X except leaf `target`,
   * which is Y. A perfect node is then P[level] (all X) unless it holds the target, when it is
   * Q[level], so every node hash is known in O(64).
   */
  function twoValuedTree(target: bigint): { source: NodeSource; leaf: Hash } {
    const P: Hash[] = [hashLeaf(Uint8Array.of(1))];
    const Q: Hash[] = [hashLeaf(Uint8Array.of(2))];
    for (let level = 0; level < 64; level++) {
      const [p, q] = [P[level] as Hash, Q[level] as Hash];
      P.push(refNode(p, p));
      Q.push((target >> BigInt(level)) & 1n ? refNode(p, q) : refNode(q, p));
    }
    const source: NodeSource = (level, index) =>
      (index === target >> BigInt(level) ? Q[level] : P[level]) as Hash;
    return { source, leaf: Q[0] as Hash };
  }

  const SIZES: [bigint, bigint][] = [
    [2n ** 32n + 7n, 2n ** 32n + 5n],
    [2n ** 63n + 2n ** 40n + 12_345n, 2n ** 63n + 777n],
    [MAX_SIZE, MAX_SIZE - 2n],
    [MAX_SIZE, 5n],
  ];

  it.each(SIZES)(
    'prove inclusion at size %s, index %s, and lose no bit of the index',
    (size, target) => {
      const { source: big, leaf } = twoValuedTree(target);
      const root = treeRoot(size, big);
      const proof = inclusionProof(target, size, big);
      verifyInclusion(leaf, target, size, proof, root);
      // What a Number round trip does to the index: near 2^63 it moves by hundreds of entries.
      const rounded = BigInt(Number(target));
      for (const index of [target - 1n, target + 1n, target ^ (1n << 62n), rounded]) {
        if (index === target || index >= size) continue;
        const code = codeOf(() => verifyInclusion(leaf, index, size, proof, root));
        expect(['INCLUSION_PROOF_FAILED', 'PROOF_MALFORMED']).toContain(code);
      }
    },
  );

  it.each(SIZES)('prove consistency up to size %s from below %s', (size2, target) => {
    const { source: big } = twoValuedTree(target);
    for (const size1 of [1n, target - 12n, target + 1n, 2n ** 32n, size2 - 1n]) {
      if (size1 < 1n) continue;
      const proof = consistencyProof(size1, size2, big);
      const [root1, root2] = [treeRoot(size1, big), treeRoot(size2, big)];
      verifyConsistency(size1, size2, proof, root1, root2);
      const rounded = BigInt(Number(size1));
      if (rounded !== size1 && rounded < size2) {
        const code = codeOf(() => verifyConsistency(rounded, size2, proof, root1, root2));
        expect(['CONSISTENCY_PROOF_FAILED', 'PROOF_MALFORMED']).toContain(code);
      }
    }
  });

  it('append to a frontier of 2^63 + 2^40 + 12,345 leaves with exact node indices', () => {
    const size = 2n ** 63n + 2n ** 40n + 12_345n;
    const { source: big } = twoValuedTree(2n ** 63n + 777n);
    const frontier = { size, hashes: frontierNodeIds(size).map((id) => big(id.level, id.index)) };
    const x = big(0, 0n); // every leaf after the target is X
    const { frontier: next, nodes } = appendLeaves(frontier, [x, x, x]);
    expect(next.size).toBe(size + 3n);
    expect(frontierRoot(next)).toEqual(treeRoot(size + 3n, big));
    // size ends in binary ...111001: leaf `size` completes one pair, leaf size + 2 two levels.
    expect(nodes.map(({ level, index }) => [level, index])).toEqual([
      [0, size],
      [1, size >> 1n],
      [0, size + 1n],
      [0, size + 2n],
      [1, (size + 2n) >> 1n],
      [2, (size + 2n) >> 2n],
    ]);
  });
});
