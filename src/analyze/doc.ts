/**
 * One item as the analyzers see it: title and body joined by a blank line, folded once
 * (normalize.ts), plus the posting context. Extractors return ranges of the joined ORIGINAL
 * text; `span` turns them into field spans for the results.
 */
import { type FoldedText, foldText } from './normalize.js';
import { DOC_FIELD_SEPARATOR, type Range, type ScanContext, type Span } from './types.js';

export interface Doc {
  readonly title: string;
  readonly body: string;
  /** The folded joined text: `${title}\n\n${body}` (or just the one that exists). */
  readonly folded: FoldedText;
  readonly context: ScanContext;
  /** Field span of a range of the joined original text. */
  span(range: Range): Span;
  /** Field span of a range of the folded text. */
  spanOfFolded(start: number, end: number): Span;
}

/**
 * `context.language` may be left for `detectLanguage` to fill in from the folded text, which
 * exists only once the document is made.
 */
export function makeDoc(
  fields: { readonly title?: string | undefined; readonly body?: string | undefined },
  context: ScanContext | (Omit<ScanContext, 'language'> & { language?: undefined }),
  detectLanguage?: (folded: string) => string,
): Doc {
  const title = fields.title ?? '';
  const body = fields.body ?? '';
  const joined =
    title.length > 0 && body.length > 0 ? `${title}${DOC_FIELD_SEPARATOR}${body}` : title || body;
  // Where the body starts in the joined string; with no title, the body starts at 0.
  const bodyStart =
    title.length > 0 && body.length > 0
      ? title.length + DOC_FIELD_SEPARATOR.length
      : title.length > 0
        ? Number.POSITIVE_INFINITY
        : 0;
  const folded = foldText(joined);

  const span = (range: Range): Span => {
    if (range.start >= bodyStart) {
      const start = range.start - bodyStart;
      const end = Math.max(start, range.end - bodyStart);
      return { field: 'body', start, end, text: body.slice(start, end) };
    }
    // A range that crosses from the title into the body is cut at the end of the title.
    const end = Math.min(range.end, title.length);
    return { field: 'title', start: range.start, end, text: title.slice(range.start, end) };
  };

  const language = context.language ?? detectLanguage?.(folded.text) ?? 'und';
  return {
    title,
    body,
    folded,
    context: context.language === language ? (context as ScanContext) : { ...context, language },
    span,
    spanOfFolded: (start, end) => span(folded.toOriginal(start, end)),
  };
}
