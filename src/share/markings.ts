/**
 * Markings that travel with shared data: FIRST TLP 2.0 and the Permissible Actions Protocol (PAP).
 * Pure: constants and comparisons only.
 *
 * Sources (../shared/reference/evidence-and-sharing.md, "TLP 2.0 and PAP", "STIX 2.1"):
 * - TLP 2.0 levels, from the least to the most restrictive: CLEAR, GREEN, AMBER, AMBER+STRICT,
 *   RED (FIRST, August 2022; TLP:CLEAR replaces TLP:WHITE).
 * - In STIX 2.1, TLP 2.0 is a property extension of `marking-definition`, not a predefined
 *   marking: extension `extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d`, carrying
 *   `{"extension_type":"property-extension","tlp_2_0":"<level>"}`, `created`
 *   2022-10-01T00:00:00.000Z, with the fixed ids below. Copied from the OASIS JSON
 *   (oasis-open/cti-stix-common-objects, extension-definition-specifications/tlp-2.0/
 *   marking-definition.json and examples/tlp-amber+strict.json), never retyped from elsewhere.
 * - The STIX 2.1 predefined TLP 1.0 markings (WHITE/GREEN/AMBER/RED, created 2017-01-20) are
 *   read on import only, WHITE as CLEAR.
 * - PAP (MISP/misp-taxonomies PAP/machinetag.json, version 1): RED non-detectable actions only;
 *   AMBER passive cross-check; GREEN active actions allowed; WHITE no restrictions. Vigil calls
 *   the last one `clear` (as TLP 2.0 does) and writes it `PAP:WHITE` in MISP, the value of the
 *   verified taxonomy; `PAP:CLEAR` is accepted on import. STIX has no standard PAP marking, so
 *   Vigil writes PAP as a `statement` marking-definition ("PAP:AMBER") with a fixed name-based id.
 *
 * Order: a higher rank is more restrictive. An agreement's TLP maximum / PAP ceiling is the most
 * restrictive marking of data it may carry (agreement.ts).
 */

export const TLP_LEVELS = ['clear', 'green', 'amber', 'amber+strict', 'red'] as const;
export type Tlp = (typeof TLP_LEVELS)[number];

export const PAP_LEVELS = ['clear', 'green', 'amber', 'red'] as const;
export type Pap = (typeof PAP_LEVELS)[number];

/** The STIX extension that carries TLP 2.0 (OASIS cti-stix-common-objects). */
export const TLP2_EXTENSION_ID = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';
export const TLP2_CREATED = '2022-10-01T00:00:00.000Z';

/** The OASIS TLP 2.0 marking-definition ids. */
export const TLP2_MARKING_IDS: Readonly<Record<Tlp, string>> = Object.freeze({
  clear: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  green: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  amber: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'amber+strict': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  red: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
});

/** The STIX 2.1 predefined TLP 1.0 marking ids, read on import (WHITE is TLP 2.0 CLEAR). */
export const TLP1_MARKING_IDS: Readonly<Record<'white' | 'green' | 'amber' | 'red', string>> =
  Object.freeze({
    white: 'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9',
    green: 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da',
    amber: 'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82',
    red: 'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed',
  });

/** "TLP:AMBER+STRICT" */
export const tlpName = (level: Tlp): string => `TLP:${level.toUpperCase()}`;
/** "PAP:AMBER" */
export const papName = (level: Pap): string => `PAP:${level.toUpperCase()}`;

export interface Tlp2MarkingDefinition {
  readonly type: 'marking-definition';
  readonly spec_version: '2.1';
  readonly id: string;
  readonly created: string;
  readonly name: string;
  readonly extensions: {
    readonly [TLP2_EXTENSION_ID]: {
      readonly extension_type: 'property-extension';
      readonly tlp_2_0: Tlp;
    };
  };
}

