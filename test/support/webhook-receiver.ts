/**
 * Test helper: a platform's webhook endpoint as a careful receiver writes it. It verifies the
 * `vigil-signature` header against the raw body (401 when it does not verify) and keeps each
 * event once, keyed by `vigil-event-id`, so a delivery retried after a lost answer is harmless.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SIGNATURE_HEADER, verifyWebhook } from '../../src/workflow/webhook-signature.js';
import { answerJson, readBody } from './http.js';

const MAX_BODY_BYTES = 1024 * 1024;

export interface WebhookReceiver {
  readonly url: string;
  /** Verified events, each once (deduplicated by vigil-event-id), in arrival order. */
  readonly events: unknown[];
  /** Requests refused because the signature did not verify. */
  readonly rejected: number;
  close(): Promise<void>;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export async function startWebhookReceiver(options: {
  secret: string;
  /** Answer 503 to the first N requests. */
  failFirst?: number;
  /** The receiver's clock in seconds; the wall clock by default. */
  now?: () => number;
}): Promise<WebhookReceiver> {
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const events: unknown[] = [];
  const seen = new Set<string>();
  let requests = 0;
  let rejected = 0;

  const server = createServer((request, response) => {
    requests += 1;
    void (async () => {
      const body = await readBody(request, MAX_BODY_BYTES);
      if (requests <= (options.failFirst ?? 0)) {
        answerJson(response, 503, { error: 'temporarily unavailable' });
        return;
      }
      if (request.method !== 'POST') {
        answerJson(response, 405, { error: 'POST only' });
        return;
      }
      if (body === undefined) {
        answerJson(response, 413, { error: 'body too large' });
        return;
      }
      const verified = verifyWebhook({
        secret: options.secret,
        body,
        header: single(request.headers[SIGNATURE_HEADER]),
        nowSeconds: now(),
      });
      if (!verified.ok) {
        rejected += 1;
        answerJson(response, 401, { error: verified.reason });
        return;
      }
      const eventId = single(request.headers['vigil-event-id']);
      if (eventId === undefined || eventId === '') {
        answerJson(response, 400, { error: 'vigil-event-id header missing' });
        return;
      }
      let event: unknown;
      try {
        event = JSON.parse(body);
      } catch {
        answerJson(response, 400, { error: 'body is not JSON' });
        return;
      }
      if (!seen.has(eventId)) {
        seen.add(eventId);
        events.push(event);
      }
      answerJson(response, 200, { received: eventId });
    })().catch(() => {
      if (!response.headersSent) answerJson(response, 500, { error: 'receiver failed' });
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/vigil`,
    events,
    get rejected() {
      return rejected;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
