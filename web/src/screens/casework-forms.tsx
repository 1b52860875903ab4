/**
 * Casework helpers and the three "New …" forms (notice, referral, hold) of casework.tsx: the
 * record shapes the API passes through whole, the legal constants the forms explain, paging, and
 * refusals with every field the server named.
 */
import {
  type DependencyList,
  type FormEvent,
  type ReactNode,
  useEffect,
  useRef,
  useState,
} from 'react';
import { ApiError, api, must, type paths } from '../api/client.js';
import { type Loaded, useAction, useQuery } from '../api/hooks.js';
import { ActionError, Field } from '../ui/kit.js';

// ---------------------------------------------------------------------------------------------
// Record shapes (the API passes workflow records through whole; see src/workflow/*.ts)

type Json<
  P extends keyof paths,
  M extends 'get' | 'post',
  S extends 200 | 201 | 202,
> = paths[P][M] extends {
  responses: { [K in S]: { content: { 'application/json': infer T } } };
}
  ? T
  : never;

export type StoredNotice = Json<'/v1/notices/{id}', 'get', 200>;
export type NoticeBody = NonNullable<
  paths['/v1/notices']['post']['requestBody']
>['content']['application/json'];
export type NotifierType = NoticeBody['notifier']['type'];
export type NoticeElement = 'explanation' | 'locations' | 'identity' | 'goodFaith';

export interface NoticeView {
  readonly id: string;
  readonly notifier: {
    readonly type: NotifierType;
    readonly name: string | null;
    readonly email: string | null;
    readonly trustedFlagger: { readonly awardedBy: string; readonly area: string | null } | null;
  };
  readonly explanation: string | null;
  readonly locations: {
    readonly urls: readonly string[];
    readonly itemIds: readonly string[];
    readonly additionalInformation: string | null;
  };
  readonly goodFaith: boolean;
  readonly childSexualAbuse: boolean;
  readonly category: string | null;
  readonly keywords: readonly string[];
  readonly receivedAt: string;
  readonly completeness: {
    readonly actualKnowledge: boolean;
    readonly missing: readonly NoticeElement[];
    readonly notApplicable: readonly { readonly element: NoticeElement; readonly reason: string }[];
  };
  readonly receipt: {
    readonly id: string;
    readonly noticeId: string;
    readonly receivedAt: string;
    readonly to: string | null;
    readonly send: boolean;
    readonly text: string;
  };
}

export const noticeOf = (stored: { readonly notice: unknown }): NoticeView =>
  stored.notice as NoticeView;

export interface AppealView {
  readonly id: string;
  readonly state: 'filed' | 'decided';
  readonly decision: {
    readonly id: string;
    readonly decidedAt: string;
    readonly reviewerId: string;
    readonly restrictions: readonly string[];
  };
  readonly complainant: { readonly id: string; readonly role: 'affected-recipient' | 'notifier' };
  readonly reason?: string;
  readonly filedAt: string;
  readonly deadline: string;
  readonly outcome?: {
    readonly outcome: 'upheld' | 'reversed' | 'partially-reversed';
    readonly lifted: readonly string[];
    readonly reviewerId: string;
    readonly decidedAt: string;
    readonly reasons: string;
  };
}

export type ReferralStatus = 'draft' | 'submitted' | 'acknowledged' | 'failed';
export type ReferralKind = 'dsa-art18' | 'cybertipline';

export interface ReferralView {
  readonly id: string;
  readonly kind: ReferralKind;
  readonly destination:
    | {
        readonly authority: 'member-state';
        readonly memberState: string;
        readonly agencyName: string;
      }
    | { readonly authority: 'europol' }
    | { readonly authority: 'ncmec' };
  readonly source: { readonly decisionId?: string; readonly caseId?: string };
  readonly facts: {
    readonly itemIds: readonly string[];
    readonly contentUrls: readonly string[];
    readonly contentDescription: string;
    readonly suspicion: string;
    readonly incidentAt: string;
    readonly publishedAt?: string;
    readonly timeZone: string;
    readonly location?: {
      readonly countryCode?: string;
      readonly region?: string;
      readonly city?: string;
    };
    readonly user?: { readonly accountId?: string; readonly screenName?: string };
  };
  readonly incidentType?: string;
  readonly status: ReferralStatus;
  readonly createdAt: string;
  readonly history: readonly {
    readonly from: ReferralStatus;
    readonly to: ReferralStatus;
    readonly at: string;
    readonly note?: string;
  }[];
  readonly externalId?: string;
  readonly lastError?: string;
}

