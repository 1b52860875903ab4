/**
 * src/ledger/merkle.ts against the shared RFC 6962 / RFC 9162 test vectors of
 * transparency-dev/merkle (shared/test-vectors/merkle/README.md): the hand-copied rfc6962.json
 * (hasher, roots, node hashes, proofs) and every probe file under testdata/inclusion and
 * testdata/consistency. The vectors are read in place from ../shared, never copied here.
 *
 * testdata/subtreeinclusion and testdata/subtreeconsistency are skipped on purpose: they test
 * proofs for an arbitrary subtree [start, end) of a log, an API this module does not offer.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { base64, hex } from '@scure/base';
import { describe, expect, it } from 'vitest';
import {
  appendLeaves,
  consistencyProof,
  EMPTY_FRONTIER,
  EMPTY_ROOT,
  frontierRoot,
  type Hash,
  hashChildren,
  hashLeaf,
  inclusionProof,
  rootFromInclusionProof,
  treeRoot,
  verifyConsistency,
  verifyInclusion,
} from '../src/ledger/merkle.js';
import { type ErrorCode, VigilError } from '../src/shared/errors.js';

const VECTORS = new URL('../../shared/test-vectors/merkle/', import.meta.url).pathname;

interface Rfc6962 {
  leaves: string[];
  leaf_hashes: string[];
  node_hashes_by_level: { levels: string[][] };
  roots: { size: number; root_hex: string }[];
  inclusion: {
    leaf_index: number;
    tree_size: number;
    leaf_input_hex: string;
    proof: string[];
    root_hex: string;
  }[];
  consistency: {
    size1: number;
    size2: number;
    proof: string[];
    root1_hex: string;
    root2_hex: string;
  }[];
  hasher: {
    function: string;
    input_hex?: string;
    left_hex?: string;
    right_hex?: string;
    want_hex: string;
  }[];
}

const rfc: Rfc6962 = JSON.parse(readFileSync(join(VECTORS, 'rfc6962.json'), 'utf8'));

/** Hex, as the vectors write hashes; hex.encode(hash) gives readable failures. */
const hexes = (hashes: readonly Hash[]): string[] => hashes.map((hash) => hex.encode(hash));

