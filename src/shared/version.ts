/** Vigil's version, as custody events, WARC records and the CLI report it. */
export const VIGIL_VERSION = '0.1.0';
