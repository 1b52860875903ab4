/**
 * Templates and networks: quality against the synthetic corpus's ground truth, and time and
 * peak memory of `vigil scan --link` as the corpus grows (BENCHMARKS.md).
 *
 *   npm run build && node bench/link.mjs                      # 100k, 300k and 1M items
 *   node bench/link.mjs --sizes 20000                         # quick quality check
 *
 * Each size runs `vigil scan ITEMS --link --out DIR --workers 2` in its own process and reads
 * its statistics; `vigil scan` without --link on the same corpus gives the scan's own share, so
 * the linking cost is the difference. Quality is pairwise precision, recall, F1 and adjusted
 * Rand index (src/analyze/cluster-quality.ts):
 *   - templates of planted groups: items of planted trafficking networks and recruiters, against
 *     the template each was written from (a staffing hub's templates differ only in their
 *     titles, so they count with all items);
 *   - templates, all items: also benign ads that share stock texts (job, rental templates);
 *   - networks of planted trafficking networks and recruiters, of trafficking networks alone,
 *     and of all items against the planted group each belongs to (none for the rest). Staffing
 *     agencies are planted as the hub trap: their switchboard number is meant to be a hub and
 *     not to link, so on all items their ads count as wrongly split;
 *   - contamination: members of networks holding trafficking-network items that come from
 *     anywhere else.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { clusterQuality } from '../dist/analyze/cluster-quality.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100000,300000,1000000' },
    dir: { type: 'string', default: '.vigil/bench' },
    workers: { type: 'string', default: '2' },
  },
});
const sizes = values.sizes.split(',').map(Number);
const cli = new URL('../dist/cli/main.js', import.meta.url).pathname;
const node = process.execPath;

function corpus(size) {
  const dir = join(values.dir, `corpus-${size}`);
  if (!existsSync(join(dir, 'items.jsonl'))) {
    mkdirSync(dir, { recursive: true });
    execFileSync(node, [cli, 'corpus', '--n', String(size), '--seed', '1', '--out', dir], {
      stdio: 'inherit',
    });
  }
  return dir;
}

function scan(items, out, link) {
  const stats = join(values.dir, 'link-stats.json');
  const args = [cli, 'scan', items, '--quiet', '--workers', values.workers, '--stats', stats];
  if (link) args.push('--link', '--out', out);
  else args.push('--out', '/dev/null');
  const started = performance.now();
  execFileSync(node, args, { stdio: 'inherit' });
  const seconds = (performance.now() - started) / 1000;
  const { maxRssBytes } = JSON.parse(readFileSync(stats, 'utf8'));
  return { seconds, peakRssMiB: Math.round(maxRssBytes / 2 ** 20) };
}

async function* lines(path) {
  yield* createInterface({ input: createReadStream(path), crlfDelay: Infinity });
}

const LEADING =
  /^\{"id":("(?:[^"\\]|\\.)*")(?:,"template":("(?:[^"\\]|\\.)*"))?(?:,"network":("(?:[^"\\]|\\.)*"))?/;

async function quality(dir, out) {
  const truth = new Map();
  for await (const line of lines(join(dir, 'truth.jsonl'))) {
    if (line !== '') {
      const t = JSON.parse(line);
      truth.set(t.id, t);
    }
  }
  const template = new Map();
  const network = new Map();
  for await (const line of lines(join(out, 'results.jsonl'))) {
    const m = LEADING.exec(line);
    if (m === null) continue;
    const id = JSON.parse(m[1]);
    if (m[2] !== undefined) template.set(id, JSON.parse(m[2]));
    if (m[3] !== undefined) network.set(id, JSON.parse(m[3]));
  }
  const all = [...truth.keys()];
  const planted = all.filter((id) => /^(net|scam)-/.test(truth.get(id).network ?? ''));
  const networksOnly = all.filter((id) => /^net-/.test(truth.get(id).network ?? ''));
  const scamsOnly = all.filter((id) => /^scam-/.test(truth.get(id).network ?? ''));
  const round = (q) => ({
    precision: +q.precision.toFixed(4),
    recall: +q.recall.toFixed(4),
    f1: +q.f1.toFixed(4),
    adjustedRand: +q.adjustedRand.toFixed(4),
  });
  return {
    templatesPlanted: round(
      clusterQuality(
        planted,
        (id) => template.get(id),
        (id) => truth.get(id).template,
      ),
    ),
    templatesNetworks: round(
      clusterQuality(
        networksOnly,
        (id) => template.get(id),
        (id) => truth.get(id).template,
      ),
    ),
    templatesRecruiters: round(
      clusterQuality(
        scamsOnly,
        (id) => template.get(id),
        (id) => truth.get(id).template,
      ),
    ),
    templatesAll: round(
      clusterQuality(
        all,
        (id) => template.get(id),
        (id) => truth.get(id).template,
      ),
    ),
    networksPlanted: round(
      clusterQuality(
        planted,
        (id) => network.get(id),
        (id) => truth.get(id).network,
      ),
    ),
    networksTrafficking: round(
      clusterQuality(
        networksOnly,
        (id) => network.get(id),
        (id) => truth.get(id).network,
      ),
    ),
    networks: round(
      clusterQuality(
        all,
        (id) => network.get(id),
        (id) => truth.get(id).network,
      ),
    ),
    contamination: contamination(all, truth, network),
  };
}

/**
 * Of the items in found networks that hold planted trafficking-network items, the share that
 * come from anywhere else (another planted group, or a benign advertiser).
 */
