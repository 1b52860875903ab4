#!/usr/bin/env node
// Scan throughput and peak memory on generated corpora (BENCHMARKS.md).
//
//   npm run bench                      # 1,000,000 items, 3 runs each
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
const big = corpus(n);
const small = corpus(Math.max(1000, Math.round(n / 10)));
const configs = [
  { label: `${n.toLocaleString('en-US')} items, ${cores} workers`, items: big, workers: cores },
  { label: `${n.toLocaleString('en-US')} items, 1 worker`, items: big, workers: 1 },
  {
    label: `${Math.round(n / 10).toLocaleString('en-US')} items, ${cores} workers`,
    items: small,
    workers: cores,
  },
];
const rows = [];
for (const config of configs) {
  const results = [];
  for (let i = 0; i < runs; i++) results.push(scan(config.items, config.workers));
  rows.push({
    ...config,
    itemsPerSecond: median(results.map((r) => r.itemsPerSecond)),
    rssMiB: median(results.map((r) => r.maxRssBytes / 2 ** 20)),
    items: results[0].items,
  });
  console.error(
    `${config.label}: ${rows.at(-1).itemsPerSecond} items/s, ${rows.at(-1).rssMiB.toFixed(0)} MiB`,
  );
}
console.log(`\n| configuration | items/s (median of ${runs}) | peak RSS (MiB) |\n|---|---|---|`);
for (const r of rows)
  console.log(
    `| ${r.label} | ${r.itemsPerSecond.toLocaleString('en-US')} | ${r.rssMiB.toFixed(0)} |`,
  );
console.log(
  `\nworkers ${cores} vs 1: ${(rows[0].itemsPerSecond / rows[1].itemsPerSecond).toFixed(2)}x; ` +
    `peak RSS ${n.toLocaleString('en-US')} vs ${Math.round(n / 10).toLocaleString('en-US')} items: ${(rows[0].rssMiB / rows[2].rssMiB).toFixed(2)}x`,
);
console.log(`node ${process.version}, ${cores} cores`);
