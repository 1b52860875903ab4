/**
 * Hash-bank matches of an item (indicators `hash-bank:<bank id>` with a `bankMatch`, added by
 * the analyze job: docs/api.md "Hash banks"): which bank, its kind, the distance and the
 * label, the item's image beside the bank's reference. A bank holds hashes only, so the
 * reference can be shown only when its label names another Vigil item (`itm_…`); its images
 * are then shown blurred like any item image. Otherwise the panel says the reference image is
 * not held by Vigil.
 */
import { type ReactNode, useId } from 'react';
import { api, must } from '../api/client.js';
import { useQuery } from '../api/hooks.js';
import { href } from '../router.js';
import { ItemImage, ItemImages } from './item-image.js';
import { Badge, View } from './kit.js';
import './bank-matches.css';

export interface BankMatchView {
  readonly bankId: string;
  readonly bank: string;
  readonly kind: string;
  readonly image: string;
  readonly distance: number;
  readonly label?: string;
}

const ITEM_ID = /^itm_[0-9a-z]{26}$/i;

const KIND_LABEL: Readonly<Record<string, string>> = {
  'abuse-material': 'known abuse material',
  'victim-photos': 'known victim photos',
  other: 'other known images',
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The bank matches of an analysis as the API sends it (loose JSON), nearest first. */
export function readBankMatches(analysis: unknown): BankMatchView[] {
  if (!isRecord(analysis) || !Array.isArray(analysis.indicators)) return [];
  const matches: BankMatchView[] = [];
  for (const indicator of analysis.indicators) {
    const m = isRecord(indicator) ? indicator.bankMatch : undefined;
    if (!isRecord(m)) continue;
    const { bankId, bank, kind, image, distance, label } = m;
    if (
      typeof bankId !== 'string' ||
      typeof bank !== 'string' ||
      typeof kind !== 'string' ||
      typeof image !== 'string' ||
      typeof distance !== 'number'
    ) {
      continue;
    }
    matches.push({
      bankId,
      bank,
      kind,
      image,
      distance,
      ...(typeof label === 'string' && { label }),
    });
  }
  return matches.sort((a, b) => a.distance - b.distance);
}

/** One match: its facts and the two images side by side (given by the caller). */
export function BankMatchCard(props: {
  readonly match: BankMatchView;
  readonly itemImage: ReactNode;
  readonly reference: ReactNode;
}) {
  const { match } = props;
  return (
    <article className="bank-match" aria-label={`Match in hash bank ${match.bank}`}>
      <h4>
        <Badge tone="high">bank match</Badge> {match.bank}
      </h4>
      <dl className="rv-facts">
        <dt>Bank</dt>
        <dd>{match.bank}</dd>
        <dt>Kind</dt>
        <dd>{KIND_LABEL[match.kind] ?? match.kind}</dd>
        <dt>Distance</dt>
        <dd>
          {match.distance} of 256 bits{' '}
          <span className="muted">
            ({match.distance === 0 ? 'the same hash' : 'a match is 31 or fewer'})
          </span>
        </dd>
        <dt>Label</dt>
        <dd>{match.label === undefined ? <span className="muted">none</span> : match.label}</dd>
      </dl>
      <div className="bank-match-pair">
        <section className="bank-match-side" aria-label="This item's image">
          <h5>This item’s image</h5>
          {props.itemImage}
        </section>
        <section className="bank-match-side" aria-label="Bank reference">
          <h5>Bank reference</h5>
          {props.reference}
        </section>
      </div>
    </article>
  );
}

/** The words shown when a bank's reference is not an image Vigil holds. */
export const NOT_HELD = 'Reference image not held by Vigil: the bank holds only hashes.';

function Reference(props: { readonly label: string | undefined }) {
  const { label } = props;
  if (label === undefined || !ITEM_ID.test(label)) return <p className="muted">{NOT_HELD}</p>;
  return <ReferenceItem id={label} />;
}

function ReferenceItem(props: { readonly id: string }) {
  const query = useQuery(
    async () => must(await api.GET('/v1/items/{id}', { params: { path: { id: props.id } } })),
    [props.id],
  );
  return (
    <View result={query.result} retry={query.reload} rows={2}>
      {(item) => (
        <>
          <ItemImages images={item.item.images} label={`Reference item ${item.externalId}`} />
          <a href={href('items', item.id)}>Open the reference item</a>
        </>
      )}
    </View>
  );
}

/** The panel of an item's bank matches; nothing when there are none. */
export function BankMatches(props: { readonly analysis: unknown; readonly label: string }) {
  const titleId = useId();
  const matches = readBankMatches(props.analysis);
  if (matches.length === 0) return null;
  return (
    <section className="bank-matches" aria-labelledby={titleId}>
      <h3 id={titleId}>Hash bank matches</h3>
      <p role="status">
        An image of this item matches {matches.length === 1 ? 'a hash' : 'hashes'} in{' '}
        {new Set(matches.map((m) => m.bankId)).size === 1 ? 'a bank' : 'banks'} of known images.
      </p>
      {matches.map((match) => (
        <BankMatchCard
          key={`${match.bankId}-${match.image}`}
          match={match}
          itemImage={<ItemImage src={match.image} alt={`${props.label}, matched image`} />}
          reference={<Reference label={match.label} />}
        />
      ))}
    </section>
  );
}
