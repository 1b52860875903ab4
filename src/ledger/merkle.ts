/**
 * The Merkle log core of the evidence ledger: RFC 9162 (Certificate Transparency 2.0) tree
 * hashing, proof planning, proof generation from stored perfect subtrees, proof verification and
 * the append-only frontier. Hashing is RFC 6962's, which RFC 9162 keeps, so proofs interoperate
 * with transparency-dev/merkle, Go's sumdb/tlog and C2SP tlog-tiles.
 *
 * Pure: no IO, clock or randomness. Indices and sizes are bigint everywhere: JS bit operators wrap
 * at 2^31 and numbers lose precision above 2^53, a known pitfall of public verifiers
 * (shared/reference/evidence-and-sharing.md A1.1, A1.7).
 *
 * Every argument is checked, because callers verify attacker-supplied proofs: bad input throws a
 * VigilError (PROOF_MALFORMED, INCLUSION_PROOF_FAILED or CONSISTENCY_PROOF_FAILED), never a
 * RangeError or TypeError.
 *
 * Terms. A perfect node (level, index) is the complete subtree over leaves
 * [index * 2^level, (index + 1) * 2^level); a store keeps these and nothing else. A right-edge
 * subtree [start, size) that is not complete is never stored: its hash is folded from the perfect
 * subtrees of the binary decomposition of size - start (RFC 9162 §2.1.1 splits at the largest power
 * of two below the width, so the tree of a range is its decomposition folded from the right).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { VigilError } from '../shared/errors.js';
import { hashNodeInput } from './node-hash.js';

export type Hash = Uint8Array;
export const HASH_BYTES = 32;

/** Sizes and indices are RFC 9162 uint64 values. */
const MAX_SIZE = (1n << 64n) - 1n;
/** An inclusion proof has at most one hash per level of a 2^64-leaf tree. */
const MAX_INCLUSION_HASHES = 64;
/** A cap above the longest real consistency proof (65 hashes), to turn away oversized input at once. */
const MAX_CONSISTENCY_HASHES = 128;

/** RFC 9162 §2.1.1: the hash of an empty list is the hash of an empty string. Never mutate it. */
export const EMPTY_ROOT: Hash = sha256(new Uint8Array(0));

/** A perfect (complete) subtree: leaves [index * 2^level, (index + 1) * 2^level). Level 0 = one leaf's hash. */
export interface NodeId {
  readonly level: number;
  readonly index: bigint;
}
export interface StoredNode extends NodeId {
  readonly hash: Hash;
}
/**
 * Hashes of right-edge ranges [start, size) by "start:size". Every proof for one tree size
 * shares the same few right-edge siblings, and folding one costs up to log n hashes, so a store
 * serving many proofs keeps them; the data under a range never changes once the log has it.
 */
export type EdgeCache = Map<string, Hash>;
const MAX_EDGE_CACHE = 4096;

/** Synchronous lookup of a stored perfect subtree hash; a store fetches the ids first, then serves them from a map. */
export type NodeSource = (level: number, index: bigint) => Hash;

/** The right edge of a tree: one perfect-subtree hash per set bit of size, largest (leftmost) first. */
export interface Frontier {
  readonly size: bigint;
  readonly hashes: readonly Hash[];
}
export const EMPTY_FRONTIER: Frontier = Object.freeze({ size: 0n, hashes: Object.freeze([]) });

// ---------------------------------------------------------------------------------------------
// Hashing (RFC 9162 §2.1.1; the domain-separation prefixes stop a leaf posing as a node)

const LEAF_PREFIX = new Uint8Array([0x00]);

/** SHA-256(0x00 || leaf). */
export function hashLeaf(leaf: Uint8Array): Hash {
  if (!(leaf instanceof Uint8Array)) {
    throw malformed('The leaf must be a Uint8Array of its canonical bytes.', {
      argument: 'leaf',
      type: typeName(leaf),
    });
  }
  return sha256.create().update(LEAF_PREFIX).update(leaf).digest();
}