describe('rfc6962.json (transparency-dev/merkle testonly and rfc6962 tests)', () => {
  const leaves = rfc.leaves.map((leaf) => hex.decode(leaf));
  const { frontier, nodes } = appendLeaves(EMPTY_FRONTIER, leaves.map(hashLeaf));
  const stored = new Map(nodes.map((node) => [`${node.level}/${node.index}`, node.hash]));
  const source = (level: number, index: bigint): Hash => {
    const hash = stored.get(`${level}/${index}`);
    if (hash === undefined) throw new Error(`test tree has no node ${level}/${index}`);
    return hash;
  };

  it('hashes leaves and the empty tree as RFC 6962 §2.1 does', () => {
    for (const vector of rfc.hasher.filter((v) => v.function !== 'node_hash')) {
      const got =
        vector.function === 'empty_root'
          ? EMPTY_ROOT
          : hashLeaf(hex.decode(vector.input_hex ?? ''));
      expect(hex.encode(got), vector.function).toBe(vector.want_hex);
    }
    expect(hexes(leaves.map(hashLeaf))).toEqual(rfc.leaf_hashes);
  });

  it('takes only 32-byte children, so the 4-byte HashChildren vector is malformed input here', () => {
    // Upstream hashes "N123" and "N456"; node hashing itself is covered by every node and root below.
    const vector = rfc.hasher.find((v) => v.function === 'node_hash');
    expect(vector).toBeDefined();
    const left = hex.decode(vector?.left_hex ?? '');
    const right = hex.decode(vector?.right_hex ?? '');
    expect(outcome(() => hashChildren(left, right))).toBe('PROOF_MALFORMED');
  });

  it('stores exactly the complete subtrees of the 8 leaves, level by level', () => {
    const levels = rfc.node_hashes_by_level.levels;
    expect(nodes).toHaveLength(levels.flat().length);
    for (const [level, want] of levels.entries()) {
      const atLevel = nodes.filter((node) => node.level === level);
      expect(atLevel.map((node) => node.index)).toEqual(want.map((_, index) => BigInt(index)));
      expect(hexes(atLevel.map((node) => node.hash)), `level ${level}`).toEqual(want);
    }
    expect(frontier.size).toBe(8n);
  });

  it('computes the root of every size 0..8, from the stored nodes and from the frontier', () => {
    let prefix = EMPTY_FRONTIER;
    for (const { size, root_hex } of rfc.roots) {
      expect(hex.encode(treeRoot(BigInt(size), source)), `treeRoot(${size})`).toBe(root_hex);
      expect(hex.encode(frontierRoot(prefix)), `frontierRoot(${size})`).toBe(root_hex);
      const next = rfc.leaf_hashes[size];
      if (next !== undefined) prefix = appendLeaves(prefix, [hex.decode(next)]).frontier;
    }
  });

  it('generates and verifies the inclusion proofs', () => {
    for (const vector of rfc.inclusion) {
      const index = BigInt(vector.leaf_index);
      const size = BigInt(vector.tree_size);
      const leafHash = hashLeaf(hex.decode(vector.leaf_input_hex));
      const proof = vector.proof.map((hash) => hex.decode(hash));
      const root = hex.decode(vector.root_hex);
      expect(hexes(inclusionProof(index, size, source)), `${index} in ${size}`).toEqual(
        vector.proof,
      );
      expect(hex.encode(rootFromInclusionProof(leafHash, index, size, proof))).toBe(
        vector.root_hex,
      );
      verifyInclusion(leafHash, index, size, proof, root);
    }
  });

  it('generates and verifies the consistency proofs', () => {
    for (const vector of rfc.consistency) {
      const size1 = BigInt(vector.size1);
      const size2 = BigInt(vector.size2);
      const proof = vector.proof.map((hash) => hex.decode(hash));
      expect(hexes(consistencyProof(size1, size2, source)), `${size1} to ${size2}`).toEqual(
        vector.proof,
      );
      verifyConsistency(
        size1,
        size2,
        proof,
        hex.decode(vector.root1_hex),
        hex.decode(vector.root2_hex),
      );
    }
  });
});

// ---------------------------------------------------------------------------------------------
// testdata/: upstream's probe files, happy paths and their corruptions

const TESTDATA = join(VECTORS, 'testdata');

function jsonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return jsonFiles(path);
      return entry.name.endsWith('.json') ? [path] : [];
    })
    .sort();
}

/**
 * Parses a probe with its sizes as exact bigints: some probes hold 2^64-1 (Go's 0 - 1), which
 * JSON.parse would round to a different number.
 */
function readProbe(path: string): Record<string, unknown> {
  const text = readFileSync(path, 'utf8').replace(
    /"(leafIdx|treeSize|size1|size2)":\s*(\d+)/g,
    '"$1": "$2"',
  );
  return JSON.parse(text);
}

const bytes = (value: unknown): Uint8Array => base64.decode(value as string);
const proofOf = (value: unknown): Hash[] => ((value as string[] | null) ?? []).map(bytes);

/** Runs a probe: undefined if it verified, else the VigilError code (anything else fails the test). */
function outcome(verify: () => void): ErrorCode | undefined {
  try {
    verify();
    return undefined;
  } catch (error) {
    if (!(error instanceof VigilError)) throw error;
    return error.code;
  }
}

/**
 * The one probe where this module and upstream disagree, on purpose. Upstream compares the two
 * roots of equal sizes as opaque bytes, so the 12-byte placeholder "don't care 2" is accepted as a
 * root; here every root must be a 32-byte SHA-256 hash, so the probe is PROOF_MALFORMED.
 */
