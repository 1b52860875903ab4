#!/usr/bin/env node
// Private set intersection (src/share/psi.ts, docs/psi.md): the cost of each round of ECDH-PSI
// over ristretto255 on one thread, for sets of synthetic identifiers (BENCHMARKS.md).
//
//   npx tsc -p tsconfig.build.json && node bench/psi.mjs
//   node bench/psi.mjs --sizes 1000,10000 --runs 3 --runs-large 1 --overlap 0.5 --seed 1
//
// For each size n: A holds n identifiers, B holds n, of which --overlap are A's (the rest are
// B's own). Phones (E.164 in the fictional 555 range), e-mail addresses at example.org,
// Telegram handles and Bitcoin-like wallets, in equal parts, built with psiItem. Each run
// times, with fresh session scalars (node:crypto randomness):
//   request  (A)  psiRequest: hash-to-curve and one scalar multiplication per own item, shuffle;
//   respond  (B)  psiRespond: decode and one multiplication per A point, hash-to-curve and one
//                 multiplication per own item, shuffle;
//   finish   (A)  psiFinish: decode and one multiplication per B point, then the comparison.
// Sizes up to 1,000 run --runs times (median reported), larger ones --runs-large times. Every
// run checks that A found exactly the overlap. A 100 vs 100 session warms up the JIT first.
// Wall time and process CPU time (user + system) are both reported: on a shared machine the
// CPU time is the steadier of the two.
import { randomBytes } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';

const { createPsiSession, psiFinish, psiItem, psiRequest, psiRespond } = await import(
  '../dist/share/psi.js'
);

const fmt = (x) => Math.round(x).toLocaleString('en-US');
const fmt2 = (x) => x.toLocaleString('en-US', { maximumFractionDigits: 2 });
const fmt3 = (x) => x.toLocaleString('en-US', { maximumFractionDigits: 3 });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rng = (n) => new Uint8Array(randomBytes(n));

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

/** The i-th synthetic identifier of a stream (distinct for distinct i within a stream). */
function identifier(stream, i, next) {
  const tag = `${stream}${i.toString(36)}`;
  switch (i % 4) {
    case 0:
      // +1 555 01xx xxxx style numbers: fictional, unique per (stream, i).
      return psiItem('phone', `+1555${stream === 'a' ? 1 : 2}${String(i).padStart(9, '0')}`);
    case 1:
      return psiItem('email', `person.${tag}.${next() % 1000}@example.org`);
    case 2:
      return psiItem('handle', `telegram:user_${tag}`);
    default:
      return psiItem('wallet', `btc:bc1q${tag}${(next() >>> 0).toString(16).padStart(8, '0')}`);
  }
}

/** A's and B's sets: n each, the first overlap*n of B's are A's. */
function sets(n, overlap, seed) {
  const next = generator(seed + n);
  const mine = Array.from({ length: n }, (_, i) => identifier('a', i, next));
  const shared = Math.round(n * overlap);
  const theirs = [
    ...mine.slice(0, shared),
    ...Array.from({ length: n - shared }, (_, i) => identifier('b', i, next)),
  ];
  return { mine, theirs, shared };
}

function timed(work) {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = work();
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { value, wallMs, cpuMs: (used.user + used.system) / 1000 };
}

let sessionCounter = 0;
function session(mine, theirs, shared) {
  const id = `bench-${process.pid}-${++sessionCounter}`;
  const a = createPsiSession(id, rng);
  const b = createPsiSession(id, rng);
  const request = timed(() => psiRequest(a, mine, rng));
  const respond = timed(() => psiRespond(b, request.value.request, theirs, rng));
  const finish = timed(() => psiFinish(a, request.value.pending, respond.value));
  if (finish.value.intersection.length !== shared) {
    throw new Error(`found ${finish.value.intersection.length} in common, expected ${shared}`);
  }
  const bytes = JSON.stringify(request.value.request).length + JSON.stringify(respond.value).length;
  return { request, respond, finish, bytes };
}

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,10000' },
    runs: { type: 'string', default: '3' },
    'runs-large': { type: 'string', default: '1' },
    overlap: { type: 'string', default: '0.5' },
    seed: { type: 'string', default: '1' },
  },
});
const sizes = values.sizes.split(',').map(Number);
const runs = Number(values.runs);
const runsLarge = Number(values['runs-large']);
const overlap = Number(values.overlap);
const seed = Number(values.seed);

console.log(
  `# PSI — node ${process.version}, ${availableParallelism()} cores (one used), ` +
    `load average ${loadavg().map(fmt2).join(' ')}, overlap ${overlap * 100}%\n`,
);

// Warm-up (JIT, the curve's precomputed tables), untimed.
{
  const { mine, theirs, shared } = sets(100, overlap, seed + 7);
  session(mine, theirs, shared);
}

const results = [];
for (const n of sizes) {
  const { mine, theirs, shared } = sets(n, overlap, seed);
  const count = n <= 1000 ? runs : runsLarge;
  const all = [];
  for (let run = 0; run < count; run++) all.push(session(mine, theirs, shared));
  const pick = (round, kind) => median(all.map((r) => r[round][kind]));
  const result = {
    n,
    runs: count,
    shared,
    bytes: all[0].bytes,
    wall: {
      request: pick('request', 'wallMs'),
      respond: pick('respond', 'wallMs'),
      finish: pick('finish', 'wallMs'),
      total: median(all.map((r) => r.request.wallMs + r.respond.wallMs + r.finish.wallMs)),
      each: all.map((r) => r.request.wallMs + r.respond.wallMs + r.finish.wallMs),
    },
    cpu: {
      request: pick('request', 'cpuMs'),
      respond: pick('respond', 'cpuMs'),
      finish: pick('finish', 'cpuMs'),
      total: median(all.map((r) => r.request.cpuMs + r.respond.cpuMs + r.finish.cpuMs)),
    },
  };
  results.push(result);
  console.error(
    `${fmt(n)} vs ${fmt(n)}: ${count} run(s), total ${result.wall.each.map((t) => fmt2(t / 1000)).join(' · ')} s`,
  );
}

console.log(
  '| sets | runs | A: request | B: respond | A: finish | total (wall) | total (CPU) | messages |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const r of results) {
  const s = (ms) => `${fmt2(ms / 1000)} s`;
  console.log(
    `| ${fmt(r.n)} vs ${fmt(r.n)} | ${r.runs === 1 ? '1' : `median of ${r.runs}`} | ${s(r.wall.request)} | ${s(r.wall.respond)} | ${s(r.wall.finish)} | **${s(r.wall.total)}** | ${s(r.cpu.total)} | ${fmt2(r.bytes / 1e6)} MB |`,
  );
}
console.log('\nPer item (wall time; CPU time in brackets):\n');
console.log(
  '| sets | request, per A item | respond, per A + B item | finish, per B item | whole session, per item of one set |',
);
console.log('|---|---|---|---|---|');
for (const r of results) {
  const per = (kind, items) => `${fmt3(r.wall[kind] / items)} ms (${fmt3(r.cpu[kind] / items)})`;
  console.log(
    `| ${fmt(r.n)} vs ${fmt(r.n)} | ${per('request', r.n)} | ${per('respond', 2 * r.n)} | ${per('finish', r.n)} | **${per('total', r.n)}** |`,
  );
}
console.log(`\nload average at the end: ${loadavg().map(fmt2).join(' ')}`);
console.log(JSON.stringify({ overlap, results }));
