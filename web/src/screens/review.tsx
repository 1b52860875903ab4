/**
 * Reviewing one job (GET /v1/queue/jobs/:id): what it is about (the notice, order or appeal),
 * its items with their indicators, and the decision: a restriction with its ground and
 * statement of reasons (previewed before it is sent), closing without action, release or skip;
 * for appeals, the appeal decision. Shortcuts: r remove (fills a removal and previews it),
 * n no action, p preview, s skip.
 */
import { type FormEvent, type ReactNode, type RefObject, useEffect, useRef, useState } from 'react';
import { api, must, type paths } from '../api/client.js';
import { useAction, useQuery } from '../api/hooks.js';
import { href, navigate, useShortcut } from '../router.js';
import { useSession } from '../session.js';
import {
  ActionError,
  Badge,
  Deadline,
  ErrorState,
  Field,
  Key,
  Loading,
  Page,
  Time,
  untilText,
  View,
} from '../ui/kit.js';
import { ItemDetails } from './item.js';
import { flashQueue, SourceBadge, SUBJECT_LABEL, subjectHref, useNow } from './queue.js';
import './review.css';

type Job = paths['/v1/queue/jobs/{id}']['get']['responses'][200]['content']['application/json'];
type DecisionBody =
  paths['/v1/queue/jobs/{id}/decision']['post']['requestBody']['content']['application/json'];
type StoredDecision =
  paths['/v1/queue/jobs/{id}/decision']['post']['responses'][201]['content']['application/json'];
type Visibility = NonNullable<DecisionBody['restrictions']['visibility']>['kinds'][number];
type AccountKind = NonNullable<DecisionBody['restrictions']['account']>['kind'];
type Category = DecisionBody['category'];
type Keyword = NonNullable<DecisionBody['keywords']>[number];
type ContentType = DecisionBody['content']['types'][number];
type Country = Extract<NonNullable<DecisionBody['territorialScope']>, readonly string[]>[number];
type CloseOutcome =
  paths['/v1/queue/jobs/{id}/close']['post']['requestBody']['content']['application/json']['outcome'];
type AppealOutcome =
  paths['/v1/appeals/{id}/decision']['post']['requestBody']['content']['application/json']['outcome'];

const VISIBILITY: readonly { value: Visibility; label: string }[] = [
  { value: 'DECISION_VISIBILITY_CONTENT_REMOVED', label: 'Removed' },
  { value: 'DECISION_VISIBILITY_CONTENT_DISABLED', label: 'Disabled (access blocked)' },
  { value: 'DECISION_VISIBILITY_CONTENT_DEMOTED', label: 'Demoted' },
  { value: 'DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED', label: 'Age-restricted' },
  { value: 'DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED', label: 'Interaction restricted' },
  { value: 'DECISION_VISIBILITY_CONTENT_LABELLED', label: 'Labelled' },
];

const ACCOUNT: readonly { value: AccountKind | ''; label: string }[] = [
  { value: '', label: 'No account restriction' },
  { value: 'DECISION_ACCOUNT_SUSPENDED', label: 'Suspend the account' },
  { value: 'DECISION_ACCOUNT_TERMINATED', label: 'Terminate the account' },
];

const CATEGORIES: readonly Category[] = [
  'STATEMENT_CATEGORY_VIOLENCE',
  'STATEMENT_CATEGORY_PROTECTION_OF_MINORS',
  'STATEMENT_CATEGORY_SCAMS_AND_FRAUD',
  'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
  'STATEMENT_CATEGORY_CYBER_VIOLENCE',
  'STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN',
  'STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS',
  'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY',
  'STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS',
  'STATEMENT_CATEGORY_SELF_HARM',
  'STATEMENT_CATEGORY_CONSUMER_INFORMATION',
  'STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS',
  'STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS',
  'STATEMENT_CATEGORY_ANIMAL_WELFARE',
  'STATEMENT_CATEGORY_OTHER_VIOLATION_TC',
  'STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE',
];

const KEYWORDS: readonly Keyword[] = [
  'KEYWORD_HUMAN_TRAFFICKING',
  'KEYWORD_TRAFFICKING_WOMEN_GIRLS',
  'KEYWORD_HUMAN_EXPLOITATION',
  'KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL',
  'KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS',
  'KEYWORD_ADULT_SEXUAL_MATERIAL',
  'KEYWORD_ILLEGAL_ORGANIZATIONS',
  'KEYWORD_PHISHING',
  'KEYWORD_INAUTHENTIC_LISTINGS',
  'KEYWORD_VIOLATION_NATIONAL_LAW',
  'KEYWORD_VIOLATION_EU_LAW',
];

const CONTENT_TYPES: readonly ContentType[] = [
  'CONTENT_TYPE_TEXT',
  'CONTENT_TYPE_IMAGE',
  'CONTENT_TYPE_VIDEO',
  'CONTENT_TYPE_AUDIO',
  'CONTENT_TYPE_PRODUCT',
  'CONTENT_TYPE_SYNTHETIC_MEDIA',
  'CONTENT_TYPE_APP',
];

