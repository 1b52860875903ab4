/**
 * Outbound deliveries: statements of reasons to the DSA Transparency Database, signed webhooks
 * to a platform's action endpoint (ROOST Coop style), and referrals (DSA Art. 18 notifications,
 * NCMEC CyberTipline reports).
 *
 * Adapter: it does the HTTP, nothing else. Every function takes its target explicitly and reads
 * no environment, so the job handlers decide where things go and tests point them at local fakes.
 * Each answer is sorted into ok / retry / rejected so the job runtime knows whether to try again:
 * a timeout, a network error, 408, 429 and 5xx are temporary; any other refusal is final.
 *
 * Safety limits on every request: a timeout (default 10 s, covering the body too), at most
 * 1 MiB of response body read, no redirects followed (a redirect would carry the credentials
 * elsewhere or turn a POST into a GET), and the token and secret never appear in a message.
 */
import { VigilError } from '../shared/errors.js';
import { SIGNATURE_HEADER, signWebhook } from '../workflow/webhook-signature.js';

export interface DeliveryTarget {
  readonly url: string;
  readonly token?: string;
  readonly secret?: string;
  readonly timeoutMs?: number;
}

/** ok: delivered; retry: a temporary failure (network, timeout, 408, 429, 5xx) worth retrying; rejected: the receiver refused it for good (other 4xx). */
export type DeliveryResult =
  | { readonly kind: 'ok'; readonly status: number; readonly externalId?: string }
  | { readonly kind: 'retry'; readonly status?: number; readonly message: string }
  | { readonly kind: 'rejected'; readonly status: number; readonly message: string };

export type StatementsResult =
  | { readonly kind: 'ok'; readonly accepted: string[] /* puids */ }
  | { readonly kind: 'retry'; readonly status?: number; readonly message: string }
  | {
      readonly kind: 'rejected';
      readonly status: number;
      readonly message: string;
      /** per statement: puid → messages; statements not listed were not at fault (resubmit them). */
      readonly invalid: Readonly<Record<string, string[]>>;
      /** puids the database already holds (error "not unique" on puid): count them as accepted. */
      readonly duplicates: string[];
    };

/** The Transparency Database's limit per `POST /api/v1/statements` (compliance.md §3.3). */
export const TDB_BATCH_MAX = 100;

export const DEFAULT_TIMEOUT_MS = 10_000;
/** Longest timeout a target may ask for: a job holding a worker for longer is a misconfiguration. */
const MAX_TIMEOUT_MS = 300_000;
/** Receivers answer with a few hundred bytes; a bigger answer is read only this far. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;
/** The CyberTipline's reportResponse is tiny; the tag regexes look no further than this. */
const MAX_XML_SCAN = 64 * 1024;
/** How much of a receiver's explanation is kept in a result message. */
const MAX_DETAIL_CHARS = 300;
const USER_AGENT = 'vigil/0.1.0';

type Retry = Extract<DeliveryResult, { kind: 'retry' }>;

interface Answer {
  readonly status: number;
  readonly text: string;
  readonly retryAfter: string | null;
}

// ---------------------------------------------------------------------------------------------
// Targets and requests

interface Checked {
  readonly base: URL;
  readonly timeoutMs: number;
  /** Strings that must never reach a message: the credentials of this target. */
  readonly secrets: readonly string[];
}

function checkTarget(target: DeliveryTarget, what: string): Checked {
  let base: URL;
  try {
    base = new URL(target.url);
  } catch {
    throw new VigilError('CONFIG_INVALID', `The ${what} URL is not a valid URL.`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new VigilError(
      'CONFIG_INVALID',
      `The ${what} URL must start with https: (or http: for local testing), not ${base.protocol}.`,
      { details: { protocol: base.protocol } },
    );
  }
  // Credentials belong in the token, which is sent only as a header and kept out of messages.
  if (base.username !== '' || base.password !== '') {
    throw new VigilError(
      'CONFIG_INVALID',
      `The ${what} URL contains a user name or password; configure a token instead.`,
    );
  }
  const timeoutMs = target.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
    throw new VigilError(
      'CONFIG_INVALID',
      `The ${what} timeout must be a whole number of milliseconds between 1 and ${MAX_TIMEOUT_MS}.`,
    );
  }
  const secrets = [target.token, target.secret].filter(
    (s): s is string => typeof s === 'string' && s.length > 0,
  );
  return { base, timeoutMs, secrets };
}

/** `base` with `path` appended to its path (a target may live under a prefix such as /ispws). */
function endpoint(base: URL, path: string): URL {
  const url = new URL(base.href);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
  url.search = '';
  url.hash = '';
  return url;
}