export const referralOf = (record: unknown): ReferralView => record as ReferralView;

export type HoldBasis = 'cybertipline-report' | '2703f' | 'e-evidence-preservation' | 'litigation';

export interface HoldView {
  readonly id: string;
  readonly basis: HoldBasis;
  readonly scope: {
    readonly itemIds: readonly string[];
    readonly evidenceIds: readonly string[];
    readonly accountIds: readonly string[];
    /** Older holds stored before cases could be held have none. */
    readonly caseIds?: readonly string[];
  };
  readonly start: string;
  readonly reference?: string;
  readonly renewals: readonly string[];
  readonly releasedAt?: string;
  readonly releaseReason?: string;
}

export interface StoredHoldView {
  readonly hold: HoldView;
  readonly expiresAt?: string;
}

export const holdOf = (stored: { readonly hold: unknown; readonly expiresAt?: string }) =>
  stored as StoredHoldView;

// ---------------------------------------------------------------------------------------------
// Legal constants the forms explain (mirrors of src/workflow; the server decides)

export const NOTIFIER_TYPES: readonly { readonly value: NotifierType; readonly label: string }[] = [
  { value: 'individual', label: 'Individual' },
  { value: 'trusted-flagger', label: 'Trusted flagger (Art. 22)' },
  { value: 'authority', label: 'Authority' },
  { value: 'ngo', label: 'NGO' },
  { value: 'internal-detection', label: 'Internal detection' },
];

export const notifierLabel = (type: string): string =>
  NOTIFIER_TYPES.find((t) => t.value === type)?.label ?? type;

/** Short names of the Art. 16(2) elements, for tables. */
export const ELEMENT_SHORT: Record<NoticeElement, string> = {
  explanation: 'explanation',
  locations: 'location',
  identity: 'name and e-mail',
  goodFaith: 'good-faith statement',
};

/** The elements of Art. 16(2) in full (src/workflow/notices.ts NOTICE_ELEMENTS). */
export const ELEMENT_FULL: Record<NoticeElement, string> = {
  explanation: 'Art. 16(2)(a): a substantiated explanation of why the content is illegal',
  locations: 'Art. 16(2)(b): the exact electronic location (URL or item id) of the content',
  identity: 'Art. 16(2)(c): the name and e-mail address of the notifier',
  goodFaith:
    'Art. 16(2)(d): a statement confirming the bona fide belief that the notice is accurate',
};

type Category = NonNullable<NoticeBody['category']>;
const CATEGORIES = [
  'STATEMENT_CATEGORY_ANIMAL_WELFARE',
  'STATEMENT_CATEGORY_CONSUMER_INFORMATION',
  'STATEMENT_CATEGORY_CYBER_VIOLENCE',
  'STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN',
  'STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS',
  'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
  'STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS',
  'STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS',
  'STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE',
  'STATEMENT_CATEGORY_OTHER_VIOLATION_TC',
  'STATEMENT_CATEGORY_PROTECTION_OF_MINORS',
  'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY',
  'STATEMENT_CATEGORY_SCAMS_AND_FRAUD',
  'STATEMENT_CATEGORY_SELF_HARM',
  'STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS',
  'STATEMENT_CATEGORY_VIOLENCE',
] as const satisfies readonly Category[];

/** "STATEMENT_CATEGORY_SCAMS_AND_FRAUD" → "Scams and fraud". */
export function codeLabel(code: string | null | undefined): string {
  if (code === null || code === undefined || code === '') return '—';
  const words = code
    .replace(/^(STATEMENT_CATEGORY_|KEYWORD_|DECISION_[A-Z]+_)/, '')
    .toLowerCase()
    .replace(/_/g, ' ');
  return `${words[0]?.toUpperCase() ?? ''}${words.slice(1)}`.replace(/\btc\b/, 'T&C');
}

export const EU_MEMBER_STATES: readonly (readonly [string, string])[] = [
  ['AT', 'Austria'],
  ['BE', 'Belgium'],
  ['BG', 'Bulgaria'],
  ['HR', 'Croatia'],
  ['CY', 'Cyprus'],
  ['CZ', 'Czechia'],
  ['DK', 'Denmark'],
  ['EE', 'Estonia'],
  ['FI', 'Finland'],
  ['FR', 'France'],
  ['DE', 'Germany'],
  ['GR', 'Greece'],
  ['HU', 'Hungary'],
  ['IE', 'Ireland'],
  ['IT', 'Italy'],
  ['LV', 'Latvia'],
  ['LT', 'Lithuania'],
  ['LU', 'Luxembourg'],
  ['MT', 'Malta'],
  ['NL', 'Netherlands'],
  ['PL', 'Poland'],
  ['PT', 'Portugal'],
  ['RO', 'Romania'],
  ['SK', 'Slovakia'],
  ['SI', 'Slovenia'],
  ['ES', 'Spain'],
  ['SE', 'Sweden'],
];

