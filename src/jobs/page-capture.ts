/**
 * Online capture: preserves a web page as court evidence (`vigil capture`, and the `capture`
 * job behind the console's capture button). Headless Chromium loads the
 * page in a fresh context (no cookies, no service workers, no downloads) and the capture keeps
 * what an examiner needs to show what was served, by whom and when (SWGDE 21-F-001, Best
 * Practices for Acquiring Online Content; Berkeley Protocol): the HTTP exchange as received in a
 * WARC file, a full-page screenshot, the rendered HTML, the headers, and the metadata (EXIF,
 * GPS) of every image the page loaded.
 *
 * The WARC file is sealed first and is the root: every other file is sealed as derived from it,
 * and the WARC's metadata record carries their SHA-256, so the files vouch for each other.
 */
import { createHash, randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page, Request, Response, Route } from 'playwright-core';
import type { Actor } from '../ledger/custody.js';
import { buildCaptureWarc, type HeaderPair } from '../ledger/warc.js';
import { VigilError } from '../shared/errors.js';
import type { Vault } from '../store/vault.js';

export interface CaptureOptions {
  readonly url: string;
  readonly caseId: string;
  readonly purpose: string;
  readonly legalBasis?: string;
  readonly actor: Actor;
  /** Where the files are sealed; the caller opens and closes it. */
  readonly vault: Vault;
  /** Vigil's version, written into the custody events and the WARC. */
  readonly version: string;
  /** The Chromium executable. */
  readonly chromium: string;
  readonly timeoutMs?: number;
  readonly fullPage?: boolean;
  readonly now: () => Date;
  /**
   * Which requests the browser may make; the others are aborted and listed in the result.
   * Default: every http(s) request. Tests use it to keep the browser off the internet.
   */
  readonly allowRequest?: (url: URL) => boolean | Promise<boolean>;
}

export type CaptureRole = 'warc' | 'screenshot' | 'html' | 'headers' | 'images';

export interface CapturedFile {
  readonly role: CaptureRole;
  readonly id: string;
  readonly sha256: string;
  readonly size: number;
  readonly name: string;
  readonly mediaType: string;
  /** Already sealed in this case with the same bytes (the vault keeps one record). */
  readonly duplicate: boolean;
}

export interface CaptureResult {
  readonly url: string;
  readonly finalUrl: string;
  readonly status: number;
  readonly statusText: string;
  readonly ipAddress: string | undefined;
  readonly browserVersion: string;
  readonly capturedAt: string;
  readonly files: readonly CapturedFile[];
  /** Requests the browser was not allowed to make. */
  readonly blocked: readonly string[];
  readonly images: number;
  readonly note: string;
}

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Bounds on image collection: a page must not be able to exhaust memory or disk. */
export const MAX_IMAGES = 50;
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
/** Flags for a headless browser in a container with no sandbox or GPU, and no chatter. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Checks the address before any browser starts: http(s) only, no credentials in it. */
export function checkCaptureUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new VigilError(
      'CLI_USAGE',
      `"${raw.slice(0, 200)}" is not a web address. Give the full address, e.g. https://example.org/ad/7.`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new VigilError(
      'CLI_USAGE',
      `Only http and https pages can be captured, not ${url.protocol.replace(/:$/, '')} addresses.`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    // Credentials in the address would end up in the evidence, the log and every export.
    throw new VigilError(
      'CLI_USAGE',
      'The address holds a user name or password. Remove them: credentials must not be written into evidence.',
    );
  }
  if (url.href.length > 4_000) {
    throw new VigilError('CLI_USAGE', 'The address is longer than 4,000 characters.');
  }
  return url;
}

const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** A value as JSON can hold it: dates as ISO text, bytes as their size and hash (or base64). */
function jsonSafe(value: unknown): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) {
    return value.length <= 4096
      ? { bytes: value.length, base64: Buffer.from(value).toString('base64') }
      : { bytes: value.length, sha256: sha256Hex(value) };
  }
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return value.toString();
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)]));
  }
  return value;
}

