/**
 * Bundle verification speed: builds a bundle of N evidence files (default 10,000), each with
 * its `collected` event and one `exported` event for all, in a log that also holds unrelated
 * entries, writes it as a folder and as a zip, and times `vigil verify` on both (median of
 * --runs). Usage: npm run build && node bench/bundle.mjs [--items 10000] [--runs 3]
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import yazl from 'yazl';
import { planBundle } from '../dist/ledger/bundle.js';
import { signCheckpoint } from '../dist/ledger/checkpoint.js';
import { CUSTODY_FORMAT, custodyLeaf } from '../dist/ledger/custody.js';
import {
  appendLeaves,
  EMPTY_FRONTIER,
  hashLeaf,
  inclusionProof,
  treeRoot,
} from '../dist/ledger/merkle.js';
import { formatVerifierKey, signerKeyFromSeed } from '../dist/ledger/note.js';

const { values } = parseArgs({
  options: { items: { type: 'string', default: '10000' }, runs: { type: 'string', default: '3' } },
});
const items = Number(values.items);
const runs = Number(values.runs);
const CLI = new URL('../dist/cli/main.js', import.meta.url).pathname;
const ORIGIN = 'bench.vigil.test/ledger';
const signer = signerKeyFromSeed(ORIGIN, new Uint8Array(32).fill(3));

const base = {
  format: CUSTODY_FORMAT,
  time: '2026-11-02T09:30:00.000Z',
  actor: { id: 'bench', role: 'investigator' },
  case: 'BENCH-1',
  purpose: 'Benchmark evidence',
  tool: { name: 'vigil', version: '0.1.0' },
  host: 'bench-host',
};

const started = performance.now();
const evidence = [];
const content = new Map();
const events = [];
const caseIndices = [];
for (let i = 0; i < items; i++) {
  const bytes = Buffer.from(`synthetic evidence file ${i}\n`.repeat(20));
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const item = {
    id: `ev_${sha256.slice(0, 16)}`,
    sha256,
    size: bytes.length,
    name: `file-${i}.txt`,
    mediaType: 'text/plain',
  };
  evidence.push(item);
  content.set(sha256, bytes);
  // Unrelated entries between the case's, as in a shared log.
  events.push({
    ...base,
    type: 'accessed',
    case: 'OTHER',
    evidence: [{ id: 'ev_00000000', sha256 }],
  });
  caseIndices.push(events.length);
  events.push({ ...base, type: 'collected', evidence: [item] });
}
caseIndices.push(events.length);
events.push({
  ...base,
  type: 'exported',
  evidence: evidence.map(({ id, sha256 }) => ({ id, sha256 })),
});
const { frontier, nodes } = appendLeaves(
  EMPTY_FRONTIER,
  events.map((e) => hashLeaf(custodyLeaf(e))),
);
const stored = new Map(nodes.map((n) => [`${n.level}:${n.index}`, n.hash]));
const source = (level, index) => stored.get(`${level}:${index}`);
const size = frontier.size;
const checkpoint = signCheckpoint(
  { origin: ORIGIN, size, root: treeRoot(size, source), extensions: [] },
  [signer],
);
const planned = planBundle({
  caseId: 'BENCH-1',
  origin: ORIGIN,
  checkpoint,
  checkpointSize: size,
  keys: [signer],
  signer,
  evidence,
  events: caseIndices.map((i) => ({
    index: BigInt(i),
    event: events[i],
    proof: inclusionProof(BigInt(i), size, source),
  })),
  exportEvent: BigInt(caseIndices.at(-1)),
});
const dir = mkdtempSync(join(tmpdir(), 'vigil-bundle-bench-'));
const folder = join(dir, 'bundle');
for (const file of [...planned.files, ...planned.evidence]) {
  const path = join(folder, ...file.path.split('/'));
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, 'bytes' in file ? file.bytes : content.get(file.sha256));
}
const zip = join(dir, 'bundle.zip');
await new Promise((resolve, reject) => {
  const archive = new yazl.ZipFile();
  archive.outputStream.pipe(createWriteStream(zip)).on('close', resolve).on('error', reject);
  for (const file of [...planned.files, ...planned.evidence]) {
    archive.addBuffer(
      Buffer.from('bytes' in file ? file.bytes : content.get(file.sha256)),
      file.path,
    );
  }
  archive.end();
});
const keyFile = join(dir, 'log.pub');
writeFileSync(keyFile, `${formatVerifierKey(signer)}\n`);
console.error(
  `Built a bundle of ${items} evidence files and ${caseIndices.length} events (log size ${size}) in ${((performance.now() - started) / 1000).toFixed(1)} s.`,
);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(path) {
  const seconds = [];
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    const run = spawnSync(process.execPath, [CLI, 'verify', path, '--key', keyFile, '--json'], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    seconds.push((performance.now() - t) / 1000);
    if (run.status !== 0) throw new Error(`verify failed: ${run.stderr}`);
  }
  return median(seconds);
}

const result = {
  items,
  events: caseIndices.length,
  runs,
  folderSeconds: time(folder),
  zipSeconds: time(zip),
};
console.log(`| bundle of ${items} items | folder | ${result.folderSeconds.toFixed(2)} s |`);
console.log(`| bundle of ${items} items | zip | ${result.zipSeconds.toFixed(2)} s |`);
console.log(JSON.stringify(result));
if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true });
else console.error(dir);
