/**
 * Fixtures of the private matching tests (src/store/share-match.test.ts, test/share-psi.test.ts):
 * two organisations' identifier sets with 12 in common (synthetic: fictional 555-01xx numbers,
 * example.org addresses), an agreement between them, partner records and a way to put the
 * identifiers into a store as analysed items.
 */
import { createHash } from 'node:crypto';
import type { Analysis } from '../../src/analyze/types.js';
import { formatOrgPublicKey, type OrgPublicKeys, orgKeyFingerprint } from '../../src/share/keys.js';
import type { ServiceStore } from '../../src/store/repositories.js';
import type { Partner, StoredAgreement } from '../../src/store/share-records.js';

const pad = (n: number) => String(n).padStart(2, '0');

/** The 12 identifiers both organisations hold. */
export const SHARED: readonly string[] = [
  ...Array.from({ length: 6 }, (_, i) => `phone:+1212555010${i}`),
  'email:booking.desk@example.org',
  'email:new.girls.agency@example.net',
  'handle:telegram:vip_models_01',
  'handle:instagram:city.escorts.example',
  'wallet:btc:bc1qexampleexampleexampleexample0001',
  'wallet:eth:0x00000000000000000000000000000000000a11ce',
].sort();

/** 30 identifiers only this side holds (`side` 'a' or 'b' gives two disjoint sets). */
export function distinct(side: 'a' | 'b'): string[] {
  const area = side === 'a' ? '312' : '415';
  return [
    ...Array.from({ length: 20 }, (_, i) => `phone:+1${area}55501${pad(i + 20)}`),
    ...Array.from({ length: 5 }, (_, i) => `email:contact${i}.${side}@example.com`),
    ...Array.from({ length: 3 }, (_, i) => `handle:telegram:${side}_only_${i}`),
    `wallet:btc:bc1q${side}onlyexampleexampleexample0002`,
    `wallet:trx:T${side.toUpperCase()}exampleTronAddress000000000003`,
  ];
}

/** Identifiers of kinds that are never matched, and one not in normalised form. */
export const NOT_MATCHED: readonly string[] = [
  'url:https://example.org/ad/1',
  'onion:exampleexampleexampleexampleexampleexampleexample2345.onion',
  `image:pdq:${'5a'.repeat(32)}`,
  'email:Not.Normalised@Example.org',
];

function analysisOf(id: string): Analysis {
  return {
    id,
    risk: 0.5,
    band: 'medium',
    language: 'en',
    indicators: [],
    entities: {
      phones: [],
      emails: [],
      urls: [],
      handles: [],
      wallets: [],
      prices: [],
      ages: [],
      onions: [],
    },
    explanation: { bias: -2, logit: -2, contributions: [], summary: 'No indicators fired.' },
  };
}

/** Stores analysed items carrying `identifiers`, three per item (one identifier twice). */
export async function seedIdentifiers(
  store: ServiceStore,
  identifiers: readonly string[],
  now: string,
): Promise<void> {
  const groups: string[][] = [];
  for (let i = 0; i < identifiers.length; i += 3) groups.push(identifiers.slice(i, i + 3));
  // The first identifier appears in a second item too: the set counts it once.
  if (identifiers[0] !== undefined) groups.push([identifiers[0]]);
  const results = await store.items.ingest(
    groups.map((_, i) => ({ id: `ad-${i}`, title: `Ad ${i}`, body: `Text of ad ${i}.` })),
    { source: 'test', receivedAt: now },
  );
  await store.items.saveAnalyses(
    results.map((result, i) => ({
      id: result.id,
      analysis: analysisOf(result.id),
      identifiers: groups[i] ?? [],
    })),
    now,
  );
}

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

/** An agreement between the two organisations (indicators for investigation, 2025 to 2030). */
export function agreementBetween(
  a: OrgPublicKeys,
  b: OrgPublicKeys,
  options: { id?: string; categories?: string[] } = {},
): StoredAgreement {
  const id = options.id ?? 'agr-match-1';
  return {
    id,
    addedAt: '2026-01-01T00:00:00.000Z',
    addedBy: 'system',
    agreement: {
      id,
      title: 'Matching of trafficking indicators',
      parties: [a, b].map((keys) => ({
        organisationId: keys.org,
        name: `Organisation ${keys.org}`,
        keyFingerprints: [sha256Hex(formatOrgPublicKey(keys))],
      })),
      purposes: { allowed: ['investigation'], description: 'Finding shared networks.' },
      legalBasis: {
        kind: 'bilateral-agreement',
        reference: 'MoU 2026/01',
        citation: 'Memorandum of understanding of 1 January 2026',
      },
      dataCategories: options.categories ?? ['indicators'],
      maxTlp: 'amber',
      papCeiling: 'amber',
      retentionDays: 90,
      onwardSharing: 'none',
      validity: { from: '2025-01-01T00:00:00Z', until: '2099-01-01T00:00:00Z' },
    },
  };
}

/** A partner record for `keys`, confirmed unless `confirmed` is false. */
export function partnerOf(
  keys: OrgPublicKeys,
  options: { url?: string; confirmed?: boolean } = {},
): Partner {
  return {
    org: keys.org,
    name: `Organisation ${keys.org}`,
    publicKey: formatOrgPublicKey(keys),
    fingerprint: orgKeyFingerprint(keys),
    ...(options.url !== undefined && { url: options.url }),
    logKeys: [],
    addedAt: '2026-01-01T00:00:00.000Z',
    addedBy: 'system',
    ...(options.confirmed !== false && {
      confirmedAt: '2026-01-02T00:00:00.000Z',
      confirmedBy: 'system',
    }),
  };
}
