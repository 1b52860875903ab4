/**
 * All entity extractors over one document. Each extractor reads the folded text on its own;
 * this module only settles overlaps between them.
 */
import type { Doc } from '../doc.js';
import type { Entities, Span } from '../types.js';
import { extractAges, extractPrices } from './amounts.js';
import { extractEmails, extractOnions, extractUrls } from './contacts.js';
import { extractHandles } from './handles.js';
import { extractPhones } from './phones.js';
import { extractWallets } from './wallets.js';

export { mentionsPlatforms } from './handles.js';

/** Hosts whose links carry a phone number that is a contact in its own right. */
const PHONE_LINK_DOMAINS = new Set(['wa.me', 'whatsapp.com', 'signal.me', 't.me']);

const inside = (inner: Span, outer: Span): boolean =>
  inner.field === outer.field && inner.start >= outer.start && inner.end <= outer.end;

export function extractEntities(doc: Doc): Entities {
  const emails = extractEmails(doc);
  const urls = extractUrls(doc);
  const onions = extractOnions(doc);
  const handles = extractHandles(doc);
  const wallets = extractWallets(doc);
  // Digits inside a URL path or a wallet are ids, not phone numbers; a wa.me link's number is.
  const containers = [
    ...urls.filter((u) => !PHONE_LINK_DOMAINS.has(u.domain)).map((u) => u.span),
    ...wallets.map((w) => w.span),
    ...onions.map((o) => o.span),
    ...emails.map((e) => e.span),
  ];
  const notContained = <T extends { span: Span }>(list: readonly T[]): T[] =>
    containers.length === 0
      ? [...list]
      : list.filter((e) => !containers.some((c) => inside(e.span, c)));
  return {
    phones: notContained(extractPhones(doc)),
    emails,
    urls,
    handles,
    wallets,
    prices: notContained(extractPrices(doc)),
    ages: notContained(extractAges(doc)),
    onions,
  };
}

export const NO_ENTITIES: Entities = Object.freeze({
  phones: [],
  emails: [],
  urls: [],
  handles: [],
  wallets: [],
  prices: [],
  ages: [],
  onions: [],
});