/** SHA-256(0x01 || left || right). */
export function hashChildren(left: Hash, right: Hash): Hash {
  requireHash(left, 'left');
  requireHash(right, 'right');
  return nodeHash(left, right);
}

/** hashChildren without the checks, for hashes this module has already checked or made. */
function nodeHash(left: Hash, right: Hash): Hash {
  return hashNodeInput(left, right);
}

/** Folds the perfect subtrees of a right edge, largest first, into the hash of their range. */
function foldRight(hashes: readonly Hash[]): Hash {
  // A copy of EMPTY_ROOT, so that a caller who mutates a returned root cannot change the constant.
  if (hashes.length === 0) return EMPTY_ROOT.slice();
  let hash = hashes[hashes.length - 1] as Hash;
  for (let i = hashes.length - 2; i >= 0; i--) hash = nodeHash(hashes[i] as Hash, hash);
  return hash;
}

// ---------------------------------------------------------------------------------------------
// Tree shape: the parts of a proof, as perfect nodes or right-edge ranges to fold

/** A proof element: a stored perfect node, or the right-edge range [start, size) of the tree. */
type PathPart = NodeId | { readonly start: bigint };

/**
 * The perfect subtrees that make up [start, end), largest first. Requires start to be aligned to
 * the largest power of two not above end - start, which holds for [0, size) and for every
 * right-edge sibling.
 */
function rangeNodeIds(start: bigint, end: bigint): NodeId[] {
  const ids: NodeId[] = [];
  const width = end - start;
  let offset = start;
  for (let level = bitLength(width) - 1; level >= 0; level--) {
    const subtree = 1n << BigInt(level);
    if ((width & subtree) !== 0n) {
      ids.push({ level, index: offset >> BigInt(level) });
      offset += subtree;
    }
  }
  return ids;
}

/**
 * The audit path of the perfect node (level, index) in a tree of `size` leaves, bottom-up: RFC 9162
 * §2.1.3.1 PATH for a leaf (level 0), and the node part of §2.1.4.1 SUBPROOF otherwise. At each
 * level the sibling is either complete (a stored node), the right edge [sibling start, size), or
 * missing: the last node of a level with no right sibling is carried up unchanged.
 */
function pathParts(level: number, index: bigint, size: bigint): PathPart[] {
  const parts: PathPart[] = [];
  let last = (size - 1n) >> BigInt(level);
  for (let l = level, i = index; last > 0n; l++, i >>= 1n, last >>= 1n) {
    const sibling = i ^ 1n;
    if (sibling < last) parts.push({ level: l, index: sibling });
    else if (sibling === last) parts.push({ start: sibling << BigInt(l) });
  }
  return parts;
}

/**
 * How many levels up from node (level, index) its ancestors still differ from those of the last
 * leaf of the tree. Below that the node has a sibling on every level, on the side bit k of index
 * says; from there on the node is on the right edge and its only siblings are on its left, where
 * its bits are 1. (The decomposition of transparency-dev/merkle's decompInclProof, also used by
 * sigstore-js.)
 */
function innerLevels(level: number, index: bigint, size: bigint): number {
  return bitLength(index ^ ((size - 1n) >> BigInt(level)));
}

/** The length of pathParts(level, index, size), from bit arithmetic alone. */
function pathLength(level: number, index: bigint, size: bigint): number {
  const inner = innerLevels(level, index, size);
  return inner + popCount(index >> BigInt(inner));
}

/** Where a consistency proof's path starts: the largest perfect subtree ending at size1. */
function consistencyStart(size1: bigint): NodeId {
  const level = trailingZeros(size1);
  return { level, index: (size1 - 1n) >> BigInt(level) };
}

/**
 * RFC 9162 §2.1.4.1: the consistency proof from size1 to size2 (0 < size1 < size2) is the largest
 * perfect subtree ending at size1, then that subtree's audit path in the tree of size2. When size1
 * is a power of two that subtree is the old root itself, which the verifier already has.
 */
