/**
 * Accessible SVG charts. A bar chart is a figure: an SVG with a <title> and a <desc> (which
 * lists every value, so a screen reader hears the figures, not just "image"), each value
 * written beside its bar, and the same numbers as a table for anyone who wants to copy them.
 */
import { useId } from 'react';

export interface Bar {
  readonly label: string;
  readonly value: number;
}

const ROW = 30;
const BAR = 18;
const PLOT = 280;
const VALUE_WIDTH = 64;
const TOP = 4;
/** Width of a label at 13px, estimated (SVG text cannot wrap): about 7px a character. */
const labelWidthOf = (labels: readonly string[]) =>
  Math.min(320, Math.max(80, 16 + 7 * Math.max(0, ...labels.map((l) => l.length))));

/** Horizontal bars, one per entry, largest scale = the largest value (or 1 when all are 0). */
export function BarChart(props: {
  readonly title: string;
  /** What the chart counts, e.g. "Notices received in the period, by type of notifier." */
  readonly description: string;
  readonly data: readonly Bar[];
  /** Header of the value column in the table (default "Count"). */
  readonly valueLabel?: string;
  readonly format?: (value: number) => string;
  /** Shows the data table (default: visually hidden, for screen readers only). */
  readonly showTable?: boolean;
  /** Adds a total row to the table (default true; off when an entry can count twice). */
  readonly total?: boolean;
}) {
  const id = useId();
  const titleId = `${id}-title`;
  const descId = `${id}-desc`;
  const format = props.format ?? ((value: number) => value.toLocaleString('en-GB'));
  const max = Math.max(1, ...props.data.map((d) => d.value));
  const LABEL_WIDTH = labelWidthOf(props.data.map((d) => d.label));
  const plot = PLOT;
  const WIDTH = LABEL_WIDTH + PLOT + VALUE_WIDTH;
  const height = TOP * 2 + Math.max(1, props.data.length) * ROW;
  const total = props.data.reduce((sum, d) => sum + d.value, 0);
  const listed = props.data.map((d) => `${d.label}: ${format(d.value)}`).join('; ');

  return (
    <figure className="chart">
      <figcaption className="chart-title">{props.title}</figcaption>
      <svg
        className="bar-chart"
        viewBox={`0 0 ${WIDTH} ${height}`}
        width={WIDTH}
        height={height}
        role="img"
        aria-labelledby={`${titleId} ${descId}`}
        preserveAspectRatio="xMinYMin meet"
      >
        <title id={titleId}>{props.title}</title>
        <desc id={descId}>
          {props.description} {props.data.length === 0 ? 'No data.' : `${listed}.`}
        </desc>
        <line
          className="chart-axis"
          x1={LABEL_WIDTH}
          x2={LABEL_WIDTH}
          y1={TOP / 2}
          y2={height - TOP / 2}
        />
        {props.data.map((d, i) => {
          const y = TOP + i * ROW;
          const w = d.value > 0 ? Math.max(2, (d.value / max) * plot) : 0;
          return (
            <g key={d.label}>
              <text
                className="chart-label"
                x={LABEL_WIDTH - 8}
                y={y + ROW / 2}
                textAnchor="end"
                dominantBaseline="middle"
              >
                {d.label}
              </text>
              <rect
                className="chart-bar"
                x={LABEL_WIDTH}
                y={y + (ROW - BAR) / 2}
                width={w}
                height={BAR}
                rx={2}
              />
              <text
                className="chart-value"
                x={LABEL_WIDTH + w + 6}
                y={y + ROW / 2}
                dominantBaseline="middle"
              >
                {format(d.value)}
              </text>
            </g>
          );
        })}
      </svg>
      <table className={props.showTable ? 'chart-table' : 'visually-hidden'}>
        <caption>{props.title}</caption>
        <thead>
          <tr>
            <th scope="col">Category</th>
            <th scope="col">{props.valueLabel ?? 'Count'}</th>
          </tr>
        </thead>
        <tbody>
          {props.data.map((d) => (
            <tr key={d.label}>
              <th scope="row">{d.label}</th>
              <td>{format(d.value)}</td>
            </tr>
          ))}
        </tbody>
        {props.total !== false && (
          <tfoot>
            <tr>
              <th scope="row">Total</th>
              <td>{format(total)}</td>
            </tr>
          </tfoot>
        )}
      </table>
    </figure>
  );
}