function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join('[redacted]');
  return out;
}

async function readCapped(response: Response): Promise<string> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const room = MAX_RESPONSE_BYTES - size;
    if (value.byteLength >= room) {
      chunks.push(value.subarray(0, room));
      // Stop the download: the rest is not needed and could be endless.
      await reader.cancel().catch(() => undefined);
      break;
    }
    chunks.push(value);
    size += value.byteLength;
  }
  return Buffer.concat(chunks).toString('utf8');
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/** A short, credential-free description of why fetch failed (the cause's code, never its URL). */
function networkReason(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  const code =
    typeof cause === 'object' && cause !== null && 'code' in cause ? cause.code : undefined;
  return typeof code === 'string' && /^[A-Z0-9_]{1,40}$/.test(code) ? code : 'connection failed';
}

async function send(
  checked: Checked,
  url: URL,
  what: string,
  headers: Record<string, string>,
  body: string,
): Promise<Answer | Retry> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'user-agent': USER_AGENT, ...headers },
      body,
      redirect: 'manual',
      // The signal also bounds reading the body, so a receiver that trickles bytes times out too.
      signal: AbortSignal.timeout(checked.timeoutMs),
    });
    const text = await readCapped(response);
    return { status: response.status, text, retryAfter: response.headers.get('retry-after') };
  } catch (error) {
    const name = errorName(error);
    if (name === 'TimeoutError' || name === 'AbortError') {
      return { kind: 'retry', message: `${what} did not answer within ${checked.timeoutMs} ms.` };
    }
    return { kind: 'retry', message: `${what} could not be reached (${networkReason(error)}).` };
  }
}

function isRetry(answer: Answer | Retry): answer is Retry {
  return 'kind' in answer;
}