function consistencyParts(size1: bigint, size2: bigint): PathPart[] {
  const start = consistencyStart(size1);
  const path = pathParts(start.level, start.index, size2);
  return isPowerOfTwo(size1) ? path : [start, ...path];
}

function consistencyLength(size1: bigint, size2: bigint): number {
  const { level, index } = consistencyStart(size1);
  return (isPowerOfTwo(size1) ? 0 : 1) + pathLength(level, index, size2);
}

function partNodeIds(parts: readonly PathPart[], size: bigint): NodeId[] {
  return parts.flatMap((part) => ('start' in part ? rangeNodeIds(part.start, size) : [part]));
}

// ---------------------------------------------------------------------------------------------
// Planning: every id an operation reads, once each (the parts cover disjoint leaf ranges)

/** The nodes treeRoot(size) reads: the tree's frontier. */
export function rootNodeIds(size: bigint): NodeId[] {
  return rangeNodeIds(0n, requireSize(size, 'size'));
}

/** The nodes inclusionProof(index, size) reads. */
export function inclusionNodeIds(index: bigint, size: bigint): NodeId[] {
  requireLeafInTree(index, size);
  return partNodeIds(pathParts(0, index, size), size);
}

/** The nodes consistencyProof(size1, size2) reads. */
export function consistencyNodeIds(size1: bigint, size2: bigint): NodeId[] {
  requireConsistencySizes(size1, size2);
  return size1 === size2 ? [] : partNodeIds(consistencyParts(size1, size2), size2);
}

/** The ids of the hashes of the frontier of a tree of `size` leaves, in the frontier's order. */
export function frontierNodeIds(size: bigint): NodeId[] {
  return rangeNodeIds(0n, requireSize(size, 'size'));
}

// ---------------------------------------------------------------------------------------------
// Generation: O(log n) reads of perfect nodes; the tree is never rebuilt

/** RFC 9162 §2.1.1 MTH(D[size]), from the frontier's nodes; EMPTY_ROOT (a copy) for 0. */
export function treeRoot(size: bigint, node: NodeSource): Hash {
  requireNodeSource(node);
  return rangeHash(0n, requireSize(size, 'size'), node);
}

/** RFC 9162 §2.1.3.1 PATH(index, D[size]), bottom-up. */
export function inclusionProof(
  index: bigint,
  size: bigint,
  node: NodeSource,
  edges?: EdgeCache,
): Hash[] {
  requireNodeSource(node);
  requireLeafInTree(index, size);
  return partHashes(pathParts(0, index, size), size, node, edges);
}

/** RFC 9162 §2.1.4.1 PROOF(size1, D[size2]); requires 0 < size1 <= size2, and is empty when they are equal. */
export function consistencyProof(
  size1: bigint,
  size2: bigint,
  node: NodeSource,
  edges?: EdgeCache,
): Hash[] {
  requireNodeSource(node);
  requireConsistencySizes(size1, size2);
  return size1 === size2 ? [] : partHashes(consistencyParts(size1, size2), size2, node, edges);
}

function partHashes(
  parts: readonly PathPart[],
  size: bigint,
  node: NodeSource,
  edges: EdgeCache | undefined,
): Hash[] {
  return parts.map((part) =>
    'start' in part
      ? edgeHash(part.start, size, node, edges)
      : readNode(node, part.level, part.index),
  );
}

/** A right-edge range's hash, from the cache when the caller keeps one. */
function edgeHash(start: bigint, size: bigint, node: NodeSource, edges?: EdgeCache): Hash {
  if (edges === undefined) return rangeHash(start, size, node);
  const key = `${start}:${size}`;
  let hash = edges.get(key);
  if (hash === undefined) {
    hash = rangeHash(start, size, node);
    if (edges.size >= MAX_EDGE_CACHE) edges.clear();
    edges.set(key, hash);
  }
  return hash;
}

function rangeHash(start: bigint, end: bigint, node: NodeSource): Hash {
  return foldRight(rangeNodeIds(start, end).map((id) => readNode(node, id.level, id.index)));
}

