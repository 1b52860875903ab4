/**
 * The transparency report (DSA Arts 15 and 24) of a period: the counts as bar charts, the
 * median times as durations, and the report itself to download as CSV or JSON.
 *
 * The period is picked as whole UTC days, both ends included ("to" 2026-03-31 covers the 31st);
 * the API's `to` is exclusive, so it is sent as the next day's midnight.
 */
import { useState } from 'react';
import { api, must } from '../api/client.js';
import { useAction, useQuery } from '../api/hooks.js';
import { type Bar, BarChart } from '../ui/charts.js';
import { ActionError, Empty, Field, Page, View } from '../ui/kit.js';
import './transparency.css';

interface Report {
  readonly period: { readonly from: string; readonly to: string };
  readonly notices: {
    readonly total: number;
    readonly byNotifierType: Readonly<Record<string, number>>;
  };
  readonly decisions: {
    readonly total: number;
    readonly bySource: Readonly<Record<string, number>>;
    readonly automated: number;
    readonly automatedShare: number | null;
  };
  readonly ownInitiative: {
    readonly total: number;
    readonly byRestriction: Readonly<Record<string, number>>;
    readonly byDetection: { readonly automated: number; readonly manual: number };
  };
  readonly medianTimeToActionMs: {
    readonly all: number | null;
    readonly trustedFlagger: number | null;
  };
  readonly appeals: {
    readonly received: number;
    readonly decided: number;
    readonly byOutcome: Readonly<Record<string, number>>;
    readonly medianHandlingTimeMs: number | null;
  };
}

// ---- Reading the report (the API types it loosely: read it defensively) -------------------

type Loose = Record<string, unknown>;
const obj = (value: unknown): Loose =>
  typeof value === 'object' && value !== null ? (value as Loose) : {};
const num = (value: unknown): number => (typeof value === 'number' ? value : 0);
const numOrNull = (value: unknown): number | null => (typeof value === 'number' ? value : null);
const counts = (value: unknown): Record<string, number> =>
  Object.fromEntries(Object.entries(obj(value)).map(([k, v]) => [k, num(v)]));

function readReport(raw: unknown): Report {
  const r = obj(raw);
  const period = obj(r.period);
  const notices = obj(r.notices);
  const decisions = obj(r.decisions);
  const own = obj(r.ownInitiative);
  const detection = obj(own.byDetection);
  const median = obj(r.medianTimeToActionMs);
  const appeals = obj(r.appeals);
  return {
    period: { from: String(period.from ?? ''), to: String(period.to ?? '') },
    notices: { total: num(notices.total), byNotifierType: counts(notices.byNotifierType) },
    decisions: {
      total: num(decisions.total),
      bySource: counts(decisions.bySource),
      automated: num(decisions.automated),
      automatedShare: numOrNull(decisions.automatedShare),
    },
    ownInitiative: {
      total: num(own.total),
      byRestriction: counts(own.byRestriction),
      byDetection: { automated: num(detection.automated), manual: num(detection.manual) },
    },
    medianTimeToActionMs: {
      all: numOrNull(median.all),
      trustedFlagger: numOrNull(median.trustedFlagger),
    },
    appeals: {
      received: num(appeals.received),
      decided: num(appeals.decided),
      byOutcome: counts(appeals.byOutcome),
      medianHandlingTimeMs: numOrNull(appeals.medianHandlingTimeMs),
    },
  };
}

// ---- Labels ------------------------------------------------------------------------------

const NOTIFIER_LABELS: Record<string, string> = {
  individual: 'Individual',
  'trusted-flagger': 'Trusted flagger',
  authority: 'Authority',
  ngo: 'NGO',
  'internal-detection': 'Internal detection',
};
const SOURCE_LABELS: Record<string, string> = {
  notice: 'On a notice',
  'own-initiative': 'Own initiative',
};
const OUTCOME_LABELS: Record<string, string> = {
  upheld: 'Upheld',
  reversed: 'Reversed',
  'partially-reversed': 'Partially reversed',
};

/** "DECISION_VISIBILITY_CONTENT_REMOVED" → "Visibility: content removed". */
export function restrictionLabel(code: string): string {
  if (code === 'none') return 'No restriction';
  const words = code
    .replace(/^DECISION_/, '')
    .toLowerCase()
    .split('_');
  const [group, ...rest] = words;
  if (group === undefined) return code;
  const head = group.charAt(0).toUpperCase() + group.slice(1);
  return rest.length === 0 ? head : `${head}: ${rest.join(' ')}`;
}

function bars(record: Readonly<Record<string, number>>, label: (key: string) => string): Bar[] {
  return Object.entries(record).map(([key, value]) => ({ label: label(key), value }));
}

