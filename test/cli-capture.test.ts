/**
 * `vigil capture` end to end against a local page: headless Chromium (Debian's, through
 * playwright-core) loads a synthetic ad from a server on 127.0.0.1 that redirects, gzips the page
 * and serves a JPEG carrying EXIF with GPS. The test checks what is sealed: the WARC and its
 * digests, the screenshot, the custody notes, the image metadata, and the log.
 *
 * Nothing reaches the internet: the page also asks for resources on other hosts, and every
 * request to a host other than 127.0.0.1 is blocked in the browser context; the test asserts it.
 * Chromium is required (VIGIL_CHROMIUM or /usr/bin/chromium); a missing browser fails the test.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCaptureCommand } from '../src/cli/capture.js';
import { type CaptureOptions, capturePage } from '../src/jobs/page-capture.js';
import {
  parseHttpBlock,
  parseWarc,
  verifyWarcRecord,
  warcDigest,
  warcField,
} from '../src/ledger/warc.js';
import { isVigilError } from '../src/shared/errors.js';
import { openVault } from '../src/store/vault.js';

const CHROMIUM = process.env.VIGIL_CHROMIUM || '/usr/bin/chromium';
const dir = mkdtempSync(join(tmpdir(), 'vigil-capture-test-'));
const NOW = new Date('2026-03-01T10:20:30.123Z');

/** A 16×16 baseline JPEG (written by Chromium's encoder), without metadata. */
const PLAIN_JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAAQABADASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAP/xAAeEAAABAcAAAAAAAAAAAAAAAAFERITAAEVJEJRYf/EABUBAQEAAAAAAAAAAAAAAAAAAAIG/8QAHREAAQIHAAAAAAAAAAAAAAAAABEUISQxUWKBkf/aAAwDAQACEQMRAD8AgAAdafuWWU4KMz7LUB8DorFy88rBJEXZ7gADlFftnnk5pIj5PcB8crTFsyyrNRmXJagQQo5hxhq3an//2Q==',
  'base64',
);

/**
 * An APP1 Exif segment (little-endian TIFF) with DateTimeOriginal 2024:05:17 14:03:09 and GPS
 * 52° 22′ 12.34″ N, 4° 53′ 56.78″ E, inserted right after the JPEG's SOI marker.
 */
function jpegWithExif(): Buffer {
  const tiff = new DataView(new ArrayBuffer(178));
  const u16 = (at: number, v: number) => tiff.setUint16(at, v, true);
  const u32 = (at: number, v: number) => tiff.setUint32(at, v, true);
  const entry = (at: number, tag: number, type: number, count: number, value: number) => {
    u16(at, tag);
    u16(at + 2, type);
    u32(at + 4, count);
    u32(at + 8, value);
  };
  const ascii = (at: number, text: string) => {
    for (let i = 0; i < text.length; i++) tiff.setUint8(at + i, text.charCodeAt(i));
  };
  const rationals = (at: number, values: readonly [number, number][]) =>
    values.forEach(([n, d], i) => {
      u32(at + i * 8, n);
      u32(at + i * 8 + 4, d);
    });
  ascii(0, 'II');
  u16(2, 42);
  u32(4, 8);
  // IFD0 at 8: pointers to the Exif IFD (38) and the GPS IFD (76).
  u16(8, 2);
  entry(10, 0x8769, 4, 1, 38);
  entry(22, 0x8825, 4, 1, 76);
  u32(34, 0);
  // Exif IFD at 38: DateTimeOriginal, ASCII, 20 bytes at 56.
  u16(38, 1);
  entry(40, 0x9003, 2, 20, 56);
  u32(52, 0);
  ascii(56, '2024:05:17 14:03:09\0');
  // GPS IFD at 76: latitude ref/value, longitude ref/value (rationals at 130 and 154).
  u16(76, 4);
  entry(78, 0x0001, 2, 2, 0);
  ascii(86, 'N');
  entry(90, 0x0002, 5, 3, 130);
  entry(102, 0x0003, 2, 2, 0);
  ascii(110, 'E');
  entry(114, 0x0004, 5, 3, 154);
  u32(126, 0);
  rationals(130, [
    [52, 1],
    [22, 1],
    [1234, 100],
  ]);
  rationals(154, [
    [4, 1],
    [53, 1],
    [5678, 100],
  ]);
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), Buffer.from(tiff.buffer)]);
  const header = Buffer.from([0xff, 0xe1, 0, 0]);
  header.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([PLAIN_JPEG.subarray(0, 2), header, payload, PLAIN_JPEG.subarray(2)]);
}