interface ImageRecord {
  readonly url: string;
  readonly status: number;
  readonly contentType: string | undefined;
  readonly ipAddress: string | undefined;
  readonly size?: number;
  readonly sha256?: string;
  readonly metadata?: unknown;
  readonly gps?: { latitude: number; longitude: number };
  readonly error?: string;
}

export const firstLine = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).split('\n')[0]?.trim() ?? '';

async function imageRecord(response: Response): Promise<ImageRecord> {
  const headers = await response.allHeaders().catch(() => ({}) as Record<string, string>);
  const base = {
    url: response.url(),
    status: response.status(),
    contentType: headers['content-type'],
    ipAddress: (await response.serverAddr().catch(() => null))?.ipAddress,
  };
  const declared = Number(headers['content-length']);
  if (Number.isFinite(declared) && declared > MAX_IMAGE_BYTES) {
    return { ...base, size: declared, error: 'larger than 10 MiB: not read' };
  }
  let body: Buffer;
  try {
    body = await response.body();
  } catch (error) {
    return { ...base, error: `body not available: ${firstLine(error)}` };
  }
  if (body.length > MAX_IMAGE_BYTES) {
    return { ...base, size: body.length, error: 'larger than 10 MiB: not read' };
  }
  const record = { ...base, size: body.length, sha256: sha256Hex(body) };
  const { default: exifr } = await import('exifr');
  try {
    // `true`: every segment exifr knows (EXIF, GPS, IPTC, XMP, ICC…), not only the usual tags.
    const metadata: unknown = await exifr.parse(body, true);
    const gps = await exifr.gps(body).catch(() => undefined);
    return {
      ...record,
      metadata: metadata === undefined ? null : jsonSafe(metadata),
      ...(gps !== undefined &&
        Number.isFinite(gps.latitude) &&
        Number.isFinite(gps.longitude) && {
          gps: { latitude: gps.latitude, longitude: gps.longitude },
        }),
    };
  } catch (error) {
    // Formats exifr does not read (GIF, SVG) are listed with the reason, not dropped.
    return { ...record, metadata: null, error: `no metadata read: ${firstLine(error)}` };
  }
}

/**
 * Chromium hands over the body decoded (no gzip, no chunks). The WARC must stay readable by
 * replay tools, so the headers describing the encoding on the wire are kept under an
 * X-Vigil-Original- name and Content-Length states the body as stored; the headers JSON keeps
 * every header unchanged.
 */
function headersForStoredBody(
  headers: readonly HeaderPair[],
  bodyLength: number,
): { headers: HeaderPair[]; renamed: string[] } {
  const renamed: string[] = [];
  const out: HeaderPair[] = [];
  let hasLength = false;
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    const wire =
      (lower === 'content-encoding' && value.trim().toLowerCase() !== 'identity') ||
      lower === 'transfer-encoding' ||
      (lower === 'content-length' && value.trim() !== String(bodyLength));
    if (wire) {
      renamed.push(name);
      out.push([`X-Vigil-Original-${name}`, value]);
    } else {
      if (lower === 'content-length') hasLength = true;
      out.push([name, value]);
    }
  }
  if (!hasLength && renamed.length > 0) out.push(['Content-Length', String(bodyLength)]);
  return { headers: out, renamed };
}

/** HTTP/2 and HTTP/3 pseudo-headers (`:path`) are not header lines of an HTTP/1.1 message. */
const realHeaders = (pairs: readonly { name: string; value: string }[]): HeaderPair[] =>
  pairs.filter((h) => !h.name.startsWith(':')).map((h) => [h.name, h.value] as const);

async function redirectChain(request: Request): Promise<{ url: string; status: number | null }[]> {
  const chain: { url: string; status: number | null }[] = [];
  let from = request.redirectedFrom();
  while (from !== null && chain.length < 50) {
    chain.unshift({ url: from.url(), status: (await from.response())?.status() ?? null });
    from = from.redirectedFrom();
  }
  return chain;
}

