/**
 * The analysis vocabulary shared by every part of `analyze` (DESIGN.md "Words").
 *
 * Offsets are UTF-16 code units, the unit of JavaScript string indices, into the ORIGINAL
 * text of the item field they name; `text` repeats the original characters so a reader of the
 * results never has to recompute them.
 */

/** An item as Vigil reads it (docs/items.md). Only `id` and one of `title`/`body` are required. */
export interface Item {
  readonly id: string;
  readonly title?: string;
  readonly body?: string;
  readonly url?: string;
  /** ISO 8601 date or date-time. */
  readonly posted_at?: string;
  readonly location?: {
    readonly city?: string;
    readonly region?: string;
    readonly country?: string;
  };
  /** BCP 47 primary language subtag, e.g. "en". Detected when absent. */
  readonly language?: string;
  readonly images?: readonly string[];
  readonly source?: string;
}

export type Field = 'title' | 'body';

/** A span in the original text of one field. */
export interface Span {
  readonly field: Field;
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/**
 * Inside `analyze`, extractors see one document: the title and body joined by a blank line
 * (DOC_FIELD_SEPARATOR) and work with offsets into that joined string. `toSpan` in analyze.ts
 * turns such an offset pair back into a field span.
 */
export interface Range {
  readonly start: number;
  readonly end: number;
}

export const DOC_FIELD_SEPARATOR = '\n\n';

/** What extractors know about where an item was posted; everything optional. */
export interface ScanContext {
  /** ISO 3166-1 alpha-2 country of the posting location, upper case, when known. */
  readonly country?: string;
  readonly region?: string;
  readonly city?: string;
  /** Language subtag in use for language-specific rules ("und" when unknown). */
  readonly language: string;
}

export interface Phone {
  /** E.164, e.g. "+12125550123". */
  readonly e164: string;
  readonly raw: string;
  readonly span: Span;
  /** True when the number was written to evade search: words, look-alike letters, emoji digits, odd separators. */
  readonly obfuscated: boolean;
  /** ISO 3166-1 alpha-2 country the number belongs to, when known. */
  readonly country?: string;
  /** For NANP numbers: the state or province of the area code, e.g. "US-NY". */
  readonly area?: string;
}

export interface Email {
  readonly value: string;
  readonly raw: string;
  readonly span: Span;
  readonly obfuscated: boolean;
}

export interface Url {
  /** Normalised URL (scheme added when missing, host lower-cased). */
  readonly url: string;
  readonly host: string;
  /** Registrable domain (eTLD+1) per the Public Suffix List. */
  readonly domain: string;
  readonly raw: string;
  readonly span: Span;
  readonly obfuscated: boolean;
}

export const MESSAGING_PLATFORMS = [
  'telegram',
  'whatsapp',
  'signal',
  'snapchat',
  'instagram',
  'wechat',
  'line',
  'kik',
  'onlyfans',
] as const;
export const PAYMENT_PLATFORMS = ['cashapp', 'venmo', 'paypal'] as const;
export type MessagingPlatform = (typeof MESSAGING_PLATFORMS)[number];
export type PaymentPlatform = (typeof PAYMENT_PLATFORMS)[number];
export type Platform = MessagingPlatform | PaymentPlatform;

export interface Handle {
  readonly platform: Platform;
  readonly kind: 'messaging' | 'payment';
  /** Normalised handle: lower case for case-insensitive platforms, without "@" or "$"; E.164 for phone-based ones. */
  readonly handle: string;
  readonly raw: string;
  readonly span: Span;
  readonly obfuscated: boolean;
}

export type Chain = 'bitcoin' | 'ethereum' | 'tron';

export interface Wallet {
  readonly chain: Chain;
  readonly address: string;
  /** True when the address carries a checksum that verified (base58check, bech32/m, mixed-case EIP-55). */
  readonly checksummed: boolean;
  readonly raw: string;
  readonly span: Span;
  readonly obfuscated: boolean;
}

export type RateUnit =
  | 'visit'
  | 'quarter-hour'
  | 'half-hour'
  | 'hour'
  | 'night'
  | 'day'
  | 'week'
  | 'month'
  | 'year';

export interface Price {
  readonly amount: number;
  /** ISO 4217 code; "XXX" when the currency is not stated. */
  readonly currency: string;
  readonly per?: RateUnit;
  readonly raw: string;
  readonly span: Span;
}

export interface Age {
  readonly value: number;
  readonly raw: string;
  readonly span: Span;
}

export interface Onion {
  readonly address: string;
  readonly raw: string;
  readonly span: Span;
}

export interface Entities {
  readonly phones: readonly Phone[];
  readonly emails: readonly Email[];
  readonly urls: readonly Url[];
  readonly handles: readonly Handle[];
  readonly wallets: readonly Wallet[];
  readonly prices: readonly Price[];
  readonly ages: readonly Age[];
  readonly onions: readonly Onion[];
}

export type Band = 'low' | 'medium' | 'high';

export interface Indicator {
  readonly rule: string;
  readonly name: string;
  readonly family: string;
  readonly category: string;
  readonly weight: number;
  readonly spans: readonly Span[];
  readonly citation: string;
  /** Set on hash-bank indicators (bank-match.ts): which bank entry an image matched. */
  readonly bankMatch?: BankMatch;
}

/**
 * An item image (a `pdq:` entry) within the match distance of a hash in a named bank. The
 * bank's hash itself is not repeated: readers of items are not all readers of banks.
 */
export interface BankMatch {
  readonly bankId: string;
  readonly bank: string;
  /** victim-photos, abuse-material or other. */
  readonly kind: string;
  /** The item's image entry, `pdq:<64 hex>`. */
  readonly image: string;
  /** Hamming distance between the two PDQ hashes (0..256; a match is ≤ 31 by default). */
  readonly distance: number;
  /** The bank entry's label, e.g. a hotline reference or a Vigil item id (`itm_…`). */
  readonly label?: string;
}

export interface Contribution {
  readonly rule: string;
  readonly weight: number;
}

export interface Explanation {
  /** Intercept of the logistic model. */
  readonly bias: number;
  /** bias + sum of contributions; risk = 1 / (1 + e^-logit). */
  readonly logit: number;
  /** Contributing rules, strongest first. */
  readonly contributions: readonly Contribution[];
  /** One sentence a reviewer can read. */
  readonly summary: string;
}

export interface Analysis {
  readonly id: string;
  readonly risk: number;
  readonly band: Band;
  readonly language: string;
  readonly indicators: readonly Indicator[];
  readonly entities: Entities;
  readonly explanation: Explanation;
}
