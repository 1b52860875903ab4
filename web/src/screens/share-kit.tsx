/**
 * Pieces shared by the Sharing screens (sharing.tsx) and the case's "Share with a partner" panel
 * (case-share.tsx): the API's types, reading a stored agreement defensively (the API keeps it as
 * given, typed `unknown`), the vocabularies of docs/sharing.md, and a refusal shown with the
 * API's detail, the clauses or fields it names, and what to do about it.
 */
import './cases.css';
import './sharing.css';
import { ApiError, api, messageOf, must, type paths } from '../api/client.js';
import type { Json } from './case-kit.js';

export type Partner = Json<paths['/v1/share/partners']['get']['responses'][200]>['items'][number];
export type StoredAgreement = Json<
  paths['/v1/share/agreements']['get']['responses'][200]
>['items'][number];
export type SharePackage = Json<
  paths['/v1/share/packages']['get']['responses'][200]
>['items'][number];
type ExportBody = NonNullable<
  paths['/v1/share/exports']['post']['requestBody']
>['content']['application/json'];
export type Purpose = ExportBody['purpose'];
export type Part = ExportBody['include'][number];
export type ShareTlp = NonNullable<ExportBody['tlp']>;
export type SharePap = NonNullable<ExportBody['pap']>;

export const PURPOSES: readonly (readonly [Purpose, string])[] = [
  ['investigation', 'Investigation'],
  ['prosecution', 'Prosecution'],
  ['victim-identification', 'Victim identification'],
  ['victim-support', 'Victim support'],
  ['content-moderation', 'Content moderation'],
  ['threat-intelligence', 'Threat intelligence'],
  ['research', 'Research'],
];
export const PARTS: readonly (readonly [Part, string, string])[] = [
  ['evidence', 'Evidence', 'the case’s sealed files, as a verifiable evidence bundle'],
  ['indicators', 'Indicators', 'phones, e-mails, handles, wallets… as STIX 2.1 and MISP'],
  ['summary', 'Summary', 'the case’s title and summary, victims replaced by [victim 1]…'],
];
export const TLP_LEVELS: readonly ShareTlp[] = ['red', 'amber+strict', 'amber', 'green', 'clear'];
export const PAP_LEVELS: readonly SharePap[] = ['red', 'amber', 'green', 'clear'];

export async function fetchPartners(): Promise<readonly Partner[]> {
  return must(await api.GET('/v1/share/partners')).items;
}

export async function fetchAgreements(): Promise<readonly StoredAgreement[]> {
  return must(await api.GET('/v1/share/agreements')).items;
}

/** What the console shows of an agreement; every field may be missing in what was stored. */
export interface AgreementView {
  readonly id: string;
  readonly title?: string;
  readonly parties: readonly { readonly org: string; readonly name?: string }[];
  readonly purposes: readonly string[];
  readonly categories: readonly string[];
  readonly maxTlp?: string;
  readonly papCeiling?: string;
  readonly from?: string;
  readonly until?: string;
}

const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;
const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

export function readAgreement(stored: StoredAgreement): AgreementView {
  const a = record(stored.agreement);
  const parties = Array.isArray(a.parties)
    ? a.parties.flatMap((p) => {
        const org = str(record(p).organisationId);
        const name = str(record(p).name);
        return org === undefined ? [] : [{ org, ...(name !== undefined && { name }) }];
      })
    : [];
  const title = str(a.title);
  const maxTlp = str(a.maxTlp);
  const papCeiling = str(a.papCeiling);
  const from = str(record(a.validity).from);
  const until = str(record(a.validity).until);
  return {
    id: stored.id,
    parties,
    purposes: strings(record(a.purposes).allowed),
    categories: strings(a.dataCategories),
    ...(title !== undefined && { title }),
    ...(maxTlp !== undefined && { maxTlp }),
    ...(papCeiling !== undefined && { papCeiling }),
    ...(from !== undefined && { from }),
    ...(until !== undefined && { until }),
  };
}

