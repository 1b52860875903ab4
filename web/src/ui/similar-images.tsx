/**
 * Photos of other items near-identical to this item's (GET /v1/items/:id/similar-images): each
 * of the item's images beside the matching items' images, blurred like every item image, with
 * the distance in bits. A reused photo ties ads that share no phone or handle.
 */
import { useId } from 'react';
import { api, must } from '../api/client.js';
import { useQuery } from '../api/hooks.js';
import { href } from '../router.js';
import { ItemImage } from './item-image.js';
import { View } from './kit.js';
import './bank-matches.css';

export function SimilarImages(props: {
  readonly itemId: string;
  readonly images: readonly string[] | undefined;
  readonly label: string;
}) {
  const titleId = useId();
  const hasHashes = (props.images ?? []).some((image) => /^pdq:/i.test(image));
  const query = useQuery(
    async () =>
      hasHashes
        ? must(
            await api.GET('/v1/items/{id}/similar-images', {
              params: { path: { id: props.itemId }, query: { maxDistance: 31 } },
            }),
          ).items
        : [],
    [props.itemId, hasHashes],
  );
  if (!hasHashes) return null;
  return (
    <View result={query.result} retry={query.reload} rows={2}>
      {(groups) => {
        const found = groups.filter((group) => group.matches.length > 0);
        if (found.length === 0) return null;
        return (
          <section className="bank-matches similar-images" aria-labelledby={titleId}>
            <h3 id={titleId}>Same photo in other items</h3>
            {found.map((group) => (
              <div key={group.image} className="bank-match">
                <div className="bank-match-pair">
                  <section className="bank-match-side" aria-label="This item's image">
                    <h4>This item</h4>
                    <ItemImage src={group.image} alt={`${props.label}, image`} />
                  </section>
                  {group.matches.map((match) => (
                    <section
                      key={`${match.itemId}-${match.image}`}
                      className="bank-match-side"
                      aria-label="A matching item"
                    >
                      <h4>
                        <a href={href('items', match.itemId)}>Item {match.itemId.slice(-8)}</a>
                      </h4>
                      <ItemImage src={match.image} alt={`Item ${match.itemId}, matching image`} />
                      <p>
                        {match.distance === 0
                          ? 'Identical hash'
                          : `${match.distance} of 256 bits apart`}
                      </p>
                    </section>
                  ))}
                </div>
              </div>
            ))}
          </section>
        );
      }}
    </View>
  );
}
