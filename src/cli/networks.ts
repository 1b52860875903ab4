/**
 * `vigil networks DIR`: reads what `vigil scan --link` wrote (networks.jsonl, templates.jsonl,
 * hubs.jsonl), prints the riskiest networks and writes the HTML network report.
 */
import { createReadStream } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Network, Template } from '../analyze/link-types.js';
import { VigilError } from '../shared/errors.js';
import { type NetworkReportItem, renderNetworksHtml } from './networks-html.js';

export interface NetworksOptions {
  readonly dir: string;
  readonly report?: string;
  readonly top: number;
  readonly now: () => number;
}

type StoredNetwork = Network & { readonly items?: readonly NetworkReportItem[] };

async function readJsonl<T>(path: string, required: boolean): Promise<T[]> {
  const exists = await stat(path).then(
    (info) => info.isFile(),
    () => false,
  );
  if (!exists) {
    if (!required) return [];
    throw new VigilError(
      'LINK_RESULTS_INVALID',
      `${path} is missing: give the folder that "vigil scan --link --out FOLDER" wrote.`,
    );
  }
  const rows: T[] = [];
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    try {
      rows.push(JSON.parse(line) as T);
    } catch (error) {
      throw new VigilError('LINK_RESULTS_INVALID', `${path}:${n} is not valid JSON.`, {
        cause: error,
      });
    }
  }
  return rows;
}

export async function runNetworks(
  options: NetworksOptions,
): Promise<{ readonly lines: string[]; readonly networks: number }> {
  const networks = await readJsonl<StoredNetwork>(join(options.dir, 'networks.jsonl'), true);
  const templates = await readJsonl<Template>(join(options.dir, 'templates.jsonl'), true);
  const hubs = await readJsonl<{ identifier: string; items: number; templates: number }>(
    join(options.dir, 'hubs.jsonl'),
    false,
  );
  const [summary] = await readJsonl<{ items?: number; options?: Record<string, number> }>(
    join(options.dir, 'summary.json'),
    false,
  );
  for (const network of networks) {
    if (typeof network.id !== 'string' || !Array.isArray(network.members)) {
      throw new VigilError(
        'LINK_RESULTS_INVALID',
        'networks.jsonl holds a line that is not a network; write the folder again with vigil scan --link.',
      );
    }
  }
  const sorted = [...networks].sort((a, b) => b.risk - a.risk || a.id.localeCompare(b.id));
  const items = new Map<string, NetworkReportItem>();
  for (const network of sorted) for (const item of network.items ?? []) items.set(item.id, item);

  if (options.report !== undefined) {
    const html = renderNetworksHtml({
      networks: sorted,
      templates: new Map(templates.map((t) => [t.id, t])),
      items,
      hubs,
      meta: {
        generatedAt: new Date(options.now()).toISOString(),
        input: options.dir,
        totalItems: summary?.items ?? items.size,
        options: summary?.options ?? {},
      },
    });
    try {
      await writeFile(options.report, html);
    } catch (error) {
      throw new VigilError('OUTPUT_UNWRITABLE', `Cannot write "${options.report}".`, {
        cause: error,
      });
    }
  }
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  const lines = sorted.slice(0, options.top).map((network) => {
    const f = network.features;
    return `${network.id}  risk ${pct(network.risk)}  ${f.items} items, ${f.phones} phones, ${f.cities} cities, ${f.spanDays} days — ${network.explanation[0] ?? ''}`;
  });
  return { lines, networks: networks.length };
}
