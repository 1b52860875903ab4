/**
 * One item (GET /v1/items/:id): its text with the indicators highlighted, band and risk, the
 * explanation of the score, the identifiers found in it (each leading to every item sharing
 * it), its template and network, its images. And one identifier
 * (GET /v1/identifiers/:identifier/items): every analysed item in which it was found.
 */
import { useEffect, useState } from 'react';
import { api, must, type paths } from '../api/client.js';
import { useAction, useQuery } from '../api/hooks.js';
import { href } from '../router.js';
import { BankMatches } from '../ui/bank-matches.js';
import { ItemImages } from '../ui/item-image.js';
import { type ItemAnalysis, ItemText, readAnalysis } from '../ui/item-text.js';
import { ActionError, Badge, bandTone, Empty, MoreButton, Page, Time, View } from '../ui/kit.js';
import { SimilarImages } from '../ui/similar-images.js';
import './review.css';

export type StoredItem =
  paths['/v1/items/{id}']['get']['responses'][200]['content']['application/json'];
type IdentifierPage =
  paths['/v1/identifiers/{identifier}/items']['get']['responses'][200]['content']['application/json'];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const list = (value: unknown): Record<string, unknown>[] =>
  Array.isArray(value) ? value.filter(isRecord) : [];
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * The normalized identifiers of an item, as the server indexes them (src/analyze/link-item.ts,
 * identifiersOf): phones, emails, handles, wallets, onion addresses and images.
 */
export function identifiersOf(item: StoredItem, analysis: ItemAnalysis | undefined): string[] {
  const ids = new Set<string>();
  const entities = analysis?.entities ?? {};
  for (const phone of list(entities.phones)) {
    const e164 = str(phone.e164);
    if (e164 !== undefined) ids.add(`phone:${e164}`);
  }
  for (const email of list(entities.emails)) {
    const value = str(email.value);
    if (value !== undefined) ids.add(`email:${value.toLowerCase()}`);
  }
  for (const handle of list(entities.handles)) {
    const platform = str(handle.platform);
    const value = str(handle.handle);
    if (platform !== undefined && value !== undefined) {
      ids.add(`handle:${platform}:${value.toLowerCase()}`);
    }
  }
  for (const wallet of list(entities.wallets)) {
    const chain = str(wallet.chain);
    const address = str(wallet.address);
    if (chain !== undefined && address !== undefined) ids.add(`wallet:${chain}:${address}`);
  }
  for (const onion of list(entities.onions)) {
    const address = str(onion.address);
    if (address !== undefined) ids.add(`onion:${address.toLowerCase()}`);
  }
  for (const image of item.item.images ?? []) ids.add(`image:${image}`);
  return [...ids].sort();
}

export function BandBadge(props: { readonly band?: string; readonly risk?: number }) {
  if (props.band === undefined && props.risk === undefined) {
    return <Badge tone="info">not analysed</Badge>;
  }
  return (
    <Badge tone={bandTone(props.band)}>
      {props.band ?? 'unbanded'}
      {props.risk !== undefined && ` · risk ${props.risk.toFixed(2)}`}
    </Badge>
  );
}

/** The title of an item for lists: its title, else the start of its body, else its id. */
export function itemLabel(item: StoredItem): string {
  const title = item.item.title?.trim();
  if (title !== undefined && title !== '') return title;
  const body = item.item.body?.trim() ?? '';
  if (body !== '') return body.length > 90 ? `${body.slice(0, 90)}…` : body;
  return item.externalId;
}

function locationText(item: StoredItem): string | undefined {
  const l = item.item.location;
  if (l === undefined) return undefined;
  const text = [l.city, l.region, l.country].filter((p) => p !== undefined && p !== '').join(', ');
  return text === '' ? undefined : text;
}