async function loadPlaywright(): Promise<typeof import('playwright-core')> {
  try {
    return await import('playwright-core');
  } catch (error) {
    throw new VigilError(
      'CLI_USAGE',
      'vigil capture needs the playwright-core package, which is not installed. Run `npm install playwright-core` in the Vigil folder.',
      { cause: error },
    );
  }
}

async function launch(options: CaptureOptions, timeout: number): Promise<Browser> {
  try {
    await access(options.chromium, constants.X_OK);
  } catch {
    throw new VigilError(
      'CLI_USAGE',
      `No Chromium browser at ${options.chromium}. Install it (Debian: apt-get install chromium) or set VIGIL_CHROMIUM to its path.`,
      { details: { chromium: options.chromium } },
    );
  }
  const { chromium } = await loadPlaywright();
  try {
    return await chromium.launch({
      executablePath: options.chromium,
      headless: true,
      args: [...CHROMIUM_ARGS],
      timeout,
    });
  } catch (error) {
    throw new VigilError(
      'CLI_USAGE',
      `Chromium at ${options.chromium} did not start: ${firstLine(error)}. Check that it runs, or set VIGIL_CHROMIUM to another build.`,
      { details: { chromium: options.chromium }, cause: error },
    );
  }
}

function loadError(url: URL, timeout: number, error: unknown): VigilError {
  const reason = firstLine(error).replace(/^page\.goto: /, '');
  const timedOut = error instanceof Error && error.name === 'TimeoutError';
  const download = /download is starting/i.test(reason);
  return new VigilError(
    'INPUT_UNREADABLE',
    timedOut
      ? `${url.href} did not finish loading within ${timeout} ms. Try again, or raise --timeout-ms.`
      : download
        ? `${url.href} serves a file download, not a page. Download the file and seal it with \`vigil evidence add --url\`.`
        : `Could not load ${url.href}: ${reason}. Check the address and the network connection.`,
    { details: { url: url.href }, cause: error },
  );
}

interface Loaded {
  readonly response: Response;
  readonly images: readonly Promise<ImageRecord>[];
  /** Image responses beyond MAX_IMAGES, counted when asked (they may still be arriving). */
  readonly skipped: () => number;
}

/** Navigates, waits for the page and its images, and collects image responses (bounded). */
async function load(page: Page, url: URL, timeout: number): Promise<Loaded> {
  const images: Promise<ImageRecord>[] = [];
  let skipped = 0;
  page.on('response', (response) => {
    if (response.request().resourceType() !== 'image') return;
    if (images.length >= MAX_IMAGES) {
      skipped++;
      return;
    }
    images.push(imageRecord(response));
  });
  let response: Response | null;
  try {
    response = await page.goto(url.href, { waitUntil: 'load', timeout });
  } catch (error) {
    throw loadError(url, timeout, error);
  }
  if (response === null) {
    throw new VigilError(
      'INPUT_UNREADABLE',
      `${url.href} gave the browser no HTTP response to record. Check the address.`,
      { details: { url: url.href } },
    );
  }
  // Late images (lazy loading, scripts) usually arrive within moments of `load`; a page that
  // never goes quiet must not hold the capture, so this wait is short and its timeout ignored.
  await page.waitForLoadState('networkidle', { timeout: Math.min(5_000, timeout) }).catch(() => {});
  return { response, images, skipped: () => skipped };
}

const safeName = (text: string): string => text.replace(/[^A-Za-z0-9.-]+/g, '_').slice(0, 100);

/**
 * Captures one page and seals the files in the case. Throws VigilError: CLI_USAGE for a bad
 * address or a missing browser, INPUT_UNREADABLE for a page that does not load.
 */
