#!/usr/bin/env node
// Scan throughput and peak memory on generated corpora (BENCHMARKS.md).
//
//   npm run bench                      # 1,000,000 items once; 100,000 items 3 times per setting
//   node bench/scan.mjs --n 200000 --runs 1
//
// Machines are shared and noisy: each configuration runs several times and the median is
// reported, and the comparisons that matter (workers, corpus size) are ratios within one run.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '3' },
    dir: { type: 'string', default: '.vigil/bench' },
  },
});
const n = Number(values.n);
const runs = Number(values.runs);
const cli = new URL('../dist/cli/main.js', import.meta.url).pathname;
const node = process.execPath;

function corpus(size) {
  const dir = join(values.dir, `corpus-${size}`);
  const items = join(dir, 'items.jsonl');
  if (!existsSync(items)) {
    mkdirSync(dir, { recursive: true });
    const t = Date.now();
    execFileSync(node, [cli, 'corpus', '--n', String(size), '--seed', '1', '--out', dir], {
      stdio: 'inherit',
    });
    console.error(`generated ${size} items in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
  return items;
}

function scan(items, workers) {
  const stats = join(values.dir, 'stats.json');
  execFileSync(
    node,
    [
      cli,
      'scan',
      items,
      '--out',
      '/dev/null',
      '--quiet',
      '--workers',
      String(workers),
      '--stats',
      stats,
    ],
    { stdio: 'inherit' },
  );
  return JSON.parse(readFileSync(stats, 'utf8'));
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const cores = availableParallelism();
const tenth = Math.max(1000, Math.round(n / 10));
const big = corpus(n);
const small = corpus(tenth);
const fmt = (x) => x.toLocaleString('en-US');
// The large corpus runs once (it shows memory at scale); the comparisons run `runs` times.
const configs = [
  { label: `${fmt(n)} items, ${cores} workers`, items: big, workers: cores, runs: 1 },
  { label: `${fmt(tenth)} items, ${cores} workers`, items: small, workers: cores, runs },
  { label: `${fmt(tenth)} items, 1 worker`, items: small, workers: 1, runs },
];
const rows = [];
for (const config of configs) {
  const results = [];
  for (let i = 0; i < config.runs; i++) results.push(scan(config.items, config.workers));
  rows.push({
    ...config,
    itemsPerSecond: median(results.map((r) => r.itemsPerSecond)),
    rssMiB: median(results.map((r) => r.maxRssBytes / 2 ** 20)),
  });
  console.error(
    `${config.label}: ${fmt(rows.at(-1).itemsPerSecond)} items/s, ${rows.at(-1).rssMiB.toFixed(0)} MiB`,
  );
}
console.log(
  '\n| configuration | runs | items/s (median) | peak RSS (MiB, median) |\n|---|---|---|---|',
);
for (const r of rows)
  console.log(`| ${r.label} | ${r.runs} | ${fmt(r.itemsPerSecond)} | ${r.rssMiB.toFixed(0)} |`);
console.log(
  `\n${cores} workers vs 1 on ${fmt(tenth)} items: ${(rows[1].itemsPerSecond / rows[2].itemsPerSecond).toFixed(2)}x; ` +
    `peak RSS on ${fmt(n)} vs ${fmt(tenth)} items: ${(rows[0].rssMiB / rows[1].rssMiB).toFixed(2)}x`,
);
console.log(`node ${process.version}, ${cores} cores`);
