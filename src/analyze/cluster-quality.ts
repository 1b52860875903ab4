/**
 * How well a clustering (templates, networks) matches the ground truth: pairwise precision,
 * recall and F1 (over pairs of items put together), and the adjusted Rand index (Hubert &
 * Arabie 1985). Both come from the contingency table of (found cluster, true cluster) counts,
 * so a million items cost one pass, not a million squared pairs.
 *
 * Items absent from a clustering are singletons in it.
 */
export interface ClusterQuality {
  readonly items: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly adjustedRand: number;
  /** Pairs put together that are truly together, found together, truly together. */
  readonly pairs: { readonly both: number; readonly found: number; readonly truth: number };
}

const pairsOf = (n: number): number => (n * (n - 1)) / 2;

/**
 * `found` and `truth` give each item's cluster (undefined = alone). `items` lists the items to
 * evaluate: the pairs counted are pairs of these items.
 */
export function clusterQuality(
  items: readonly string[],
  found: (id: string) => string | undefined,
  truth: (id: string) => string | undefined,
): ClusterQuality {
  const cells = new Map<string, number>();
  const foundSizes = new Map<string, number>();
  const truthSizes = new Map<string, number>();
  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  for (const id of items) {
    // Singletons get a cluster of their own, so they add no pairs.
    const f = found(id) ?? `\u0000${id}`;
    const t = truth(id) ?? `\u0000${id}`;
    bump(foundSizes, f);
    bump(truthSizes, t);
    bump(cells, `${f}\u0001${t}`);
  }
  let both = 0;
  for (const n of cells.values()) both += pairsOf(n);
  let foundPairs = 0;
  for (const n of foundSizes.values()) foundPairs += pairsOf(n);
  let truthPairs = 0;
  for (const n of truthSizes.values()) truthPairs += pairsOf(n);

  const precision = foundPairs === 0 ? 1 : both / foundPairs;
  const recall = truthPairs === 0 ? 1 : both / truthPairs;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  const total = pairsOf(items.length);
  const expected = total === 0 ? 0 : (foundPairs * truthPairs) / total;
  const maximum = (foundPairs + truthPairs) / 2;
  const adjustedRand = maximum === expected ? 1 : (both - expected) / (maximum - expected);
  return {
    items: items.length,
    precision,
    recall,
    f1,
    adjustedRand,
    pairs: { both, found: foundPairs, truth: truthPairs },
  };
}
