/**
 * An item's title and body with every indicator span highlighted. Spans are UTF-16 offsets into
 * the original text of their field (docs/items.md), the unit of JavaScript string indices, so the
 * text is cut with `slice`. Overlapping spans merge into one mark that lists every indicator it
 * carries. Hover or focus shows a tooltip (Escape hides it); the same facts are listed below the
 * text for keyboard and screen-reader users. Text is rendered by React only, never as HTML.
 */
import { type KeyboardEvent, type ReactNode, useId, useState } from 'react';
import '../screens/review.css';

export type TextField = 'title' | 'body';

export interface IndicatorSpan {
  readonly field: TextField;
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export interface ItemIndicator {
  readonly rule: string;
  readonly name: string;
  readonly family?: string;
  readonly category?: string;
  readonly weight?: number;
  readonly citation?: string;
  readonly spans: readonly IndicatorSpan[];
}

export interface Contribution {
  readonly rule: string;
  readonly weight: number;
}

/** The parts of an item's analysis the console reads (src/analyze/types.ts, Analysis). */
export interface ItemAnalysis {
  readonly risk?: number;
  readonly band?: string;
  readonly language?: string;
  readonly indicators: readonly ItemIndicator[];
  readonly entities?: Record<string, unknown>;
  readonly explanation?: {
    readonly bias?: number;
    readonly logit?: number;
    readonly contributions: readonly Contribution[];
    readonly summary?: string;
  };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const num = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

function readSpan(value: unknown): IndicatorSpan | undefined {
  if (!isRecord(value)) return undefined;
  const field = value.field;
  const start = num(value.start);
  const end = num(value.end);
  if ((field !== 'title' && field !== 'body') || start === undefined || end === undefined) {
    return undefined;
  }
  return { field, start, end, text: str(value.text) ?? '' };
}

/**
 * The analysis as the API sends it (`{[key: string]: unknown}`), checked field by field: what
 * does not have the expected shape is left out rather than trusted.
 */
export function readAnalysis(raw: unknown): ItemAnalysis | undefined {
  if (!isRecord(raw)) return undefined;
  const indicators: ItemIndicator[] = [];
  if (Array.isArray(raw.indicators)) {
    for (const entry of raw.indicators) {
      if (!isRecord(entry)) continue;
      const rule = str(entry.rule);
      if (rule === undefined) continue;
      const spans = Array.isArray(entry.spans)
        ? entry.spans.map(readSpan).filter((s): s is IndicatorSpan => s !== undefined)
        : [];
      const family = str(entry.family);
      const category = str(entry.category);
      const weight = num(entry.weight);
      const citation = str(entry.citation);
      indicators.push({
        rule,
        name: str(entry.name) ?? rule,
        spans,
        ...(family !== undefined && { family }),
        ...(category !== undefined && { category }),
        ...(weight !== undefined && { weight }),
        ...(citation !== undefined && { citation }),
      });
    }
  }
  const risk = num(raw.risk);
  const band = str(raw.band);
  const language = str(raw.language);
  let explanation: ItemAnalysis['explanation'];
  if (isRecord(raw.explanation)) {
    const e = raw.explanation;
    const contributions = Array.isArray(e.contributions)
      ? e.contributions.flatMap((c) => {
          if (!isRecord(c)) return [];
          const rule = str(c.rule);
          const weight = num(c.weight);
          return rule === undefined || weight === undefined ? [] : [{ rule, weight }];
        })
      : [];
    const summary = str(e.summary);
    const bias = num(e.bias);
    const logit = num(e.logit);
    explanation = {
      contributions,
      ...(summary !== undefined && { summary }),
      ...(bias !== undefined && { bias }),
      ...(logit !== undefined && { logit }),
    };
  }
  return {
    indicators,
    ...(risk !== undefined && { risk }),
    ...(band !== undefined && { band }),
    ...(language !== undefined && { language }),
    ...(isRecord(raw.entities) && { entities: raw.entities }),
    ...(explanation !== undefined && { explanation }),
  };
}

/** A highlighted stretch of one field and the indicators whose spans cover it. */
interface Segment {
  readonly start: number;
  readonly end: number;
  readonly indicators: readonly ItemIndicator[];
  readonly matched: readonly string[];
}

const isLowSurrogate = (text: string, at: number) => {
  const code = text.charCodeAt(at);
  return code >= 0xdc00 && code <= 0xdfff;
};

/**
 * The highlighted stretches of `text`: spans of the field, clamped to the text, never cutting a
 * surrogate pair, and overlapping ones merged (touching ones stay apart).
 */
export function segmentsOf(
  text: string,
  field: TextField,
  indicators: readonly ItemIndicator[],
): Segment[] {
  const spans: { start: number; end: number; indicator: ItemIndicator; text: string }[] = [];
  for (const indicator of indicators) {
    for (const span of indicator.spans) {
      if (span.field !== field) continue;
      let start = Math.max(0, Math.min(text.length, Math.floor(span.start)));
      let end = Math.max(0, Math.min(text.length, Math.ceil(span.end)));
      if (start > 0 && isLowSurrogate(text, start)) start -= 1;
      if (end < text.length && isLowSurrogate(text, end)) end += 1;
      if (end <= start) continue;
      spans.push({ start, end, indicator, text: text.slice(start, end) });
    }
  }
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const segments: Segment[] = [];
  let current:
    | { start: number; end: number; indicators: ItemIndicator[]; matched: string[] }
    | undefined;
  for (const span of spans) {
    if (current !== undefined && span.start < current.end) {
      current.end = Math.max(current.end, span.end);
      if (!current.indicators.includes(span.indicator)) current.indicators.push(span.indicator);
      if (!current.matched.includes(span.text)) current.matched.push(span.text);
      continue;
    }
    if (current !== undefined) segments.push(current);
    current = {
      start: span.start,
      end: span.end,
      indicators: [span.indicator],
      matched: [span.text],
    };
  }
  if (current !== undefined) segments.push(current);
  return segments;
}

const URL_PATTERN = /(https?:\/\/[^\s,;<>"]+)/g;

/** A citation with its http(s) addresses as links (opened elsewhere, without a referrer). */
export function Citation(props: { readonly text: string; readonly links?: boolean }) {
  const parts: ReactNode[] = [];
  let last = 0;
  for (const match of props.text.matchAll(URL_PATTERN)) {
    const at = match.index ?? 0;
    let url = match[0];
    const trailing = /[).\]]+$/.exec(url);
    if (trailing !== null) url = url.slice(0, url.length - trailing[0].length);
    if (at > last) parts.push(props.text.slice(last, at));
    parts.push(
      props.links === false ? (
        <span key={at} className="citation-url">
          {url}
        </span>
      ) : (
        <a key={at} href={url} target="_blank" rel="noopener noreferrer">
          {url}
        </a>
      ),
    );
    last = at + url.length;
  }
  if (last < props.text.length) parts.push(props.text.slice(last));
  return <>{parts}</>;
}

const weightText = (weight: number | undefined) =>
  weight === undefined ? '' : `weight ${weight >= 0 ? '+' : ''}${weight.toFixed(2)}`;

function IndicatorMark(props: { readonly text: string; readonly segment: Segment }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const { segment } = props;
  const strong = segment.indicators.some((i) => (i.weight ?? 0) >= 1);
  const label = segment.indicators.map((i) => i.name).join('; ');
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && open) {
      event.stopPropagation();
      setOpen(false);
    }
  };
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: hover only shows the tooltip the focusable mark also shows on focus.
    <span
      className="indicator-wrap"
      onMouseEnter={() => setOpen(true)}
      onMouseLeave={() => setOpen(false)}
    >
      <mark
        className={strong ? 'indicator weight-high' : 'indicator'}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: focusable so keyboard users reach its tooltip.
        tabIndex={0}
        aria-describedby={id}
        data-rules={segment.indicators.map((i) => i.rule).join(' ')}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={onKeyDown}
        title={open ? undefined : label}
      >
        {props.text}
      </mark>
      <span role="tooltip" id={id} className="tooltip indicator-tooltip" hidden={!open}>
        {segment.indicators.map((indicator) => (
          <span key={indicator.rule} className="tooltip-entry">
            <strong>{indicator.name}</strong>{' '}
            <span className="tooltip-meta">
              (
              {[indicator.rule, indicator.family, indicator.category, weightText(indicator.weight)]
                .filter((part) => part !== undefined && part !== '')
                .join(' · ')}
              )
            </span>
            {indicator.citation !== undefined && (
              <span className="tooltip-citation">
                Source: <Citation text={indicator.citation} links={false} />
              </span>
            )}
          </span>
        ))}
      </span>
    </span>
  );
}