/** The official OASIS TLP 2.0 marking-definition object of a level, as published. */
export function tlp2MarkingDefinition(level: Tlp): Tlp2MarkingDefinition {
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: TLP2_MARKING_IDS[level],
    created: TLP2_CREATED,
    name: tlpName(level),
    extensions: {
      [TLP2_EXTENSION_ID]: { extension_type: 'property-extension', tlp_2_0: level },
    },
  };
}

const TLP_BY_ID = new Map<string, Tlp>([
  ...TLP_LEVELS.map((level) => [TLP2_MARKING_IDS[level], level] as const),
  [TLP1_MARKING_IDS.white, 'clear'],
  [TLP1_MARKING_IDS.green, 'green'],
  [TLP1_MARKING_IDS.amber, 'amber'],
  [TLP1_MARKING_IDS.red, 'red'],
]);

/** The TLP level of a TLP 2.0 or TLP 1.0 marking-definition id, or undefined. */
export function tlpOfMarkingId(id: string): Tlp | undefined {
  return TLP_BY_ID.get(id);
}

export const isTlp = (value: unknown): value is Tlp =>
  typeof value === 'string' && (TLP_LEVELS as readonly string[]).includes(value);
export const isPap = (value: unknown): value is Pap =>
  typeof value === 'string' && (PAP_LEVELS as readonly string[]).includes(value);

/** 0 (clear) .. 4 (red): higher is more restrictive. */
export const tlpRank = (level: Tlp): number => TLP_LEVELS.indexOf(level);
/** 0 (clear) .. 3 (red): higher is more restrictive. */
export const papRank = (level: Pap): number => PAP_LEVELS.indexOf(level);

/** Whether `level` is no more restrictive than `ceiling`. */
export const tlpWithin = (level: Tlp, ceiling: Tlp): boolean => tlpRank(level) <= tlpRank(ceiling);
export const papWithin = (level: Pap, ceiling: Pap): boolean => papRank(level) <= papRank(ceiling);

/** The more restrictive of the levels given (undefined for none). */
export function strictestTlp(levels: Iterable<Tlp>): Tlp | undefined {
  let out: Tlp | undefined;
  for (const level of levels) if (out === undefined || tlpRank(level) > tlpRank(out)) out = level;
  return out;
}
export function strictestPap(levels: Iterable<Pap>): Pap | undefined {
  let out: Pap | undefined;
  for (const level of levels) if (out === undefined || papRank(level) > papRank(out)) out = level;
  return out;
}

// ---------------------------------------------------------------------------------------------
// MISP tags (taxonomies `tlp` and `PAP`)

/** MISP tag of a TLP level: "tlp:amber+strict". */
export const tlpTag = (level: Tlp): string => `tlp:${level}`;
/** MISP tag of a PAP level: "PAP:AMBER"; clear is written "PAP:WHITE" (taxonomy version 1). */
export const papTag = (level: Pap): string =>
  level === 'clear' ? 'PAP:WHITE' : `PAP:${level.toUpperCase()}`;

/** The TLP level of a MISP tag ("tlp:amber", "tlp:white" = clear), case-insensitive. */
export function tlpOfTag(tag: string): Tlp | undefined {
  const m = /^tlp:([a-z+]+)$/i.exec(tag.trim());
  if (!m) return undefined;
  const value = (m[1] ?? '').toLowerCase();
  if (value === 'white') return 'clear';
  return isTlp(value) ? value : undefined;
}

/** The PAP level of a MISP tag ("PAP:AMBER", "PAP:WHITE" or "PAP:CLEAR" = clear). */
export function papOfTag(tag: string): Pap | undefined {
  const m = /^pap:([a-z]+)$/i.exec(tag.trim());
  if (!m) return undefined;
  const value = (m[1] ?? '').toLowerCase();
  if (value === 'white') return 'clear';
  return isPap(value) ? value : undefined;
}

/** The PAP level of a STIX statement marking's text ("PAP:AMBER"), or undefined. */
export function papOfStatement(statement: string): Pap | undefined {
  return papOfTag(statement);
}