/** A duration in words: "2 d 4 h", "3 h 20 min", "12 min", "under a minute". */
export function durationText(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return 'under a minute';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

// ---- The period --------------------------------------------------------------------------

const DAY = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const isDay = (value: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value));

interface Period {
  readonly from: string;
  readonly to: string;
}

type Preset = 'last-7' | 'last-30' | 'this-year';

function presetPeriod(preset: Preset, now = Date.now()): Period {
  const today = dayOf(now);
  switch (preset) {
    case 'last-7':
      return { from: dayOf(now - 6 * DAY), to: today };
    case 'last-30':
      return { from: dayOf(now - 29 * DAY), to: today };
    case 'this-year':
      return { from: `${today.slice(0, 4)}-01-01`, to: today };
  }
}

const PRESETS: readonly { readonly id: Preset; readonly label: string }[] = [
  { id: 'last-7', label: 'Last 7 days' },
  { id: 'last-30', label: 'Last 30 days' },
  { id: 'this-year', label: 'This year' },
];

/** The API's [from, to) for whole days, both ends included. */
function queryOf(period: Period): { from: string; to: string } {
  return {
    from: `${period.from}T00:00:00.000Z`,
    to: new Date(Date.parse(`${period.to}T00:00:00.000Z`) + DAY).toISOString(),
  };
}

function periodProblem(period: Period): string | undefined {
  if (!isDay(period.from) || !isDay(period.to)) return 'Enter both dates of the period.';
  if (period.from > period.to) return 'The start of the period is after its end.';
  return undefined;
}