function Highlighted(props: {
  readonly text: string;
  readonly field: TextField;
  readonly indicators: readonly ItemIndicator[];
}) {
  const { text } = props;
  const segments = segmentsOf(text, props.field, props.indicators);
  const parts: ReactNode[] = [];
  let at = 0;
  for (const segment of segments) {
    if (segment.start > at) parts.push(text.slice(at, segment.start));
    parts.push(
      <IndicatorMark
        key={`${segment.start}-${segment.end}`}
        text={text.slice(segment.start, segment.end)}
        segment={segment}
      />,
    );
    at = segment.end;
  }
  if (at < text.length) parts.push(text.slice(at));
  return <>{parts}</>;
}

/** The indicators that fired, as a list: name, rule, what matched and the source. */
export function IndicatorList(props: { readonly analysis: ItemAnalysis | undefined }) {
  const indicators = props.analysis?.indicators ?? [];
  if (indicators.length === 0) {
    return <p className="muted">No indicator fired on this item.</p>;
  }
  return (
    <ul className="indicator-list">
      {indicators.map((indicator) => (
        <li key={indicator.rule}>
          <strong>{indicator.name}</strong>{' '}
          <span className="muted">
            {[indicator.rule, indicator.family, indicator.category, weightText(indicator.weight)]
              .filter((part) => part !== undefined && part !== '')
              .join(' · ')}
          </span>
          {indicator.spans.length > 0 && (
            <div className="indicator-matches">
              Matched:{' '}
              {indicator.spans.map((span, i) => (
                <span key={`${span.field}-${span.start}-${span.end}`}>
                  {i > 0 && ', '}“{span.text}” <span className="muted">({span.field})</span>
                </span>
              ))}
            </div>
          )}
          {indicator.citation !== undefined && (
            <div className="indicator-citation">
              Source: <Citation text={indicator.citation} />
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}

export function ItemText(props: {
  readonly item: { readonly title?: string; readonly body?: string };
  /** The item's analysis, as the API sends it or already read with readAnalysis. */
  readonly analysis: unknown;
  /** Heading level of the title (default 2). */
  readonly level?: 2 | 3;
  /** Show the list of indicators below the text (default true). */
  readonly list?: boolean;
}) {
  const analysis =
    isRecord(props.analysis) && Array.isArray(props.analysis.indicators)
      ? readAnalysis(props.analysis)
      : undefined;
  const indicators = analysis?.indicators ?? [];
  const { title, body } = props.item;
  const Heading = props.level === 3 ? 'h3' : 'h2';
  const listId = useId();
  return (
    <div className="item-view">
      {title !== undefined && title !== '' && (
        <Heading className="item-title item-text">
          <Highlighted text={title} field="title" indicators={indicators} />
        </Heading>
      )}
      {body !== undefined && body !== '' ? (
        <div className="item-text item-body">
          <Highlighted text={body} field="body" indicators={indicators} />
        </div>
      ) : (
        <p className="muted">This item has no body text.</p>
      )}
      {props.list !== false && (
        <section className="indicators" aria-labelledby={listId}>
          <h3 id={listId} className="indicators-title">
            Indicators ({indicators.length})
          </h3>
          {analysis === undefined ? (
            <p className="muted">This item has not been analysed yet.</p>
          ) : (
            <IndicatorList analysis={analysis} />
          )}
        </section>
      )}
    </div>
  );
}
