/**
 * Networks (items linked through shared identifiers and templates), riskiest first; the
 * network explorer (a graph of items and their identifiers, the circuit of posts by city over
 * time, the templates and the risk with its explanation); and one template.
 *
 * The network object holds ids only (members, identifiers, templates). The explorer loads the
 * members with GET /v1/items?network=<id> (paged) for their titles, cities, posting times and
 * risk, and derives each item's identifiers from its analysis the way linking does
 * (src/analyze/link-item.ts, identifiersOf), keeping those of the network: the graph's edges.
 */
import Graph from 'graphology';
import { type ReactNode, type RefObject, useMemo, useRef, useState } from 'react';
import { api, must, type paths } from '../api/client.js';
import { useAction, useQuery } from '../api/hooks.js';
import { href, navigate } from '../router.js';
import { type GraphHandle, type GraphNodeAttributes, GraphView } from '../ui/graph.js';
import {
  ActionError,
  Badge,
  bandTone,
  Empty,
  ErrorState,
  Field,
  Loading,
  MoreButton,
  Page,
  Time,
  View,
} from '../ui/kit.js';
import { OpenCaseButton, OpenCaseForm } from './case-open.js';
import './networks.css';

type Json<P extends keyof paths> = paths[P] extends {
  get: { responses: { 200: { content: { 'application/json': infer T } } } };
}
  ? T
  : never;

type Network = Json<'/v1/networks/{id}'>;
type NetworkPage = Json<'/v1/networks'>;
type Template = Json<'/v1/templates/{id}'>;
type ItemRecord = Json<'/v1/items'>['items'][number];
type TemplatePart = NonNullable<Template['parts']>[number];

const PAGE = 50;
/** Items of one network loaded for the explorer, at most (pages of 500). */
const MAX_ITEMS = 10_000;
const ITEM_PAGE = 500;

// ---- Shared pieces -----------------------------------------------------------------------

/** The analysis bands (src/analyze/score.ts): medium from 0.4, high from 0.7. */
function bandOf(risk: number): 'low' | 'medium' | 'high' {
  return risk >= 0.7 ? 'high' : risk >= 0.4 ? 'medium' : 'low';
}

function RiskBadge(props: { readonly risk: number | undefined; readonly band?: string }) {
  if (props.risk === undefined) return <span className="muted">not analysed</span>;
  const band = props.band ?? bandOf(props.risk);
  return (
    <Badge tone={bandTone(band)}>
      {band} {props.risk.toFixed(2)}
    </Badge>
  );
}

/** Distinct cities of a circuit, in order of first appearance. */
function citiesOf(network: Network): string[] {
  return [...new Set(network.features.circuit.map((stop) => stop.city))];
}

const percent = (share: number) => `${Math.round(share * 100)}%`;
const count = (n: number) => n.toLocaleString('en-GB');

/**
 * A paged listing: the first page is a query (reloaded when `key` changes), "More" appends the
 * next pages; appended pages are dropped when the key changes.
 */
function usePaged<T>(
  key: string,
  load: (cursor: string | undefined) => Promise<{ items: T[]; next?: string }>,
) {
  const first = useQuery(() => load(undefined), [key]);
  const [more, setMore] = useState<{ key: string; items: T[]; next?: string } | undefined>();
  const extra = more?.key === key ? more : undefined;
  const action = useAction(async (cursor: string) => {
    const page = await load(cursor);
    setMore((prev) => ({
      key,
      items: [...(prev?.key === key ? prev.items : []), ...page.items],
      ...(page.next !== undefined && { next: page.next }),
    }));
  });
  const result = first.result;
  const rows =
    result.state === 'ready' ? [...result.data.items, ...(extra?.items ?? [])] : ([] as T[]);
  const next =
    result.state === 'ready' ? (extra !== undefined ? extra.next : result.data.next) : undefined;
  return { first, rows, next, more: action };
}

// ---- Networks ----------------------------------------------------------------------------

const MIN_RISK_OPTIONS: readonly { readonly value: string; readonly label: string }[] = [
  { value: '', label: 'Any risk' },
  { value: '0.4', label: 'Medium and high (0.40 or more)' },
  { value: '0.7', label: 'High (0.70 or more)' },
  { value: '0.9', label: 'Very high (0.90 or more)' },
];