/** 'in force', 'not yet in force' or 'expired' at `now` (ms); undefined when unreadable. */
export function validityState(
  view: AgreementView,
  now: number,
): 'in force' | 'not yet in force' | 'expired' | undefined {
  const from = view.from === undefined ? Number.NaN : Date.parse(view.from);
  const until = view.until === undefined ? Number.NaN : Date.parse(view.until);
  if (Number.isNaN(from) || Number.isNaN(until)) return undefined;
  if (now < from) return 'not yet in force';
  if (now >= until) return 'expired';
  return 'in force';
}

/** A TLP 2.0 marking as text and colour (the classes of cases.css); unknown values as given. */
export function TlpMark(props: { readonly tlp: string | undefined }) {
  if (props.tlp === undefined) return <span className="muted">not stated</span>;
  const known = (TLP_LEVELS as readonly string[]).includes(props.tlp);
  return (
    <span className={known ? `tlp tlp-${props.tlp.replace('+', '-')}` : 'tlp'}>
      TLP:{props.tlp.toUpperCase()}
    </span>
  );
}

export function PapMark(props: { readonly pap: string | undefined }) {
  if (props.pap === undefined) return <span className="muted">not stated</span>;
  return <span className="sh-pap">PAP:{props.pap.toUpperCase()}</span>;
}

interface Issue {
  readonly path: string;
  readonly message: string;
}
interface Denial {
  readonly clause: number;
  readonly title?: string;
  readonly message: string;
}

function issuesOf(details: Record<string, unknown> | undefined): Issue[] {
  const issues = details?.issues;
  if (!Array.isArray(issues)) return [];
  return issues.flatMap((issue) => {
    const path = str(record(issue).path);
    const message = str(record(issue).message);
    return path !== undefined && message !== undefined ? [{ path, message }] : [];
  });
}

function denialsOf(details: Record<string, unknown> | undefined): Denial[] {
  const denials = details?.denials;
  if (!Array.isArray(denials)) return [];
  return denials.flatMap((denial) => {
    const clause = record(denial).clause;
    const message = str(record(denial).message);
    const title = str(record(denial).title);
    return typeof clause === 'number' && message !== undefined
      ? [{ clause, message, ...(title !== undefined && { title }) }]
      : [];
  });
}

/**
 * An action's refusal with the API's detail, and what it names: the fields of an invalid
 * agreement, the clauses of a denied export, the command that sets up sharing.
 */
export function ShareProblem(props: { readonly error: unknown }) {
  const { error } = props;
  if (error === undefined) return null;
  if (!(error instanceof ApiError)) {
    return (
      <p className="action-error" role="alert">
        {messageOf(error)}
      </p>
    );
  }
  const { code, details } = error.problem;
  const issues = issuesOf(details);
  const denials = denialsOf(details);
  const field = str(details?.field);
  if (code === 'SHARE_DENIED') {
    return (
      <div className="action-error sh-denied" role="alert">
        <p className="sh-denied-title">
          <strong>Refused by the agreement.</strong> Nothing was packaged or sent.
        </p>
        <p>{error.problem.detail}</p>
        {denials.length > 0 && (
          <ul>
            {denials.map((denial) => (
              <li key={`${denial.clause}-${denial.message}`}>
                <strong>
                  Clause {denial.clause}
                  {denial.title === undefined ? '' : ` (${denial.title})`}
                </strong>
                : {denial.message}
              </li>
            ))}
          </ul>
        )}
      </div>
    );
  }
  return (
    <div className="action-error" role="alert">
      <p className="sh-problem-detail">{error.problem.detail}</p>
      {field !== undefined && <p className="sh-problem-more">Field: {field}</p>}
      {issues.length > 1 && (
        <ul className="sh-problem-more">
          {issues.map((issue) => (
            <li key={`${issue.path}-${issue.message}`}>
              <code>{issue.path}</code>: {issue.message}
            </li>
          ))}
        </ul>
      )}
      {code === 'ORG_KEYS_MISSING' && (
        <p className="sh-problem-more">
          Sharing is not set up on this instance: someone with access to the server runs{' '}
          <code>vigil share init --org &lt;your organisation id&gt;</code> once, then tries again.
        </p>
      )}
    </div>
  );
}