function isTemporary(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function decodeXmlText(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The text of `<tag>` in a small XML document of known shape, or undefined. */
function xmlTag(xml: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}\\s*>([^<]{0,1000})</${tag}\\s*>`).exec(
    xml.slice(0, MAX_XML_SCAN),
  );
  return match?.[1] === undefined ? undefined : decodeXmlText(match[1]).trim();
}

/** The receiver's own explanation, if it gave a short one: JSON message, XML description, text. */
function detailOf(text: string): string {
  const json = parseJson(text);
  let detail: string | undefined;
  if (isRecord(json)) {
    const candidate = json.message ?? json.error ?? json.detail;
    if (typeof candidate === 'string') detail = candidate;
  }
  detail ??= xmlTag(text, 'responseDescription');
  if (detail === undefined && !text.trimStart().startsWith('<')) detail = text;
  return (detail ?? '').replace(/\s+/g, ' ').trim().slice(0, MAX_DETAIL_CHARS);
}

function statusMessage(what: string, answer: Answer, secrets: readonly string[]): string {
  const detail = detailOf(answer.text);
  const redirect =
    answer.status >= 300 && answer.status < 400
      ? ' (a redirect, which is not followed; configure the final URL)'
      : '';
  const retryAfter =
    answer.retryAfter !== null && /^\d{1,6}$/.test(answer.retryAfter)
      ? ` Retry after ${answer.retryAfter} s.`
      : '';
  return redact(
    `${what} answered HTTP ${answer.status}${redirect}${detail ? `: ${detail}` : '.'}${retryAfter}`,
    secrets,
  );
}

/** ok for 2xx, retry for temporary statuses, rejected for the rest. */
function classify(
  what: string,
  answer: Answer,
  secrets: readonly string[],
  externalId?: string,
): DeliveryResult {
  if (answer.status >= 200 && answer.status < 300) {
    return externalId === undefined
      ? { kind: 'ok', status: answer.status }
      : { kind: 'ok', status: answer.status, externalId };
  }
  const message = statusMessage(what, answer, secrets);
  return isTemporary(answer.status)
    ? { kind: 'retry', status: answer.status, message }
    : { kind: 'rejected', status: answer.status, message };
}

function bearer(token: string | undefined): Record<string, string> {
  return token === undefined || token === '' ? {} : { authorization: `Bearer ${token}` };
}

// ---------------------------------------------------------------------------------------------
// The DSA Transparency Database

const STATEMENT_FIELD = /^statements\.(\d{1,3})\.(.+)$/;
/** Laravel's `unique` message as the database words it, and Laravel's default wording. */
const NOT_UNIQUE = /not unique|already been taken/i;

function puidsOf(statements: readonly Record<string, unknown>[]): string[] {
  if (statements.length === 0 || statements.length > TDB_BATCH_MAX) {
    throw new VigilError(
      'REQUEST_INVALID',
      `Send between 1 and ${TDB_BATCH_MAX} statements per request, not ${statements.length}.`,
      { details: { count: statements.length } },
    );
  }
  const puids: string[] = [];
  const seen = new Set<string>();
  statements.forEach((statement, index) => {
    const puid = statement.puid;
    // The puid is how a refusal is traced back to its statement, so every one must have one.
    if (typeof puid !== 'string' || puid === '') {
      throw new VigilError('REQUEST_INVALID', `Statement ${index} has no puid.`, {
        details: { index },
      });
    }
    if (seen.has(puid)) {
      throw new VigilError('REQUEST_INVALID', `The puid ${puid} repeats within the batch.`, {
        details: { index, puid },
      });
    }
    seen.add(puid);
    puids.push(puid);
  });
  return puids;
}

/** POST {statements} to `${url}/api/v1/statements` with Bearer token. */
export async function submitStatements(
  target: DeliveryTarget,
  statements: readonly Record<string, unknown>[],
): Promise<StatementsResult> {
  const what = 'The Transparency Database';
  const puids = puidsOf(statements);
  const checked = checkTarget(target, 'Transparency Database');
  if (target.token === undefined || target.token === '') {
    throw new VigilError(
      'CONFIG_INVALID',
      'The Transparency Database needs an API token; configure one.',
    );
  }
  const answer = await send(
    checked,
    endpoint(checked.base, '/api/v1/statements'),
    what,
    {
      // Without `accept: application/json` Laravel answers a validation failure with a redirect.
      accept: 'application/json',
      'content-type': 'application/json',
      ...bearer(target.token),
    },
    JSON.stringify({ statements }),
  );
  if (isRetry(answer)) return answer;
  if (answer.status >= 200 && answer.status < 300) return { kind: 'ok', accepted: puids };
  const message = statusMessage(what, answer, checked.secrets);
  if (isTemporary(answer.status)) return { kind: 'retry', status: answer.status, message };
  const invalid: Record<string, string[]> = {};
  const duplicates = new Set<string>();
  const body = parseJson(answer.text);
  const errors = answer.status === 422 && isRecord(body) ? body.errors : undefined;
  if (isRecord(errors)) {
    for (const [key, value] of Object.entries(errors)) {
      const match = STATEMENT_FIELD.exec(key);
      const puid = match ? puids[Number(match[1])] : undefined;
      const field = match?.[2];
      // Fields of the request itself ("statements") fault no single statement; the message has them.
      if (puid === undefined || field === undefined) continue;
      const texts = (Array.isArray(value) ? value : [value])
        .filter((t): t is string => typeof t === 'string')
        .map((t) => redact(t, checked.secrets).slice(0, MAX_DETAIL_CHARS));
      if (field === 'puid' && texts.some((t) => NOT_UNIQUE.test(t))) {
        duplicates.add(puid);
        continue;
      }
      invalid[puid] = [...(invalid[puid] ?? []), ...texts.map((t) => `${field}: ${t}`)];
    }
  }
  // A statement the database already holds was delivered earlier: it is not at fault, whatever
  // else the database says about this copy of it.
  for (const puid of duplicates) delete invalid[puid];
  return { kind: 'rejected', status: answer.status, message, invalid, duplicates: [...duplicates] };
}

// ---------------------------------------------------------------------------------------------
// Signed webhooks

export async function deliverWebhook(
  target: DeliveryTarget & { secret: string },
  event: { readonly id: string; readonly type: string; readonly [k: string]: unknown },
  nowSeconds: number,
): Promise<DeliveryResult> {
  const checked = checkTarget(target, 'webhook');
  const body = JSON.stringify(event);
  const answer = await send(
    checked,
    checked.base,
    'The webhook receiver',
    {
      'content-type': 'application/json',
      [SIGNATURE_HEADER]: signWebhook(target.secret, body, nowSeconds),
      // The same id on every attempt lets the receiver drop the copies a retry produces.
      'vigil-event-id': event.id,
    },
    body,
  );
  return isRetry(answer) ? answer : classify('The webhook receiver', answer, checked.secrets);
}

// ---------------------------------------------------------------------------------------------
// Referrals

export type ReferralDelivery =
  | { readonly kind: 'dsa-art18'; readonly body: unknown }
  | { readonly kind: 'cybertipline'; readonly xml: string };

export async function submitReferral(
  target: DeliveryTarget,
  referral: ReferralDelivery,
): Promise<DeliveryResult> {
  return referral.kind === 'dsa-art18'
    ? submitArt18(target, referral.body)
    : submitCyberTipline(target, referral.xml);
}

async function submitArt18(target: DeliveryTarget, notification: unknown): Promise<DeliveryResult> {
  const what = 'The Art. 18 receiver';
  const checked = checkTarget(target, 'Art. 18 receiver');
  const answer = await send(
    checked,
    checked.base,
    what,
    { accept: 'application/json', 'content-type': 'application/json', ...bearer(target.token) },
    JSON.stringify(notification),
  );
  if (isRetry(answer)) return answer;
  const body = parseJson(answer.text);
  let externalId: string | undefined;
  if (isRecord(body)) {
    const id = typeof body.id === 'string' ? body.id : body.reference;
    if (typeof id === 'string' && id.length > 0 && id.length <= 200) externalId = id;
  }
  return classify(what, answer, checked.secrets, externalId);
}

/** NCMEC's response codes (compliance.md §4.2): 0 success, 5102 report already finished. */
const NCMEC_SUCCESS = 0;
const NCMEC_ALREADY_FINISHED = 5102;
const REPORT_ID = /^[A-Za-z0-9-]{1,64}$/;

interface ReportResponse {
  readonly code: number | undefined;
  readonly description: string;
  readonly reportId: string | undefined;
}

function reportResponse(xml: string): ReportResponse {
  const code = xmlTag(xml, 'responseCode');
  const reportId = xmlTag(xml, 'reportId');
  return {
    code: code !== undefined && /^-?\d{1,9}$/.test(code) ? Number(code) : undefined,
    description: (xmlTag(xml, 'responseDescription') ?? '').slice(0, MAX_DETAIL_CHARS),
    reportId: reportId !== undefined && REPORT_ID.test(reportId) ? reportId : undefined,
  };
}

async function submitCyberTipline(target: DeliveryTarget, xml: string): Promise<DeliveryResult> {
  const what = 'The CyberTipline';
  const checked = checkTarget(target, 'CyberTipline');
  const submitted = await send(
    checked,
    endpoint(checked.base, '/submit'),
    what,
    { accept: 'text/xml', 'content-type': 'text/xml; charset=utf-8', ...bearer(target.token) },
    xml,
  );
  if (isRetry(submitted)) return submitted;
  if (submitted.status < 200 || submitted.status >= 300) {
    return classify(what, submitted, checked.secrets);
  }
  const opened = reportResponse(submitted.text);
  if (opened.code === undefined) {
    // Nothing was finished, and NCMEC deletes unfinished reports, so submitting again is safe.
    return {
      kind: 'retry',
      status: submitted.status,
      message: `${what} answered HTTP ${submitted.status} without a readable responseCode.`,
    };
  }
  if (opened.code !== NCMEC_SUCCESS) {
    return {
      kind: 'rejected',
      status: submitted.status,
      message: redact(
        `${what} refused the report (responseCode ${opened.code}): ${opened.description || 'no description'}.`,
        checked.secrets,
      ),
    };
  }
  if (opened.reportId === undefined) {
    return {
      kind: 'retry',
      status: submitted.status,
      message: `${what} accepted the report but gave no readable reportId.`,
    };
  }
  const reportId = opened.reportId;
  const finished = await send(
    checked,
    endpoint(checked.base, '/finish'),
    what,
    {
      accept: 'text/xml',
      'content-type': 'application/x-www-form-urlencoded',
      ...bearer(target.token),
    },
    new URLSearchParams({ id: reportId }).toString(),
  );
  const unfinished = `Report ${reportId} was opened but not finished`;
  if (isRetry(finished)) return { ...finished, message: `${unfinished}: ${finished.message}` };
  if (finished.status < 200 || finished.status >= 300) {
    const result = classify(what, finished, checked.secrets);
    return result.kind === 'ok'
      ? result
      : { ...result, message: `${unfinished}: ${result.message}` };
  }
  const closed = reportResponse(finished.text);
  // A finish repeated after a lost answer meets "already finished": the report is in.
  if (
    closed.code === undefined ||
    closed.code === NCMEC_SUCCESS ||
    closed.code === NCMEC_ALREADY_FINISHED
  ) {
    return { kind: 'ok', status: finished.status, externalId: reportId };
  }
  return {
    kind: 'rejected',
    status: finished.status,
    message: redact(
      `${unfinished}: ${what} refused to finish it (responseCode ${closed.code}): ${closed.description || 'no description'}.`,
      checked.secrets,
    ),
  };
}
