/**
 * Test helper: local fakes of the two referral receivers on one server.
 *
 * - CyberTipline (NCMEC ISPWS, compliance.md §4.2) under `/ispws`: `POST /submit` takes the
 *   report XML and opens a report, `POST /finish` (form body `id=<reportId>`) closes it. Answers
 *   are `reportResponse` XML with NCMEC's response codes (2000 authentication required, 4100
 *   validation failed, 5001 no such report, 5102 already finished).
 * - A DSA Art. 18 receiver at `/art18`: `POST` JSON → `201 {"reference": "…"}`.
 *
 * Both require `Authorization: Bearer <token>`. Everything received is recorded.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerJson, readBody } from './http.js';

const MAX_BODY_BYTES = 1024 * 1024;
const FIRST_REPORT_ID = 100_001;

export interface CyberTipReport {
  readonly id: string;
  readonly xml: string;
  finished: boolean;
}

export interface ReferralServer {
  /** The server's origin. */
  readonly url: string;
  /** Base URL of the fake CyberTipline (append /submit, /finish). */
  readonly cybertiplineUrl: string;
  /** URL of the fake Art. 18 receiver. */
  readonly art18Url: string;
  /** Reports opened through /submit, in order. */
  readonly reports: CyberTipReport[];
  /** Art. 18 notifications received (parsed JSON), in order. */
  readonly notifications: unknown[];
  close(): Promise<void>;
}

function xmlResponse(
  response: ServerResponse,
  status: number,
  code: number,
  description: string,
  reportId?: string,
): void {
  response.writeHead(status, { 'content-type': 'text/xml; charset=utf-8' });
  response.end(
    `<?xml version="1.0" encoding="UTF-8"?><reportResponse><responseCode>${code}</responseCode><responseDescription>${description}</responseDescription>${reportId === undefined ? '' : `<reportId>${reportId}</reportId>`}</reportResponse>`,
  );
}

export async function startReferralServer(options: {
  token: string;
  /** Make /submit refuse every report with this NCMEC responseCode (HTTP 400). */
  refuseWith?: { code: number; description: string };
}): Promise<ReferralServer> {
  const reports: CyberTipReport[] = [];
  const notifications: unknown[] = [];
  let nextId = FIRST_REPORT_ID;

  const server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request, MAX_BODY_BYTES);
      const path = new URL(request.url ?? '/', 'http://localhost').pathname;
      const authorised = request.headers.authorization === `Bearer ${options.token}`;
      if (path.startsWith('/ispws/')) {
        if (request.method !== 'POST' || body === undefined) {
          xmlResponse(response, 400, 4100, 'Validation Failed');
        } else if (!authorised) {
          xmlResponse(response, 401, 2000, 'Authentication Required');
        } else if (path === '/ispws/submit') {
          const xml = body.trimStart();
          if (!xml.startsWith('<?xml') || !/<report[\s>]/.test(xml)) {
            xmlResponse(response, 400, 4100, 'Validation Failed');
          } else if (options.refuseWith) {
            xmlResponse(response, 400, options.refuseWith.code, options.refuseWith.description);
          } else {
            const id = String(nextId++);
            reports.push({ id, xml: body, finished: false });
            xmlResponse(response, 200, 0, 'Success', id);
          }
        } else if (path === '/ispws/finish') {
          const id = new URLSearchParams(body).get('id');
          const report = reports.find((r) => r.id === id);
          if (report === undefined) {
            xmlResponse(response, 400, 5001, 'Report Does Not Exist');
          } else if (report.finished) {
            xmlResponse(response, 400, 5102, 'Report Already Finished', report.id);
          } else {
            report.finished = true;
            xmlResponse(response, 200, 0, 'Success', report.id);
          }
        } else {
          xmlResponse(response, 404, 1000, 'Not Found');
        }
        return;
      }
      if (path === '/art18') {
        if (request.method !== 'POST' || body === undefined) {
          answerJson(response, 400, { message: 'POST a JSON notification.' });
        } else if (!authorised) {
          answerJson(response, 401, { message: 'Unauthenticated.' });
        } else {
          let notification: unknown;
          try {
            notification = JSON.parse(body);
          } catch {
            answerJson(response, 400, { message: 'The body is not JSON.' });
            return;
          }
          notifications.push(notification);
          answerJson(response, 201, {
            reference: `ART18-${String(notifications.length).padStart(6, '0')}`,
          });
        }
        return;
      }
      answerJson(response, 404, { message: 'Not Found' });
    })().catch(() => {
      if (!response.headersSent) answerJson(response, 500, { message: 'Server Error' });
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    cybertiplineUrl: `${url}/ispws`,
    art18Url: `${url}/art18`,
    reports,
    notifications,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