export async function capturePage(options: CaptureOptions): Promise<CaptureResult> {
  const url = checkCaptureUrl(options.url);
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const allow = options.allowRequest ?? (() => true);
  const blocked: string[] = [];
  const browser = await launch(options, timeout);
  const work = await mkdtemp(join(tmpdir(), 'vigil-capture-'));
  try {
    const browserVersion = browser.version();
    const context = await browser.newContext({
      acceptDownloads: false,
      serviceWorkers: 'block',
      viewport: { width: 1280, height: 800 },
    });
    await context.route('**/*', async (route: Route) => {
      const target = new URL(route.request().url());
      const web = target.protocol === 'http:' || target.protocol === 'https:';
      if (web && (await allow(target))) return route.continue();
      blocked.push(target.href);
      return route.abort('blockedbyclient');
    });
    const page = await context.newPage();
    const startedAt = options.now();
    const loaded = await load(page, url, timeout);
    const { response } = loaded;
    const request = response.request();
    const completedAt = options.now();
    const capturedAt = startedAt.toISOString();

    const screenshot = await page.screenshot({
      type: 'png',
      fullPage: options.fullPage ?? true,
      timeout,
    });
    const html = Buffer.from(await page.content(), 'utf8');
    const body = await response.body().catch((error: unknown) => {
      throw new VigilError(
        'INPUT_UNREADABLE',
        `The browser loaded ${url.href} but kept no copy of its body (${firstLine(error)}). Try again.`,
        { details: { url: url.href }, cause: error },
      );
    });
    const server = await response.serverAddr();
    const ipAddress = server?.ipAddress;
    const responseHeaders = realHeaders(await response.headersArray());
    const requestHeaders = realHeaders(await request.headersArray());
    const redirects = await redirectChain(request);
    const images = await Promise.all(loaded.images);
    const finalUrl = response.url();
    const pageUrl = page.url();

    const headersJson = Buffer.from(
      `${JSON.stringify(
        {
          requestedUrl: url.href,
          finalUrl,
          redirects,
          serverAddress: server,
          request: { method: request.method(), url: request.url(), headers: requestHeaders },
          response: {
            status: response.status(),
            statusText: response.statusText(),
            url: finalUrl,
            headers: await response.allHeaders(),
            headersInOrder: responseHeaders,
          },
        },
        null,
        2,
      )}\n`,
      'utf8',
    );
    const imagesJson = Buffer.from(
      `${JSON.stringify(
        {
          page: finalUrl,
          capturedAt,
          limits: { images: MAX_IMAGES, bytesPerImage: MAX_IMAGE_BYTES },
          notCollected: loaded.skipped(),
          images,
        },
        null,
        2,
      )}\n`,
      'utf8',
    );

    const stamp = capturedAt.replace(/[:]/g, '').replace(/\.\d+Z$/, 'Z');
    const stem = `${safeName(url.host)}-${stamp}`;
    const tool = `vigil ${options.version}`;
    const derived = [
      { role: 'screenshot', name: `${stem}.png`, mediaType: 'image/png', bytes: screenshot },
      { role: 'html', name: `${stem}.html`, mediaType: 'text/html', bytes: html },
      {
        role: 'headers',
        name: `${stem}-headers.json`,
        mediaType: 'application/json',
        bytes: headersJson,
      },
      {
        role: 'images',
        name: `${stem}-images.json`,
        mediaType: 'application/json',
        bytes: imagesJson,
      },
    ] as const;

    const postData = request.postDataBuffer();
    const stored = headersForStoredBody(responseHeaders, body.length);
    const target = new URL(request.url());
    const hasHost = requestHeaders.some(([name]) => name.toLowerCase() === 'host');
    const status = response.status();
    const statusText = response.statusText();
    const warcName = `${stem}.warc`;
    const warc = buildCaptureWarc({
      ids: {
        warcinfo: `urn:uuid:${randomUUID()}`,
        request: `urn:uuid:${randomUUID()}`,
        response: `urn:uuid:${randomUUID()}`,
        metadata: `urn:uuid:${randomUUID()}`,
      },
      date: capturedAt,
      filename: warcName,
      info: [
        ['software', `${tool} (playwright-core, ${browserVersion})`],
        ['operator', options.actor.id],
        ['description', `Online capture for case ${options.caseId}`],
      ],
      targetUri: finalUrl,
      ...(ipAddress === undefined ? {} : { ipAddress }),
      request: {
        method: request.method(),
        target: `${target.pathname}${target.search}`,
        // The browser does not report the protocol version; HTTP/1.1 framing is written.
        httpVersion: 'HTTP/1.1',
        headers: hasHost ? requestHeaders : [['Host', target.host], ...requestHeaders],
        ...(postData === null ? {} : { body: postData }),
      },
      response: { httpVersion: 'HTTP/1.1', status, statusText, headers: stored.headers, body },
      metadata: [
        ['capture-started', capturedAt],
        ['capture-completed', completedAt.toISOString()],
        ['tool', tool],
        ['browser', browserVersion],
        ['requested-url', url.href],
        ...redirects.map(
          (r): HeaderPair => ['redirected-from', `${r.url} (HTTP ${r.status ?? 'unknown'})`],
        ),
        ['final-url', finalUrl],
        ['page-url', pageUrl],
        ['http-status', `${status} ${statusText}`.trim()],
        [
          'server-address',
          server === null ? 'not reported' : `${server.ipAddress} port ${server.port}`,
        ],
        ['http-version-note', 'not reported by the browser; the records use HTTP/1.1 framing'],
        ...(stored.renamed.length > 0
          ? [
              [
                'body-note',
                `body stored decoded by the browser; wire headers kept as X-Vigil-Original-: ${stored.renamed.join(', ')}`,
              ] as HeaderPair,
            ]
          : []),
        ['images-collected', String(images.length)],
        ['requests-blocked', String(blocked.length)],
        ...derived.map(
          (file): HeaderPair => [`${file.role}-sha256`, `${sha256Hex(file.bytes)} ${file.name}`],
        ),
      ],
    });

    const clip = (text: string) => (text.length > 2_000 ? `${text.slice(0, 2_000)}…` : text);
    const note = [
      'Online capture (vigil capture; SWGDE 21-F-001 online acquisition).',
      `Captured at: ${capturedAt} (completed ${completedAt.toISOString()})`,
      `Tool: ${tool}; browser: ${browserVersion} (headless, fresh context)`,
      `Requested URL: ${clip(url.href)}`,
      `Final URL: ${clip(finalUrl)}`,
      ...(redirects.length > 0 ? [`Redirects: ${redirects.length}`] : []),
      `Resolved IP: ${ipAddress ?? 'not reported'}${server ? ` port ${server.port}` : ''}`,
      `HTTP status: ${status} ${statusText}`.trim(),
    ].join('\n');

    const files: CapturedFile[] = [];
    const { vault } = options;
    {
      const seal = async (
        role: CaptureRole,
        name: string,
        mediaType: string,
        bytes: Uint8Array,
        derivedFrom?: string,
      ): Promise<CapturedFile> => {
        const path = join(work, name);
        await writeFile(path, bytes);
        const { evidence, duplicate } = await vault.addEvidence({
          file: path,
          caseId: options.caseId,
          purpose: options.purpose,
          actor: options.actor,
          ...(options.legalBasis === undefined ? {} : { legalBasis: options.legalBasis }),
          name,
          mediaType,
          source: { url: url.href },
          note,
          ...(derivedFrom === undefined ? {} : { derivedFrom: [derivedFrom] }),
        });
        const file = {
          role,
          id: evidence.id,
          sha256: evidence.sha256,
          size: evidence.size,
          name: evidence.name,
          mediaType: evidence.mediaType,
          duplicate,
        };
        files.push(file);
        return file;
      };
      const root = await seal('warc', warcName, 'application/warc', warc);
      for (const file of derived) {
        await seal(file.role, file.name, file.mediaType, file.bytes, root.id);
      }
    }
    return {
      url: url.href,
      finalUrl,
      status,
      statusText,
      ipAddress,
      browserVersion,
      capturedAt,
      files,
      blocked,
      images: images.length,
      note,
    };
  } finally {
    await browser.close().catch(() => {});
    await rm(work, { recursive: true, force: true });
  }
}