const PHOTO = jpegWithExif();
const PAGE = Buffer.from(
  [
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Synthetic ad</title>',
    '<link rel="stylesheet" href="https://cdn.example.com/style.css"></head>',
    '<body><h1>Synthetic test ad — not real</h1>',
    '<img src="/photo.jpg" width="160" height="160" alt="photo">',
    '<img src="http://tracker.example.net/pixel.gif" alt="">',
    '</body></html>',
  ].join('\n'),
  'utf8',
);

let server: Server;
let base = '';
const served: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    served.push(req.url ?? '');
    if (req.url === '/start') {
      res.writeHead(302, { Location: '/ad/7' }).end();
    } else if (req.url === '/ad/7') {
      // Gzipped on the wire: the WARC must still hold the page's own bytes and say so.
      const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding']));
      res.writeHead(200, {
        'Content-Type': 'text/html; charset=utf-8',
        'X-Test-Header': 'kept',
        ...(gzip && { 'Content-Encoding': 'gzip' }),
      });
      res.end(gzip ? gzipSync(PAGE) : PAGE);
    } else if (req.url === '/photo.jpg') {
      res.writeHead(200, { 'Content-Type': 'image/jpeg' }).end(PHOTO);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const allowed: string[] = [];
/** The browser may reach the test server only. */
const localOnly = (url: URL): boolean => {
  if (url.hostname !== '127.0.0.1') return false;
  allowed.push(url.href);
  return true;
};

/** Capture options with the data folder whose vault `capture` opens around the capture. */
type TestOptions = Omit<CaptureOptions, 'vault'> & { readonly dataDir: string };

const options = (over: Partial<TestOptions> = {}): TestOptions => ({
  url: `${base}/start`,
  caseId: 'CASE-9',
  purpose: 'Preserve the advertisement',
  legalBasis: 'Order 2026/115',
  actor: { id: 'investigator-1' },
  dataDir: join(dir, 'data'),
  version: '0.1.0-test',
  chromium: CHROMIUM,
  timeoutMs: 20_000,
  now: () => NOW,
  allowRequest: localOnly,
  ...over,
});

const capture = (opts: TestOptions) =>
  withVault(opts.dataDir, (vault) => capturePage({ ...opts, vault }), opts.version);

async function withVault<T>(
  dataDir: string,
  run: (vault: Awaited<ReturnType<typeof openVault>>) => Promise<T>,
  version = 'test',
) {
  const vault = await openVault({
    dataDir,
    tool: { name: 'vigil', version },
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
  });
  try {
    return await run(vault);
  } finally {
    await vault.close();
  }
}

const blob = (dataDir: string, sha256: string): Buffer =>
  readFileSync(join(dataDir, 'evidence', 'sha256', sha256.slice(0, 2), sha256.slice(2, 4), sha256));

describe('vigil capture', () => {
  let result: Awaited<ReturnType<typeof capturePage>>;

  beforeAll(async () => {
    result = await capture(options());
  }, 60_000);

  it('blocks every request to a host other than 127.0.0.1', () => {
    expect(result.blocked).toEqual(
      expect.arrayContaining([
        'https://cdn.example.com/style.css',
        'http://tracker.example.net/pixel.gif',
      ]),
    );
    expect(allowed.length).toBeGreaterThan(0);
    for (const url of allowed) expect(new URL(url).hostname).toBe('127.0.0.1');
    expect(served).toEqual(expect.arrayContaining(['/start', '/ad/7', '/photo.jpg']));
  });

  it('seals the WARC, screenshot, HTML, headers and image metadata with their media types', async () => {
    const dataDir = options().dataDir;
    expect(result.files.map((f) => [f.role, f.mediaType])).toEqual([
      ['warc', 'application/warc'],
      ['screenshot', 'image/png'],
      ['html', 'text/html'],
      ['headers', 'application/json'],
      ['images', 'application/json'],
    ]);
    await withVault(dataDir, async (vault) => {
      const listed = await vault.listEvidence('CASE-9');
      expect(listed.map((e) => e.id)).toEqual(result.files.map((f) => f.id));
      for (const file of result.files) {
        expect(createHash('sha256').update(blob(dataDir, file.sha256)).digest('hex')).toBe(
          file.sha256,
        );
      }
      const root = result.files[0];
      if (root === undefined) throw new Error('no WARC');
      for (const file of result.files) {
        const { events } = await vault.evidenceEvents(file.id);
        const own = events.find((e) => e.event.evidence.some((ref) => ref.id === file.id));
        if (own === undefined) throw new Error(`no event for ${file.id}`);
        const { event } = own;
        expect(event.type).toBe(file.role === 'warc' ? 'collected' : 'derived');
        if (file.role !== 'warc') expect(event.derivedFrom?.[0]?.id).toBe(root.id);
        expect(event.source?.url).toBe(`${base}/start`);
        expect(event.case).toBe('CASE-9');
        expect(event.legalBasis).toBe('Order 2026/115');
        expect(event.tool).toEqual({ name: 'vigil', version: '0.1.0-test' });
        // The custody note names the server's address, the status and where the page ended up.
        expect(event.note).toContain('Resolved IP: 127.0.0.1');
        expect(event.note).toContain('HTTP status: 200 OK');
        expect(event.note).toContain(`Final URL: ${base}/ad/7`);
        expect(event.note).toContain(`browser: ${result.browserVersion}`);
        expect(event.note).toContain('Captured at: 2026-03-01T10:20:30.123Z');
      }
      const verified = await vault.verifyLog();
      expect(verified.evidence).toBe(5);
    });
  });

  it("writes a WARC whose response record holds the page's bytes with correct digests", () => {
    const dataDir = options().dataDir;
    const [warcFile, ...derived] = result.files;
    if (warcFile === undefined) throw new Error('no WARC');
    const records = parseWarc(blob(dataDir, warcFile.sha256));
    expect(records.map((r) => warcField(r, 'WARC-Type'))).toEqual([
      'warcinfo',
      'request',
      'response',
      'metadata',
    ]);
    for (const record of records) verifyWarcRecord(record);
    const [, request, response, metadata] = records;
    if (!request || !response || !metadata) throw new Error('records missing');
    expect(warcField(response, 'WARC-Target-URI')).toBe(`${base}/ad/7`);
    expect(warcField(response, 'WARC-IP-Address')).toBe('127.0.0.1');
    expect(warcField(response, 'WARC-Date')).toBe('2026-03-01T10:20:30.123Z');
    expect(warcField(response, 'WARC-Payload-Digest')).toBe(warcDigest(PAGE));
    expect(warcField(response, 'WARC-Concurrent-To')).toBe(warcField(request, 'WARC-Record-ID'));
    expect(warcField(request, 'WARC-Concurrent-To')).toBe(warcField(response, 'WARC-Record-ID'));
    const http = parseHttpBlock(response.block);
    expect(http.startLine).toBe('HTTP/1.1 200 OK');
    expect(Buffer.from(http.body).equals(PAGE)).toBe(true);
    const header = (name: string) =>
      http.headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
    expect(header('x-test-header')).toBe('kept');
    // The body was gzipped on the wire and is stored decoded: the WARC says so.
    expect(header('X-Vigil-Original-content-encoding')).toBe('gzip');
    expect(header('content-encoding')).toBeUndefined();
    expect(parseHttpBlock(request.block).startLine).toBe('GET /ad/7 HTTP/1.1');
    const fields = new TextDecoder().decode(metadata.block);
    expect(fields).toContain(`redirected-from: ${base}/start (HTTP 302)`);
    expect(fields).toContain('server-address: 127.0.0.1 port');
    // The WARC commits to every derived file by its hash.
    for (const file of derived) expect(fields).toContain(`${file.sha256} ${file.name}`);
  });

  it('keeps a PNG screenshot, the rendered HTML and the headers', () => {
    const dataDir = options().dataDir;
    const file = (role: string) => {
      const found = result.files.find((f) => f.role === role);
      if (found === undefined) throw new Error(`no ${role}`);
      return blob(dataDir, found.sha256);
    };
    const png = file('screenshot');
    expect(png.subarray(0, 8).equals(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]))).toBe(true);
    expect(file('html').toString('utf8')).toContain('Synthetic test ad');
    const headers = JSON.parse(file('headers').toString('utf8'));
    expect(headers.response.status).toBe(200);
    expect(headers.response.headers['content-encoding']).toBe('gzip');
    expect(headers.serverAddress.ipAddress).toBe('127.0.0.1');
    expect(headers.redirects).toEqual([{ url: `${base}/start`, status: 302 }]);
  });

  it("records the EXIF date and GPS position of the page's images", () => {
    const found = result.files.find((f) => f.role === 'images');
    if (found === undefined) throw new Error('no image metadata');
    const json = JSON.parse(blob(options().dataDir, found.sha256).toString('utf8'));
    const photo = json.images.find((i: { url: string }) => i.url === `${base}/photo.jpg`);
    expect(photo.sha256).toBe(createHash('sha256').update(PHOTO).digest('hex'));
    expect(photo.ipAddress).toBe('127.0.0.1');
    expect(photo.metadata.DateTimeOriginal).toMatch(/^2024-05-17T14:03:09/);
    expect(photo.gps.latitude).toBeCloseTo(52 + 22 / 60 + 12.34 / 3600, 6);
    expect(photo.gps.longitude).toBeCloseTo(4 + 53 / 60 + 56.78 / 3600, 6);
    expect(photo.metadata.GPSLatitudeRef).toBe('N');
    // The blocked tracker never loaded, so it has no record.
    expect(json.images.every((i: { url: string }) => new URL(i.url).hostname === '127.0.0.1')).toBe(
      true,
    );
  });
});