function readNode(node: NodeSource, level: number, index: bigint): Hash {
  const hash = node(level, index);
  if (!isHash(hash)) {
    throw malformed(
      `The node store has no 32-byte hash for the perfect subtree at level ${level}, index ${index}. ` +
        'Fetch every id from the matching *NodeIds() call before generating the proof.',
      { level, index: index.toString() },
    );
  }
  return hash;
}

// ---------------------------------------------------------------------------------------------
// Verification

/** RFC 9162 §2.1.3.2. Throws PROOF_MALFORMED or INCLUSION_PROOF_FAILED. */
export function verifyInclusion(
  leafHash: Hash,
  index: bigint,
  size: bigint,
  proof: readonly Hash[],
  root: Hash,
): void {
  requireHash(root, 'root');
  if (!equalHashes(rootFromInclusionProof(leafHash, index, size, proof), root)) {
    throw new VigilError(
      'INCLUSION_PROOF_FAILED',
      `The inclusion proof for entry ${index} does not lead to the root of the tree of size ${size}, ` +
        'so the entry is not proven to be in the log. Fetch a fresh proof for this checkpoint; if ' +
        'it fails again, keep the proof and the checkpoint as evidence of a faulty log.',
      { details: { index: index.toString(), size: size.toString() } },
    );
  }
}

/** The root an inclusion proof leads to (for callers that compare roots themselves). */
export function rootFromInclusionProof(
  leafHash: Hash,
  index: bigint,
  size: bigint,
  proof: readonly Hash[],
): Hash {
  requireHash(leafHash, 'leafHash');
  requireLeafInTree(index, size);
  requireProof(proof, MAX_INCLUSION_HASHES, pathLength(0, index, size), 'inclusion');
  // RFC 9162 §2.1.3.2 in closed form: the RFC's loop over fn = index and sn = size - 1 hashes
  // each proof hash on the side LSB(fn) gives while fn != sn, then always on the left; its extra
  // shifts only skip levels that have no sibling, which requireProof's exact length accounts for.
  const inner = innerLevels(0, index, size);
  let r = leafHash;
  let fn = index;
  for (let k = 0; k < proof.length; k++, fn >>= 1n) {
    const p = proof[k] as Hash;
    r = k < inner && (fn & 1n) === 0n ? nodeHash(r, p) : nodeHash(p, r);
  }
  return r;
}

/**
 * Verifies many inclusion proofs against one tree (a bundle's events against its checkpoint)
 * without recomputing the paths they share. Each step of the closed-form computation is a pure
 * function of the running hash, the remaining proof hashes and the remaining directions, and the
 * directions after step k depend only on `inner` and index >> (k + 1). So when a proof reaches a
 * step whose key, running hash and remaining proof hashes all equal those of a proof already
 * verified, the rest would repeat that computation exactly and reach the same root. Neighbouring
 * leaves share all but their lowest levels, so most proofs stop after a hash or two.
 */