/** NCMEC incident types (src/workflow/referrals.ts NCMEC_INCIDENT_TYPES). */
const NCMEC_INCIDENT_TYPES = [
  'Child Pornography (possession, manufacture, and distribution)',
  'Child Sex Trafficking',
  'Child Sex Tourism',
  'Child Sexual Molestation',
  'Misleading Domain Name',
  'Misleading Words or Digital Images on the Internet',
  'Online Enticement of Children for Sexual Acts',
  'Unsolicited Obscene Material Sent to a Child',
] as const;

export const KIND_LABEL: Record<ReferralKind, string> = {
  'dsa-art18': 'DSA Art. 18',
  cybertipline: 'CyberTipline',
};

export function destinationLabel(destination: ReferralView['destination']): string {
  switch (destination.authority) {
    case 'member-state': {
      const state =
        EU_MEMBER_STATES.find(([code]) => code === destination.memberState)?.[1] ??
        destination.memberState;
      return `${destination.agencyName} (${state})`;
    }
    case 'europol':
      return 'Europol';
    case 'ncmec':
      return 'NCMEC';
  }
}

interface HoldRule {
  readonly label: string;
  readonly period: string;
  readonly renewal: { readonly max: number; readonly days: number } | null;
  readonly citation: string;
}

/** src/workflow/holds.ts HOLD_RULES, with the periods of docs/workflow.md. */
export const HOLD_RULES: Record<HoldBasis, HoldRule> = {
  'cybertipline-report': {
    label: 'CyberTipline report',
    period: '1 year from the report',
    renewal: null,
    citation: '18 U.S.C. 2258A(h)(1) as amended by the REPORT Act 2024 (1 year from the report)',
  },
  '2703f': {
    label: '2703(f) preservation request',
    period: '90 days, renewable once by 90 days',
    renewal: { max: 1, days: 90 },
    citation: '18 U.S.C. 2703(f)(2) (90 days, extended once by 90 days upon a renewed request)',
  },
  'e-evidence-preservation': {
    label: 'EU e-Evidence preservation order',
    period: '60 days, extendable once by 30 days',
    renewal: { max: 1, days: 30 },
    citation: 'Regulation (EU) 2023/1543 Art. 11 (60 days, extendable once by 30 days)',
  },
  litigation: {
    label: 'Litigation hold',
    period: 'until released',
    renewal: null,
    citation: 'litigation hold (lasts until released by counsel)',
  },
};

export const HOLD_BASES = Object.keys(HOLD_RULES) as HoldBasis[];

export const basisLabel = (basis: string): string => HOLD_RULES[basis as HoldBasis]?.label ?? basis;

// ---------------------------------------------------------------------------------------------
// Small helpers

/** The distinct non-empty lines of a text area. */
export function lines(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\r\n]+/)
        .map((line) => line.trim())
        .filter((line) => line !== ''),
    ),
  ];
}

