/**
 * The investigator's legal knowledge screen: check a case's facts against the trafficking
 * definitions, offences and jurisdiction rules; a platform's duties; and the cooperation routes
 * from one state to another. Every answer shows its disclaimer, its reasoning and its sources,
 * with UNVERIFIED facts marked. Legal information, not legal advice.
 *
 * The API types the answers loosely; their shapes are those of src/law/reason.ts, copied below.
 */
import {
  type FormEvent,
  type KeyboardEvent,
  type ReactNode,
  useCallback,
  useRef,
  useState,
} from 'react';
import { ApiError, api, must } from '../api/client.js';
import { useQuery } from '../api/hooks.js';
import { ActionError, Badge, Empty, ErrorState, Field, Loading, Page, View } from '../ui/kit.js';
import './law.css';

// ---- The vocabulary (copied from src/law/schema.ts) ---------------------------------------

/** src/law/schema.ts ACTS */
const ACTS = [
  'recruitment',
  'transportation',
  'transfer',
  'harbouring',
  'receipt',
  'exchange-or-transfer-of-control',
  'advertising',
  'enticement',
  'obtaining',
  'providing',
  'maintaining',
  'patronizing',
  'soliciting',
  'exercising-control',
  'benefiting',
] as const;

/** src/law/schema.ts MEANS */
const MEANS = [
  'threat',
  'force',
  'coercion',
  'abduction',
  'fraud',
  'deception',
  'abuse-of-power',
  'abuse-of-vulnerability',
  'payment-to-person-in-control',
  'debt-bondage',
  'confiscation-of-documents',
  'fear-for-safety',
] as const;

/** src/law/schema.ts PURPOSES */
const PURPOSES = [
  'sexual-exploitation',
  'commercial-sex',
  'forced-labour',
  'slavery',
  'servitude',
  'organ-removal',
  'begging',
  'criminal-activities',
  'forced-marriage',
  'illegal-adoption',
  'surrogacy',
  'pornography',
] as const;

/** src/law/schema.ts CONTENT_KINDS */
const CONTENT_KINDS = [
  'csam',
  'child-sex-trafficking',
  'trafficking',
  'threat-to-life',
  'illegal-content',
  'adult-sexual-services',
] as const;

/** src/law/schema.ts DATA_KINDS */
const DATA_KINDS = ['subscriber', 'traffic', 'content'] as const;

type Act = (typeof ACTS)[number];
type Means = (typeof MEANS)[number];
type Purpose = (typeof PURPOSES)[number];
type ContentKind = (typeof CONTENT_KINDS)[number];
type DataKind = (typeof DATA_KINDS)[number];

const CONTENT_LABELS: Record<ContentKind, string> = {
  csam: 'CSAM (child sexual abuse material)',
  'child-sex-trafficking': 'Child sex trafficking',
  trafficking: 'Trafficking',
  'threat-to-life': 'Threat to life',
  'illegal-content': 'Illegal content',
  'adult-sexual-services': 'Adult sexual services',
};

const DATA_LABELS: Record<DataKind, string> = {
  subscriber: 'Subscriber data',
  traffic: 'Traffic data',
  content: 'Content data',
};