/** An item's text, identifiers, links and images: the item page and the review screen use it. */
export function ItemDetails(props: {
  readonly item: StoredItem;
  readonly level?: 2 | 3;
  /** Show a link to the item's own page (on the review screen). */
  readonly linkToItem?: boolean;
}) {
  const { item } = props;
  const analysis = readAnalysis(item.analysis);
  const identifiers = identifiersOf(item, analysis);
  const location = locationText(item);
  const label = itemLabel(item);
  return (
    <div className="rv-stack">
      <div className="rv-inline-list">
        <BandBadge
          {...(item.band !== undefined && { band: item.band })}
          {...(item.risk !== undefined && { risk: item.risk })}
        />
        {props.linkToItem === true && <a href={href('items', item.id)}>Open the item page</a>}
        {item.template !== undefined && (
          <a href={href('templates', item.template)}>Template of near-duplicates</a>
        )}
        {item.network !== undefined && <a href={href('networks', item.network)}>Network</a>}
      </div>
      <ItemText item={item.item} analysis={analysis} {...(props.level && { level: props.level })} />
      {analysis?.explanation?.summary !== undefined && (
        <p className="rv-explanation">
          <strong>Why this score: </strong>
          {analysis.explanation.summary}
        </p>
      )}
      <BankMatches analysis={item.analysis} label={label} />
      <SimilarImages itemId={item.id} images={item.item.images} label={label} />
      <section aria-label="Identifiers">
        <h3>Identifiers</h3>
        {identifiers.length === 0 ? (
          <p className="muted">No phone, email, handle, wallet or image identifier was found.</p>
        ) : (
          <ul className="rv-inline-list">
            {identifiers.map((identifier) => (
              <li key={identifier}>
                <a href={href('identifiers', identifier)}>
                  <code>{identifier}</code>
                </a>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-label="Images">
        <h3>Images</h3>
        <ItemImages images={item.item.images} label={label} />
      </section>
      <dl className="rv-facts">
        <dt>Source</dt>
        <dd>
          {item.source}
          {item.item.source !== undefined && ` (${item.item.source})`}
        </dd>
        <dt>Id at the source</dt>
        <dd>
          <code>{item.externalId}</code>
        </dd>
        <dt>Vigil id</dt>
        <dd>
          <code>{item.id}</code>
        </dd>
        {item.item.url !== undefined && (
          <>
            <dt>Found at</dt>
            <dd>
              <code>{item.item.url}</code>
            </dd>
          </>
        )}
        {item.item.posted_at !== undefined && (
          <>
            <dt>Posted</dt>
            <dd>{item.item.posted_at}</dd>
          </>
        )}
        {location !== undefined && (
          <>
            <dt>Posted in</dt>
            <dd>{location}</dd>
          </>
        )}
        <dt>Received</dt>
        <dd>
          <Time at={item.receivedAt} />
        </dd>
        <dt>Analysed</dt>
        <dd>{item.analyzedAt === undefined ? 'not yet' : <Time at={item.analyzedAt} />}</dd>
        {(analysis?.language ?? item.item.language) !== undefined && (
          <>
            <dt>Language</dt>
            <dd>{analysis?.language ?? item.item.language}</dd>
          </>
        )}
        <dt>SHA-256</dt>
        <dd>
          <code>{item.sha256}</code>
        </dd>
      </dl>
    </div>
  );
}

function Contributions(props: { readonly analysis: ItemAnalysis | undefined }) {
  const explanation = props.analysis?.explanation;
  if (explanation === undefined || explanation.contributions.length === 0) return null;
  const names = new Map(props.analysis?.indicators.map((i) => [i.rule, i.name]) ?? []);
  return (
    <section className="panel" aria-labelledby="score-title">
      <h2 id="score-title">How the score was reached</h2>
      {explanation.summary !== undefined && <p>{explanation.summary}</p>}
      <table>
        <caption className="visually-hidden">Contributions to the score</caption>
        <thead>
          <tr>
            <th scope="col">Rule</th>
            <th scope="col">Indicator</th>
            <th scope="col">Weight</th>
          </tr>
        </thead>
        <tbody>
          {explanation.contributions.map((c) => (
            <tr key={c.rule}>
              <td>
                <code>{c.rule}</code>
              </td>
              <td>{names.get(c.rule) ?? '—'}</td>
              <td>
                {c.weight >= 0 ? '+' : ''}
                {c.weight.toFixed(2)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {explanation.bias !== undefined && explanation.logit !== undefined && (
        <p className="muted">
          Bias {explanation.bias.toFixed(2)} plus the weights gives {explanation.logit.toFixed(2)},
          and the risk is 1 / (1 + e^−{explanation.logit.toFixed(2)}).
        </p>
      )}
    </section>
  );
}

export function ItemScreen(props: { readonly itemId: string }) {
  const query = useQuery(
    async () => must(await api.GET('/v1/items/{id}', { params: { path: { id: props.itemId } } })),
    [props.itemId],
  );
  return (
    <Page title="Item">
      <div className="rv">
        <View result={query.result} retry={query.reload} rows={10}>
          {(item) => (
            <div className="grid-2">
              <section className="panel" aria-label="The item">
                <ItemDetails item={item} />
              </section>
              <Contributions analysis={readAnalysis(item.analysis)} />
            </div>
          )}
        </View>
      </div>
    </Page>
  );
}

type IdentifierRow = IdentifierPage['items'][number];

export function IdentifierScreen(props: { readonly identifier: string }) {
  const { identifier } = props;
  const first = useQuery(
    async () =>
      must(
        await api.GET('/v1/identifiers/{identifier}/items', {
          params: { path: { identifier }, query: { limit: 50 } },
        }),
      ),
    [identifier],
  );
  const [more, setMore] = useState<{ items: IdentifierRow[]; next?: string }>({ items: [] });
  // A new first page (another identifier, a retry) starts the list again.
  useEffect(() => {
    if (first.result.state !== 'loading') setMore({ items: [] });
  }, [first.result]);
  const loadMore = useAction(async (cursor: string) => {
    const page = must(
      await api.GET('/v1/identifiers/{identifier}/items', {
        params: { path: { identifier }, query: { limit: 50, cursor } },
      }),
    );
    setMore((m) => ({
      items: [...m.items, ...page.items],
      ...(page.next !== undefined && { next: page.next }),
    }));
  });
  const [kind] = identifier.split(':');
  return (
    <Page title="Identifier">
      <p>
        Items in which <code>{identifier}</code>
        {kind !== undefined && kind !== identifier && <span className="muted"> ({kind})</span>} was
        found.
      </p>
      <View result={first.result} retry={first.reload} rows={8}>
        {(page) => {
          const rows = [...page.items, ...more.items];
          const next = more.items.length > 0 ? more.next : page.next;
          if (rows.length === 0) {
            return (
              <Empty>
                <p>No analysed item holds this identifier.</p>
              </Empty>
            );
          }
          return (
            <>
              <table>
                <caption className="visually-hidden">Items with {identifier}</caption>
                <thead>
                  <tr>
                    <th scope="col">Title</th>
                    <th scope="col">Band</th>
                    <th scope="col">Source</th>
                    <th scope="col">Received</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((row) => (
                    <tr key={row.id}>
                      <td>
                        <a href={href('items', row.id)}>{itemLabel(row)}</a>
                      </td>
                      <td>
                        <BandBadge
                          {...(row.band !== undefined && { band: row.band })}
                          {...(row.risk !== undefined && { risk: row.risk })}
                        />
                      </td>
                      <td>{row.item.source ?? row.source}</td>
                      <td>
                        <Time at={row.receivedAt} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <p className="muted">
                {rows.length} {rows.length === 1 ? 'item' : 'items'}
                {next !== undefined && ' shown; more follow'}.
              </p>
              <ActionError error={loadMore.error} />
              <MoreButton
                next={next}
                pending={loadMore.pending}
                onMore={(cursor) => void loadMore.act(cursor)}
              />
            </>
          );
        }}
      </View>
    </Page>
  );
}
