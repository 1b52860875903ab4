/**
 * How an entry of an item's `images` is read (docs/items.md "Images"):
 *
 * - `pdq:` followed by 64 hex characters: a PDQ hash computed elsewhere (pdq.ts). Any other
 *   entry starting with `pdq:` is an error in the item;
 * - with `vigil scan --images DIR` only, an entry without a URL scheme is a file path relative
 *   to DIR, hashed by the scan (src/cli/scan-images.ts);
 * - anything else (a URL, an id, or a path when no folder is given) is kept as it is: an exact
 *   identifier that links only the very same string.
 *
 * Pure: the paths are only looked at here, never opened.
 */

export const PDQ_REF_PREFIX = 'pdq:';
/** The identifier of a PDQ hash (link-item.ts): `image:pdq:<64 lowercase hex>`. */
export const IMAGE_PDQ_PREFIX = 'image:pdq:';

const PDQ_REF = /^pdq:([0-9a-fA-F]{64})$/i;
const PDQ_PREFIX = /^pdq:/i;
/** A URL scheme of two or more characters ("C:" is a Windows drive, not a scheme). */
const URL_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]+:/;

export type ImageRefKind = 'pdq' | 'path' | 'exact';

/** Whether the entry claims to be a PDQ hash (starts with "pdq:", any case). */
export function isPdqRef(ref: string): boolean {
  return PDQ_PREFIX.test(ref);
}

/**
 * The entry as `pdq:<64 lowercase hex>`, or undefined when it is not a valid PDQ entry. The
 * hex may be written in either case; lower case is the form the identifiers compare.
 */
export function normalizePdqRef(ref: string): string | undefined {
  const match = PDQ_REF.exec(ref);
  return match === null ? undefined : `${PDQ_REF_PREFIX}${(match[1] as string).toLowerCase()}`;
}

/**
 * What an entry is: a PDQ hash, a local path (only when the scan was given an images folder),
 * or an exact reference (URL or id). Protocol-relative URLs ("//host/x.jpg") are exact too.
 */
export function imageRefKind(ref: string, localPaths: boolean): ImageRefKind {
  if (isPdqRef(ref)) return 'pdq';
  if (!localPaths || URL_SCHEME.test(ref) || ref.startsWith('//')) return 'exact';
  return 'path';
}

/**
 * Why a path entry may not be opened, or undefined when it may: it must be relative, stay
 * inside the images folder without any `..` step, and hold no control characters. Both `/`
 * and `\` count as separators, so that a Windows-style path cannot slip a `..` through.
 * (Symbolic links are checked where the file is opened.)
 */
export function relativePathProblem(ref: string): string | undefined {
  if (ref.trim() === '') return 'the path is empty';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
  if (/[\u0000-\u001f\u007f]/.test(ref)) return 'the path contains control characters';
  if (
    ref.startsWith('/') ||
    ref.startsWith('\\') ||
    /^[A-Za-z]:/.test(ref) ||
    ref.startsWith('~')
  ) {
    return 'absolute paths are refused: give a path relative to the images folder';
  }
  if (ref.split(/[\\/]/).some((part) => part === '..')) {
    return 'paths with ".." are refused: the image must be inside the images folder';
  }
  return undefined;
}
