/** Test helper: every item of a cursor-paginated listing (src/store/repositories.ts Page). */
import type { Page } from '../../src/store/repositories.js';

export async function everyPage<T>(
  list: (cursor: string | undefined) => Promise<Page<T>>,
): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await list(cursor);
    all.push(...page.items);
    cursor = page.next;
  } while (cursor !== undefined);
  return all;
}