/** A `datetime-local` value read as UTC ("2025-03-10T12:00") → "2025-03-10T12:00:00.000Z". */
export function utcInstant(local: string): string | undefined {
  if (local === '') return undefined;
  const withSeconds = local.length === 16 ? `${local}:00` : local;
  const ms = Date.parse(`${withSeconds}Z`);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** The current time (ms), refreshed every minute, for deadline countdowns. */
export function useNow(intervalMs = 60_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** Moves focus to the element when it appears (a form opened, a receipt shown). */
export function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return ref;
}

/** A refusal next to its action, with every field the server named when it named several. */
export function Refusal(props: { readonly error: unknown }) {
  if (props.error === undefined) return null;
  const raw = props.error instanceof ApiError ? props.error.problem.details?.issues : undefined;
  const issues = Array.isArray(raw)
    ? raw.filter(
        (issue): issue is { path: string; message: string } =>
          typeof issue === 'object' &&
          issue !== null &&
          typeof (issue as { path?: unknown }).path === 'string' &&
          typeof (issue as { message?: unknown }).message === 'string',
      )
    : [];
  return (
    <div className="cw-refusal">
      <ActionError error={props.error} />
      {issues.length > 1 && (
        <ul className="cw-issues">
          {issues.map((issue) => (
            <li key={`${issue.path}:${issue.message}`}>
              <code>{issue.path}</code>: {issue.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export interface PageOf<T> {
  readonly items: readonly T[];
  readonly next?: string | undefined;
}

/**
 * A listing shown page by page: the first page as a query, the pages "More" loads appended to
 * it. The appended pages belong to the first page they followed, so a new filter or a reload
 * starts again from the top.
 */
export function usePages<T>(
  fetchPage: (cursor: string | undefined) => Promise<PageOf<T>>,
  deps: DependencyList,
) {
  const first = useQuery(() => fetchPage(undefined), deps);
  const [extra, setExtra] = useState<
    { readonly after: PageOf<T>; readonly items: readonly T[]; readonly next?: string } | undefined
  >(undefined);
  const more = useAction(async (cursor: string, after: PageOf<T>) => {
    const page = await fetchPage(cursor);
    setExtra((previous) => ({
      after,
      items: [...(previous?.after === after ? previous.items : []), ...page.items],
      ...(page.next !== undefined && { next: page.next }),
    }));
  });
  let result: Loaded<PageOf<T>> = first.result;
  if (first.result.state === 'ready') {
    const base = first.result.data;
    result =
      extra !== undefined && extra.after === base
        ? { state: 'ready', data: { items: [...base.items, ...extra.items], next: extra.next } }
        : first.result;
  }
  const base = first.result.state === 'ready' ? first.result.data : undefined;
  return {
    result,
    reload: first.reload,
    loadMore: (cursor: string) => {
      if (base !== undefined) void more.act(cursor, base);
    },
    morePending: more.pending,
    moreError: more.error,
  };
}

function Checkbox(props: {
  readonly id: string;
  readonly checked: boolean;
  readonly onChange: (checked: boolean) => void;
  readonly children: ReactNode;
  readonly hint?: string;
}) {
  return (
    <div className="cw-check">
      <input
        type="checkbox"
        id={props.id}
        checked={props.checked}
        onChange={(event) => props.onChange(event.target.checked)}
        {...(props.hint !== undefined && { 'aria-describedby': `${props.id}-hint` })}
      />
      <div>
        <label htmlFor={props.id}>{props.children}</label>
        {props.hint !== undefined && (
          <p className="hint" id={`${props.id}-hint`}>
            {props.hint}
          </p>
        )}
      </div>
    </div>
  );
}

function FormButtons(props: {
  readonly label: string;
  readonly pending: boolean;
  readonly onCancel: () => void;
}) {
  return (
    <div className="cw-buttons">
      <button type="submit" className="primary" disabled={props.pending}>
        {props.pending ? 'Saving…' : props.label}
      </button>
      <button type="button" onClick={props.onCancel}>
        Cancel
      </button>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------
// New notice (Art. 16(2))

export function NewNoticeForm(props: {
  readonly onCreated: (stored: StoredNotice) => void;
  readonly onCancel: () => void;
}) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const [type, setType] = useState<NotifierType>('individual');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [awardedBy, setAwardedBy] = useState('');
  const [area, setArea] = useState('');
  const [explanation, setExplanation] = useState('');
  const [itemIds, setItemIds] = useState('');
  const [urls, setUrls] = useState('');
  const [source, setSource] = useState('');
  const [goodFaith, setGoodFaith] = useState(false);
  const [childSexualAbuse, setChildSexualAbuse] = useState(false);
  const [category, setCategory] = useState<Category | ''>('');
  const [allowIncomplete, setAllowIncomplete] = useState(false);

  const submit = useAction(async () => {
    const body: NoticeBody = {
      notifier: {
        type,
        ...(name.trim() !== '' && { name: name.trim() }),
        ...(email.trim() !== '' && { email: email.trim() }),
        ...(type === 'trusted-flagger' && {
          trustedFlagger: {
            awardedBy: awardedBy.trim(),
            ...(area.trim() !== '' && { area: area.trim() }),
          },
        }),
      },
      ...(explanation.trim() !== '' && { explanation: explanation.trim() }),
      locations: { itemIds: lines(itemIds), urls: lines(urls) },
      goodFaith,
      childSexualAbuse,
      ...(category !== '' && { category }),
    };
    const stored = must(
      await api.POST('/v1/notices', {
        params: {
          query: {
            ...(allowIncomplete && { allowIncomplete: 'true' as const }),
            ...(source.trim() !== '' && { source: source.trim() }),
          },
        },
        body,
      }),
    );
    props.onCreated(stored);
    return stored;
  });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void submit.act();
  };

  return (
    <form className="panel cw-form" onSubmit={onSubmit} aria-labelledby="nn-title" noValidate>
      <h2 id="nn-title" tabIndex={-1} ref={heading}>
        New notice
      </h2>
      <p className="hint">
        The elements of Art. 16(2) DSA. A notice missing one is refused naming it, unless you record
        it as incomplete.
      </p>
      <fieldset>
        <legend>Notifier</legend>
        <div className="cw-row">
          <Field label="Type" id="nn-type">
            <select
              id="nn-type"
              value={type}
              onChange={(event) => setType(event.target.value as NotifierType)}
            >
              {NOTIFIER_TYPES.map((t) => (
                <option key={t.value} value={t.value}>
                  {t.label}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Name" id="nn-name">
            <input
              id="nn-name"
              value={name}
              maxLength={200}
              autoComplete="off"
              onChange={(event) => setName(event.target.value)}
            />
          </Field>
          <Field label="E-mail" id="nn-email">
            <input
              id="nn-email"
              type="email"
              value={email}
              maxLength={254}
              autoComplete="off"
              onChange={(event) => setEmail(event.target.value)}
            />
          </Field>
        </div>
        {type === 'trusted-flagger' && (
          <div className="cw-row">
            <Field
              label="Status awarded by"
              id="nn-awarded-by"
              hint="The Digital Services Coordinator that awarded the trusted-flagger status."
            >
              <input
                id="nn-awarded-by"
                value={awardedBy}
                maxLength={200}
                onChange={(event) => setAwardedBy(event.target.value)}
              />
            </Field>
            <Field label="Area of expertise" id="nn-area" hint="Optional.">
              <input
                id="nn-area"
                value={area}
                maxLength={500}
                onChange={(event) => setArea(event.target.value)}
              />
            </Field>
          </div>
        )}
      </fieldset>
      <Field
        label="Explanation"
        id="nn-explanation"
        hint="Why the notifier considers the content illegal (Art. 16(2)(a))."
      >
        <textarea
          id="nn-explanation"
          value={explanation}
          maxLength={5000}
          onChange={(event) => setExplanation(event.target.value)}
        />
      </Field>
      <fieldset>
        <legend>Locations (Art. 16(2)(b))</legend>
        <div className="cw-row">
          <Field label="Item ids" id="nn-items" hint="One per line.">
            <textarea
              id="nn-items"
              value={itemIds}
              onChange={(event) => setItemIds(event.target.value)}
            />
          </Field>
          <Field label="URLs" id="nn-urls" hint="One per line, absolute (https://…).">
            <textarea id="nn-urls" value={urls} onChange={(event) => setUrls(event.target.value)} />
          </Field>
        </div>
        <Field
          label="Source of the item ids"
          id="nn-source"
          hint='As at ingest; leave empty for "default".'
        >
          <input
            id="nn-source"
            value={source}
            maxLength={200}
            onChange={(event) => setSource(event.target.value)}
          />
        </Field>
      </fieldset>
      <Field label="Category" id="nn-category" hint="The DSA category the notifier chose, if any.">
        <select
          id="nn-category"
          value={category}
          onChange={(event) => setCategory(event.target.value as Category | '')}
        >
          <option value="">Not given</option>
          {CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {codeLabel(c)}
            </option>
          ))}
        </select>
      </Field>
      <fieldset>
        <legend>Statements</legend>
        <Checkbox
          id="nn-good-faith"
          checked={goodFaith}
          onChange={setGoodFaith}
          hint="Art. 16(2)(d): the notifier confirms its bona fide belief that the notice is accurate and complete."
        >
          Good-faith statement given
        </Checkbox>
        <Checkbox
          id="nn-csa"
          checked={childSexualAbuse}
          onChange={setChildSexualAbuse}
          hint="Offences of Arts 3–7 of Directive 2011/93/EU: the only case where name and e-mail are not required. Trafficking alone is not exempt."
        >
          Concerns child sexual abuse
        </Checkbox>
        <Checkbox
          id="nn-incomplete"
          checked={allowIncomplete}
          onChange={setAllowIncomplete}
          hint="Record it even if an element is missing; it then does not by itself give actual knowledge (Art. 16(3))."
        >
          Record an incomplete notice
        </Checkbox>
      </fieldset>
      <Refusal error={submit.error} />
      <FormButtons label="Submit notice" pending={submit.pending} onCancel={props.onCancel} />
    </form>
  );
}

// ---------------------------------------------------------------------------------------------
// New referral (Art. 18 notification or CyberTipline report)

export function NewReferralForm(props: {
  readonly onCreated: (referral: ReferralView) => void;
  readonly onCancel: () => void;
}) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const [kind, setKind] = useState<ReferralKind>('dsa-art18');
  const [authority, setAuthority] = useState<'member-state' | 'europol'>('member-state');
  const [memberState, setMemberState] = useState('DE');
  const [agencyName, setAgencyName] = useState('');
  const [incidentType, setIncidentType] = useState<string>('Child Sex Trafficking');
  const [decisionId, setDecisionId] = useState('');
  const [caseId, setCaseId] = useState('');
  const [itemIds, setItemIds] = useState('');
  const [contentUrls, setContentUrls] = useState('');
  const [description, setDescription] = useState('');
  const [suspicion, setSuspicion] = useState('');
  const [incidentAt, setIncidentAt] = useState('');
  const [publishedAt, setPublishedAt] = useState('');
  const [timeZone, setTimeZone] = useState('UTC');
  const [countryCode, setCountryCode] = useState('');
  const [region, setRegion] = useState('');
  const [city, setCity] = useState('');
  const [accountId, setAccountId] = useState('');

  const submit = useAction(async () => {
    const destination =
      kind === 'cybertipline'
        ? { authority: 'ncmec' }
        : authority === 'europol'
          ? { authority: 'europol' }
          : { authority: 'member-state', memberState, agencyName: agencyName.trim() };
    const location = {
      ...(countryCode.trim() !== '' && { countryCode: countryCode.trim().toUpperCase() }),
      ...(region.trim() !== '' && { region: region.trim() }),
      ...(city.trim() !== '' && { city: city.trim() }),
    };
    const published = utcInstant(publishedAt);
    const body = {
      kind,
      destination,
      ...(kind === 'cybertipline' && { incidentType }),
      source: {
        ...(decisionId.trim() !== '' && { decisionId: decisionId.trim() }),
        ...(caseId.trim() !== '' && { caseId: caseId.trim() }),
      },
      facts: {
        itemIds: lines(itemIds),
        contentUrls: lines(contentUrls),
        contentDescription: description,
        suspicion,
        // An empty time goes as "" so that the server names the field.
        incidentAt: utcInstant(incidentAt) ?? incidentAt,
        ...(published !== undefined && { publishedAt: published }),
        timeZone: timeZone.trim() === '' ? 'UTC' : timeZone.trim(),
        ...(Object.keys(location).length > 0 && { location }),
        ...(accountId.trim() !== '' && { user: { accountId: accountId.trim() } }),
      },
    };
    const created = referralOf(must(await api.POST('/v1/referrals', { body })));
    props.onCreated(created);
    return created;
  });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void submit.act();
  };

  return (
    <form className="panel cw-form" onSubmit={onSubmit} aria-labelledby="nr-title" noValidate>
      <h2 id="nr-title" tabIndex={-1} ref={heading}>
        New referral
      </h2>
      <p className="hint">Recorded as a draft; check its payload, then submit it.</p>
      <fieldset>
        <legend>Kind</legend>
        <div className="cw-radios">
          <div className="cw-check">
            <input
              type="radio"
              id="nr-kind-art18"
              name="nr-kind"
              checked={kind === 'dsa-art18'}
              onChange={() => setKind('dsa-art18')}
            />
            <label htmlFor="nr-kind-art18">
              DSA Art. 18 notification (threat to life or safety)
            </label>
          </div>
          <div className="cw-check">
            <input
              type="radio"
              id="nr-kind-cybertip"
              name="nr-kind"
              checked={kind === 'cybertipline'}
              onChange={() => setKind('cybertipline')}
            />
            <label htmlFor="nr-kind-cybertip">CyberTipline report (NCMEC)</label>
          </div>
        </div>
      </fieldset>
      <fieldset>
        <legend>Destination</legend>
        {kind === 'cybertipline' ? (
          <>
            <p>NCMEC (National Center for Missing &amp; Exploited Children)</p>
            <Field label="Incident type" id="nr-incident-type">
              <select
                id="nr-incident-type"
                value={incidentType}
                onChange={(event) => setIncidentType(event.target.value)}
              >
                {NCMEC_INCIDENT_TYPES.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </select>
            </Field>
          </>
        ) : (
          <div className="cw-row">
            <Field
              label="Authority"
              id="nr-authority"
              hint="Europol where the Member State concerned is not clear."
            >
              <select
                id="nr-authority"
                value={authority}
                onChange={(event) => setAuthority(event.target.value as 'member-state' | 'europol')}
              >
                <option value="member-state">A Member State's authority</option>
                <option value="europol">Europol</option>
              </select>
            </Field>
            {authority === 'member-state' && (
              <>
                <Field label="Member State" id="nr-member-state">
                  <select
                    id="nr-member-state"
                    value={memberState}
                    onChange={(event) => setMemberState(event.target.value)}
                  >
                    {EU_MEMBER_STATES.map(([code, label]) => (
                      <option key={code} value={code}>
                        {label} ({code})
                      </option>
                    ))}
                  </select>
                </Field>
                <Field label="Agency" id="nr-agency" hint="e.g. Bundeskriminalamt">
                  <input
                    id="nr-agency"
                    value={agencyName}
                    maxLength={200}
                    onChange={(event) => setAgencyName(event.target.value)}
                  />
                </Field>
              </>
            )}
          </div>
        )}
      </fieldset>
      <fieldset>
        <legend>Source</legend>
        <div className="cw-row">
          <Field label="Decision id" id="nr-decision" hint="The decision the facts come from.">
            <input
              id="nr-decision"
              value={decisionId}
              maxLength={180}
              onChange={(event) => setDecisionId(event.target.value)}
            />
          </Field>
          <Field label="Case id" id="nr-case" hint="Instead of, or as well as, a decision.">
            <input
              id="nr-case"
              value={caseId}
              maxLength={180}
              onChange={(event) => setCaseId(event.target.value)}
            />
          </Field>
        </div>
      </fieldset>
      <fieldset>
        <legend>Facts</legend>
        <div className="cw-row">
          <Field label="Item ids" id="nr-items" hint="One per line; at least one.">
            <textarea
              id="nr-items"
              value={itemIds}
              onChange={(event) => setItemIds(event.target.value)}
            />
          </Field>
          <Field label="Content URLs" id="nr-urls" hint="One per line.">
            <textarea
              id="nr-urls"
              value={contentUrls}
              onChange={(event) => setContentUrls(event.target.value)}
            />
          </Field>
        </div>
        <Field
          label="Content description"
          id="nr-description"
          hint="What the content is; no media is attached."
        >
          <textarea
            id="nr-description"
            value={description}
            maxLength={5000}
            onChange={(event) => setDescription(event.target.value)}
          />
        </Field>
        <Field
          label="Suspicion"
          id="nr-suspicion"
          hint="Why an offence involving a threat to life or safety is suspected."
        >
          <textarea
            id="nr-suspicion"
            value={suspicion}
            maxLength={5000}
            onChange={(event) => setSuspicion(event.target.value)}
          />
        </Field>
        <div className="cw-row">
          <Field label="Incident time (UTC)" id="nr-incident-at">
            <input
              id="nr-incident-at"
              type="datetime-local"
              value={incidentAt}
              onChange={(event) => setIncidentAt(event.target.value)}
            />
          </Field>
          <Field label="Published (UTC)" id="nr-published-at" hint="Optional.">
            <input
              id="nr-published-at"
              type="datetime-local"
              value={publishedAt}
              onChange={(event) => setPublishedAt(event.target.value)}
            />
          </Field>
          <Field label="Designated time zone" id="nr-tz" hint="IANA name, e.g. Europe/Berlin.">
            <input
              id="nr-tz"
              value={timeZone}
              maxLength={64}
              onChange={(event) => setTimeZone(event.target.value)}
            />
          </Field>
        </div>
        <div className="cw-row">
          <Field label="Location: country" id="nr-country" hint="Two letters, e.g. DE.">
            <input
              id="nr-country"
              value={countryCode}
              maxLength={2}
              autoComplete="off"
              onChange={(event) => setCountryCode(event.target.value)}
            />
          </Field>
          <Field label="Location: region" id="nr-region">
            <input
              id="nr-region"
              value={region}
              maxLength={200}
              onChange={(event) => setRegion(event.target.value)}
            />
          </Field>
          <Field label="Location: city" id="nr-city">
            <input
              id="nr-city"
              value={city}
              maxLength={200}
              onChange={(event) => setCity(event.target.value)}
            />
          </Field>
        </div>
        <Field
          label="Suspected user's account id"
          id="nr-account"
          hint="Optional; a submitted CyberTipline report also preserves this account."
        >
          <input
            id="nr-account"
            value={accountId}
            maxLength={180}
            onChange={(event) => setAccountId(event.target.value)}
          />
        </Field>
      </fieldset>
      <Refusal error={submit.error} />
      <FormButtons label="Draft referral" pending={submit.pending} onCancel={props.onCancel} />
    </form>
  );
}

// ---------------------------------------------------------------------------------------------
// New hold

export function NewHoldForm(props: {
  readonly onCreated: (stored: StoredHoldView) => void;
  readonly onCancel: () => void;
}) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const [basis, setBasis] = useState<HoldBasis>('2703f');
  const [itemIds, setItemIds] = useState('');
  const [accountIds, setAccountIds] = useState('');
  const [evidenceIds, setEvidenceIds] = useState('');
  const [caseIds, setCaseIds] = useState('');
  const [reference, setReference] = useState('');
  const [start, setStart] = useState('');

  const submit = useAction(async () => {
    const startAt = utcInstant(start);
    const body = {
      basis,
      scope: {
        itemIds: lines(itemIds),
        accountIds: lines(accountIds),
        evidenceIds: lines(evidenceIds),
        caseIds: lines(caseIds),
      },
      ...(reference.trim() !== '' && { reference: reference.trim() }),
      ...(startAt !== undefined && { start: startAt }),
    };
    const stored = holdOf(must(await api.POST('/v1/holds', { body })));
    props.onCreated(stored);
    return stored;
  });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void submit.act();
  };

  return (
    <form className="panel cw-form" onSubmit={onSubmit} aria-labelledby="nh-title" noValidate>
      <h2 id="nh-title" tabIndex={-1} ref={heading}>
        New hold
      </h2>
      <p className="hint">Data under a hold cannot be deleted until the hold ends.</p>
      <fieldset>
        <legend>Legal basis</legend>
        <div className="cw-radios">
          {HOLD_BASES.map((b) => (
            <div className="cw-check" key={b}>
              <input
                type="radio"
                id={`nh-basis-${b}`}
                name="nh-basis"
                checked={basis === b}
                onChange={() => setBasis(b)}
                aria-describedby={`nh-basis-${b}-hint`}
              />
              <div>
                <label htmlFor={`nh-basis-${b}`}>{HOLD_RULES[b].label}</label>
                <p className="hint" id={`nh-basis-${b}-hint`}>
                  Lasts {HOLD_RULES[b].period}. {HOLD_RULES[b].citation}.
                </p>
              </div>
            </div>
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend>Scope (at least one id)</legend>
        <div className="cw-row">
          <Field label="Item ids" id="nh-items" hint="One per line.">
            <textarea
              id="nh-items"
              value={itemIds}
              onChange={(event) => setItemIds(event.target.value)}
            />
          </Field>
          <Field label="Account ids" id="nh-accounts" hint="One per line.">
            <textarea
              id="nh-accounts"
              value={accountIds}
              onChange={(event) => setAccountIds(event.target.value)}
            />
          </Field>
          <Field label="Evidence ids" id="nh-evidence" hint="One per line.">
            <textarea
              id="nh-evidence"
              value={evidenceIds}
              onChange={(event) => setEvidenceIds(event.target.value)}
            />
          </Field>
          <Field
            label="Case ids"
            id="nh-cases"
            hint="One per line. Holds the case's evidence and victim records."
          >
            <textarea
              id="nh-cases"
              value={caseIds}
              onChange={(event) => setCaseIds(event.target.value)}
            />
          </Field>
        </div>
      </fieldset>
      <div className="cw-row">
        <Field
          label="Reference"
          id="nh-reference"
          hint="Who asked and their reference: agency, file number, matter."
        >
          <input
            id="nh-reference"
            value={reference}
            maxLength={500}
            onChange={(event) => setReference(event.target.value)}
          />
        </Field>
        <Field
          label="Start (UTC)"
          id="nh-start"
          hint="When the request was received; empty for now."
        >
          <input
            id="nh-start"
            type="datetime-local"
            value={start}
            onChange={(event) => setStart(event.target.value)}
          />
        </Field>
      </div>
      <Refusal error={submit.error} />
      <FormButtons label="Record hold" pending={submit.pending} onCancel={props.onCancel} />
    </form>
  );
}