export function NetworksScreen() {
  const [minRisk, setMinRisk] = useState('');
  const paged = usePaged<NetworkPage['items'][number]>(minRisk, async (cursor) =>
    must(
      await api.GET('/v1/networks', {
        params: {
          query: {
            limit: PAGE,
            ...(minRisk !== '' && { minRisk: Number(minRisk) }),
            ...(cursor !== undefined && { cursor }),
          },
        },
      }),
    ),
  );

  return (
    <Page title="Networks">
      <div className="list-filters">
        <Field label="Minimum risk" id="networks-min-risk">
          <select
            id="networks-min-risk"
            value={minRisk}
            onChange={(event) => setMinRisk(event.target.value)}
          >
            {MIN_RISK_OPTIONS.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <View result={paged.first.result} retry={paged.first.reload} rows={8}>
        {() =>
          paged.rows.length === 0 ? (
            <Empty>
              <p>
                {minRisk === ''
                  ? 'No networks yet. Networks appear once analysed items are linked through shared identifiers or templates.'
                  : 'No network reaches this risk. Lower the minimum risk to see more.'}
              </p>
            </Empty>
          ) : (
            <>
              <div className="table-scroll">
                <table className="networks-table">
                  <caption className="visually-hidden">
                    Networks, riskiest first ({paged.rows.length} shown)
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">Network</th>
                      <th scope="col">Risk</th>
                      <th scope="col">Items</th>
                      <th scope="col">Identifiers</th>
                      <th scope="col">Cities</th>
                      <th scope="col">First post</th>
                      <th scope="col">Last post</th>
                    </tr>
                  </thead>
                  <tbody>
                    {paged.rows.map((network) => (
                      <NetworkRow key={network.id} network={network} />
                    ))}
                  </tbody>
                </table>
              </div>
              <ActionError error={paged.more.error} />
              <MoreButton
                next={paged.next}
                pending={paged.more.pending}
                onMore={(cursor) => void paged.more.act(cursor)}
              />
            </>
          )
        }
      </View>
    </Page>
  );
}

function NetworkRow(props: { readonly network: Network }) {
  const { network } = props;
  const cities = citiesOf(network);
  const shown = cities.slice(0, 3);
  return (
    <tr>
      <td>
        <a href={href('networks', network.id)} className="mono">
          {network.id}
        </a>
      </td>
      <td>
        <RiskBadge risk={network.risk} />
      </td>
      <td>{count(network.features.items)}</td>
      <td>{count(network.identifiers.length)}</td>
      <td>
        {cities.length === 0 ? (
          <span className="muted">—</span>
        ) : (
          <>
            {shown.join(', ')}
            {cities.length > shown.length && (
              <span className="muted"> and {cities.length - shown.length} more</span>
            )}
          </>
        )}
      </td>
      <td>
        <Time at={network.features.firstPosted} />
      </td>
      <td>
        <Time at={network.features.lastPosted} />
      </td>
    </tr>
  );
}

// ---- The network explorer ----------------------------------------------------------------

/** What the explorer keeps of each member item. */
interface NetItem {
  readonly id: string;
  readonly title?: string;
  readonly city?: string;
  readonly postedAt?: number;
  readonly risk?: number;
  readonly band?: string;
  readonly identifiers: readonly string[];
}

type Loose = Record<string, unknown>;
const records = (value: unknown): Loose[] =>
  Array.isArray(value) ? value.filter((v): v is Loose => typeof v === 'object' && v !== null) : [];
const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/** The item's identifiers, normalized as linking does (src/analyze/link-item.ts). */
function identifiersOf(record: ItemRecord): string[] {
  const ids = new Set<string>();
  const analysis = record.analysis as Loose | undefined;
  const entities = (analysis?.entities ?? {}) as Loose;
  for (const p of records(entities.phones)) {
    const e164 = str(p.e164);
    if (e164) ids.add(`phone:${e164}`);
  }
  for (const e of records(entities.emails)) {
    const value = str(e.value);
    if (value) ids.add(`email:${value.toLowerCase()}`);
  }
  for (const h of records(entities.handles)) {
    const platform = str(h.platform);
    const handle = str(h.handle);
    if (platform && handle) ids.add(`handle:${platform}:${handle.toLowerCase()}`);
  }
  for (const w of records(entities.wallets)) {
    const chain = str(w.chain);
    const address = str(w.address);
    if (chain && address) ids.add(`wallet:${chain}:${address}`);
  }
  for (const o of records(entities.onions)) {
    const address = str(o.address);
    if (address) ids.add(`onion:${address.toLowerCase()}`);
  }
  for (const image of record.item.images ?? []) ids.add(`image:${image}`);
  return [...ids];
}

function compact(record: ItemRecord): NetItem {
  const posted =
    record.item.posted_at !== undefined ? Date.parse(record.item.posted_at) : Number.NaN;
  const title = record.item.title ?? record.item.body?.slice(0, 80);
  return {
    id: record.id,
    ...(title !== undefined && { title }),
    ...(record.item.location?.city !== undefined && { city: record.item.location.city }),
    ...(!Number.isNaN(posted) && { postedAt: posted }),
    ...(record.risk !== undefined && { risk: record.risk }),
    ...(record.band !== undefined && { band: record.band }),
    identifiers: identifiersOf(record),
  };
}

export function NetworkScreen(props: { readonly networkId: string }) {
  const { networkId } = props;
  const network = useQuery(
    async () => must(await api.GET('/v1/networks/{id}', { params: { path: { id: networkId } } })),
    [networkId],
  );
  const [opening, setOpening] = useState(false);
  return (
    <Page
      title="Network"
      actions={
        <>
          <a href={href('networks')}>All networks</a>
          <OpenCaseButton expanded={opening} onToggle={() => setOpening((was) => !was)} />
        </>
      }
    >
      {opening && <OpenCaseForm networkId={networkId} onCancel={() => setOpening(false)} />}
      <View result={network.result} retry={network.reload} rows={10}>
        {(data) => <Explorer network={data} />}
      </View>
    </Page>
  );
}

function Explorer(props: { readonly network: Network }) {
  const { network } = props;
  const [progress, setProgress] = useState(0);
  const current = useRef(network.id);
  current.current = network.id;
  const items = useQuery(async () => {
    const id = network.id;
    const out: NetItem[] = [];
    let cursor: string | undefined;
    setProgress(0);
    do {
      const page = must(
        await api.GET('/v1/items', {
          params: {
            query: { network: id, limit: ITEM_PAGE, ...(cursor !== undefined && { cursor }) },
          },
        }),
      );
      for (const record of page.items) out.push(compact(record));
      if (current.current === id) setProgress(out.length);
      cursor = page.next;
    } while (cursor !== undefined && out.length < MAX_ITEMS);
    return { items: out, truncated: cursor !== undefined };
  }, [network.id]);

  const f = network.features;
  return (
    <div className="explorer">
      <section className="panel summary" aria-labelledby="summary-heading">
        <h2 id="summary-heading" className="visually-hidden">
          Summary
        </h2>
        <dl className="facts">
          <div className="fact-wide">
            <dt>Network</dt>
            <dd className="mono">{network.id}</dd>
          </div>
          <div>
            <dt>Risk</dt>
            <dd>
              <RiskBadge risk={network.risk} />
            </dd>
          </div>
          <div>
            <dt>Items</dt>
            <dd>{count(f.items)}</dd>
          </div>
          <div>
            <dt>Identifiers</dt>
            <dd>{count(network.identifiers.length)}</dd>
          </div>
          <div>
            <dt>Cities</dt>
            <dd>{count(f.cities)}</dd>
          </div>
          <div>
            <dt>First post</dt>
            <dd>
              <Time at={f.firstPosted} />
            </dd>
          </div>
          <div>
            <dt>Last post</dt>
            <dd>
              <Time at={f.lastPosted} />
            </dd>
          </div>
        </dl>
      </section>

      <section aria-labelledby="graph-heading" className="explorer-section">
        <h2 id="graph-heading">Graph of items and identifiers</h2>
        {items.result.state === 'ready' ? (
          <NetworkGraph
            network={network}
            items={items.result.data.items}
            truncated={items.result.data.truncated}
          />
        ) : items.result.state === 'error' ? (
          <div className="graph-placeholder">
            <ErrorState error={items.result.error} retry={items.reload} />
          </div>
        ) : (
          <div className="graph-placeholder">
            <Loading
              rows={6}
              label={`Loading the network's items (${count(progress)} of ${count(f.items)})…`}
            />
            <p className="muted" aria-hidden="true">
              Loading items: {count(progress)} of {count(f.items)}
            </p>
          </div>
        )}
      </section>

      <section aria-labelledby="timeline-heading" className="panel explorer-section">
        <h2 id="timeline-heading">Circuit: posts by city over time</h2>
        {items.result.state === 'ready' ? (
          <CircuitTimeline network={network} items={items.result.data.items} />
        ) : items.result.state === 'error' ? (
          <ErrorState error={items.result.error} retry={items.reload} />
        ) : (
          <Loading rows={Math.min(8, Math.max(2, f.cities + 1))} label="Loading the posts…" />
        )}
      </section>

      <section aria-labelledby="templates-heading" className="panel explorer-section">
        <h2 id="templates-heading">Templates</h2>
        <NetworkTemplates ids={network.templates} />
      </section>

      <section aria-labelledby="risk-heading" className="panel explorer-section">
        <h2 id="risk-heading">Risk and features</h2>
        <RiskDetails network={network} />
      </section>
    </div>
  );
}

// ---- The graph ---------------------------------------------------------------------------

type NodeKind = 'item' | 'phone' | 'email' | 'handle' | 'wallet' | 'media' | 'other';

const KINDS: readonly {
  readonly kind: NodeKind;
  readonly label: string;
  readonly color: string;
}[] = [
  { kind: 'item', label: 'Item (ad)', color: '#1d4ed8' },
  { kind: 'phone', label: 'Phone', color: '#b91c1c' },
  { kind: 'email', label: 'Email', color: '#7c3aed' },
  { kind: 'handle', label: 'Handle', color: '#047857' },
  { kind: 'wallet', label: 'Wallet', color: '#b45309' },
  { kind: 'media', label: 'URL or image', color: '#0e7490' },
  { kind: 'other', label: 'Other identifier', color: '#4b5563' },
];
const KIND_LABEL = new Map(KINDS.map((k) => [k.kind, k.label]));
const KIND_COLOR = new Map(KINDS.map((k) => [k.kind, k.color]));

function kindOf(identifier: string): NodeKind {
  const prefix = identifier.slice(0, identifier.indexOf(':'));
  switch (prefix) {
    case 'phone':
    case 'email':
    case 'handle':
    case 'wallet':
      return prefix;
    case 'url':
    case 'image':
      return 'media';
    default:
      return 'other';
  }
}

/** "phone:+12125550147" → "+12125550147". */
function identifierValue(identifier: string): string {
  const colon = identifier.indexOf(':');
  return colon < 0 ? identifier : identifier.slice(colon + 1);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** One node as the accessible list shows it. */
interface ListedNode {
  readonly key: string;
  readonly kind: NodeKind;
  readonly label: string;
  readonly detail: string;
  readonly href: string;
  readonly search: string;
  readonly rank: number;
}

/** A stable pseudo-random number in [0, 1) from a string (initial positions). */
function hash01(text: string, seed: number): number {
  let h = 2166136261 ^ seed;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return ((h >>> 0) % 100_000) / 100_000;
}

function buildGraph(network: Network, items: readonly NetItem[]) {
  const graph = new Graph<GraphNodeAttributes>({
    type: 'undirected',
    multi: false,
    allowSelfLoops: false,
  });
  const listed: ListedNode[] = [];
  const spread = Math.sqrt(network.members.length + network.identifiers.length) * 10;
  const place = (key: string) => {
    const angle = hash01(key, 1) * 2 * Math.PI;
    const radius = Math.sqrt(hash01(key, 2)) * spread;
    return { x: Math.cos(angle) * radius, y: Math.sin(angle) * radius };
  };
  const linking = new Set(network.identifiers);
  // Sizes are screen pixels: smaller nodes when there are thousands, so they do not cover one another.
  const total = network.members.length + network.identifiers.length;
  const scale = total > 2000 ? 0.45 : total > 600 ? 0.7 : 1;
  const sized = (size: number) => Math.max(1.5, size * scale);
  for (const identifier of network.identifiers) {
    const kind = kindOf(identifier);
    graph.addNode(`d:${identifier}`, {
      ...place(identifier),
      size: 3,
      color: KIND_COLOR.get(kind) ?? '#4b5563',
      label: truncate(identifierValue(identifier), 28),
      kind,
      target: identifier,
    });
  }
  const byId = new Map(items.map((item) => [item.id, item]));
  for (const id of network.members) {
    const item = byId.get(id);
    const key = `i:${id}`;
    const title = item?.title ?? id;
    graph.addNode(key, {
      ...place(id),
      size: sized(3 + (item?.risk ?? 0) * 9),
      color: KIND_COLOR.get('item') ?? '#1d4ed8',
      label: truncate(title, 30),
      kind: 'item',
      target: id,
    });
    for (const identifier of item?.identifiers ?? []) {
      if (linking.has(identifier)) graph.mergeEdge(key, `d:${identifier}`, { size: 0.6 });
    }
    listed.push({
      key,
      kind: 'item',
      label: truncate(title, 90),
      detail:
        item?.risk !== undefined
          ? `risk ${item.risk.toFixed(2)}${item.city !== undefined ? `, ${item.city}` : ''}`
          : (item?.city ?? 'not loaded'),
      href: href('items', id),
      search: `${title} ${id} ${item?.city ?? ''}`.toLowerCase(),
      rank: 1 - (item?.risk ?? 0),
    });
  }
  for (const identifier of network.identifiers) {
    const key = `d:${identifier}`;
    const degree = graph.degree(key);
    graph.setNodeAttribute(key, 'size', sized(3 + Math.min(7, Math.log2(1 + degree) * 1.6)));
    const kind = kindOf(identifier);
    listed.push({
      key,
      kind,
      label: identifierValue(identifier),
      detail: `${(KIND_LABEL.get(kind) ?? 'identifier').toLowerCase()}, in ${degree} item${degree === 1 ? '' : 's'}`,
      href: href('identifiers', identifier),
      search: identifier.toLowerCase(),
      rank: -degree,
    });
  }
  const order = new Map(KINDS.map((k, i) => [k.kind, i]));
  listed.sort(
    (a, b) =>
      (order.get(a.kind) ?? 9) - (order.get(b.kind) ?? 9) ||
      a.rank - b.rank ||
      a.label.localeCompare(b.label),
  );
  return { graph, listed };
}

function NetworkGraph(props: {
  readonly network: Network;
  readonly items: readonly NetItem[];
  readonly truncated: boolean;
}) {
  const { network, items } = props;
  const { graph, listed } = useMemo(() => buildGraph(network, items), [network, items]);
  const handle = useRef<GraphHandle>(null);
  const kinds = useMemo(() => {
    const present = new Set(listed.map((node) => node.kind));
    return KINDS.filter((k) => present.has(k.kind));
  }, [listed]);

  if (graph.order === 0) {
    return (
      <Empty>
        <p>This network has no members to draw.</p>
      </Empty>
    );
  }
  const itemCount = network.members.length;
  const identifierCount = network.identifiers.length;
  return (
    <div className="grid-2 graph-layout">
      <GraphView
        ref={handle}
        graph={graph}
        testId="network-graph"
        label={`Graph of the network: ${itemCount} items and ${identifierCount} identifiers, each item joined to the identifiers it contains. The same nodes are listed under Nodes.`}
        onNodeClick={(key) => {
          const target = graph.getNodeAttribute(key, 'target');
          if (typeof target !== 'string') return;
          if (key.startsWith('i:')) navigate('items', target);
          else navigate('identifiers', target);
        }}
      >
        <ul className="legend" aria-label="Legend">
          {kinds.map((k) => (
            <li key={k.kind}>
              <span className={`swatch swatch-${k.kind}`} aria-hidden="true" />
              {k.label}
            </li>
          ))}
          <li className="muted">Larger items: higher risk</li>
        </ul>
        {props.truncated && (
          <p className="muted">
            The network has more than {count(MAX_ITEMS)} items: only the first {count(items.length)}{' '}
            are joined to their identifiers.
          </p>
        )}
      </GraphView>
      <NodeList nodes={listed} kinds={kinds} handle={handle} />
    </div>
  );
}

const LIST_STEP = 100;

function NodeList(props: {
  readonly nodes: readonly ListedNode[];
  readonly kinds: readonly { readonly kind: NodeKind; readonly label: string }[];
  readonly handle: RefObject<GraphHandle | null>;
}) {
  const [query, setQuery] = useState('');
  const [kind, setKind] = useState<'' | NodeKind>('');
  const [limit, setLimit] = useState(LIST_STEP);
  const needle = query.trim().toLowerCase();
  const matches = useMemo(
    () =>
      props.nodes.filter(
        (node) =>
          (kind === '' || node.kind === kind) && (needle === '' || node.search.includes(needle)),
      ),
    [props.nodes, kind, needle],
  );
  const shown = matches.slice(0, limit);
  const highlight = (key: string | undefined) => props.handle.current?.highlight(key);

  return (
    <section className="panel node-panel" aria-labelledby="nodes-heading">
      <h3 id="nodes-heading">Nodes</h3>
      <div className="node-filters">
        <Field label="Search nodes" id="node-search">
          <input
            id="node-search"
            type="search"
            value={query}
            autoComplete="off"
            onChange={(event) => {
              setQuery(event.target.value);
              setLimit(LIST_STEP);
            }}
          />
        </Field>
        <Field label="Kind" id="node-kind">
          <select
            id="node-kind"
            value={kind}
            onChange={(event) => {
              setKind(event.target.value as '' | NodeKind);
              setLimit(LIST_STEP);
            }}
          >
            <option value="">All kinds</option>
            {props.kinds.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.label}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <p className="muted node-count" role="status" aria-live="polite">
        {matches.length === props.nodes.length
          ? `${count(props.nodes.length)} nodes`
          : `${count(matches.length)} of ${count(props.nodes.length)} nodes match`}
        {shown.length < matches.length ? `, ${count(shown.length)} shown` : ''}
      </p>
      {matches.length === 0 ? (
        <p className="muted">No node matches. Change the search or the kind.</p>
      ) : (
        <ul className="node-list" onMouseLeave={() => highlight(undefined)}>
          {shown.map((node) => (
            <li key={node.key}>
              <a
                href={node.href}
                onFocus={() => highlight(node.key)}
                onBlur={() => highlight(undefined)}
                onMouseEnter={() => highlight(node.key)}
              >
                <span className={`swatch swatch-${node.kind}`} aria-hidden="true" />
                <span className="node-label">{node.label}</span>
                <span className="node-detail">
                  {node.kind === 'item' ? 'item, ' : ''}
                  {node.detail}
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
      {shown.length < matches.length && (
        <button type="button" className="more" onClick={() => setLimit((n) => n + LIST_STEP)}>
          Show {count(Math.min(LIST_STEP, matches.length - shown.length))} more nodes
        </button>
      )}
    </section>
  );
}

// ---- The circuit timeline ----------------------------------------------------------------

const T_WIDTH = 1000;
const T_LEFT = 170;
const T_RIGHT = 24;
const T_TOP = 28;
const T_BOTTOM = 52;
const T_ROW = 30;

const dayFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});
const hourFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'UTC',
});

interface CityRow {
  readonly city: string;
  readonly times: number[];
  first: number;
  last: number;
}

function CircuitTimeline(props: { readonly network: Network; readonly items: readonly NetItem[] }) {
  const { network, items } = props;
  const { rows, undated, t0, t1 } = useMemo(() => {
    const byCity = new Map<string, CityRow>();
    let undated = 0;
    for (const item of items) {
      if (item.postedAt === undefined) {
        undated++;
        continue;
      }
      const city = item.city ?? 'Unknown city';
      let row = byCity.get(city);
      if (row === undefined) {
        row = { city, times: [], first: item.postedAt, last: item.postedAt };
        byCity.set(city, row);
      }
      row.times.push(item.postedAt);
      row.first = Math.min(row.first, item.postedAt);
      row.last = Math.max(row.last, item.postedAt);
    }
    const rows = [...byCity.values()].sort((a, b) => a.first - b.first);
    let t0 = Math.min(...rows.map((r) => r.first));
    let t1 = Math.max(...rows.map((r) => r.last));
    if (!Number.isFinite(t0)) {
      t0 = 0;
      t1 = 1;
    }
    if (t1 - t0 < 3_600_000) {
      t0 -= 43_200_000;
      t1 += 43_200_000;
    }
    return { rows, undated, t0, t1 };
  }, [items]);

  if (rows.length === 0) {
    return (
      <Empty>
        <p>None of the network's items has a posting time, so there is no circuit to draw.</p>
      </Empty>
    );
  }

  const plot = T_WIDTH - T_LEFT - T_RIGHT;
  const height = T_TOP + rows.length * T_ROW + T_BOTTOM;
  const x = (t: number) => T_LEFT + ((t - t0) / (t1 - t0)) * plot;
  const rowIndex = new Map(rows.map((r, i) => [r.city, i]));
  const y = (i: number) => T_TOP + i * T_ROW + T_ROW / 2;
  const short = t1 - t0 < 4 * 86_400_000;
  const ticks = Array.from({ length: 6 }, (_, i) => t0 + ((t1 - t0) * i) / 5);
  const circuit = network.features.circuit
    .map((stop) => ({ t: Date.parse(stop.from), i: rowIndex.get(stop.city) }))
    .filter((p): p is { t: number; i: number } => p.i !== undefined && !Number.isNaN(p.t));
  const path = circuit.map((p) => `${x(p.t).toFixed(1)},${y(p.i).toFixed(1)}`).join(' ');
  const total = rows.reduce((sum, r) => sum + r.times.length, 0);

  return (
    <div className="timeline">
      <svg
        className="timeline-chart"
        viewBox={`0 0 ${T_WIDTH} ${height}`}
        width="100%"
        role="img"
        aria-labelledby="timeline-title timeline-desc"
      >
        <title id="timeline-title">Posts of the network by city over time</title>
        <desc id="timeline-desc">
          {`${total} posts in ${rows.length} ${rows.length === 1 ? 'city' : 'cities'}, from ${dayFormat.format(t0)} to ${dayFormat.format(t1)}. One row per city, in order of each city's first post: `}
          {rows.map((r) => `${r.city} (${r.times.length})`).join(', ')}.
        </desc>
        <text className="timeline-axis-title" x={T_LEFT - 10} y={14} textAnchor="end">
          City (by first post)
        </text>
        {rows.map((row, i) => (
          <g key={row.city}>
            {i % 2 === 0 && (
              <rect
                className="timeline-band"
                x={T_LEFT}
                y={T_TOP + i * T_ROW}
                width={plot}
                height={T_ROW}
              />
            )}
            <text
              className="timeline-city"
              x={T_LEFT - 10}
              y={y(i)}
              textAnchor="end"
              dominantBaseline="middle"
            >
              {truncate(row.city, 22)}
            </text>
          </g>
        ))}
        {ticks.map((t, i) => (
          <g key={t}>
            <line
              className="timeline-grid"
              x1={x(t)}
              x2={x(t)}
              y1={T_TOP}
              y2={T_TOP + rows.length * T_ROW}
            />
            <text
              className="timeline-tick"
              x={x(t)}
              y={T_TOP + rows.length * T_ROW + 18}
              textAnchor={i === 0 ? 'start' : i === ticks.length - 1 ? 'end' : 'middle'}
            >
              {(short ? hourFormat : dayFormat).format(t)}
            </text>
          </g>
        ))}
        <line
          className="timeline-axis"
          x1={T_LEFT}
          x2={T_LEFT + plot}
          y1={T_TOP + rows.length * T_ROW}
          y2={T_TOP + rows.length * T_ROW}
        />
        {circuit.length > 1 && <polyline className="timeline-path" points={path} />}
        {rows.map((row, i) => (
          <g key={row.city} className="timeline-marks">
            {row.times.map((t, j) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: posts at one time are alike.
              <circle key={j} cx={x(t)} cy={y(i)} r={4} />
            ))}
          </g>
        ))}
        <text
          className="timeline-axis-title"
          x={T_LEFT + plot / 2}
          y={height - 8}
          textAnchor="middle"
        >
          Time posted (UTC)
        </text>
      </svg>
      {undated > 0 && (
        <p className="muted">
          {undated} item{undated === 1 ? ' has' : 's have'} no posting time and{' '}
          {undated === 1 ? 'is' : 'are'} not shown.
        </p>
      )}
      <div className="table-scroll">
        <table className="timeline-table">
          <caption>Posts by city, in order of first post</caption>
          <thead>
            <tr>
              <th scope="col">City</th>
              <th scope="col">Posts</th>
              <th scope="col">First post</th>
              <th scope="col">Last post</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.city}>
                <th scope="row">{row.city}</th>
                <td>{count(row.times.length)}</td>
                <td>
                  <Time at={new Date(row.first).toISOString()} />
                </td>
                <td>
                  <Time at={new Date(row.last).toISOString()} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {network.features.circuit.length > 0 && (
        <details className="circuit-stops">
          <summary>
            The circuit: {network.features.circuit.length} stop
            {network.features.circuit.length === 1 ? '' : 's'} in posting order
          </summary>
          <ol>
            {network.features.circuit.map((stop, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a circuit can revisit a city.
              <li key={i}>
                {stop.city}: <Time at={stop.from} />
                {stop.to !== stop.from && (
                  <>
                    {' '}
                    to <Time at={stop.to} />
                  </>
                )}
              </li>
            ))}
          </ol>
        </details>
      )}
    </div>
  );
}

// ---- Templates ---------------------------------------------------------------------------

const SLOT_LABEL: Record<string, string> = {
  name: 'name',
  age: 'age',
  city: 'city',
  price: 'price',
  contact: 'contact',
  other: 'text',
};

/** A template's text: the fixed text as is, the slots highlighted with their kind. */
function TemplateText(props: { readonly parts: readonly TemplatePart[] }) {
  return (
    <p className="item-text template-text">
      {props.parts.map((part, i) =>
        'text' in part ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts are a fixed sequence.
          <span key={i}>{part.text}</span>
        ) : (
          <mark
            // biome-ignore lint/suspicious/noArrayIndexKey: the parts are a fixed sequence.
            key={i}
            className={`slot slot-${part.slot.kind}`}
            title={
              part.slot.examples.length > 0
                ? `For example: ${part.slot.examples.join(', ')}`
                : undefined
            }
          >
            <span className="visually-hidden">slot: </span>
            {SLOT_LABEL[part.slot.kind] ?? part.slot.kind}
          </mark>
        ),
      )}
    </p>
  );
}