const COUNTRIES: readonly Country[] = [
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
  'IS',
  'IT',
  'LI',
  'LT',
  'LU',
  'LV',
  'MT',
  'NL',
  'NO',
  'PL',
  'PT',
  'RO',
  'SE',
  'SI',
  'SK',
];

/** "STATEMENT_CATEGORY_SCAMS_AND_FRAUD" → "Scams and fraud". */
export function enumLabel(value: string): string {
  const words = value
    .replace(/^(STATEMENT_CATEGORY|KEYWORD|CONTENT_TYPE|DECISION_[A-Z]+)_/, '')
    .toLowerCase()
    .replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

// ---- The decision form -------------------------------------------------------------------

interface DecisionForm {
  readonly visibility: readonly Visibility[];
  readonly account: AccountKind | '';
  readonly groundKind: 'illegal' | 'incompatible';
  readonly legalGround: string;
  readonly clause: string;
  readonly explanation: string;
  readonly category: Category;
  readonly keywords: readonly Keyword[];
  readonly facts: string;
  readonly scope: 'EU' | 'EEA' | 'countries';
  readonly countries: string;
  readonly contentTypes: readonly ContentType[];
}

const EMPTY_FORM: DecisionForm = {
  visibility: ['DECISION_VISIBILITY_CONTENT_REMOVED'],
  account: '',
  groundKind: 'illegal',
  legalGround: '',
  clause: '',
  explanation: '',
  category: 'STATEMENT_CATEGORY_VIOLENCE',
  keywords: ['KEYWORD_HUMAN_TRAFFICKING'],
  facts: '',
  scope: 'EU',
  countries: '',
  contentTypes: ['CONTENT_TYPE_TEXT'],
};

const orDefault = (value: string, fallback: string) => (value.trim() === '' ? fallback : value);

/** The form filled with a removal for trafficking, keeping what the reviewer wrote already. */
function removalForm(form: DecisionForm): DecisionForm {
  return {
    ...form,
    visibility: ['DECISION_VISIBILITY_CONTENT_REMOVED'],
    groundKind: 'illegal',
    legalGround: orDefault(
      form.legalGround,
      'Directive 2011/36/EU on preventing and combating trafficking in human beings, Art. 2, as transposed into national law',
    ),
    explanation: orDefault(
      form.explanation,
      'The content recruits or offers people under conditions that indicate trafficking in human beings or exploitation.',
    ),
    category: 'STATEMENT_CATEGORY_VIOLENCE',
    keywords: form.keywords.includes('KEYWORD_HUMAN_TRAFFICKING')
      ? form.keywords
      : ['KEYWORD_HUMAN_TRAFFICKING', ...form.keywords],
    facts: orDefault(
      form.facts,
      'A reviewer read the content and found indicators of human trafficking in it.',
    ),
    contentTypes: form.contentTypes.length === 0 ? ['CONTENT_TYPE_TEXT'] : form.contentTypes,
  };
}

/** The request body of the form, or why it cannot be sent yet. */
function decisionBody(form: DecisionForm): { body: DecisionBody } | { problem: string } {
  const restrictions: DecisionBody['restrictions'] = {
    ...(form.visibility.length > 0 && { visibility: { kinds: [...form.visibility] } }),
    ...(form.account !== '' && { account: { kind: form.account } }),
  };
  if (form.visibility.length === 0 && form.account === '') {
    return {
      problem: 'Choose at least one restriction, or close the job without action.',
    };
  }
  const explanation = form.explanation.trim();
  if (explanation === '') return { problem: 'Explain why the content is restricted.' };
  let ground: DecisionBody['ground'];
  if (form.groundKind === 'illegal') {
    if (form.legalGround.trim() === '') return { problem: 'Name the legal ground.' };
    ground = { kind: 'illegal', legalGround: form.legalGround.trim(), explanation };
  } else {
    if (form.clause.trim() === '') return { problem: 'Name the clause of the terms.' };
    ground = { kind: 'incompatible', clause: form.clause.trim(), explanation };
  }
  if (form.facts.trim() === '') return { problem: 'State the facts the decision relies on.' };
  let territorialScope: DecisionBody['territorialScope'];
  if (form.scope === 'countries') {
    const codes = form.countries
      .toUpperCase()
      .split(/[\s,;]+/)
      .filter((c) => c !== '');
    const unknown = codes.filter((c) => !(COUNTRIES as readonly string[]).includes(c));
    if (codes.length === 0) return { problem: 'List the countries where the decision applies.' };
    if (unknown.length > 0) {
      return { problem: `Not an EEA country code: ${unknown.join(', ')}.` };
    }
    territorialScope = [...new Set(codes)] as Country[];
  } else {
    territorialScope = form.scope;
  }
  if (form.contentTypes.length === 0) return { problem: 'Choose at least one content type.' };
  return {
    body: {
      restrictions,
      ground,
      facts: form.facts.trim(),
      category: form.category,
      ...(form.keywords.length > 0 && { keywords: [...form.keywords] }),
      territorialScope,
      content: { types: [...form.contentTypes] },
    },
  };
}

function toggle<T>(list: readonly T[], value: T, on: boolean): T[] {
  return on ? [...list.filter((v) => v !== value), value] : list.filter((v) => v !== value);
}

/** The statement of reasons of a decision: its sections, or its text. */
function Statement(props: { readonly statement: Record<string, unknown> }) {
  const sections = Array.isArray(props.statement.sections)
    ? props.statement.sections.filter(isRecord)
    : [];
  if (sections.length === 0) {
    return <p className="statement-text">{str(props.statement.text) ?? 'No statement.'}</p>;
  }
  return (
    <>
      {sections.map((section, i) => (
        <div key={str(section.id) ?? i}>
          <h3>{str(section.heading) ?? ''}</h3>
          <p>{str(section.body) ?? ''}</p>
        </div>
      ))}
    </>
  );
}

function DecisionPanel(props: {
  readonly job: Job;
  readonly enabled: boolean;
  readonly closeReasonsRef: RefObject<HTMLTextAreaElement | null>;
}) {
  const { job } = props;
  const [form, setForm] = useState<DecisionForm>(EMPTY_FORM);
  const [problem, setProblem] = useState<string | undefined>();
  const [preview, setPreview] = useState<{ key: string; decision: StoredDecision } | undefined>();
  const formRef = useRef<HTMLFormElement>(null);
  const statementRef = useRef<HTMLHeadingElement>(null);
  const set = (patch: Partial<DecisionForm>) => setForm((f) => ({ ...f, ...patch }));

  const previewAction = useAction(async (body: DecisionBody) => {
    const decision = must(
      await api.POST('/v1/queue/jobs/{id}/decision', {
        params: { path: { id: job.id }, query: { preview: 'true' } },
        body,
      }),
    );
    setPreview({ key: JSON.stringify(body), decision });
    return decision;
  });
  const sendAction = useAction(async (body: DecisionBody) => {
    const decision = must(
      await api.POST('/v1/queue/jobs/{id}/decision', { params: { path: { id: job.id } }, body }),
    );
    flashQueue(
      `Decision ${decision.id} sent: ${decision.restrictions.map(enumLabel).join(', ').toLowerCase()}. Its statement of reasons is recorded.`,
    );
    navigate('queue');
    return decision;
  });

  const built = decisionBody(form);
  const currentKey = 'body' in built ? JSON.stringify(built.body) : undefined;
  const fresh = preview !== undefined && preview.key === currentKey;

  const runPreview = (next: DecisionForm) => {
    const result = decisionBody(next);
    if ('problem' in result) {
      setProblem(result.problem);
      return;
    }
    setProblem(undefined);
    void previewAction.act(result.body).then((decision) => {
      if (decision !== undefined) statementRef.current?.focus();
    });
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    runPreview(form);
  };
  const send = () => {
    if (!('body' in built) || !fresh) return;
    void sendAction.act(built.body);
  };
  const fillRemoval = () => {
    const next = removalForm(form);
    setForm(next);
    runPreview(next);
  };

  useShortcut('r', fillRemoval, props.enabled);
  useShortcut('p', () => formRef.current?.requestSubmit(), props.enabled);
  useShortcut('n', () => props.closeReasonsRef.current?.focus(), props.enabled);

  const pending = previewAction.pending || sendAction.pending;
  return (
    <section className="panel" aria-labelledby="decision-title">
      <h2 id="decision-title">Decision</h2>
      <p className="hint">
        <Key>r</Key> fills in a removal for trafficking and previews it; <Key>p</Key> previews;{' '}
        <Key>n</Key> goes to closing without action; <Key>s</Key> skips the job.
      </p>
      <form ref={formRef} onSubmit={submit} aria-labelledby="decision-title" noValidate>
        <fieldset>
          <legend>Restriction of the content</legend>
          <div className="rv-checks-2">
            {VISIBILITY.map((v) => (
              <label key={v.value} className="rv-check">
                <input
                  type="checkbox"
                  checked={form.visibility.includes(v.value)}
                  onChange={(e) =>
                    set({ visibility: toggle(form.visibility, v.value, e.target.checked) })
                  }
                />
                {v.label}
              </label>
            ))}
          </div>
          <Field label="Account" id="decision-account">
            <select
              id="decision-account"
              value={form.account}
              onChange={(e) => set({ account: e.target.value as AccountKind | '' })}
            >
              {ACCOUNT.map((a) => (
                <option key={a.value} value={a.value}>
                  {a.label}
                </option>
              ))}
            </select>
          </Field>
        </fieldset>

        <fieldset>
          <legend>Ground</legend>
          <label className="rv-check">
            <input
              type="radio"
              name="ground"
              checked={form.groundKind === 'illegal'}
              onChange={() => set({ groundKind: 'illegal' })}
            />
            Illegal content
          </label>
          <label className="rv-check">
            <input
              type="radio"
              name="ground"
              checked={form.groundKind === 'incompatible'}
              onChange={() => set({ groundKind: 'incompatible' })}
            />
            Incompatible with the terms of service
          </label>
          {form.groundKind === 'illegal' ? (
            <Field
              label="Legal ground"
              id="decision-legal-ground"
              hint="The law the content breaks, e.g. Section 232 StGB (human trafficking)."
            >
              <input
                id="decision-legal-ground"
                required
                value={form.legalGround}
                onChange={(e) => set({ legalGround: e.target.value })}
              />
            </Field>
          ) : (
            <Field label="Clause of the terms" id="decision-clause">
              <input
                id="decision-clause"
                required
                value={form.clause}
                onChange={(e) => set({ clause: e.target.value })}
              />
            </Field>
          )}
          <Field label="Explanation" id="decision-explanation">
            <textarea
              id="decision-explanation"
              required
              value={form.explanation}
              onChange={(e) => set({ explanation: e.target.value })}
            />
          </Field>
        </fieldset>

        <Field label="Category" id="decision-category">
          <select
            id="decision-category"
            value={form.category}
            onChange={(e) => set({ category: e.target.value as Category })}
          >
            {CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {enumLabel(c)}
              </option>
            ))}
          </select>
        </Field>

        <fieldset>
          <legend>Keywords</legend>
          <div className="rv-checks-2">
            {KEYWORDS.map((k) => (
              <label key={k} className="rv-check">
                <input
                  type="checkbox"
                  checked={form.keywords.includes(k)}
                  onChange={(e) => set({ keywords: toggle(form.keywords, k, e.target.checked) })}
                />
                {enumLabel(k)}
              </label>
            ))}
          </div>
        </fieldset>

        <Field
          label="Facts and circumstances"
          id="decision-facts"
          hint="What the decision relies on; it goes into the statement of reasons."
        >
          <textarea
            id="decision-facts"
            required
            value={form.facts}
            onChange={(e) => set({ facts: e.target.value })}
          />
        </Field>

        <fieldset>
          <legend>Territorial scope</legend>
          {(['EU', 'EEA', 'countries'] as const).map((scope) => (
            <label key={scope} className="rv-check">
              <input
                type="radio"
                name="scope"
                checked={form.scope === scope}
                onChange={() => set({ scope })}
              />
              {scope === 'EU'
                ? 'The whole European Union'
                : scope === 'EEA'
                  ? 'The whole European Economic Area'
                  : 'Some countries'}
            </label>
          ))}
          {form.scope === 'countries' && (
            <Field
              label="Country codes"
              id="decision-countries"
              hint="ISO codes of EEA countries, separated by commas, e.g. DE, AT."
            >
              <input
                id="decision-countries"
                value={form.countries}
                onChange={(e) => set({ countries: e.target.value })}
              />
            </Field>
          )}
        </fieldset>

        <fieldset>
          <legend>Content types</legend>
          <div className="rv-checks-2">
            {CONTENT_TYPES.map((t) => (
              <label key={t} className="rv-check">
                <input
                  type="checkbox"
                  checked={form.contentTypes.includes(t)}
                  onChange={(e) =>
                    set({ contentTypes: toggle(form.contentTypes, t, e.target.checked) })
                  }
                />
                {enumLabel(t)}
              </label>
            ))}
          </div>
        </fieldset>

        {problem !== undefined && (
          <p className="action-error" role="alert">
            {problem}
          </p>
        )}
        <ActionError error={previewAction.error} />
        <div className="rv-actions">
          <span className="rv-with-key">
            <button type="submit" disabled={pending} aria-keyshortcuts="p">
              Preview statement
            </button>
            <Key>p</Key>
          </span>
          <span className="rv-with-key">
            <button type="button" onClick={fillRemoval} disabled={pending} aria-keyshortcuts="r">
              Remove for trafficking
            </button>
            <Key>r</Key>
          </span>
        </div>
      </form>

      {preview !== undefined && (
        <section className="rv-statement" aria-labelledby="statement-title">
          <h3 id="statement-title" ref={statementRef} tabIndex={-1}>
            Statement of reasons (preview: nothing is recorded yet)
          </h3>
          {!fresh && (
            <p className="rv-stale">
              The form changed since this preview. Preview again before sending.
            </p>
          )}
          <Statement statement={preview.decision.statement} />
        </section>
      )}
      <ActionError error={sendAction.error} />
      <div className="rv-actions">
        <button
          type="button"
          className="primary"
          onClick={send}
          disabled={!fresh || pending}
          aria-describedby="send-hint"
        >
          Send decision
        </button>
        <span id="send-hint" className="hint">
          {fresh
            ? 'Sends the decision and its statement of reasons as previewed.'
            : 'Preview the statement of reasons first.'}
        </span>
      </div>
    </section>
  );
}