function contamination(all, truth, network) {
  const members = new Map();
  for (const id of all) {
    const n = network.get(id);
    if (n === undefined) continue;
    const list = members.get(n) ?? [];
    list.push(truth.get(id).network ?? '');
    members.set(n, list);
  }
  let inside = 0;
  let outside = 0;
  for (const groups of members.values()) {
    const counts = new Map();
    for (const g of groups) if (g.startsWith('net-')) counts.set(g, (counts.get(g) ?? 0) + 1);
    if (counts.size === 0) continue;
    const main = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
    for (const g of groups) {
      if (g === main) inside++;
      else outside++;
    }
  }
  return +(outside / Math.max(1, inside + outside)).toFixed(4);
}

const rows = [];
for (const size of sizes) {
  const dir = corpus(size);
  const items = join(dir, 'items.jsonl');
  const out = join(values.dir, `linked-${size}`);
  rmSync(out, { recursive: true, force: true });
  const plain = scan(items, out, false);
  const linked = scan(items, out, true);
  const q = await quality(dir, out);
  const row = {
    items: size,
    scanSeconds: +plain.seconds.toFixed(1),
    linkedSeconds: +linked.seconds.toFixed(1),
    linkingSeconds: +(linked.seconds - plain.seconds).toFixed(1),
    peakRssMiB: linked.peakRssMiB,
    ...q,
  };
  rows.push(row);
  console.error(JSON.stringify(row));
}

console.log('| items | scan s | scan --link s | linking share s | peak RSS MiB |');
console.log('|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.items.toLocaleString('en-US')} | ${r.scanSeconds} | ${r.linkedSeconds} | ${r.linkingSeconds} | ${r.peakRssMiB} |`,
  );
}
console.log('\n| items | quality | precision | recall | F1 | ARI |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) {
  for (const [name, q] of [
    ['templates, planted groups', r.templatesPlanted],
    ['templates, trafficking networks', r.templatesNetworks],
    ['templates, scam recruiters', r.templatesRecruiters],
    ['templates, all items', r.templatesAll],
    ['networks, planted groups', r.networksPlanted],
    ['networks, trafficking networks', r.networksTrafficking],
    ['networks, all items (staffing hubs split by design)', r.networks],
  ]) {
    console.log(
      `| ${r.items.toLocaleString('en-US')} | ${name} | ${q.precision} | ${q.recall} | ${q.f1} | ${q.adjustedRand} |`,
    );
  }
}
console.log('\n| items | members of trafficking networks from elsewhere |');
console.log('|---|---|');
for (const r of rows) {
  console.log(`| ${r.items.toLocaleString('en-US')} | ${(r.contamination * 100).toFixed(2)}% |`);
}
console.log(JSON.stringify({ bench: 'link', rows }));
