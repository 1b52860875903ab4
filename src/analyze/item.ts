/**
 * Item validation (docs/items.md). Records come from files that attackers may write, so every
 * field is checked for type and size, and a bad record yields a reason a person can act on
 * instead of an exception.
 */
import { isPdqRef, normalizePdqRef } from './image-refs.js';
import type { Item } from './types.js';

export const ITEM_LIMITS = Object.freeze({
  idLength: 256,
  titleLength: 2_000,
  bodyLength: 200_000,
  urlLength: 4_096,
  shortField: 200,
  images: 100,
});

export type ItemParse =
  | { readonly ok: true; readonly item: Item }
  | { readonly ok: false; readonly reason: string };

const fail = (reason: string): ItemParse => ({ ok: false, reason });

function optionalString(
  record: Record<string, unknown>,
  key: string,
  max: number,
): string | undefined | { error: string } {
  const value = record[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    return { error: `"${key}" must be a string, got ${typeName(value)}` };
  if (value.length > max) return { error: `"${key}" is longer than ${max} characters` };
  return value;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

const isError = (v: unknown): v is { error: string } => typeof v === 'object' && v !== null;

/** Validates one record (a parsed JSON value or a mapped CSV row) as an Item. */
export function parseItem(record: unknown): ItemParse {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    return fail(`an item must be a JSON object, got ${typeName(record)}`);
  }
  const r = record as Record<string, unknown>;

  let id: string;
  if (typeof r.id === 'string') id = r.id.trim();
  else if (typeof r.id === 'number' && Number.isSafeInteger(r.id)) id = String(r.id);
  else
    return fail(
      r.id === undefined
        ? 'missing "id"'
        : `"id" must be a string or an integer, got ${typeName(r.id)}`,
    );
  if (id.length === 0) return fail('"id" is empty');
  if (id.length > ITEM_LIMITS.idLength)
    return fail(`"id" is longer than ${ITEM_LIMITS.idLength} characters`);

  const title = optionalString(r, 'title', ITEM_LIMITS.titleLength);
  if (isError(title)) return fail(title.error);
  const body = optionalString(r, 'body', ITEM_LIMITS.bodyLength);
  if (isError(body)) return fail(body.error);
  if (!title?.trim() && !body?.trim()) return fail('needs a non-empty "title" or "body"');

  const url = optionalString(r, 'url', ITEM_LIMITS.urlLength);
  if (isError(url)) return fail(url.error);
  const source = optionalString(r, 'source', ITEM_LIMITS.shortField);
  if (isError(source)) return fail(source.error);

  const postedAt = optionalString(r, 'posted_at', 64);
  if (isError(postedAt)) return fail(postedAt.error);
  if (postedAt !== undefined && !ISO_DATE.test(postedAt)) {
    return fail('"posted_at" must be an ISO 8601 date or date-time, e.g. 2026-03-01T14:00:00Z');
  }

  let language = optionalString(r, 'language', 35);
  if (isError(language)) return fail(language.error);
  if (language !== undefined) {
    const primary = language.split(/[-_]/)[0]?.toLowerCase() ?? '';
    if (!/^[a-z]{2,3}$/.test(primary))
      return fail('"language" must be a language tag such as "en" or "pt-BR"');
    language = primary;
  }

  let location: Item['location'];
  if (r.location !== undefined && r.location !== null) {
    if (typeof r.location !== 'object' || Array.isArray(r.location)) {
      return fail(
        `"location" must be an object with city, region, country; got ${typeName(r.location)}`,
      );
    }
    const l = r.location as Record<string, unknown>;
    const city = optionalString(l, 'city', ITEM_LIMITS.shortField);
    if (isError(city)) return fail(`location: ${city.error}`);
    const region = optionalString(l, 'region', ITEM_LIMITS.shortField);
    if (isError(region)) return fail(`location: ${region.error}`);
    let country = optionalString(l, 'country', ITEM_LIMITS.shortField);
    if (isError(country)) return fail(`location: ${country.error}`);
    if (country !== undefined) {
      country = country.trim().toUpperCase();
      if (!/^[A-Z]{2}$/.test(country)) {
        return fail('location: "country" must be an ISO 3166-1 alpha-2 code such as "US" or "TH"');
      }
    }
    location = {
      ...(city !== undefined && { city }),
      ...(region !== undefined && { region }),
      ...(country !== undefined && { country }),
    };
  }

  let images: string[] | undefined;
  if (r.images !== undefined && r.images !== null) {
    if (!Array.isArray(r.images))
      return fail(`"images" must be an array of strings, got ${typeName(r.images)}`);
    if (r.images.length > ITEM_LIMITS.images)
      return fail(`"images" has more than ${ITEM_LIMITS.images} entries`);
    images = [];
    for (const image of r.images) {
      if (typeof image !== 'string' || image.length > ITEM_LIMITS.urlLength) {
        return fail('"images" entries must be strings (URLs, image ids, paths or "pdq:" hashes)');
      }
      if (isPdqRef(image)) {
        const pdq = normalizePdqRef(image);
        if (pdq === undefined) {
          return fail(
            `"images" entry ${images.length + 1} starts with "pdq:" but is not "pdq:" followed by the 64 hex characters of a PDQ hash`,
          );
        }
        images.push(pdq);
      } else images.push(image);
    }
  }

  const item: Item = {
    id,
    ...(title !== undefined && { title }),
    ...(body !== undefined && { body }),
    ...(url !== undefined && { url }),
    ...(postedAt !== undefined && { posted_at: postedAt }),
    ...(location !== undefined && { location }),
    ...(language !== undefined && { language }),
    ...(images !== undefined && { images }),
    ...(source !== undefined && { source }),
  };
  return { ok: true, item };
}

const ISO_DATE =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