/** Saves a Blob as a file: a real download, through a temporary <a download>. */
function save(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// ---- The screen --------------------------------------------------------------------------

export function TransparencyScreen() {
  const [period, setPeriod] = useState<Period>(() => presetPeriod('last-30'));
  const problem = periodProblem(period);
  const report = useQuery(async () => {
    if (problem !== undefined) return undefined;
    const data = must(await api.GET('/v1/transparency', { params: { query: queryOf(period) } }));
    return readReport(data);
  }, [period.from, period.to, problem]);

  const download = useAction(async (format: 'csv' | 'json') => {
    const blob = must(
      await api.GET('/v1/transparency', {
        params: { query: { ...queryOf(period), format } },
        parseAs: 'blob',
      }),
    );
    save(blob, `transparency-${period.from}-${period.to}.${format}`);
  });

  const active = PRESETS.find((p) => {
    const preset = presetPeriod(p.id);
    return preset.from === period.from && preset.to === period.to;
  });

  return (
    <Page
      title="Transparency report"
      actions={
        <>
          <button
            type="button"
            disabled={problem !== undefined || download.pending}
            onClick={() => void download.act('csv')}
          >
            Download CSV
          </button>
          <button
            type="button"
            disabled={problem !== undefined || download.pending}
            onClick={() => void download.act('json')}
          >
            Download JSON
          </button>
        </>
      }
    >
      <ActionError error={download.error} />
      <form
        className="panel period"
        aria-labelledby="period-heading"
        onSubmit={(event) => event.preventDefault()}
      >
        <h2 id="period-heading" className="period-heading">
          Period
        </h2>
        <div className="period-fields">
          <Field label="From" id="period-from" hint="First day, UTC">
            <input
              id="period-from"
              type="date"
              value={period.from}
              max={period.to}
              aria-describedby="period-problem"
              onChange={(event) => setPeriod({ ...period, from: event.target.value })}
            />
          </Field>
          <Field label="To" id="period-to" hint="Last day, included">
            <input
              id="period-to"
              type="date"
              value={period.to}
              min={period.from}
              aria-describedby="period-problem"
              onChange={(event) => setPeriod({ ...period, to: event.target.value })}
            />
          </Field>
          <fieldset className="period-presets">
            <legend>Presets</legend>
            {PRESETS.map((preset) => (
              <button
                key={preset.id}
                type="button"
                aria-pressed={active?.id === preset.id}
                onClick={() => setPeriod(presetPeriod(preset.id))}
              >
                {preset.label}
              </button>
            ))}
          </fieldset>
        </div>
        <p id="period-problem" className="period-problem" role="status">
          {problem ?? ''}
        </p>
      </form>

      {problem !== undefined ? (
        <Empty>
          <p>Pick a period to see its report.</p>
        </Empty>
      ) : (
        <View result={report.result} retry={report.reload} rows={8}>
          {(data) => (data === undefined ? null : <ReportView report={data} />)}
        </View>
      )}
    </Page>
  );
}

function ReportView(props: { readonly report: Report }) {
  const { report } = props;
  const nothing =
    report.notices.total === 0 &&
    report.decisions.total === 0 &&
    report.ownInitiative.total === 0 &&
    report.appeals.received === 0 &&
    report.appeals.decided === 0;
  const notAutomated = Math.max(0, report.decisions.total - report.decisions.automated);
  const share = report.decisions.automatedShare;

  return (
    <div className="report">
      {nothing && (
        <Empty>
          <p>No notices, decisions or appeals in this period. The report below counts zero.</p>
        </Empty>
      )}

      <section className="panel" aria-labelledby="totals-heading">
        <h2 id="totals-heading">Totals</h2>
        <dl className="totals">
          <div>
            <dt>Notices received</dt>
            <dd>{report.notices.total.toLocaleString('en-GB')}</dd>
          </div>
          <div>
            <dt>Decisions</dt>
            <dd>{report.decisions.total.toLocaleString('en-GB')}</dd>
          </div>
          <div>
            <dt>Own-initiative measures</dt>
            <dd>{report.ownInitiative.total.toLocaleString('en-GB')}</dd>
          </div>
          <div>
            <dt>Appeals received</dt>
            <dd>{report.appeals.received.toLocaleString('en-GB')}</dd>
          </div>
          <div>
            <dt>Appeals decided</dt>
            <dd>{report.appeals.decided.toLocaleString('en-GB')}</dd>
          </div>
        </dl>
      </section>

      <section className="panel" aria-labelledby="times-heading">
        <h2 id="times-heading">Median times</h2>
        <dl className="totals">
          <Median
            label="Time to action, all notices"
            ms={report.medianTimeToActionMs.all}
            none="No notice was decided in the period."
          />
          <Median
            label="Time to action, trusted flaggers"
            ms={report.medianTimeToActionMs.trustedFlagger}
            none="No trusted flagger's notice was decided in the period."
          />
          <Median
            label="Appeal handling"
            ms={report.appeals.medianHandlingTimeMs}
            none="No appeal was decided in the period."
          />
        </dl>
      </section>

      <div className="charts">
        <section className="panel" aria-labelledby="chart-notices">
          <h2 id="chart-notices">Notices</h2>
          <BarChart
            title="Notices by notifier type"
            description="Notices received in the period, by the type of notifier."
            data={bars(report.notices.byNotifierType, (k) => NOTIFIER_LABELS[k] ?? k)}
          />
        </section>
        <section className="panel" aria-labelledby="chart-decisions">
          <h2 id="chart-decisions">Decisions</h2>
          <BarChart
            title="Decisions by source"
            description="Decisions taken in the period, on a notice or on the platform's own initiative."
            data={bars(report.decisions.bySource, (k) => SOURCE_LABELS[k] ?? k)}
          />
          <BarChart
            title="Decisions by automation"
            description="Decisions taken in the period solely by automated means, and the others."
            data={[
              { label: 'Solely automated', value: report.decisions.automated },
              { label: 'Not solely automated', value: notAutomated },
            ]}
          />
          <p className="muted">
            {share === null
              ? 'No decisions in the period.'
              : `${Math.round(share * 100)}% of decisions were taken solely by automated means.`}
          </p>
        </section>
        <section className="panel charts-wide" aria-labelledby="chart-own">
          <h2 id="chart-own">Own-initiative measures</h2>
          <BarChart
            title="Own-initiative measures by restriction"
            description="Measures taken on the platform's own initiative in the period, by restriction imposed. A measure with several restrictions counts under each."
            data={bars(report.ownInitiative.byRestriction, restrictionLabel)}
            total={false}
          />
          <p className="muted">
            Detected by automated means: {report.ownInitiative.byDetection.automated}; detected
            otherwise: {report.ownInitiative.byDetection.manual}.
          </p>
        </section>
        <section className="panel" aria-labelledby="chart-appeals">
          <h2 id="chart-appeals">Appeals</h2>
          <BarChart
            title="Appeals by outcome"
            description="Appeals decided in the period, by outcome."
            data={bars(report.appeals.byOutcome, (k) => OUTCOME_LABELS[k] ?? k)}
          />
        </section>
      </div>
    </div>
  );
}

function Median(props: {
  readonly label: string;
  readonly ms: number | null;
  readonly none: string;
}) {
  return (
    <div>
      <dt>{props.label}</dt>
      <dd>
        {props.ms === null ? (
          <span className="muted">{props.none}</span>
        ) : (
          <span title={`${Math.round(props.ms / 1000)} seconds`}>{durationText(props.ms)}</span>
        )}
      </dd>
    </div>
  );
}