/** "abuse-of-vulnerability" → "Abuse of vulnerability". */
function words(code: string): string {
  const text = code.replaceAll('-', ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// ---- The answers (shapes of src/law/reason.ts) --------------------------------------------

type Verification = 'P' | 'S' | 'UNVERIFIED';

interface Citation {
  readonly key: string;
  readonly title: string;
  readonly url?: string;
  readonly verification: Verification;
  readonly file: string;
  readonly provision?: string;
}

interface Explained {
  readonly citations: readonly Citation[];
  readonly unverified: boolean;
  readonly explanation: readonly string[];
}

interface Answer extends Explained {
  readonly disclaimer: string;
  readonly asOf?: string;
}

interface DefinitionOutcome extends Explained {
  readonly kind: 'instrument' | 'jurisdiction';
  readonly id: string;
  readonly name: string;
  readonly provision: string;
  readonly met: boolean;
  readonly status: 'met' | 'not-met' | 'unverified';
  readonly missing: readonly string[];
  readonly reading?: string;
}

interface DefinitionAnswer extends Answer {
  readonly results: readonly DefinitionOutcome[];
}

interface AppliedAggravator extends Explained {
  readonly factor: string;
  readonly provision?: string;
  readonly penaltyText: string;
  readonly why: string;
}

interface CandidateOffence extends Explained {
  readonly jurisdiction: string;
  readonly id: string;
  readonly title: string;
  readonly provision: string;
  readonly category: string;
  readonly basePenaltyText: string;
  readonly penaltyText: string;
  readonly aggravators: readonly AppliedAggravator[];
  readonly penaltyFrom?: string;
}

interface OffenceNotMet {
  readonly id: string;
  readonly provision: string;
  readonly missing: readonly string[];
}

interface JurisdictionOffences extends Explained {
  readonly jurisdiction: string;
  readonly name?: string;
  readonly hasData: boolean;
  readonly why: readonly string[];
  readonly offences: readonly CandidateOffence[];
  readonly notMet: readonly OffenceNotMet[];
  readonly unchecked: readonly (OffenceNotMet & Explained)[];
}

interface OffencesAnswer extends Answer {
  readonly jurisdictions: readonly JurisdictionOffences[];
}

interface MetClaim extends Explained {
  readonly basis: string;
  readonly provision: string;
  readonly why: string;
  readonly offences?: readonly string[];
}

interface StateClaim extends Explained {
  readonly jurisdiction: string;
  readonly name: string;
  readonly bases: readonly string[];
  readonly claims: readonly MetClaim[];
  readonly linked: boolean;
}

interface Conflict extends Explained {
  readonly states: readonly { readonly jurisdiction: string; readonly bases: readonly string[] }[];
}

interface ClaimsAnswer extends Answer {
  readonly claims: readonly StateClaim[];
  readonly conflicts: Conflict | null;
  readonly noData: readonly string[];
}

interface CheckAnswer {
  readonly disclaimer: string;
  readonly definition: DefinitionAnswer;
  readonly offences: OffencesAnswer;
  readonly jurisdiction: ClaimsAnswer;
}

interface ApplicableDuty extends Explained {
  readonly source: string;
  readonly sourceName: string;
  readonly id: string;
  readonly duty: string;
  readonly what: string;
  readonly content: readonly string[];
  readonly recipient?: string;
  readonly appliesBecause: string;
  readonly deadlineHours?: number;
  readonly deadlineText: string;
  readonly retainDays?: number;
  readonly citation: string;
  readonly penalty?: string;
}

interface DutiesAnswer extends Answer {
  readonly duties: readonly ApplicableDuty[];
  readonly noData: readonly string[];
}

interface DualCriminalityCheck extends Explained {
  readonly status: 'found' | 'not-found' | 'cannot-check';
  readonly categories: readonly string[];
  readonly matches: readonly {
    readonly id: string;
    readonly provision: string;
    readonly category: string;
  }[];
}

interface CooperationRoute extends Explained {
  readonly id: string;
  readonly instrument?: string;
  readonly title: string;
  readonly kind: string;
  readonly provision?: string;
  readonly addressee: 'provider' | 'state';
  readonly deadlineHours?: number;
  readonly deadlineText?: string;
  readonly preserveDays?: number;
  readonly renewalDays?: number;
  readonly dualCriminality: 'required' | 'not-required' | 'may-be-required';
  readonly dualCriminalityCheck?: DualCriminalityCheck;
}

interface CooperationAnswer extends Answer {
  readonly from: string;
  readonly to: string;
  readonly data: string;
  readonly routes: readonly CooperationRoute[];
  readonly skipped: readonly {
    readonly instrument: string;
    readonly route: string;
    readonly why: string;
  }[];
}

interface Coverage {
  readonly jurisdictions: readonly {
    readonly id: string;
    readonly name: string;
    readonly lastVerified: string;
    readonly offences: number;
    readonly duties: number;
  }[];
  readonly instruments: readonly {
    readonly id: string;
    readonly name: string;
    readonly kind: string;
    readonly lastVerified: string;
  }[];
}

/** An array of the answer, or none when the server left it out. */
const list = <T,>(value: readonly T[] | undefined | null): readonly T[] =>
  Array.isArray(value) ? value : [];

// ---- Running a request: idle, loading, refused, failed or answered --------------------------

type Run<T> =
  | { readonly state: 'idle' }
  | { readonly state: 'loading' }
  | { readonly state: 'error'; readonly error: unknown }
  | { readonly state: 'ready'; readonly data: T };

function useRun<Q, T>(send: (request: Q) => Promise<T>) {
  const [result, setResult] = useState<Run<T>>({ state: 'idle' });
  const last = useRef<Q | undefined>(undefined);
  const ticket = useRef(0);
  const run = useCallback(
    async (request: Q) => {
      last.current = request;
      const mine = ++ticket.current;
      setResult({ state: 'loading' });
      try {
        const data = await send(request);
        if (mine === ticket.current) setResult({ state: 'ready', data });
      } catch (error) {
        if (mine === ticket.current) setResult({ state: 'error', error });
      }
    },
    [send],
  );
  const retry = useCallback(() => {
    if (last.current !== undefined) void run(last.current);
  }, [run]);
  return { result, run, retry };
}

/** A refusal of the request itself (400): shown next to the form, whose fields it names. */
function refusalOf(run: Run<unknown>): ApiError | undefined {
  return run.state === 'error' && run.error instanceof ApiError && run.error.problem.status === 400
    ? run.error
    : undefined;
}

/** The form fields a refusal names, as input ids (`prefix` + path with dots as dashes). */
function invalidIds(refusal: ApiError | undefined, prefix: string): readonly string[] {
  if (refusal === undefined) return [];
  const details = refusal.problem.details ?? {};
  const paths: string[] = [];
  if (typeof details.field === 'string') paths.push(details.field);
  if (Array.isArray(details.issues)) {
    for (const issue of details.issues as unknown[]) {
      const o = (issue ?? {}) as { path?: unknown; field?: unknown };
      if (typeof o.path === 'string') paths.push(o.path);
      if (typeof o.field === 'string') paths.push(o.field);
    }
  }
  return paths.map((p) => `${prefix}-${p.replaceAll('.', '-')}`);
}

function issuesOf(refusal: ApiError | undefined): readonly string[] {
  const issues = refusal?.problem.details?.issues;
  if (!Array.isArray(issues) || issues.length < 2) return [];
  return (issues as unknown[]).map((issue) => {
    const o = (issue ?? {}) as { path?: unknown; field?: unknown; message?: unknown };
    const where = typeof o.path === 'string' ? o.path : typeof o.field === 'string' ? o.field : '';
    return `${where}: ${typeof o.message === 'string' ? o.message : 'invalid'}`;
  });
}

function Refusal(props: { readonly refusal: ApiError | undefined; readonly id: string }) {
  const issues = issuesOf(props.refusal);
  return (
    <div id={props.id} className="law-refusal">
      <ActionError error={props.refusal} />
      {issues.length > 0 && (
        <ul className="law-issues">
          {issues.map((issue) => (
            <li key={issue}>{issue}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Props marking a control invalid when a refusal names it. */
function invalidProps(id: string, invalid: readonly string[], errorId: string) {
  const bad = invalid.some((i) => i === id || i.startsWith(`${id}-`));
  return bad ? { 'aria-invalid': true as const, 'aria-describedby': errorId } : {};
}

/** The answer area of a form: empty, loading, failed (with retry), refused or answered. */
function Outcome<T>(props: {
  readonly run: Run<T>;
  readonly retry: () => void;
  readonly idle: string;
  readonly refused: string;
  readonly children: (data: T) => ReactNode;
}) {
  const { run } = props;
  if (run.state === 'idle')
    return (
      <Empty>
        <p>{props.idle}</p>
      </Empty>
    );
  if (run.state === 'loading') return <Loading rows={6} label="Asking the knowledge base…" />;
  if (run.state === 'error') {
    if (refusalOf(run) !== undefined)
      return (
        <Empty>
          <p>{props.refused}</p>
        </Empty>
      );
    return <ErrorState error={run.error} retry={props.retry} />;
  }
  return <>{props.children(run.data)}</>;
}

// ---- Shared pieces of an answer -----------------------------------------------------------

const today = () => new Date().toISOString().slice(0, 10);
const codes = (text: string): string[] =>
  text
    .split(',')
    .map((part) => part.trim().toUpperCase())
    .filter((part) => part !== '');

const VERIFICATION_NAMES: Record<Verification, string> = {
  P: 'primary source',
  S: 'secondary source',
  UNVERIFIED: 'unverified',
};

function VerificationBadge(props: { readonly verification: Verification }) {
  const v = props.verification;
  if (v === 'UNVERIFIED')
    return (
      <span className="badge law-unverified" title="The fact cited is unverified">
        UNVERIFIED
      </span>
    );
  return (
    <span title={VERIFICATION_NAMES[v]}>
      <Badge tone={v === 'P' ? 'ok' : 'info'}>
        {v}
        <span className="visually-hidden"> ({VERIFICATION_NAMES[v]})</span>
      </Badge>
    </span>
  );
}

function UnverifiedFlag(props: { readonly unverified: boolean }) {
  if (!props.unverified) return null;
  return (
    <span className="badge law-unverified" title="Rests on an unverified fact">
      rests on UNVERIFIED
    </span>
  );
}

function Disclaimer(props: { readonly text: string; readonly asOf?: string | undefined }) {
  return (
    <p className="law-disclaimer">
      <strong>{props.text}</strong>
      {props.asOf !== undefined && <> The law as of {props.asOf}.</>}
    </p>
  );
}

function CitationList(props: { readonly citations: readonly Citation[] }) {
  const unique = dedupe(props.citations);
  if (unique.length === 0) return <p className="muted">No sources cited.</p>;
  return (
    <ul className="law-citations">
      {unique.map((s) => (
        <li key={`${s.file}#${s.key}`}>
          {s.verifications.map((v) => (
            <VerificationBadge key={v} verification={v} />
          ))}{' '}
          <span className="law-key">{s.key}</span> <SourceTitle title={s.title} url={s.url} />
          {s.provisions.length > 0 && <span className="muted"> — {s.provisions.join('; ')}</span>}
        </li>
      ))}
    </ul>
  );
}

function SourceTitle(props: { readonly title: string; readonly url?: string | undefined }) {
  if (props.url === undefined) return <span>{props.title}</span>;
  return (
    <a href={props.url} target="_blank" rel="noreferrer">
      {props.title}
      <span className="visually-hidden"> (opens in a new tab)</span>
    </a>
  );
}

/** The explanation lines and the citations of a part of an answer, folded. */
function Reasoning(props: {
  readonly part: Explained;
  readonly label: string;
  readonly summary?: string;
}) {
  const citations = list(props.part.citations);
  const lines = list(props.part.explanation);
  return (
    <details className="law-reasoning">
      <summary>
        {props.summary ?? 'Explanation'} and {citations.length} source
        {citations.length === 1 ? '' : 's'}
        <span className="visually-hidden"> for {props.label}</span>
      </summary>
      {lines.length > 0 ? (
        <ul className="law-lines">
          {lines.map((line, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the lines are fixed for the answer.
            <li key={i}>{line}</li>
          ))}
        </ul>
      ) : (
        <p className="muted">No explanation given.</p>
      )}
      <CitationList citations={citations} />
    </details>
  );
}

interface Source {
  readonly key: string;
  readonly title: string;
  readonly url?: string | undefined;
  readonly file: string;
  readonly verifications: Verification[];
  readonly provisions: string[];
}

const VERIFICATION_ORDER: readonly Verification[] = ['UNVERIFIED', 'S', 'P'];

/** Each source once (by file and key), with every verification and provision it is cited for. */
function dedupe(citations: readonly Citation[]): Source[] {
  const byId = new Map<string, Source>();
  for (const c of citations) {
    const id = `${c.file}#${c.key}`;
    let s = byId.get(id);
    if (s === undefined) {
      s = {
        key: c.key,
        title: c.title,
        url: c.url,
        file: c.file,
        verifications: [],
        provisions: [],
      };
      byId.set(id, s);
    }
    if (!s.verifications.includes(c.verification)) s.verifications.push(c.verification);
    if (c.provision !== undefined && !s.provisions.includes(c.provision))
      s.provisions.push(c.provision);
  }
  for (const s of byId.values())
    s.verifications.sort((a, b) => VERIFICATION_ORDER.indexOf(a) - VERIFICATION_ORDER.indexOf(b));
  return [...byId.values()].sort(
    (a, b) => a.key.localeCompare(b.key, 'en', { numeric: true }) || a.file.localeCompare(b.file),
  );
}

/** Every citation anywhere in an answer. */
function allCitations(value: unknown, into: Citation[] = []): Citation[] {
  if (Array.isArray(value)) {
    for (const v of value) allCitations(v, into);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'citations' && Array.isArray(v)) into.push(...(v as Citation[]));
      else allCitations(v, into);
    }
  }
  return into;
}

function Sources(props: { readonly answer: unknown; readonly id: string }) {
  const sources = dedupe(allCitations(props.answer));
  const unverified = sources.filter((s) => s.verifications.includes('UNVERIFIED')).length;
  return (
    <section className="panel law-section" aria-labelledby={props.id}>
      <h2 id={props.id}>Sources</h2>
      {sources.length === 0 ? (
        <Empty>
          <p>The answer cites no sources.</p>
        </Empty>
      ) : (
        <>
          <p className="muted">
            {sources.length} source{sources.length === 1 ? '' : 's'}; {unverified} cited for an
            UNVERIFIED fact. P: primary source read; S: secondary source.
          </p>
          <table className="law-table">
            <thead>
              <tr>
                <th scope="col">Verification</th>
                <th scope="col">Key</th>
                <th scope="col">Source</th>
                <th scope="col">Cited for</th>
                <th scope="col">Data file</th>
              </tr>
            </thead>
            <tbody>
              {sources.map((s) => (
                <tr
                  key={`${s.file}#${s.key}`}
                  className={
                    s.verifications.includes('UNVERIFIED') ? 'law-row-unverified' : undefined
                  }
                >
                  <td className="law-nowrap">
                    {s.verifications.map((v) => (
                      <VerificationBadge key={v} verification={v} />
                    ))}
                  </td>
                  <td className="law-nowrap law-key">{s.key}</td>
                  <td>
                    <SourceTitle title={s.title} url={s.url} />
                  </td>
                  <td>{s.provisions.join('; ') || '—'}</td>
                  <td className="law-file">{s.file}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

// ---- Check facts --------------------------------------------------------------------------

interface VictimRow {
  readonly id: number;
  readonly age: string;
  readonly nationality: string;
  readonly location: string;
}
interface OffenderRow {
  readonly id: number;
  readonly nationality: string;
  readonly residence: string;
  readonly location: string;
}

interface FactsForm {
  readonly victims: readonly VictimRow[];
  readonly offenders: readonly OffenderRow[];
  readonly acts: readonly Act[];
  readonly means: readonly Means[];
  readonly purposes: readonly Purpose[];
  readonly actsIn: string;
  readonly organisedGroup: boolean;
  readonly ict: boolean;
  readonly publicOfficial: boolean;
  readonly seriousHarm: boolean;
  readonly establishment: string;
  readonly servers: string;
  readonly servesIn: string;
  readonly asOf: string;
}

let rowIds = 0;
const nextRow = () => ++rowIds;
const emptyVictim = (): VictimRow => ({ id: nextRow(), age: '', nationality: '', location: '' });
const emptyOffender = (): OffenderRow => ({
  id: nextRow(),
  nationality: '',
  residence: '',
  location: '',
});

function emptyFacts(): FactsForm {
  return {
    victims: [emptyVictim()],
    offenders: [],
    acts: [],
    means: [],
    purposes: [],
    actsIn: '',
    organisedGroup: false,
    ict: false,
    publicOfficial: false,
    seriousHarm: false,
    establishment: '',
    servers: '',
    servesIn: '',
    asOf: today(),
  };
}

/** A 16-year-old recruited online in the Philippines by an Australian national, through a
 * platform established in Ireland, for sexual exploitation. */
function exampleFacts(): FactsForm {
  return {
    victims: [{ id: nextRow(), age: '16', nationality: 'PH', location: 'PH' }],
    offenders: [{ id: nextRow(), nationality: 'AU', residence: 'AU', location: 'AU' }],
    acts: ['recruitment'],
    means: ['deception'],
    purposes: ['sexual-exploitation'],
    actsIn: 'PH',
    organisedGroup: false,
    ict: true,
    publicOfficial: false,
    seriousHarm: false,
    establishment: 'IE',
    servers: 'IE',
    servesIn: 'PH, AU',
    asOf: today(),
  };
}

const country = (value: string) => value.trim().toUpperCase();
const optional = <K extends string>(key: K, value: string): Partial<Record<K, string>> =>
  country(value) === '' ? {} : ({ [key]: country(value) } as Record<K, string>);

/** The case facts as src/law/facts.ts reads them; empty fields left out. */
function factsBody(form: FactsForm): Record<string, unknown> {
  const platformGiven =
    form.establishment.trim() !== '' || form.servers.trim() !== '' || form.servesIn.trim() !== '';
  return {
    asOf: form.asOf,
    victims: form.victims.map((v) => {
      const age = v.age.trim();
      const n = Number(age);
      return {
        ...(age === '' ? {} : { age: Number.isInteger(n) ? n : age }),
        ...optional('nationality', v.nationality),
        ...optional('location', v.location),
      };
    }),
    offenders: form.offenders.map((o) => ({
      ...optional('nationality', o.nationality),
      ...optional('residence', o.residence),
      ...optional('location', o.location),
    })),
    acts: form.acts,
    means: form.means,
    purposes: form.purposes,
    actsIn: codes(form.actsIn),
    circumstances: {
      organisedGroup: form.organisedGroup,
      ict: form.ict,
      publicOfficial: form.publicOfficial,
      seriousHarm: form.seriousHarm,
    },
    ...(platformGiven && {
      platform: {
        ...optional('establishment', form.establishment),
        servers: codes(form.servers),
        servesIn: codes(form.servesIn),
      },
    }),
  };
}

async function sendCheck(body: Record<string, unknown>): Promise<CheckAnswer> {
  const data = must(await api.POST('/v1/law/check', { body }));
  return data as unknown as CheckAnswer;
}

function toggle<T>(values: readonly T[], value: T, on: boolean): T[] {
  return on ? [...values.filter((v) => v !== value), value] : values.filter((v) => v !== value);
}

function Checkboxes<T extends string>(props: {
  readonly legend: string;
  readonly name: string;
  readonly options: readonly T[];
  readonly label?: (value: T) => string;
  readonly value: readonly T[];
  readonly onChange: (value: T[]) => void;
  readonly invalid?: boolean;
}) {
  return (
    <fieldset className="law-checks" aria-invalid={props.invalid === true ? true : undefined}>
      <legend>{props.legend}</legend>
      <div className="law-check-grid">
        {props.options.map((option) => (
          <label key={option} className="law-check">
            <input
              type="checkbox"
              name={props.name}
              value={option}
              checked={props.value.includes(option)}
              onChange={(event) =>
                props.onChange(toggle(props.value, option, event.target.checked))
              }
            />
            <span>{props.label ? props.label(option) : words(option)}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function CountryInput(props: {
  readonly id: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly invalid: readonly string[];
  readonly errorId: string;
  /** Several codes, comma separated (no suggestions); otherwise one code. */
  readonly many?: boolean;
}) {
  return (
    <input
      id={props.id}
      className={props.many === true ? undefined : 'law-code'}
      value={props.value}
      maxLength={props.many === true ? 1000 : 2}
      autoComplete="off"
      spellCheck={false}
      autoCapitalize="characters"
      {...(props.many === true ? {} : { list: 'law-countries' })}
      onChange={(event) => props.onChange(event.target.value.toUpperCase())}
      {...invalidProps(props.id, props.invalid, props.errorId)}
    />
  );
}

function CheckTab() {
  const [form, setForm] = useState<FactsForm>(emptyFacts);
  const { result, run, retry } = useRun(sendCheck);
  const refusal = refusalOf(result);
  const invalid = invalidIds(refusal, 'law');
  const errorId = 'law-check-refusal';
  const set = (patch: Partial<FactsForm>) => setForm((f) => ({ ...f, ...patch }));
  const setVictim = (id: number, patch: Partial<VictimRow>) =>
    setForm((f) => ({
      ...f,
      victims: f.victims.map((v) => (v.id === id ? { ...v, ...patch } : v)),
    }));
  const setOffender = (id: number, patch: Partial<OffenderRow>) =>
    setForm((f) => ({
      ...f,
      offenders: f.offenders.map((o) => (o.id === id ? { ...o, ...patch } : o)),
    }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(factsBody(form));
  };
  const countryField = (id: string, value: string, onChange: (v: string) => void, many = false) => (
    <CountryInput
      id={id}
      value={value}
      onChange={onChange}
      invalid={invalid}
      errorId={errorId}
      many={many}
    />
  );

  return (
    <>
      <form
        className="panel law-form"
        noValidate
        onSubmit={submit}
        aria-labelledby="law-check-heading"
      >
        <h2 id="law-check-heading" className="law-form-heading">
          The facts of the case
        </h2>
        <p className="hint">
          Countries as two-letter codes (PH, AU, IE). Leave unknown facts empty.
        </p>

        <div className="law-people">
          <fieldset className="law-group">
            <legend>Victims</legend>
            {form.victims.map((v, i) => (
              <fieldset key={v.id} className="law-person">
                <legend>Victim {i + 1}</legend>
                <Field label="Age" id={`law-victims-${i}-age`}>
                  <input
                    id={`law-victims-${i}-age`}
                    className="law-age"
                    type="number"
                    min={0}
                    max={130}
                    step={1}
                    inputMode="numeric"
                    value={v.age}
                    onChange={(event) => setVictim(v.id, { age: event.target.value })}
                    {...invalidProps(`law-victims-${i}-age`, invalid, errorId)}
                  />
                </Field>
                <Field label="Nationality" id={`law-victims-${i}-nationality`}>
                  {countryField(`law-victims-${i}-nationality`, v.nationality, (x) =>
                    setVictim(v.id, { nationality: x }),
                  )}
                </Field>
                <Field label="Location" id={`law-victims-${i}-location`}>
                  {countryField(`law-victims-${i}-location`, v.location, (x) =>
                    setVictim(v.id, { location: x }),
                  )}
                </Field>
                <button
                  type="button"
                  className="law-remove"
                  disabled={form.victims.length === 1}
                  aria-label={`Remove victim ${i + 1}`}
                  title={form.victims.length === 1 ? 'A case has at least one victim' : undefined}
                  onClick={() => set({ victims: form.victims.filter((x) => x.id !== v.id) })}
                >
                  Remove
                </button>
              </fieldset>
            ))}
            <button
              type="button"
              onClick={() => set({ victims: [...form.victims, emptyVictim()] })}
            >
              Add victim
            </button>
          </fieldset>

          <fieldset className="law-group">
            <legend>Offenders</legend>
            {form.offenders.length === 0 && <p className="muted law-none">No offender named.</p>}
            {form.offenders.map((o, i) => (
              <fieldset key={o.id} className="law-person">
                <legend>Offender {i + 1}</legend>
                <Field label="Nationality" id={`law-offenders-${i}-nationality`}>
                  {countryField(`law-offenders-${i}-nationality`, o.nationality, (x) =>
                    setOffender(o.id, { nationality: x }),
                  )}
                </Field>
                <Field label="Residence" id={`law-offenders-${i}-residence`}>
                  {countryField(`law-offenders-${i}-residence`, o.residence, (x) =>
                    setOffender(o.id, { residence: x }),
                  )}
                </Field>
                <Field label="Location" id={`law-offenders-${i}-location`}>
                  {countryField(`law-offenders-${i}-location`, o.location, (x) =>
                    setOffender(o.id, { location: x }),
                  )}
                </Field>
                <button
                  type="button"
                  className="law-remove"
                  aria-label={`Remove offender ${i + 1}`}
                  onClick={() => set({ offenders: form.offenders.filter((x) => x.id !== o.id) })}
                >
                  Remove
                </button>
              </fieldset>
            ))}
            <button
              type="button"
              onClick={() => set({ offenders: [...form.offenders, emptyOffender()] })}
            >
              Add offender
            </button>
          </fieldset>
        </div>

        <div className="law-vocab">
          <Checkboxes
            legend="Acts"
            name="acts"
            options={ACTS}
            value={form.acts}
            onChange={(acts) => set({ acts })}
            invalid={invalid.some((i) => i.startsWith('law-acts'))}
          />
          <Checkboxes
            legend="Means"
            name="means"
            options={MEANS}
            value={form.means}
            onChange={(means) => set({ means })}
            invalid={invalid.some((i) => i.startsWith('law-means'))}
          />
          <Checkboxes
            legend="Purposes"
            name="purposes"
            options={PURPOSES}
            value={form.purposes}
            onChange={(purposes) => set({ purposes })}
            invalid={invalid.some((i) => i.startsWith('law-purposes'))}
          />
        </div>

        <div className="law-rest">
          <div>
            <Field
              label="Where the acts took place"
              id="law-actsIn"
              hint="Country codes, comma separated: PH, AU"
            >
              {countryField('law-actsIn', form.actsIn, (actsIn) => set({ actsIn }), true)}
            </Field>
            <Field label="As of" id="law-asOf" hint="The date the law is asked about">
              <input
                id="law-asOf"
                type="date"
                value={form.asOf}
                onChange={(event) => set({ asOf: event.target.value })}
                {...invalidProps('law-asOf', invalid, errorId)}
              />
            </Field>
          </div>
          <fieldset className="law-checks">
            <legend>Circumstances</legend>
            <div className="law-check-col">
              {(
                [
                  ['organisedGroup', 'Organised criminal group'],
                  ['ict', 'Committed through ICT (online)'],
                  ['publicOfficial', 'Offender is a public official'],
                  ['seriousHarm', 'Death or serious harm'],
                ] as const
              ).map(([key, label]) => (
                <label key={key} className="law-check">
                  <input
                    type="checkbox"
                    checked={form[key]}
                    onChange={(event) => set({ [key]: event.target.checked })}
                  />
                  <span>{label}</span>
                </label>
              ))}
            </div>
          </fieldset>
          <fieldset className="law-group law-platform">
            <legend>Platform</legend>
            <Field label="Establishment" id="law-platform-establishment" hint="Main establishment">
              {countryField('law-platform-establishment', form.establishment, (establishment) =>
                set({ establishment }),
              )}
            </Field>
            <Field label="Servers in" id="law-platform-servers" hint="Comma separated">
              {countryField(
                'law-platform-servers',
                form.servers,
                (servers) => set({ servers }),
                true,
              )}
            </Field>
            <Field label="Serves in" id="law-platform-servesIn" hint="Comma separated">
              {countryField(
                'law-platform-servesIn',
                form.servesIn,
                (servesIn) => set({ servesIn }),
                true,
              )}
            </Field>
          </fieldset>
        </div>

        <div className="law-buttons">
          <button type="submit" className="primary" disabled={result.state === 'loading'}>
            Check
          </button>
          <button type="button" onClick={() => setForm(exampleFacts())}>
            Load example
          </button>
          <button type="button" onClick={() => setForm(emptyFacts())}>
            Clear
          </button>
        </div>
        <Refusal refusal={refusal} id={errorId} />
      </form>

      <Outcome
        run={result}
        retry={retry}
        idle="Enter the facts and press Check, or load the worked example."
        refused="The facts were refused: correct the field named above and check again."
      >
        {(answer) => <CheckView answer={answer} />}
      </Outcome>
    </>
  );
}

const STATUS_TONES = { met: 'ok', 'not-met': 'info', unverified: 'medium' } as const;
const STATUS_LABELS = { met: 'met', 'not-met': 'not met', unverified: 'unverified' } as const;

function CheckView(props: { readonly answer: CheckAnswer }) {
  const { definition, offences, jurisdiction } = props.answer;
  const results = list(definition?.results);
  const jurisdictions = list(offences?.jurisdictions);
  const claims = list(jurisdiction?.claims);
  const met = results.filter((r) => r.status !== 'not-met').length;
  return (
    <div className="law-answer">
      <Disclaimer text={props.answer.disclaimer} asOf={definition?.asOf} />
      <p className="visually-hidden" role="status">
        Answer ready: {met} of {results.length} definitions met or unverified; candidate offences in{' '}
        {jurisdictions.length} jurisdictions; {claims.length} states can claim jurisdiction.
      </p>

      <section className="panel law-section" aria-labelledby="law-def-heading">
        <h2 id="law-def-heading">
          Definition of trafficking <UnverifiedFlag unverified={definition?.unverified === true} />
        </h2>
        {results.length === 0 ? (
          <Empty>
            <p>No definition in the knowledge base applies to these facts.</p>
          </Empty>
        ) : (
          <table className="law-table">
            <thead>
              <tr>
                <th scope="col">Instrument or jurisdiction</th>
                <th scope="col">Provision</th>
                <th scope="col">Status</th>
                <th scope="col">Missing elements</th>
              </tr>
            </thead>
            {results.map((r) => (
              <tbody key={`${r.kind}-${r.id}`} className="law-entry">
                <tr>
                  <th scope="row" className="law-row-head">
                    {r.name}
                    <span className="muted law-small">
                      {' '}
                      {r.kind === 'instrument' ? 'instrument' : r.id}
                    </span>
                  </th>
                  <td>{r.provision}</td>
                  <td className="law-nowrap">
                    <Badge tone={STATUS_TONES[r.status] ?? 'info'}>
                      {STATUS_LABELS[r.status] ?? r.status}
                    </Badge>
                  </td>
                  <td>
                    {list(r.missing).length === 0 ? (
                      <span className="muted">none</span>
                    ) : (
                      <ul className="law-inline-list">
                        {list(r.missing).map((m) => (
                          <li key={m}>{m}</li>
                        ))}
                      </ul>
                    )}
                    {r.reading !== undefined && (
                      <p className="law-small muted">Reading: {r.reading}</p>
                    )}
                  </td>
                </tr>
                <tr className="law-detail-row">
                  <td colSpan={4}>
                    <Reasoning part={r} label={`${r.name}, ${r.provision}`} />
                  </td>
                </tr>
              </tbody>
            ))}
          </table>
        )}
        <Reasoning part={definition} label="the definition test" summary="Overall explanation" />
      </section>

      <section className="panel law-section" aria-labelledby="law-off-heading">
        <h2 id="law-off-heading">
          Candidate offences <UnverifiedFlag unverified={offences?.unverified === true} />
        </h2>
        {jurisdictions.length === 0 ? (
          <Empty>
            <p>No jurisdiction is connected to these facts: name where the acts took place.</p>
          </Empty>
        ) : (
          jurisdictions.map((j) => <JurisdictionOffencesView key={j.jurisdiction} j={j} />)
        )}
      </section>

      <ClaimsView answer={jurisdiction} />

      <Sources answer={props.answer} id="law-check-sources" />
    </div>
  );
}

function JurisdictionOffencesView(props: { readonly j: JurisdictionOffences }) {
  const { j } = props;
  const headingId = `law-off-${j.jurisdiction}`;
  const offences = list(j.offences);
  const notMet = list(j.notMet);
  const unchecked = list(j.unchecked);
  return (
    <section className="law-jurisdiction" aria-labelledby={headingId}>
      <h3 id={headingId}>
        {j.name ?? j.jurisdiction} <span className="muted">({j.jurisdiction})</span>{' '}
        <UnverifiedFlag unverified={j.unverified} />
      </h3>
      {list(j.why).length > 0 && (
        <p className="muted law-small">Looked at because {list(j.why).join('; ')}.</p>
      )}
      {!j.hasData ? (
        <p className="law-nodata">
          The knowledge base has no data for {j.jurisdiction}: its offences cannot be checked.
        </p>
      ) : offences.length === 0 ? (
        <p className="muted">No offence of {j.name ?? j.jurisdiction} is met on these facts.</p>
      ) : (
        <table className="law-table">
          <thead>
            <tr>
              <th scope="col">Provision</th>
              <th scope="col">Offence</th>
              <th scope="col">Base penalty</th>
              <th scope="col">Penalty after aggravators</th>
              <th scope="col">Aggravators applied</th>
            </tr>
          </thead>
          {offences.map((o) => (
            <tbody key={o.id} className="law-entry">
              <tr>
                <td>{o.provision}</td>
                <th scope="row" className="law-row-head">
                  {o.title} <UnverifiedFlag unverified={o.unverified} />
                </th>
                <td>{o.basePenaltyText}</td>
                <td>
                  <strong>{o.penaltyText}</strong>
                  {o.penaltyFrom !== undefined && (
                    <span className="muted law-small"> (raised by: {words(o.penaltyFrom)})</span>
                  )}
                </td>
                <td>
                  {list(o.aggravators).length === 0 ? (
                    <span className="muted">none</span>
                  ) : (
                    <ul className="law-inline-list">
                      {list(o.aggravators).map((a) => (
                        <li key={a.factor}>
                          <Badge tone="medium">{words(a.factor)}</Badge>{' '}
                          {a.provision !== undefined && <span>{a.provision}: </span>}
                          <span className="muted">{a.why}</span>
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
              <tr className="law-detail-row">
                <td colSpan={5}>
                  <Reasoning part={o} label={`${o.title}, ${o.provision}`} />
                  {list(o.aggravators).map((a) => (
                    <Reasoning
                      key={a.factor}
                      part={a}
                      label={`the ${words(a.factor)} aggravator of ${o.provision}`}
                      summary={`Aggravator “${words(a.factor)}”: explanation`}
                    />
                  ))}
                </td>
              </tr>
            </tbody>
          ))}
        </table>
      )}
      {unchecked.length > 0 && (
        <div className="law-sub">
          <h4>May apply, cannot be checked</h4>
          <ul className="law-plain">
            {unchecked.map((u) => (
              <li key={u.id}>
                <strong>{u.provision}</strong>: {list(u.missing).join('; ')}{' '}
                <UnverifiedFlag unverified={u.unverified} />
                <Reasoning part={u} label={u.provision} />
              </li>
            ))}
          </ul>
        </div>
      )}
      {notMet.length > 0 && (
        <details className="law-reasoning">
          <summary>
            {notMet.length} offence{notMet.length === 1 ? '' : 's'} not met
            <span className="visually-hidden"> in {j.name ?? j.jurisdiction}</span>
          </summary>
          <ul className="law-plain">
            {notMet.map((n) => (
              <li key={n.id}>
                <strong>{n.provision}</strong>: {list(n.missing).join('; ')}
              </li>
            ))}
          </ul>
        </details>
      )}
      <Reasoning
        part={j}
        label={`the offences of ${j.name ?? j.jurisdiction}`}
        summary="Overall explanation"
      />
    </section>
  );
}

function ClaimsView(props: { readonly answer: ClaimsAnswer | undefined }) {
  const answer = props.answer;
  const claims = list(answer?.claims);
  const noData = list(answer?.noData);
  const conflicts = answer?.conflicts ?? null;
  return (
    <section className="panel law-section" aria-labelledby="law-claims-heading">
      <h2 id="law-claims-heading">
        Jurisdiction: claims and conflicts{' '}
        <UnverifiedFlag unverified={answer?.unverified === true} />
      </h2>
      {claims.length === 0 ? (
        <Empty>
          <p>No state in the knowledge base can claim this case on these facts.</p>
        </Empty>
      ) : (
        <table className="law-table">
          <thead>
            <tr>
              <th scope="col">State</th>
              <th scope="col">Bases</th>
              <th scope="col">Connection</th>
              <th scope="col">Provisions</th>
            </tr>
          </thead>
          {claims.map((c) => (
            <tbody key={c.jurisdiction} className="law-entry">
              <tr>
                <th scope="row" className="law-row-head">
                  {c.name} <span className="muted">({c.jurisdiction})</span>
                </th>
                <td>
                  {list(c.bases).map((b) => (
                    <span key={b} className="law-badge-gap">
                      <Badge tone={b === 'universal' ? 'info' : 'low'}>{words(b)}</Badge>
                    </span>
                  ))}
                </td>
                <td>{c.linked ? 'Connected to the facts' : 'Universal jurisdiction only'}</td>
                <td>
                  <ul className="law-inline-list">
                    {list(c.claims).map((m) => (
                      <li key={`${m.basis}-${m.provision}`}>
                        {m.provision}: <span className="muted">{m.why}</span>
                      </li>
                    ))}
                  </ul>
                </td>
              </tr>
              <tr className="law-detail-row">
                <td colSpan={4}>
                  <Reasoning part={c} label={`the claim of ${c.name}`} />
                </td>
              </tr>
            </tbody>
          ))}
        </table>
      )}
      {noData.length > 0 && (
        <p className="law-nodata">
          No data for {noData.join(', ')}:{' '}
          {noData.length === 1 ? 'its claim is' : 'their claims are'} unknown.
        </p>
      )}
      <h3>Conflicts</h3>
      {conflicts === null ? (
        <p className="muted">
          No conflict: fewer than two states claim the case on a connecting factor.
        </p>
      ) : (
        <div className="law-conflict">
          <p>
            Concurrent claims by{' '}
            {list(conflicts.states)
              .map((s) => `${s.jurisdiction} (${list(s.bases).map(words).join(', ')})`)
              .join('; ')}
            . <UnverifiedFlag unverified={conflicts.unverified} />
          </p>
          <Reasoning part={conflicts} label="the conflict of claims" />
        </div>
      )}
      {answer !== undefined && (
        <Reasoning part={answer} label="the jurisdiction claims" summary="Overall explanation" />
      )}
    </section>
  );
}

// ---- Duties ---------------------------------------------------------------------------------

interface DutiesRequest {
  readonly established: string;
  readonly serving: string;
  readonly content: readonly ContentKind[];
  readonly asOf: string;
}

async function sendDuties(r: DutiesRequest): Promise<DutiesAnswer> {
  const established = codes(r.established).join(',');
  const serving = codes(r.serving).join(',');
  const data = must(
    await api.GET('/v1/law/duties', {
      params: {
        query: {
          ...(established !== '' && { established }),
          ...(serving !== '' && { serving }),
          content: r.content.join(','),
          ...(r.asOf !== '' && { asOf: r.asOf }),
        },
      },
    }),
  );
  return data as unknown as DutiesAnswer;
}

function DutiesTab() {
  const [form, setForm] = useState<DutiesRequest>(() => ({
    established: '',
    serving: '',
    content: [],
    asOf: today(),
  }));
  const { result, run, retry } = useRun(sendDuties);
  const refusal = refusalOf(result);
  const invalid = invalidIds(refusal, 'duties');
  const errorId = 'duties-refusal';
  const set = (patch: Partial<DutiesRequest>) => setForm((f) => ({ ...f, ...patch }));
  return (
    <>
      <form
        className="panel law-form"
        noValidate
        aria-labelledby="duties-heading"
        onSubmit={(event) => {
          event.preventDefault();
          void run(form);
        }}
      >
        <h2 id="duties-heading" className="law-form-heading">
          The platform
        </h2>
        <div className="law-row">
          <Field
            label="Established in"
            id="duties-established"
            hint="Country codes, comma separated: DE"
          >
            <CountryInput
              id="duties-established"
              value={form.established}
              onChange={(established) => set({ established })}
              invalid={invalid}
              errorId={errorId}
              many
            />
          </Field>
          <Field label="Serving" id="duties-serving" hint="Country codes, comma separated: US, AU">
            <CountryInput
              id="duties-serving"
              value={form.serving}
              onChange={(serving) => set({ serving })}
              invalid={invalid}
              errorId={errorId}
              many
            />
          </Field>
          <Field label="As of" id="duties-asOf" hint="The date the law is asked about">
            <input
              id="duties-asOf"
              type="date"
              value={form.asOf}
              onChange={(event) => set({ asOf: event.target.value })}
              {...invalidProps('duties-asOf', invalid, errorId)}
            />
          </Field>
        </div>
        <Checkboxes
          legend="Content kinds"
          name="content"
          options={CONTENT_KINDS}
          label={(k) => CONTENT_LABELS[k]}
          value={form.content}
          onChange={(content) => set({ content })}
          invalid={invalid.includes('duties-content')}
        />
        <div className="law-buttons">
          <button type="submit" className="primary" disabled={result.state === 'loading'}>
            Show duties
          </button>
        </div>
        <Refusal refusal={refusal} id={errorId} />
      </form>
      <Outcome
        run={result}
        retry={retry}
        idle="Name where the platform is established and serves, tick the kinds of content, and press Show duties."
        refused="The request was refused: correct the field named above and try again."
      >
        {(answer) => <DutiesView answer={answer} />}
      </Outcome>
    </>
  );
}

function DutiesView(props: { readonly answer: DutiesAnswer }) {
  const { answer } = props;
  const duties = list(answer.duties);
  const noData = list(answer.noData);
  return (
    <div className="law-answer">
      <Disclaimer text={answer.disclaimer} asOf={answer.asOf} />
      <p className="visually-hidden" role="status">
        Answer ready: {duties.length} duties.
      </p>
      <section className="panel law-section" aria-labelledby="duties-answer-heading">
        <h2 id="duties-answer-heading">
          Duties, fixed deadlines first <UnverifiedFlag unverified={answer.unverified} />
        </h2>
        {noData.length > 0 && (
          <p className="law-nodata">
            No data for {noData.join(', ')}: {noData.length === 1 ? 'its' : 'their'} duties cannot
            be checked.
          </p>
        )}
        {duties.length === 0 ? (
          <Empty>
            <p>No duty in the knowledge base binds this platform for this content.</p>
          </Empty>
        ) : (
          <table className="law-table">
            <thead>
              <tr>
                <th scope="col">What</th>
                <th scope="col">Recipient</th>
                <th scope="col">By when</th>
                <th scope="col">Citation</th>
                <th scope="col">Why it applies</th>
              </tr>
            </thead>
            {duties.map((d) => (
              <tbody key={`${d.source}-${d.id}`} className="law-entry">
                <tr>
                  <th scope="row" className="law-row-head">
                    <Badge tone="info">{words(d.duty)}</Badge> {d.what}{' '}
                    <UnverifiedFlag unverified={d.unverified} />
                    <span className="muted law-small law-block">{d.sourceName}</span>
                  </th>
                  <td>{d.recipient ?? <span className="muted">—</span>}</td>
                  <td>
                    {d.deadlineHours !== undefined ? (
                      <strong>{d.deadlineText}</strong>
                    ) : (
                      <span>{d.deadlineText}</span>
                    )}
                    {d.retainDays !== undefined && (
                      <span className="muted law-small law-block">
                        Keep for {d.retainDays} days
                      </span>
                    )}
                  </td>
                  <td>
                    {d.citation}
                    {d.penalty !== undefined && (
                      <span className="muted law-small law-block">Penalty: {d.penalty}</span>
                    )}
                  </td>
                  <td>{d.appliesBecause}</td>
                </tr>
                <tr className="law-detail-row">
                  <td colSpan={5}>
                    <Reasoning part={d} label={`${d.what}, ${d.citation}`} />
                  </td>
                </tr>
              </tbody>
            ))}
          </table>
        )}
        <Reasoning part={answer} label="the duties" summary="Overall explanation" />
      </section>
      <Sources answer={answer} id="duties-sources" />
    </div>
  );
}

// ---- Cooperation ------------------------------------------------------------------------------

interface RoutesRequest {
  readonly from: string;
  readonly to: string;
  readonly data: DataKind;
  readonly emergency: boolean;
  readonly asOf: string;
  readonly offences: string;
}

async function sendRoutes(r: RoutesRequest): Promise<CooperationAnswer> {
  const offences = r.offences
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .join(',');
  const data = must(
    await api.GET('/v1/law/routes', {
      params: {
        query: {
          from: country(r.from),
          to: country(r.to),
          data: r.data,
          emergency: r.emergency ? 'true' : 'false',
          ...(r.asOf !== '' && { asOf: r.asOf }),
          ...(offences !== '' && { offences }),
        },
      },
    }),
  );
  return data as unknown as CooperationAnswer;
}

const KIND_LABELS: Record<string, string> = {
  'production-order': 'Production order',
  'preservation-order': 'Preservation order',
  'preservation-request': 'Preservation request',
  'direct-request': 'Direct request',
  mla: 'Mutual legal assistance',
};
const DUAL_LABELS: Record<CooperationRoute['dualCriminality'], string> = {
  required: 'Dual criminality required',
  'not-required': 'Dual criminality not required',
  'may-be-required': 'Dual criminality may be required',
};
const CHECK_LABELS: Record<DualCriminalityCheck['status'], string> = {
  found: 'a matching offence was found',
  'not-found': 'no matching offence found',
  'cannot-check': 'cannot be checked',
};
const CHECK_TONES = { found: 'ok', 'not-found': 'high', 'cannot-check': 'medium' } as const;

function RoutesTab() {
  const [form, setForm] = useState<RoutesRequest>(() => ({
    from: '',
    to: '',
    data: 'subscriber',
    emergency: false,
    asOf: today(),
    offences: '',
  }));
  const { result, run, retry } = useRun(sendRoutes);
  const refusal = refusalOf(result);
  const invalid = invalidIds(refusal, 'routes');
  const errorId = 'routes-refusal';
  const set = (patch: Partial<RoutesRequest>) => setForm((f) => ({ ...f, ...patch }));
  return (
    <>
      <form
        className="panel law-form"
        noValidate
        aria-labelledby="routes-heading"
        onSubmit={(event) => {
          event.preventDefault();
          void run(form);
        }}
      >
        <h2 id="routes-heading" className="law-form-heading">
          The request
        </h2>
        <div className="law-row">
          <Field label="From (requesting state)" id="routes-from" hint="Two-letter code: DE">
            <CountryInput
              id="routes-from"
              value={form.from}
              onChange={(from) => set({ from })}
              invalid={invalid}
              errorId={errorId}
            />
          </Field>
          <Field label="To (where the data is)" id="routes-to" hint="Two-letter code: PH">
            <CountryInput
              id="routes-to"
              value={form.to}
              onChange={(to) => set({ to })}
              invalid={invalid}
              errorId={errorId}
            />
          </Field>
          <Field label="Data" id="routes-data">
            <select
              id="routes-data"
              value={form.data}
              onChange={(event) => set({ data: event.target.value as DataKind })}
              {...invalidProps('routes-data', invalid, errorId)}
            >
              {DATA_KINDS.map((k) => (
                <option key={k} value={k}>
                  {DATA_LABELS[k]}
                </option>
              ))}
            </select>
          </Field>
          <Field label="As of" id="routes-asOf" hint="The date the law is asked about">
            <input
              id="routes-asOf"
              type="date"
              value={form.asOf}
              onChange={(event) => set({ asOf: event.target.value })}
              {...invalidProps('routes-asOf', invalid, errorId)}
            />
          </Field>
        </div>
        <div className="law-row">
          <Field
            label="Offences under investigation (optional)"
            id="routes-offences"
            hint="Offence ids of the requesting state, comma separated: de-232, de-233. For the dual-criminality check."
          >
            <input
              id="routes-offences"
              className="law-wide"
              value={form.offences}
              autoComplete="off"
              spellCheck={false}
              onChange={(event) => set({ offences: event.target.value })}
              {...invalidProps('routes-offences', invalid, errorId)}
            />
          </Field>
          <label className="law-check law-emergency">
            <input
              type="checkbox"
              checked={form.emergency}
              onChange={(event) => set({ emergency: event.target.checked })}
            />
            <span>Emergency (imminent risk to life or safety)</span>
          </label>
        </div>
        <div className="law-buttons">
          <button type="submit" className="primary" disabled={result.state === 'loading'}>
            Find routes
          </button>
        </div>
        <Refusal refusal={refusal} id={errorId} />
      </form>
      <Outcome
        run={result}
        retry={retry}
        idle="Name the requesting state, the state where the data is and the kind of data, and press Find routes."
        refused="The request was refused: correct the field named above and try again."
      >
        {(answer) => <RoutesView answer={answer} />}
      </Outcome>
    </>
  );
}

function RoutesView(props: { readonly answer: CooperationAnswer }) {
  const { answer } = props;
  const routes = list(answer.routes);
  const skipped = list(answer.skipped);
  return (
    <div className="law-answer">
      <Disclaimer text={answer.disclaimer} asOf={answer.asOf} />
      <p className="visually-hidden" role="status">
        Answer ready: {routes.length} routes.
      </p>
      <section className="panel law-section" aria-labelledby="routes-answer-heading">
        <h2 id="routes-answer-heading">
          Routes for {answer.from} to obtain {answer.data} data from {answer.to}, best first{' '}
          <UnverifiedFlag unverified={answer.unverified} />
        </h2>
        {routes.length === 0 ? (
          <Empty>
            <p>No route in the knowledge base applies between these states.</p>
          </Empty>
        ) : (
          <ol className="law-routes">
            {routes.map((r, i) => (
              <li key={`${r.instrument ?? ''}-${r.id}`} className="law-route">
                <h3>
                  <span className="law-rank">{i + 1}.</span> {r.title}{' '}
                  <UnverifiedFlag unverified={r.unverified} />
                </h3>
                <dl className="law-facts">
                  <div>
                    <dt>Kind</dt>
                    <dd>{KIND_LABELS[r.kind] ?? words(r.kind)}</dd>
                  </div>
                  <div>
                    <dt>Legal basis</dt>
                    <dd>
                      {r.instrument ?? '—'}
                      {r.provision !== undefined && `, ${r.provision}`}
                    </dd>
                  </div>
                  <div>
                    <dt>Addressed to</dt>
                    <dd>
                      {r.addressee === 'provider' ? 'The service provider' : 'The other state'}
                    </dd>
                  </div>
                  <div>
                    <dt>Deadline to answer</dt>
                    <dd>
                      {r.deadlineText ??
                        (r.deadlineHours !== undefined ? (
                          `${r.deadlineHours} hours`
                        ) : (
                          <span className="muted">None in the data</span>
                        ))}
                    </dd>
                  </div>
                  {r.preserveDays !== undefined && (
                    <div>
                      <dt>Preserved for</dt>
                      <dd>
                        {r.preserveDays} days
                        {r.renewalDays !== undefined && `, renewable by ${r.renewalDays} days`}
                      </dd>
                    </div>
                  )}
                  <div className="law-fact-wide">
                    <dt>Dual criminality</dt>
                    <dd>
                      {DUAL_LABELS[r.dualCriminality] ?? r.dualCriminality}
                      {r.dualCriminalityCheck !== undefined && (
                        <>
                          {'; check: '}
                          <Badge tone={CHECK_TONES[r.dualCriminalityCheck.status] ?? 'info'}>
                            {CHECK_LABELS[r.dualCriminalityCheck.status] ??
                              r.dualCriminalityCheck.status}
                          </Badge>
                        </>
                      )}
                    </dd>
                  </div>
                </dl>
                {r.dualCriminalityCheck !== undefined && (
                  <DualCheck check={r.dualCriminalityCheck} to={answer.to} />
                )}
                <Reasoning part={r} label={r.title} />
              </li>
            ))}
          </ol>
        )}
        {skipped.length > 0 && (
          <details className="law-reasoning">
            <summary>
              {skipped.length} route{skipped.length === 1 ? '' : 's'} that do not apply
            </summary>
            <ul className="law-plain">
              {skipped.map((s) => (
                <li key={`${s.instrument}-${s.route}`}>
                  <strong>
                    {s.route} ({s.instrument})
                  </strong>
                  : {s.why}
                </li>
              ))}
            </ul>
          </details>
        )}
        <Reasoning part={answer} label="the routes" summary="Overall explanation" />
      </section>
      <Sources answer={answer} id="routes-sources" />
    </div>
  );
}

function DualCheck(props: { readonly check: DualCriminalityCheck; readonly to: string }) {
  const { check } = props;
  const matches = list(check.matches);
  const categories = list(check.categories);
  return (
    <div className="law-sub">
      <p className="law-small">
        {categories.length > 0 ? (
          <>Categories of the offences named: {categories.join(', ')}. </>
        ) : (
          <>No offence named, or none found in the requesting state's data. </>
        )}
        {matches.length > 0 && (
          <>
            Offences of {props.to} in the same categories:{' '}
            {matches.map((m) => `${m.provision} (${m.category})`).join('; ')}.
          </>
        )}
      </p>
    </div>
  );
}

// ---- What the knowledge base covers ---------------------------------------------------------

function CoverageView() {
  const coverage = useQuery(async () => {
    const data = must(await api.GET('/v1/law/jurisdictions'));
    return data as unknown as Coverage;
  }, []);
  return (
    <section className="panel law-section law-coverage" aria-labelledby="law-coverage-heading">
      <h2 id="law-coverage-heading">What the knowledge base covers</h2>
      <View result={coverage.result} retry={coverage.reload} rows={2}>
        {(data) => {
          const jurisdictions = list(data.jurisdictions);
          const instruments = list(data.instruments);
          if (jurisdictions.length === 0 && instruments.length === 0)
            return (
              <Empty>
                <p>The knowledge base is empty.</p>
              </Empty>
            );
          return (
            <>
              <datalist id="law-countries">
                {jurisdictions.map((j) => (
                  <option key={j.id} value={j.id}>
                    {j.name}
                  </option>
                ))}
              </datalist>
              <details className="law-reasoning">
                <summary>
                  {jurisdictions.length} jurisdictions and {instruments.length} instruments
                </summary>
                <div className="law-coverage-grid">
                  <table className="law-table">
                    <caption className="visually-hidden">Jurisdictions</caption>
                    <thead>
                      <tr>
                        <th scope="col">Code</th>
                        <th scope="col">Jurisdiction</th>
                        <th scope="col">Offences</th>
                        <th scope="col">Duties</th>
                        <th scope="col">Last verified</th>
                      </tr>
                    </thead>
                    <tbody>
                      {jurisdictions.map((j) => (
                        <tr key={j.id}>
                          <td className="law-key">{j.id}</td>
                          <td>{j.name}</td>
                          <td>{j.offences}</td>
                          <td>{j.duties}</td>
                          <td className="law-nowrap">{j.lastVerified}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                  <table className="law-table">
                    <caption className="visually-hidden">Instruments</caption>
                    <thead>
                      <tr>
                        <th scope="col">Instrument</th>
                        <th scope="col">Kind</th>
                        <th scope="col">Last verified</th>
                      </tr>
                    </thead>
                    <tbody>
                      {instruments.map((i) => (
                        <tr key={i.id}>
                          <td>
                            {i.name} <span className="muted law-small">({i.id})</span>
                          </td>
                          <td>{i.kind}</td>
                          <td className="law-nowrap">{i.lastVerified}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </details>
            </>
          );
        }}
      </View>
    </section>
  );
}

// ---- The screen -----------------------------------------------------------------------------

type Tab = 'check' | 'duties' | 'routes';
const TABS: readonly { readonly id: Tab; readonly label: string }[] = [
  { id: 'check', label: 'Check facts' },
  { id: 'duties', label: 'Duties' },
  { id: 'routes', label: 'Cooperation' },
];

export function LawScreen() {
  const [tab, setTab] = useState<Tab>('check');
  const tabs = useRef<Record<string, HTMLButtonElement | null>>({});
  const onKey = (event: KeyboardEvent<HTMLDivElement>) => {
    const index = TABS.findIndex((t) => t.id === tab);
    let next: number | undefined;
    if (event.key === 'ArrowRight') next = (index + 1) % TABS.length;
    else if (event.key === 'ArrowLeft') next = (index - 1 + TABS.length) % TABS.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = TABS.length - 1;
    if (next === undefined) return;
    event.preventDefault();
    const target = TABS[next];
    if (target === undefined) return;
    setTab(target.id);
    tabs.current[target.id]?.focus();
  };
  return (
    <Page title="Law">
      <p className="law-intro">
        Legal information, not legal advice: what the knowledge base says about the facts, with its
        reasoning and sources. Facts marked UNVERIFIED must be checked before relying on them.
      </p>
      <div className="law-tabs" role="tablist" aria-label="Legal questions" onKeyDown={onKey}>
        {TABS.map((t) => (
          <button
            key={t.id}
            ref={(el) => {
              tabs.current[t.id] = el;
            }}
            type="button"
            role="tab"
            id={`law-tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`law-panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      {TABS.map((t) => (
        <div
          key={t.id}
          id={`law-panel-${t.id}`}
          role="tabpanel"
          aria-labelledby={`law-tab-${t.id}`}
          hidden={tab !== t.id}
          className="law-panel"
        >
          {t.id === 'check' ? <CheckTab /> : t.id === 'duties' ? <DutiesTab /> : <RoutesTab />}
        </div>
      ))}
      <CoverageView />
    </Page>
  );
}