export function createInclusionVerifier(
  size: bigint,
  root: Hash,
): (leafHash: Hash, index: bigint, proof: readonly Hash[]) => void {
  requireSize(size, 'size');
  requireHash(root, 'root');
  const verified = new Map<string, { readonly hash: Hash; readonly proof: readonly Hash[] }>();
  const sameRest = (a: readonly Hash[], b: readonly Hash[], from: number): boolean => {
    for (let j = from; j < a.length; j++) {
      if (!equalHashes(a[j] as Hash, b[j] as Hash)) return false;
    }
    return true;
  };
  return (leafHash, index, proof) => {
    requireHash(leafHash, 'leafHash');
    requireLeafInTree(index, size);
    requireProof(proof, MAX_INCLUSION_HASHES, pathLength(0, index, size), 'inclusion');
    const inner = innerLevels(0, index, size);
    const steps: { key: string; hash: Hash }[] = [];
    let r = leafHash;
    let fn = index;
    for (let k = 0; k < proof.length; k++, fn >>= 1n) {
      const p = proof[k] as Hash;
      r = k < inner && (fn & 1n) === 0n ? nodeHash(r, p) : nodeHash(p, r);
      const key = `${k}:${inner}:${fn >> 1n}`;
      const known = verified.get(key);
      if (
        known !== undefined &&
        known.proof.length === proof.length &&
        equalHashes(known.hash, r) &&
        sameRest(known.proof, proof, k + 1)
      ) {
        // This proof is now as good as the one it met: its lower steps join the memo too.
        for (const step of steps) verified.set(step.key, { hash: step.hash, proof });
        return;
      }
      steps.push({ key, hash: r });
    }
    if (!equalHashes(r, root)) {
      throw new VigilError(
        'INCLUSION_PROOF_FAILED',
        `The inclusion proof for entry ${index} does not lead to the root of the tree of size ${size}, ` +
          'so the entry is not proven to be in the log.',
        { details: { index: index.toString(), size: size.toString() } },
      );
    }
    for (const step of steps) verified.set(step.key, { hash: step.hash, proof });
  };
}

/**
 * RFC 9162 §2.1.4.2. Requires 0 < size1 <= size2: following transparency-dev/merkle's test vectors,
 * a proof from the empty tree is rejected as meaningless (every tree extends it). When
 * size1 == size2 the proof must be empty and the roots equal. Throws PROOF_MALFORMED or
 * CONSISTENCY_PROOF_FAILED.
 */
export function verifyConsistency(
  size1: bigint,
  size2: bigint,
  proof: readonly Hash[],
  root1: Hash,
  root2: Hash,
): void {
  requireConsistencySizes(size1, size2);
  requireHash(root1, 'root1');
  requireHash(root2, 'root2');
  if (size1 === size2) {
    requireProof(proof, MAX_CONSISTENCY_HASHES, 0, 'consistency');
    if (!equalHashes(root1, root2)) throw consistencyFailed(size1, size2, 'same size');
    return;
  }
  requireProof(proof, MAX_CONSISTENCY_HASHES, consistencyLength(size1, size2), 'consistency');
  const { first, second } = rootsFromConsistencyProof(size1, size2, proof, root1);
  if (!equalHashes(first, root1)) throw consistencyFailed(size1, size2, 'root1');
  if (!equalHashes(second, root2)) throw consistencyFailed(size1, size2, 'root2');
}

/**
 * RFC 9162 §2.1.4.2 in closed form, for a proof of the exact length. The path starts at the largest
 * perfect subtree ending at size1: the old root itself when size1 is a power of two (step 2), else
 * the proof's first hash, at (level, index) = fn after step 4. Each further hash is a sibling:
 * one on the right (below `inner` levels, where the bit of index is 0) is only in the new tree; one
 * on the left is in both, so it extends both roots (step 6).
 */
function rootsFromConsistencyProof(
  size1: bigint,
  size2: bigint,
  proof: readonly Hash[],
  root1: Hash,
): { first: Hash; second: Hash } {
  const { level, index } = consistencyStart(size1);
  const inner = innerLevels(level, index, size2);
  const rootIsSeed = isPowerOfTwo(size1);
  const path = rootIsSeed ? proof : proof.slice(1);
  let first = rootIsSeed ? root1 : (proof[0] as Hash);
  let second = first;
  let fn = index;
  for (let k = 0; k < path.length; k++, fn >>= 1n) {
    const c = path[k] as Hash;
    if (k < inner && (fn & 1n) === 0n) {
      second = nodeHash(second, c);
    } else {
      first = nodeHash(c, first);
      second = nodeHash(c, second);
    }
  }
  return { first, second };
}