function SlotExamples(props: { readonly parts: readonly TemplatePart[] }) {
  const slots = props.parts.flatMap((part) => ('slot' in part ? [part.slot] : []));
  if (slots.length === 0) return null;
  return (
    <dl className="slot-examples">
      {slots.map((slot, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the slots are a fixed sequence.
        <div key={i}>
          <dt>
            <mark className={`slot slot-${slot.kind}`}>{SLOT_LABEL[slot.kind] ?? slot.kind}</mark>
          </dt>
          <dd>
            {slot.examples.length > 0 ? (
              slot.examples.join(', ')
            ) : (
              <span className="muted">no examples</span>
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}

const MAX_TEMPLATES = 10;

function NetworkTemplates(props: { readonly ids: readonly string[] }) {
  const ids = props.ids.slice(0, MAX_TEMPLATES);
  const templates = useQuery(
    () =>
      Promise.all(
        ids.map(async (id) =>
          must(await api.GET('/v1/templates/{id}', { params: { path: { id } } })),
        ),
      ),
    [ids.join(' ')],
  );
  if (ids.length === 0) {
    return (
      <Empty>
        <p>No template: the members are linked by shared identifiers, not by shared text.</p>
      </Empty>
    );
  }
  return (
    <View result={templates.result} retry={templates.reload} rows={Math.min(4, ids.length * 2)}>
      {(list) => (
        <>
          <ul className="template-list">
            {list.map((template) => (
              <li key={template.id} className="template-entry">
                <p className="template-meta">
                  <a href={href('templates', template.id)}>
                    Template <span className="mono">{template.id}</span>
                  </a>{' '}
                  <span className="muted">
                    {count(template.members.length)} members, similarity{' '}
                    {percent(template.similarity)}
                  </span>
                </p>
                {template.parts !== undefined && template.parts.length > 0 ? (
                  <TemplateText parts={template.parts} />
                ) : (
                  <p className="muted">The members share too little text to show a template.</p>
                )}
              </li>
            ))}
          </ul>
          {props.ids.length > ids.length && (
            <p className="muted">
              {props.ids.length - ids.length} more template
              {props.ids.length - ids.length === 1 ? '' : 's'} not shown.
            </p>
          )}
        </>
      )}
    </View>
  );
}

// ---- Risk --------------------------------------------------------------------------------

function RiskDetails(props: { readonly network: Network }) {
  const { network } = props;
  const f = network.features;
  const rows: [string, ReactNode][] = [
    ['Items', count(f.items)],
    ['Phones', count(f.phones)],
    ['Cities', count(f.cities)],
    ['First post', <Time key="first" at={f.firstPosted} />],
    ['Last post', <Time key="last" at={f.lastPosted} />],
    ['Span', `${f.spanDays.toFixed(1)} days`],
    [
      'Cadence (median time between posts)',
      f.cadenceDays === undefined ? '—' : `${f.cadenceDays.toFixed(2)} days`,
    ],
    ['Circuit stops', count(f.circuit.length)],
    ['Posted away from the phone’s country or area', percent(f.phoneLocationMismatch)],
    ['Names advertised behind one phone (at most)', count(f.personasPerPhone)],
    ['Written in the third person', percent(f.thirdPersonShare)],
    [
      'Price variation (lower is more uniform)',
      f.priceVariation === undefined ? '—' : percent(f.priceVariation),
    ],
  ];
  return (
    <div className="risk-details">
      <p className="risk-score">
        Network risk: <RiskBadge risk={network.risk} />
      </p>
      <h3>Why</h3>
      {network.explanation.length === 0 ? (
        <p className="muted">No explanation was recorded.</p>
      ) : (
        <ul className="explanation">
          {network.explanation.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
      <div className="table-scroll">
        <table className="features-table">
          <caption>Features</caption>
          <thead>
            <tr>
              <th scope="col">Feature</th>
              <th scope="col">Value</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([label, value]) => (
              <tr key={label}>
                <th scope="row">{label}</th>
                <td>{value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {network.hubs.length > 0 && (
        <>
          <h3>Hubs (shared, but not linking)</h3>
          <ul className="hubs">
            {network.hubs.map((hub) => (
              <li key={hub}>
                <a href={href('identifiers', hub)} className="mono">
                  {hub}
                </a>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

// ---- One template ------------------------------------------------------------------------

const MEMBER_STEP = 100;

export function TemplateScreen(props: { readonly templateId: string }) {
  const { templateId } = props;
  const template = useQuery(
    async () => must(await api.GET('/v1/templates/{id}', { params: { path: { id: templateId } } })),
    [templateId],
  );
  return (
    <Page title="Template">
      <View result={template.result} retry={template.reload} rows={8}>
        {(data) => <TemplateView template={data} />}
      </View>
    </Page>
  );
}

function TemplateView(props: { readonly template: Template }) {
  const { template } = props;
  const [limit, setLimit] = useState(MEMBER_STEP);
  // Titles of the members, best effort: the first page of GET /v1/items?template=<id>.
  const titles = useQuery(async () => {
    const page = must(
      await api.GET('/v1/items', { params: { query: { template: template.id, limit: 500 } } }),
    );
    return new Map(page.items.map((record) => [record.id, compact(record)]));
  }, [template.id]);
  const known = titles.result.state === 'ready' ? titles.result.data : undefined;
  const shown = template.members.slice(0, limit);

  return (
    <div className="explorer">
      <section className="panel" aria-labelledby="template-text-heading">
        <h2 id="template-text-heading">Text</h2>
        <dl className="facts">
          <div className="fact-wide">
            <dt>Template</dt>
            <dd className="mono">{template.id}</dd>
          </div>
          <div>
            <dt>Size</dt>
            <dd>
              {count(template.members.length)} member{template.members.length === 1 ? '' : 's'}
            </dd>
          </div>
          <div>
            <dt>Similarity</dt>
            <dd>{percent(template.similarity)}</dd>
          </div>
        </dl>
        {template.parts !== undefined && template.parts.length > 0 ? (
          <>
            <TemplateText parts={template.parts} />
            <h3>Slots</h3>
            <SlotExamples parts={template.parts} />
          </>
        ) : (
          <Empty>
            <p>The members share too little text to be worth a template.</p>
          </Empty>
        )}
      </section>

      <section className="panel" aria-labelledby="members-heading">
        <h2 id="members-heading">Members</h2>
        {template.members.length === 0 ? (
          <Empty>
            <p>This template has no members.</p>
          </Empty>
        ) : (
          <>
            {titles.result.state === 'error' && (
              <p className="muted">
                The members' titles could not be loaded.{' '}
                <button type="button" className="link" onClick={titles.reload}>
                  Try again
                </button>
              </p>
            )}
            <div className="table-scroll">
              <table>
                <caption className="visually-hidden">Members of the template</caption>
                <thead>
                  <tr>
                    <th scope="col">Item</th>
                    <th scope="col">Risk</th>
                    <th scope="col">City</th>
                    <th scope="col">Posted</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((id) => {
                    const item = known?.get(id);
                    return (
                      <tr key={id}>
                        <td>
                          <a href={href('items', id)}>{item?.title ?? id}</a>
                          {item?.title !== undefined && (
                            <div className="muted mono small">{id}</div>
                          )}
                        </td>
                        <td>
                          {item !== undefined ? (
                            <RiskBadge risk={item.risk} band={item.band} />
                          ) : (
                            '—'
                          )}
                        </td>
                        <td>{item?.city ?? '—'}</td>
                        <td>
                          <Time
                            at={
                              item?.postedAt !== undefined
                                ? new Date(item.postedAt).toISOString()
                                : undefined
                            }
                          />
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            {shown.length < template.members.length && (
              <button
                type="button"
                className="more"
                onClick={() => setLimit((n) => n + MEMBER_STEP)}
              >
                Show more members
              </button>
            )}
          </>
        )}
      </section>
    </div>
  );
}
