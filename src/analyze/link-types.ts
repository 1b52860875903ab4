/**
 * The contract between the scan (which sees one item at a time, in worker threads) and linking
 * (which sees all of them): what each item contributes to templates and networks, small enough
 * to keep for a million items, and what linking produces.
 */

/** What linking keeps of one item. Computed where the item is analysed. */
export interface LinkItem {
  readonly id: string;
  /** MinHash signature of the item's shingles (minhash.ts); empty when the text is too short. */
  readonly signature: Uint32Array;
  /** Normalized identifiers: "phone:+12125550147", "email:a@b.example", "handle:telegram:name",
   *  "wallet:btc:bc1…", "image:pdq:<64 hex>" (a PDQ hash), "image:<URL or id>",
   *  "url:<registrable domain>". Sorted, unique. */
  readonly identifiers: readonly string[];
  /** ISO 8601 posting time, when known. */
  readonly postedAt?: string;
  readonly city?: string;
  readonly region?: string;
  readonly country?: string;
  /** ISO 3166-1 alpha-2 countries of the item's phone numbers, and NANP areas ("US-NY"). */
  readonly phoneCountries: readonly string[];
  readonly phoneAreas: readonly string[];
  /** Written about the advertised person in the third person ("she is", "this girl"). */
  readonly thirdPerson: boolean;
  /** Prices stated, in the currency's units, with the currency code. */
  readonly prices: readonly { readonly amount: number; readonly currency: string }[];
  /** The item's own risk from the scan, 0..1. */
  readonly risk: number;
}

/** What a scan worker sends back per item for linking, besides its result line. */
export interface LinkRecord {
  readonly item: LinkItem;
  readonly band: 'low' | 'medium' | 'high';
  /**
   * Where the item is in the input (its line; a CSV record's first line), so that the few
   * texts linking shows (template members, network members' titles) are read again from the
   * input instead of being kept for every item.
   */
  readonly line: number;
}

export interface TemplateSlot {
  /** What varies: a person's name, an age, a city, a price, a contact, or other text. */
  readonly kind: 'name' | 'age' | 'city' | 'price' | 'contact' | 'other';
  /** A few of the values seen in the members, most frequent first. */
  readonly examples: readonly string[];
}

/** A template's text: fixed text and slots, in order. */
export type TemplatePart = { readonly text: string } | { readonly slot: TemplateSlot };

export interface Template {
  readonly id: string;
  readonly members: readonly string[];
  /** Mean estimated Jaccard similarity of the members' shingles to the template's first member. */
  readonly similarity: number;
  /** The shared text with slots; absent when the members share too little to be worth one. */
  readonly parts?: readonly TemplatePart[];
}

export interface Network {
  readonly id: string;
  readonly members: readonly string[];
  readonly templates: readonly string[];
  /** Identifiers that link at least two members. */
  readonly identifiers: readonly string[];
  /** Identifiers shared by this network's members that were treated as hubs (not linking). */
  readonly hubs: readonly string[];
  readonly features: NetworkFeatures;
  readonly risk: number;
  readonly explanation: readonly string[];
}

export interface NetworkFeatures {
  readonly items: number;
  readonly phones: number;
  readonly cities: number;
  readonly firstPosted?: string;
  readonly lastPosted?: string;
  readonly spanDays: number;
  /** Median days between consecutive posts. */
  readonly cadenceDays?: number;
  /** Cities in posting order, consecutive repeats collapsed: the circuit. */
  readonly circuit: readonly {
    readonly city: string;
    readonly from: string;
    readonly to: string;
  }[];
  /** Share of members whose phone country or area differs from where they were posted. */
  readonly phoneLocationMismatch: number;
  /** Distinct template-slot names (or personas) advertised behind one phone, at most. */
  readonly personasPerPhone: number;
  readonly thirdPersonShare: number;
  /** Coefficient of variation of prices (lower = more uniform pricing). */
  readonly priceVariation?: number;
}