function consistencyFailed(
  size1: bigint,
  size2: bigint,
  mismatch: 'root1' | 'root2' | 'same size',
): VigilError {
  const what = {
    root1: `The consistency proof from size ${size1} to ${size2} does not reproduce the root you hold for size ${size1}`,
    root2: `The consistency proof from size ${size1} to ${size2} does not lead to the root of size ${size2}`,
    'same size': `The two roots for size ${size1} differ, and one log cannot have two trees of one size`,
  }[mismatch];
  return new VigilError(
    'CONSISTENCY_PROOF_FAILED',
    `${what}, so the log is not proven to be append-only. Keep both checkpoints and the proof: ` +
      'they are evidence of a forked or rewritten log.',
    { details: { size1: size1.toString(), size2: size2.toString(), mismatch } },
  );
}

// ---------------------------------------------------------------------------------------------
// Frontier (the compact right edge a writer keeps to append without reading the tree)

/** The root of the tree a frontier is the right edge of (EMPTY_ROOT, a copy, when empty). */
export function frontierRoot(frontier: Frontier): Hash {
  return foldRight(requireFrontier(frontier).hashes);
}

/**
 * Appends leaf hashes. Returns the new frontier and every perfect node the append completes, in
 * append order: each leaf's level-0 node, then the parents it completes, bottom-up. Children thus
 * come before their parents and each level's indices ascend, so a store can insert them as they are.
 * Level-0 nodes hold the given leaf hashes themselves, not copies.
 */
export function appendLeaves(
  frontier: Frontier,
  leafHashes: readonly Hash[],
): { frontier: Frontier; nodes: StoredNode[] } {
  let size = requireFrontier(frontier).size;
  requireLeafHashes(leafHashes, size);
  // The frontier is a binary counter of perfect subtrees: a new leaf carries into the subtree of
  // every trailing 1-bit of size, as in the compact ranges of transparency-dev/merkle.
  const stack = frontier.hashes.slice();
  const nodes: StoredNode[] = [];
  for (const leafHash of leafHashes) {
    let hash = leafHash;
    let level = 0;
    let index = size;
    nodes.push({ level, index, hash });
    while ((index & 1n) === 1n) {
      hash = nodeHash(stack.pop() as Hash, hash);
      level++;
      index >>= 1n;
      nodes.push({ level, index, hash });
    }
    stack.push(hash);
    size++;
  }
  return { frontier: { size, hashes: stack }, nodes };
}

// ---------------------------------------------------------------------------------------------
// Argument checks (all failures are PROOF_MALFORMED)

function malformed(message: string, details: Record<string, unknown>): VigilError {
  return new VigilError('PROOF_MALFORMED', message, { details });
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Uint8Array) return `${value.length}-byte array`;
  return typeof value;
}

function isHash(value: unknown): value is Hash {
  return value instanceof Uint8Array && value.length === HASH_BYTES;
}

function requireHash(value: unknown, argument: string): asserts value is Hash {
  if (!isHash(value)) {
    throw malformed(
      `${argument} must be a 32-byte SHA-256 hash (got ${typeName(value)}). Decode hashes from ` +
        'base64 or hex before passing them in.',
      { argument, type: typeName(value) },
    );
  }
}

/** Reports the first element that is not a hash. */
function requireHashes(values: readonly unknown[], argument: string): void {
  const bad = values.findIndex((value) => !isHash(value));
  if (bad >= 0) requireHash(values[bad], `${argument}[${bad}]`);
}

function requireSize(value: unknown, argument: string): bigint {
  if (typeof value !== 'bigint' || value < 0n || value > MAX_SIZE) {
    const got = typeof value === 'bigint' ? value.toString() : typeName(value);
    throw malformed(
      `${argument} must be a bigint from 0 to 2^64-1 (got ${got}). Pass tree sizes and indices ` +
        'as bigint, e.g. 5n or BigInt(text).',
      { argument, got },
    );
  }
  return value;
}

function requireLeafInTree(index: unknown, size: unknown): void {
  const i = requireSize(index, 'index');
  const n = requireSize(size, 'size');
  if (i >= n) {
    throw malformed(
      `Entry ${i} is not in a tree of ${n} entries (an index must be below the size). Use the ` +
        'size of the checkpoint the proof was made for.',
      { index: i.toString(), size: n.toString() },
    );
  }
}