const STRICTER_THAN_UPSTREAM: Record<string, ErrorCode> = {
  'consistency/additional/sizes-are-equal-one-and-proof-is-empty.json': 'PROOF_MALFORMED',
};

const ZERO_HASH = new Uint8Array(32);
const isHash = (value: Uint8Array): boolean => value.length === 32;

/**
 * The code an invalid probe must fail with: *_FAILED when it is well formed (sizes in range, every
 * hash 32 bytes, as many proof hashes as a generated proof for these sizes has), else
 * PROOF_MALFORMED. Generation throws PROOF_MALFORMED for sizes it cannot serve.
 */
function expectedFailure(
  failed: ErrorCode,
  generate: () => Hash[],
  hashes: Uint8Array[],
  proof: Hash[],
): ErrorCode {
  const wanted = outcome(() => {
    if (generate().length !== proof.length) throw new VigilError('PROOF_MALFORMED', 'length');
  });
  return wanted === undefined && [...hashes, ...proof].every(isHash) ? failed : 'PROOF_MALFORMED';
}

interface Probe {
  verify: () => void;
  /** The code a wantErr probe must throw. */
  failure: ErrorCode;
}

function checkProbes(
  kind: 'inclusion' | 'consistency',
  read: (probe: Record<string, unknown>) => Probe,
) {
  const probes = jsonFiles(join(TESTDATA, kind)).map((file) => {
    const probe = readProbe(file);
    const name = relative(TESTDATA, file);
    const { verify, failure } = read(probe);
    return {
      name,
      verify,
      want: STRICTER_THAN_UPSTREAM[name] ?? (probe.wantErr ? failure : undefined),
    };
  });

  it(`finds every ${kind} probe, valid, well formed but wrong, and malformed`, () => {
    const count = (want: ErrorCode | undefined) => probes.filter((p) => p.want === want).length;
    // 98 files each (README.md): 6 valid and 92 invalid; one valid consistency probe is
    // STRICTER_THAN_UPSTREAM. The invalid ones have wrong hashes (*_FAILED) or wrong shapes.
    const failed: ErrorCode =
      kind === 'inclusion' ? 'INCLUSION_PROOF_FAILED' : 'CONSISTENCY_PROOF_FAILED';
    expect(probes).toHaveLength(98);
    expect(count(undefined)).toBe(kind === 'inclusion' ? 6 : 5);
    expect(count(failed)).toBe(kind === 'inclusion' ? 29 : 15);
    expect(count('PROOF_MALFORMED')).toBe(kind === 'inclusion' ? 63 : 78);
  });

  it.each(probes.map((probe) => [probe.name, probe] as const))('%s', (_, { verify, want }) => {
    expect(outcome(verify)).toBe(want);
  });
}

describe('testdata/inclusion (transparency-dev/merkle probes)', () => {
  checkProbes('inclusion', (probe) => {
    const [leafHash, root] = [bytes(probe.leafHash), bytes(probe.root)];
    const index = BigInt(probe.leafIdx as string);
    const size = BigInt(probe.treeSize as string);
    const proof = proofOf(probe.proof);
    return {
      verify: () => verifyInclusion(leafHash, index, size, proof, root),
      failure: expectedFailure(
        'INCLUSION_PROOF_FAILED',
        () => inclusionProof(index, size, () => ZERO_HASH),
        [leafHash, root],
        proof,
      ),
    };
  });
});

describe('testdata/consistency (transparency-dev/merkle probes)', () => {
  checkProbes('consistency', (probe) => {
    const [root1, root2] = [bytes(probe.root1), bytes(probe.root2)];
    const size1 = BigInt(probe.size1 as string);
    const size2 = BigInt(probe.size2 as string);
    const proof = proofOf(probe.proof);
    return {
      verify: () => verifyConsistency(size1, size2, proof, root1, root2),
      failure: expectedFailure(
        'CONSISTENCY_PROOF_FAILED',
        () => consistencyProof(size1, size2, () => ZERO_HASH),
        [root1, root2],
        proof,
      ),
    };
  });
});
