/**
 * The service under load, on loopback only (BENCHMARKS.md): items ingested through the HTTP API
 * and analysed by worker processes, on SQLite and on PostgreSQL, and the latency of
 * single-item requests while the workers are busy.
 *
 *   npm run build && node bench/service.mjs                        # SQLite, then PostgreSQL
 *   node bench/service.mjs --engines sqlite --items 20000
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node bench/service.mjs
 *
 * Per engine: `vigil serve --workers W` on a fresh database (SQLite file in a temp folder; a
 * fresh PostgreSQL database `vigil_bench` made with createdb), an admin and an API key made with
 * the CLI, then N corpus items POSTed in batches of 1,000 (4 in flight). Figures:
 *   - ingest: items per second accepted by POST /v1/items;
 *   - end to end: N / seconds from the first POST until every item is analysed and linked;
 *   - latency: the N items POSTed again under another source (N new items to analyse), then
 *     autocannon for 10 s of single-item POST /v1/items (each a new item, 8 connections) while
 *     the workers analyse them: p50, p99 (the jobs still waiting at the end are reported, to
 *     show the workers were busy throughout).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { generateCorpus } from '../dist/corpus/index.js';

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '20000' },
    workers: { type: 'string', default: '1' },
    engines: { type: 'string', default: 'sqlite,postgres' },
    'latency-seconds': { type: 'string', default: '10' },
  },
});
const N = Number(values.items);
const cli = new URL('../dist/cli/main.js', import.meta.url).pathname;
const PG_ADMIN = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const BATCH = 1000;
const IN_FLIGHT = 4;

function vigil(args, env) {
  return execFileSync(process.execPath, [cli, ...args], { encoding: 'utf8', env });
}

function serve(env, flags) {
  const child = spawn(
    process.execPath,
    [cli, 'serve', '--port', '0', '--workers', values.workers, '--log-level', 'silent', ...flags],
    { env, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const url = /running at (http:\/\/[^/\s]+)\//.exec(out)?.[1];
      if (url !== undefined) resolve({ child, url });
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
}

async function post(url, key, body) {
  const response = await fetch(`${url}/v1/items`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });
  if (response.status !== 202) throw new Error(`ingest: HTTP ${response.status}`);
  await response.arrayBuffer();
}

async function counts(url, key) {
  const response = await fetch(`${url}/v1/jobs/counts`, {
    headers: { authorization: `Bearer ${key}` },
  });
  return response.json();
}

/** Until no analyze job waits or runs (the link run that follows may still be going). */
async function analysed(url, key) {
  const pending = async (state) => {
    const response = await fetch(`${url}/v1/jobs?kind=analyze&state=${state}&limit=1`, {
      headers: { authorization: `Bearer ${key}` },
    });
    return ((await response.json()).items ?? []).length;
  };
  for (;;) {
    if ((await pending('ready')) + (await pending('running')) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function analysedAll(url, key) {
  for (;;) {
    const c = await counts(url, key);
    if (c.ready === 0 && c.running === 0) return c;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function latency(url, key, seconds) {
  let n = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `${url}/v1/items`,
        method: 'POST',
        connections: 8,
        duration: seconds,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        requests: [
          {
            setupRequest(request) {
              request.body = JSON.stringify({
                source: 'latency',
                items: [{ id: `l-${n++}`, body: `Garden work, text 212-555-01${n % 100} today.` }],
              });
              return request;
            },
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

async function run(engine) {
  // The load comes from one API key: the default rate limit (600 a minute) would refuse it.
  const env = { ...process.env, VIGIL_RATE_LIMIT_MAX: '1000000' };
  const flags = [];
  if (engine === 'postgres') {
    const admin = new URL(PG_ADMIN);
    const args = [
      '-h',
      admin.hostname,
      '-p',
      admin.port || '5432',
      '-U',
      admin.username || 'postgres',
    ];
    execFileSync('dropdb', [...args, '--if-exists', 'vigil_bench']);
    execFileSync('createdb', [...args, 'vigil_bench']);
    admin.pathname = '/vigil_bench';
    env.VIGIL_DATABASE_URL = admin.toString();
  } else {
    delete env.VIGIL_DATABASE_URL;
    flags.push('--data-dir', mkdtempSync(join(tmpdir(), 'vigil-bench-service-')));
  }
  vigil(
    ['user', 'add', '--email', 'bench@example.org', '--name', 'Bench', '--role', 'admin', ...flags],
    env,
  );
  const key = /(vgl_\S+)/.exec(
    vigil(['apikey', 'create', '--email', 'bench@example.org', ...flags], env),
  )[1];
  const { child, url } = await serve(env, flags);
  try {
    const batches = [];
    let batch = [];
    for (const record of generateCorpus({ n: N, seed: 7 })) {
      batch.push(record.item);
      if (batch.length === BATCH) {
        batches.push(batch);
        batch = [];
      }
    }
    if (batch.length > 0) batches.push(batch);

    const ingestAll = async (list, source) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: IN_FLIGHT }, async () => {
          while (next < list.length) {
            const items = list[next++];
            await post(url, key, { source, items });
          }
        }),
      );
    };
    // 1. Throughput: every batch in, then until every item is analysed and linked.
    const started = performance.now();
    await ingestAll(batches, 'bench');
    const ingested = performance.now();
    await analysed(url, key);
    const analysedAt = performance.now();
    await analysedAll(url, key);
    const done = performance.now();
    // 2. Latency while the workers are busy: the same items again under another source (new
    //    items to analyse), then single-item requests while they are analysed.
    await ingestAll(batches, 'bench-again');
    const cannon = await latency(url, key, Number(values['latency-seconds']));
    const busy = await counts(url, key);
    await analysedAll(url, key);
    const c = await counts(url, key);
    return {
      engine,
      items: N,
      workers: Number(values.workers),
      ingestItemsPerSecond: Math.round(N / ((ingested - started) / 1000)),
      analysedItemsPerSecond: Math.round(N / ((analysedAt - started) / 1000)),
      endToEndItemsPerSecond: Math.round(N / ((done - started) / 1000)),
      endToEndSeconds: +((done - started) / 1000).toFixed(1),
      singleItemRequests: cannon.requests.total,
      latencyMs: { p50: cannon.latency.p50, p99: cannon.latency.p99, max: cannon.latency.max },
      errors: cannon.errors + cannon.non2xx,
      jobsWaitingAfterLatencyRun: busy.ready + busy.running,
      deadJobs: c.dead,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

const rows = [];
for (const engine of values.engines.split(',')) {
  const row = await run(engine);
  rows.push(row);
  console.log(JSON.stringify(row));
}
console.log(
  '\n| engine | items | ingest items/s | ingested and analysed items/s | with the link run too | single-item POST p50 / p99 ms (workers busy) |',
);
console.log('|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.engine} | ${r.items.toLocaleString('en-US')} | ${r.ingestItemsPerSecond.toLocaleString('en-US')} | ${r.analysedItemsPerSecond.toLocaleString('en-US')} | ${r.endToEndItemsPerSecond.toLocaleString('en-US')} (${r.endToEndSeconds} s) | ${r.latencyMs.p50} / ${r.latencyMs.p99} |`,
  );
}
console.log(JSON.stringify({ bench: 'service', rows }));