function requireConsistencySizes(size1: unknown, size2: unknown): void {
  const m = requireSize(size1, 'size1');
  const n = requireSize(size2, 'size2');
  if (m === 0n || m > n) {
    throw malformed(
      `A consistency proof needs 0 < size1 <= size2 (got ${m} and ${n}). Every tree extends the ` +
        'empty tree, so there is nothing to prove from size 0; a smaller size2 means the log lost entries.',
      { size1: m.toString(), size2: n.toString() },
    );
  }
}

function requireProof(proof: unknown, max: number, expected: number, kind: string): void {
  if (!Array.isArray(proof) || proof.length > max) {
    throw malformed(
      `The ${kind} proof must be an array of at most ${max} hashes (got ${typeName(proof)}` +
        `${Array.isArray(proof) ? ` of ${proof.length}` : ''}).`,
      { kind, type: typeName(proof) },
    );
  }
  if (proof.length !== expected) {
    throw malformed(
      `The ${kind} proof has ${proof.length} hashes where these sizes need ${expected}. Request ` +
        'the proof again for the same index and sizes.',
      { kind, hashes: proof.length, expected },
    );
  }
  requireHashes(proof, 'proof');
}

function requireNodeSource(node: unknown): void {
  if (typeof node !== 'function') {
    throw malformed(
      `The node source must be a function (level, index) => Hash (got ${typeName(node)}).`,
      { argument: 'node', type: typeName(node) },
    );
  }
}

function requireFrontier(frontier: unknown): Frontier {
  const value = frontier as Partial<Frontier> | null | undefined;
  const size = requireSize(value?.size, 'frontier.size');
  const hashes: unknown = value?.hashes;
  if (!Array.isArray(hashes) || hashes.length !== popCount(size)) {
    throw malformed(
      `A frontier of ${size} entries has ${popCount(size)} hashes, one per set bit of the size ` +
        `(got ${typeName(hashes)}${Array.isArray(hashes) ? ` of ${hashes.length}` : ''}). Load ` +
        'them with frontierNodeIds(size).',
      { size: size.toString(), expected: popCount(size) },
    );
  }
  requireHashes(hashes, 'frontier.hashes');
  return value as Frontier;
}

function requireLeafHashes(leafHashes: unknown, size: bigint): void {
  if (!Array.isArray(leafHashes)) {
    throw malformed(
      `leafHashes must be an array of 32-byte hashes (got ${typeName(leafHashes)}).`,
      {
        argument: 'leafHashes',
        type: typeName(leafHashes),
      },
    );
  }
  if (BigInt(leafHashes.length) > MAX_SIZE - size) {
    throw malformed('The log cannot grow beyond 2^64-1 entries.', { size: size.toString() });
  }
  requireHashes(leafHashes, 'leafHashes');
}

// ---------------------------------------------------------------------------------------------
// uint64 bit arithmetic on bigint, by 32-bit halves (exact for every value up to 2^64-1)

function bitLength(x: bigint): number {
  const high = Number(x >> 32n);
  return high > 0 ? 64 - Math.clz32(high) : 32 - Math.clz32(Number(x));
}

function popCount(x: bigint): number {
  return popCount32(Number(x >> 32n)) + popCount32(Number(x & 0xffff_ffffn));
}

function popCount32(x: number): number {
  let v = x - ((x >>> 1) & 0x5555_5555);
  v = (v & 0x3333_3333) + ((v >>> 2) & 0x3333_3333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f_0f0f, 0x0101_0101) >>> 24) & 0xff;
}

/** For x > 0. */
function trailingZeros(x: bigint): number {
  return bitLength(x & -x) - 1;
}

function isPowerOfTwo(x: bigint): boolean {
  return x > 0n && (x & (x - 1n)) === 0n;
}

function equalHashes(a: Hash, b: Hash): boolean {
  for (let i = 0; i < HASH_BYTES; i++) if (a[i] !== b[i]) return false;
  return true;
}