function CloseForm(props: {
  readonly job: Job;
  readonly reasonsRef: RefObject<HTMLTextAreaElement | null>;
}) {
  const { job } = props;
  const [outcome, setOutcome] = useState<CloseOutcome>('no-action');
  const [reasons, setReasons] = useState('');
  const close = useAction(async () => {
    must(
      await api.POST('/v1/queue/jobs/{id}/close', {
        params: { path: { id: job.id } },
        body: { outcome, reasons: reasons.trim() },
      }),
    );
    flashQueue(`Job ${job.id} closed without action (${outcome}).`);
    navigate('queue');
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (reasons.trim() === '') {
      props.reasonsRef.current?.focus();
      return;
    }
    void close.act();
  };
  return (
    <section className="panel" aria-labelledby="close-title">
      <h2 id="close-title">Close without restricting</h2>
      <form onSubmit={submit} aria-labelledby="close-title">
        <Field label="Outcome" id="close-outcome">
          <select
            id="close-outcome"
            value={outcome}
            onChange={(e) => setOutcome(e.target.value as CloseOutcome)}
          >
            <option value="no-action">No action: lawful and within the terms</option>
            {job.subject === 'order' && (
              <option value="information-provided">Information provided (order answered)</option>
            )}
            <option value="duplicate">Duplicate of another job</option>
          </select>
        </Field>
        <Field label="Reasons" id="close-reasons" hint="Kept in the audit log.">
          <textarea
            id="close-reasons"
            ref={props.reasonsRef}
            required
            value={reasons}
            onChange={(e) => setReasons(e.target.value)}
          />
        </Field>
        <ActionError error={close.error} />
        <div className="rv-actions">
          <span className="rv-with-key">
            <button type="submit" disabled={close.pending} aria-keyshortcuts="n">
              Close without action
            </button>
            <Key>n</Key>
          </span>
        </div>
      </form>
    </section>
  );
}

function ReleaseButtons(props: { readonly job: Job; readonly enabled: boolean }) {
  const { job } = props;
  const release = useAction(async (skip: boolean) => {
    must(
      await api.POST('/v1/queue/jobs/{id}/release', {
        params: { path: { id: job.id } },
        body: { skip },
      }),
    );
    flashQueue(
      skip
        ? `Job ${job.id} skipped: your next claims offer other jobs first.`
        : `Job ${job.id} released to the queue.`,
    );
    navigate('queue');
  });
  useShortcut('s', () => void release.act(true), props.enabled && !release.pending);
  if (!props.enabled) return null;
  return (
    <section className="panel" aria-labelledby="release-title">
      <h2 id="release-title">Give the job back</h2>
      <ActionError error={release.error} />
      <div className="rv-actions">
        <button type="button" disabled={release.pending} onClick={() => void release.act(false)}>
          Release
        </button>
        <span className="rv-with-key">
          <button
            type="button"
            disabled={release.pending}
            onClick={() => void release.act(true)}
            aria-keyshortcuts="s"
          >
            Skip
          </button>
          <Key>s</Key>
        </span>
      </div>
    </section>
  );
}

// ---- Appeals --------------------------------------------------------------------------------

interface AppealView {
  readonly id: string;
  readonly state: string;
  readonly decisionId?: string;
  readonly decidedAt?: string;
  readonly restrictions: string[];
  readonly complainantRole?: string;
  readonly reason?: string;
  readonly filedAt?: string;
  readonly deadline?: string;
}

function readAppeal(raw: Record<string, unknown>): AppealView {
  const decision = isRecord(raw.decision) ? raw.decision : {};
  const complainant = isRecord(raw.complainant) ? raw.complainant : {};
  const optional = (key: string, value: string | undefined) =>
    value === undefined ? {} : { [key]: value };
  return {
    id: str(raw.id) ?? '',
    state: str(raw.state) ?? 'filed',
    restrictions: strings(decision.restrictions),
    ...optional('decisionId', str(decision.id)),
    ...optional('decidedAt', str(decision.decidedAt)),
    ...optional('complainantRole', str(complainant.role)),
    ...optional('reason', str(raw.reason)),
    ...optional('filedAt', str(raw.filedAt)),
    ...optional('deadline', str(raw.deadline)),
  };
}

function AppealedDecision(props: { readonly decisionId: string }) {
  const query = useQuery(
    async () =>
      must(await api.GET('/v1/decisions/{id}', { params: { path: { id: props.decisionId } } })),
    [props.decisionId],
  );
  if (query.result.state === 'loading') return <Loading rows={2} />;
  if (query.result.state === 'error') {
    return <ErrorState error={query.result.error} retry={query.reload} />;
  }
  const data = query.result.data as Record<string, unknown>;
  const statement = isRecord(data.statement) ? data.statement : undefined;
  return (
    <details>
      <summary>The statement of reasons of the decision appealed</summary>
      <div className="rv-statement">
        {statement === undefined ? <p>No statement.</p> : <Statement statement={statement} />}
      </div>
    </details>
  );
}

function AppealDetails(props: { readonly appeal: AppealView }) {
  const { appeal } = props;
  return (
    <section className="panel" aria-labelledby="subject-title">
      <h2 id="subject-title">Appeal</h2>
      <dl className="rv-facts">
        <dt>Appeal</dt>
        <dd>
          <a href={href('appeals', appeal.id)}>
            <code>{appeal.id}</code>
          </a>{' '}
          ({appeal.state})
        </dd>
        <dt>Decision appealed</dt>
        <dd>
          <code>{appeal.decisionId ?? '—'}</code>
          {appeal.decidedAt !== undefined && (
            <>
              , taken <Time at={appeal.decidedAt} />
            </>
          )}
        </dd>
        <dt>It imposed</dt>
        <dd>
          {appeal.restrictions.length === 0
            ? 'no restriction'
            : appeal.restrictions.map(enumLabel).join(', ')}
        </dd>
        <dt>Complainant</dt>
        <dd>{appeal.complainantRole?.replace(/-/g, ' ') ?? '—'}</dd>
        <dt>Filed</dt>
        <dd>
          <Time at={appeal.filedAt} />
        </dd>
        <dt>Reason</dt>
        <dd className="rv-pre-wrap">
          {appeal.reason ?? <span className="muted">none given</span>}
        </dd>
      </dl>
      {appeal.decisionId !== undefined && <AppealedDecision decisionId={appeal.decisionId} />}
    </section>
  );
}

function AppealForm(props: { readonly appeal: AppealView }) {
  const { appeal } = props;
  const [outcome, setOutcome] = useState<AppealOutcome>('upheld');
  const [lift, setLift] = useState<string[]>([]);
  const [reasons, setReasons] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const decide = useAction(async () => {
    must(
      await api.POST('/v1/appeals/{id}/decision', {
        params: { path: { id: appeal.id } },
        body: {
          outcome,
          reasons: reasons.trim(),
          ...(outcome === 'partially-reversed' && { lift }),
        },
      }),
    );
    flashQueue(`Appeal ${appeal.id} decided: ${outcome.replace('-', ' ')}.`);
    navigate('queue');
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (outcome === 'partially-reversed' && lift.length === 0) {
      setProblem('Choose the restrictions to lift.');
      return;
    }
    if (reasons.trim() === '') {
      setProblem('Give the reasons sent to the complainant.');
      return;
    }
    setProblem(undefined);
    void decide.act();
  };
  const OUTCOMES: readonly { value: AppealOutcome; label: string }[] = [
    { value: 'upheld', label: 'Upheld: the decision stands' },
    { value: 'reversed', label: 'Reversed: lift every restriction' },
    { value: 'partially-reversed', label: 'Partially reversed: lift some restrictions' },
  ];
  return (
    <section className="panel" aria-labelledby="appeal-decision-title">
      <h2 id="appeal-decision-title">Decide the appeal</h2>
      {appeal.state === 'decided' ? (
        <p className="rv-notice-bar ok">This appeal is decided.</p>
      ) : (
        <form onSubmit={submit} aria-labelledby="appeal-decision-title" noValidate>
          <fieldset>
            <legend>Outcome</legend>
            {OUTCOMES.map((o) => (
              <label key={o.value} className="rv-check">
                <input
                  type="radio"
                  name="appeal-outcome"
                  checked={outcome === o.value}
                  onChange={() => setOutcome(o.value)}
                />
                {o.label}
              </label>
            ))}
          </fieldset>
          {outcome === 'partially-reversed' && (
            <fieldset>
              <legend>Restrictions to lift</legend>
              {appeal.restrictions.length === 0 && (
                <p className="muted">The decision imposed no restriction.</p>
              )}
              {appeal.restrictions.map((r) => (
                <label key={r} className="rv-check">
                  <input
                    type="checkbox"
                    checked={lift.includes(r)}
                    onChange={(e) => setLift(toggle(lift, r, e.target.checked))}
                  />
                  {enumLabel(r)}
                </label>
              ))}
            </fieldset>
          )}
          <Field
            label="Reasons"
            id="appeal-reasons"
            hint="The reasoned decision sent to the complainant (Art. 20(5) DSA)."
          >
            <textarea
              id="appeal-reasons"
              required
              value={reasons}
              onChange={(e) => setReasons(e.target.value)}
            />
          </Field>
          {problem !== undefined && (
            <p className="action-error" role="alert">
              {problem}
            </p>
          )}
          <ActionError error={decide.error} />
          <div className="rv-actions">
            <button type="submit" className="primary" disabled={decide.pending}>
              Decide appeal
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

// ---- Notices and orders -----------------------------------------------------------------

type StoredNotice =
  paths['/v1/notices/{id}']['get']['responses'][200]['content']['application/json'];

function NoticeDetails(props: { readonly stored: StoredNotice }) {
  const { stored } = props;
  const notice = stored.notice;
  const notifier = isRecord(notice.notifier) ? notice.notifier : {};
  const flagger = isRecord(notifier.trustedFlagger) ? notifier.trustedFlagger : undefined;
  const locations = isRecord(notice.locations) ? notice.locations : {};
  const completeness = isRecord(notice.completeness) ? notice.completeness : {};
  const missing = strings(completeness.missing);
  const urls = strings(locations.urls);
  const itemIds = strings(locations.itemIds);
  const type = str(notifier.type) ?? 'unknown';
  const noticeId = str(notice.id) ?? '';
  return (
    <section className="panel" aria-labelledby="subject-title">
      <h2 id="subject-title">Notice</h2>
      <dl className="rv-facts">
        <dt>Notice</dt>
        <dd>
          <a href={href('notices', noticeId)}>
            <code>{noticeId}</code>
          </a>{' '}
          ({stored.state}), received <Time at={str(notice.receivedAt)} />
        </dd>
        <dt>Notifier</dt>
        <dd>
          <SourceBadge source={type} />
          {str(notifier.name) !== undefined && <> {str(notifier.name)}</>}
          {str(notifier.email) !== undefined && (
            <span className="muted"> &lt;{str(notifier.email)}&gt;</span>
          )}
        </dd>
        {flagger !== undefined && (
          <>
            <dt>Trusted flagger</dt>
            <dd>
              Status awarded by {str(flagger.awardedBy) ?? '—'}
              {str(flagger.area) !== undefined && `, for ${str(flagger.area)}`}
            </dd>
          </>
        )}
        <dt>Explanation</dt>
        <dd className="rv-pre-wrap">
          {str(notice.explanation) ?? <span className="muted">none given</span>}
        </dd>
        <dt>Locations</dt>
        <dd>
          {urls.length + itemIds.length === 0 ? (
            <span className="muted">none given</span>
          ) : (
            <ul className="rv-plain-list">
              {itemIds.map((id) => (
                <li key={`item-${id}`}>
                  item <code>{id}</code>
                </li>
              ))}
              {urls.map((url) => (
                <li key={`url-${url}`}>
                  <code>{url}</code>
                </li>
              ))}
            </ul>
          )}
          {str(locations.additionalInformation) !== undefined && (
            <p>{str(locations.additionalInformation)}</p>
          )}
        </dd>
        {str(notice.category) !== undefined && (
          <>
            <dt>Category</dt>
            <dd>
              {enumLabel(str(notice.category) ?? '')}
              {strings(notice.keywords).length > 0 &&
                ` (${strings(notice.keywords).map(enumLabel).join(', ')})`}
            </dd>
          </>
        )}
        <dt>Complete</dt>
        <dd>
          {completeness.actualKnowledge === true ? (
            'Yes: all elements of Art. 16(2) DSA'
          ) : (
            <>
              <Badge tone="medium">incomplete</Badge> missing {missing.join(', ') || 'elements'}
            </>
          )}
        </dd>
      </dl>
      {stored.unresolvedItemIds.length > 0 && (
        <div className="rv-notice-bar warn">
          Not stored, so not shown below (ingest them to review them):{' '}
          {stored.unresolvedItemIds.map((id, i) => (
            <span key={id}>
              {i > 0 && ', '}
              <code>{id}</code>
            </span>
          ))}
        </div>
      )}
    </section>
  );
}

function OrderDetails(props: { readonly stored: Record<string, unknown> }) {
  const order = isRecord(props.stored.order) ? props.stored.order : {};
  const authority = isRecord(order.issuingAuthority) ? order.issuingAuthority : {};
  return (
    <section className="panel" aria-labelledby="subject-title">
      <h2 id="subject-title">Order</h2>
      <dl className="rv-facts">
        <dt>Order</dt>
        <dd>
          <code>{str(order.id) ?? '—'}</code> ({str(props.stored.state) ?? '—'})
        </dd>
        <dt>Kind</dt>
        <dd>{str(order.kind)?.replace(/-/g, ' ') ?? '—'}</dd>
        <dt>Issued by</dt>
        <dd>
          {str(authority.name) ?? '—'}
          {str(authority.country) !== undefined && ` (${str(authority.country)})`}
        </dd>
        <dt>Legal basis</dt>
        <dd>{str(order.legalBasis) ?? '—'}</dd>
        <dt>Deadline</dt>
        <dd>
          <Time at={str(props.stored.deadline)} />
        </dd>
        {strings(order.accountIds).length > 0 && (
          <>
            <dt>Accounts</dt>
            <dd>{strings(order.accountIds).join(', ')}</dd>
          </>
        )}
      </dl>
    </section>
  );
}

type Subject =
  | { readonly kind: 'notice'; readonly stored: StoredNotice }
  | { readonly kind: 'appeal'; readonly appeal: AppealView }
  | { readonly kind: 'order'; readonly stored: Record<string, unknown> }
  | { readonly kind: 'detection' };

async function loadSubject(job: Job): Promise<Subject> {
  const path = { params: { path: { id: job.subjectId } } };
  switch (job.subject) {
    case 'notice':
      return { kind: 'notice', stored: must(await api.GET('/v1/notices/{id}', path)) };
    case 'appeal':
      return { kind: 'appeal', appeal: readAppeal(must(await api.GET('/v1/appeals/{id}', path))) };
    case 'order':
      return {
        kind: 'order',
        stored: must(await api.GET('/v1/orders/{id}', path)) as Record<string, unknown>,
      };
    default:
      return { kind: 'detection' };
  }
}

// ---- Items ----------------------------------------------------------------------------------

function ReviewItem(props: {
  readonly itemId: string;
  readonly index: number;
  readonly count: number;
}) {
  const query = useQuery(
    async () => must(await api.GET('/v1/items/{id}', { params: { path: { id: props.itemId } } })),
    [props.itemId],
  );
  const titleId = `item-title-${props.index}`;
  return (
    <section className="panel" aria-labelledby={titleId}>
      <h2 id={titleId}>
        Item {props.count > 1 ? `${props.index + 1} of ${props.count}` : ''}{' '}
        <code className="muted">{props.itemId}</code>
      </h2>
      <View result={query.result} retry={query.reload} rows={6}>
        {(item) => <ItemDetails item={item} level={3} linkToItem />}
      </View>
    </section>
  );
}

// ---- The screen -----------------------------------------------------------------------------

function Review(props: { readonly job: Job }) {
  const { job } = props;
  const session = useSession();
  const me = session.account.id;
  const now = useNow(30_000);
  const canReview = session.can('queue:review');
  const subject = useQuery(() => loadSubject(job), [job.id, job.subject, job.subjectId]);
  const closeReasonsRef = useRef<HTMLTextAreaElement>(null);

  const mine = job.state === 'claimed' && job.claimedBy === me;
  const leaseLive = job.leaseUntil === undefined || Date.parse(job.leaseUntil) > now;
  const open = job.state !== 'done';
  const decidable = canReview && open && job.subject !== 'appeal';

  let status: { tone: '' | 'warn' | 'ok'; text: ReactNode };
  if (!open) {
    status = {
      tone: 'ok',
      text: (
        <>
          This job is done
          {job.outcome !== undefined && <> ({job.outcome})</>}
          {job.doneAt !== undefined && (
            <>
              , <Time at={job.doneAt} />
            </>
          )}
          .
        </>
      ),
    };
  } else if (mine && leaseLive) {
    status = {
      tone: '',
      text: (
        <>
          You hold this job
          {job.leaseUntil !== undefined && (
            <>
              {' '}
              until <Time at={job.leaseUntil} /> ({untilText(job.leaseUntil, now)})
            </>
          )}
          .
        </>
      ),
    };
  } else if (mine) {
    status = {
      tone: 'warn',
      text: 'Your claim on this job has expired: claim it again from the queue before deciding.',
    };
  } else if (job.state === 'claimed') {
    status = {
      tone: 'warn',
      text: (
        <>
          Another reviewer (<code>{job.claimedBy}</code>) holds this job; you can read it but not
          decide it.
        </>
      ),
    };
  } else {
    status = {
      tone: 'warn',
      text: (
        <>
          Nobody holds this job. <a href={href('queue')}>Claim it from the queue</a> to decide it.
        </>
      ),
    };
  }
  const subjectLink = subjectHref(job);

  return (
    <>
      <p className={`rv-notice-bar ${status.tone}`} role="status">
        {status.text}
      </p>
      <dl className="rv-facts rv-job-facts">
        <dt>Job</dt>
        <dd>
          {SUBJECT_LABEL[job.subject]}{' '}
          {subjectLink !== undefined ? (
            <a href={subjectLink}>
              <code>{job.subjectId}</code>
            </a>
          ) : (
            <code>{job.subjectId}</code>
          )}{' '}
          <span className="muted">(job {job.id})</span>
        </dd>
        <dt>Source</dt>
        <dd>
          <SourceBadge source={job.source} />
        </dd>
        <dt>Deadline</dt>
        <dd>
          <Deadline at={job.deadline} now={now} />
        </dd>
        <dt>Waiting since</dt>
        <dd>
          <Time at={job.createdAt} />
        </dd>
      </dl>
      <div className="grid-2">
        <div className="rv-stack">
          {subject.result.state === 'loading' && <Loading rows={4} label="Loading the subject…" />}
          {subject.result.state === 'error' && (
            <ErrorState error={subject.result.error} retry={subject.reload} />
          )}
          {subject.result.state === 'ready' && subject.result.data.kind === 'notice' && (
            <NoticeDetails stored={subject.result.data.stored} />
          )}
          {subject.result.state === 'ready' && subject.result.data.kind === 'appeal' && (
            <AppealDetails appeal={subject.result.data.appeal} />
          )}
          {subject.result.state === 'ready' && subject.result.data.kind === 'order' && (
            <OrderDetails stored={subject.result.data.stored} />
          )}
          {subject.result.state === 'ready' && subject.result.data.kind === 'detection' && (
            <section className="panel" aria-labelledby="subject-title">
              <h2 id="subject-title">Detection</h2>
              <p>Queued for review on the platform's own initiative.</p>
            </section>
          )}
          {job.itemIds.length === 0 ? (
            <section className="panel">
              <p className="muted">This job names no stored item.</p>
            </section>
          ) : (
            job.itemIds.map((id, i) => (
              <ReviewItem key={id} itemId={id} index={i} count={job.itemIds.length} />
            ))
          )}
        </div>
        <div className="rv-stack">
          {!canReview && (
            <p className="rv-notice-bar warn">Your roles let you read this job, not decide it.</p>
          )}
          {decidable && (
            <>
              <DecisionPanel job={job} enabled={decidable} closeReasonsRef={closeReasonsRef} />
              <CloseForm job={job} reasonsRef={closeReasonsRef} />
            </>
          )}
          {canReview &&
            open &&
            subject.result.state === 'ready' &&
            subject.result.data.kind === 'appeal' && (
              <AppealForm appeal={subject.result.data.appeal} />
            )}
          {canReview && open && job.subject === 'appeal' && subject.result.state === 'loading' && (
            <Loading rows={4} />
          )}
          <ReleaseButtons job={job} enabled={canReview && mine && open} />
        </div>
      </div>
    </>
  );
}

export function ReviewScreen(props: { readonly jobId: string }) {
  const job = useQuery(
    async () =>
      must(await api.GET('/v1/queue/jobs/{id}', { params: { path: { id: props.jobId } } })),
    [props.jobId],
  );
  // Each job starts at the top, with focus on the page, not on the last screen's button.
  useEffect(() => {
    window.scrollTo(0, 0);
  }, []);
  return (
    <Page title="Review" actions={<a href={href('queue')}>Back to the queue</a>}>
      <div className="rv">
        <View result={job.result} retry={job.reload} rows={10}>
          {(data) => <Review key={data.id} job={data} />}
        </View>
      </div>
    </Page>
  );
}
