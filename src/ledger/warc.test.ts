import { sha256 } from '@noble/hashes/sha2.js';
import { hex } from '@scure/base';
import { describe, expect, it } from 'vitest';
import { isVigilError } from '../shared/errors.js';
import {
  buildCaptureWarc,
  type CaptureWarcInput,
  parseHttpBlock,
  parseWarc,
  verifyWarcRecord,
  warcDigest,
  warcField,
  warcRecord,
} from './warc.js';

const encoder = new TextEncoder();
function nth<T>(items: readonly T[], i: number): T {
  const item = items[i];
  if (item === undefined) throw new Error(`no item ${i}`);
  return item;
}
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const body = encoder.encode('<html><body>Synthetic ad — test page</body></html>');

const input: CaptureWarcInput = {
  ids: {
    warcinfo: 'urn:uuid:00000000-0000-4000-8000-000000000001',
    request: 'urn:uuid:00000000-0000-4000-8000-000000000002',
    response: 'urn:uuid:00000000-0000-4000-8000-000000000003',
    metadata: 'urn:uuid:00000000-0000-4000-8000-000000000004',
  },
  date: '2026-03-01T10:20:30.123Z',
  filename: 'capture.warc',
  info: [['software', 'vigil/0.1.0']],
  targetUri: 'http://127.0.0.1:8080/ad/7?x=1',
  ipAddress: '127.0.0.1',
  request: {
    method: 'GET',
    target: '/ad/7?x=1',
    httpVersion: 'HTTP/1.1',
    headers: [
      ['Host', '127.0.0.1:8080'],
      ['User-Agent', 'test'],
    ],
  },
  response: {
    httpVersion: 'HTTP/1.1',
    status: 200,
    statusText: 'OK',
    headers: [
      ['Content-Type', 'text/html; charset=utf-8'],
      ['Set-Cookie', 'a=1'],
      ['Set-Cookie', 'b=2'],
    ],
    body,
  },
  metadata: [
    ['browser', 'Chromium 1'],
    ['http-status', '200'],
  ],
};

describe('WARC records', () => {
  it('writes warcinfo, request, response and metadata records that parse back', () => {
    const records = parseWarc(buildCaptureWarc(input));
    expect(records.map((r) => warcField(r, 'WARC-Type'))).toEqual([
      'warcinfo',
      'request',
      'response',
      'metadata',
    ]);
    for (const record of records) {
      expect(record.version).toBe('WARC/1.1');
      expect(warcField(record, 'WARC-Date')).toBe('2026-03-01T10:20:30.123Z');
      expect(Number(warcField(record, 'Content-Length'))).toBe(record.block.length);
      verifyWarcRecord(record);
    }
    const [info, request, response, metadata] = [0, 1, 2, 3].map((i) => nth(records, i));
    if (!info || !request || !response || !metadata) throw new Error('four records');
    expect(warcField(info, 'WARC-Filename')).toBe('capture.warc');
    expect(text(info.block)).toContain('format: WARC File Format 1.1\r\n');
    expect(warcField(request, 'Content-Type')).toBe('application/http;msgtype=request');
    expect(warcField(request, 'WARC-Concurrent-To')).toBe(`<${input.ids.response}>`);
    expect(warcField(response, 'WARC-Concurrent-To')).toBe(`<${input.ids.request}>`);
    expect(warcField(response, 'WARC-Record-ID')).toBe(`<${input.ids.response}>`);
    expect(warcField(response, 'WARC-Warcinfo-ID')).toBe(`<${input.ids.warcinfo}>`);
    expect(warcField(response, 'WARC-Target-URI')).toBe(input.targetUri);
    expect(warcField(response, 'WARC-IP-Address')).toBe('127.0.0.1');
    expect(warcField(response, 'Content-Type')).toBe('application/http;msgtype=response');
    expect(warcField(response, 'WARC-Payload-Digest')).toBe(`sha256:${hex.encode(sha256(body))}`);
    const http = parseHttpBlock(response.block);
    expect(http.startLine).toBe('HTTP/1.1 200 OK');
    expect(http.headers.filter(([n]) => n === 'Set-Cookie')).toHaveLength(2);
    expect(http.body).toEqual(body);
    expect(parseHttpBlock(request.block).startLine).toBe('GET /ad/7?x=1 HTTP/1.1');
    expect(warcField(metadata, 'Content-Type')).toBe('application/warc-fields');
    expect(text(metadata.block)).toBe('browser: Chromium 1\r\nhttp-status: 200\r\n');
  });

  it('is deterministic: the same capture gives the same bytes', () => {
    expect(buildCaptureWarc(input)).toEqual(buildCaptureWarc(input));
  });

  it('detects a changed payload byte', () => {
    const bytes = buildCaptureWarc(input);
    const records = parseWarc(bytes);
    const copy = bytes.slice();
    // The last byte of the response body sits just before the CRLF CRLF that ends the record:
    // flipping it keeps the framing intact.
    const last = nth(records, 3).offset - 5;
    copy[last] = (copy[last] ?? 0) ^ 1;
    expect(() => verifyWarcRecord(nth(parseWarc(copy), 2))).toThrow(/WARC-Block-Digest/);
  });

  it('refuses truncated files and bad framing', () => {
    const bytes = buildCaptureWarc(input);
    expect(() => parseWarc(bytes.subarray(0, bytes.length - 10))).toThrow(
      /shorter than its Content-Length|no end/,
    );
    const record = warcRecord({
      type: 'resource',
      recordId: 'urn:uuid:x',
      date: input.date,
      block: encoder.encode('abc'),
    });
    const bad = record.slice();
    bad[bad.length - 1] = 0x20;
    expect(() => parseWarc(bad)).toThrow(/CRLF CRLF/);
  });

  it('refuses header values that would inject fields', () => {
    try {
      warcRecord({
        type: 'response',
        recordId: 'urn:uuid:x',
        date: input.date,
        targetUri: 'http://a.test/\r\nWARC-Type: resource',
        block: new Uint8Array(),
      });
      expect.unreachable();
    } catch (error) {
      expect(isVigilError(error, 'INPUT_MALFORMED_RECORD')).toBe(true);
    }
  });

  it('labels digests as sha256 with lowercase hex', () => {
    expect(warcDigest(new Uint8Array())).toBe(
      'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });
});
