/**
 * The EU's member states (ISO 3166-1 alpha-2; Greece is GR, not the EU's "EL"), as of 2026: the
 * 27 since the United Kingdom left on 1 February 2020. One list for the statements of reasons'
 * territorial scope (the Transparency Database's EU group) and the legal knowledge base's
 * membership of codes without a file of their own. Update on accession.
 */
export const EU_MEMBER_STATES = [
  'AT',
  'BE',
  'BG',
  'CY',
  'CZ',
  'DE',
  'DK',
  'EE',
  'ES',
  'FI',
  'FR',
  'GR',
  'HR',
  'HU',
  'IE',
  'IT',
  'LT',
  'LU',
  'LV',
  'MT',
  'NL',
  'PL',
  'PT',
  'RO',
  'SE',
  'SI',
  'SK',
] as const;