describe('vigil capture refuses', () => {
  const code = async (over: Partial<TestOptions>) => {
    try {
      await capture(options({ dataDir: join(dir, 'refused'), ...over }));
    } catch (error) {
      if (isVigilError(error)) return [error.code, error.message] as const;
      throw error;
    }
    throw new Error('expected a refusal');
  };

  it('addresses that are not http(s) or carry credentials', async () => {
    expect((await code({ url: 'file:///etc/passwd' }))[0]).toBe('CLI_USAGE');
    expect((await code({ url: 'javascript:alert(1)' }))[0]).toBe('CLI_USAGE');
    expect((await code({ url: 'not a url' }))[0]).toBe('CLI_USAGE');
    const [c, message] = await code({ url: 'http://user:secret@127.0.0.1/' });
    expect(c).toBe('CLI_USAGE');
    expect(message).not.toContain('secret');
  });

  it('a missing browser, naming VIGIL_CHROMIUM', async () => {
    const [c, message] = await code({ chromium: join(dir, 'no-such-chromium') });
    expect(c).toBe('CLI_USAGE');
    expect(message).toContain('VIGIL_CHROMIUM');
  });

  it('a page that does not load', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const [c, message] = await code({ url: `http://127.0.0.1:${port}/gone` });
    expect(c).toBe('INPUT_UNREADABLE');
    expect(message).toContain('ERR_CONNECTION_REFUSED');
  }, 60_000);
});

describe('the capture command', () => {
  it('captures and prints evidence ids and hashes', async () => {
    let stdout = '';
    let stderr = '';
    const program = new Command().name('vigil').version('0.1.0-cmd').exitOverride();
    registerCaptureCommand(program, {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      env: { VIGIL_CHROMIUM: CHROMIUM },
      now: () => NOW,
    });
    const dataDir = join(dir, 'cmd');
    await program.parseAsync(
      ['capture', `${base}/photo.jpg`, '--case', 'CASE-CMD', '--data-dir', dataDir, '--json'],
      { from: 'user' },
    );
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((l) => l.role)).toEqual(['warc', 'screenshot', 'html', 'headers', 'images']);
    for (const line of lines) expect(line.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(stderr).toContain('HTTP 200, server 127.0.0.1');
    await withVault(dataDir, async (vault) => {
      expect(await vault.listEvidence('CASE-CMD')).toHaveLength(5);
      await vault.verifyLog();
    });
  }, 60_000);
});
