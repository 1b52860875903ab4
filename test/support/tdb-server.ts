/**
 * Test helper: a local fake of the DSA Transparency Database's batch endpoint
 * (`POST /api/v1/statements`, compliance.md §3.3), enforcing the real rules.json so a delivery
 * test fails when a payload would fail in Brussels. Like the real one it refuses a whole batch
 * when any statement is invalid, and refuses a puid it already holds.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadSorRules, type SorRules, validateBatch } from '../../src/workflow/sor-rules.js';
import { answerJson, readBody } from './http.js';

/** The real database's wording for a puid it already holds. */
export const NOT_UNIQUE_MESSAGE = 'The identifier given is not unique within this platform.';
const MAX_BODY_BYTES = 10 * 1024 * 1024;

let cachedRules: SorRules | undefined;
function rules(): SorRules {
  // test/support → main → /work; rules.json lives in /work/shared beside the repository.
  cachedRules ??= loadSorRules(
    JSON.parse(
      readFileSync(new URL('../../../shared/schemas/dsa-sor/rules.json', import.meta.url), 'utf8'),
    ),
  );
  return cachedRules;
}

export interface TdbServer {
  readonly url: string;
  /** Each accepted batch, in order. */
  readonly received: Record<string, unknown>[][];
  /** Every request so far, including refused ones. */
  readonly requests: number;
  /** puid → stored statement (with its uuid). */
  readonly stored: Map<string, Record<string, unknown>>;
  close(): Promise<void>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `statements[3].decision_facts` (sor-rules.ts) → `statements.3.decision_facts` (Laravel). */
function laravelKey(field: string): string {
  return field.replace(/\[(\d+)\]/g, '.$1');
}

export async function startTdbServer(options: {
  token: string;
  /** Answer 503 to the first N requests. */
  failFirst?: number;
}): Promise<TdbServer> {
  const received: Record<string, unknown>[][] = [];
  const stored = new Map<string, Record<string, unknown>>();
  let requests = 0;

  const server = createServer((request, response) => {
    requests += 1;
    void (async () => {
      const text = await readBody(request, MAX_BODY_BYTES);
      if (requests <= (options.failFirst ?? 0)) {
        answerJson(response, 503, { message: 'Service Unavailable' });
        return;
      }
      const path = new URL(request.url ?? '/', 'http://localhost').pathname;
      if (path !== '/api/v1/statements') {
        answerJson(response, 404, { message: 'Not Found' });
        return;
      }
      if (request.method !== 'POST') {
        answerJson(response, 405, { message: 'Method Not Allowed' });
        return;
      }
      if (request.headers.authorization !== `Bearer ${options.token}`) {
        answerJson(response, 401, { message: 'Unauthenticated.' });
        return;
      }
      if (text === undefined) {
        answerJson(response, 413, { message: 'Payload Too Large' });
        return;
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        answerJson(response, 400, { message: 'The request body is not JSON.' });
        return;
      }
      const statements = isRecord(body) ? body.statements : undefined;
      const errors: Record<string, string[]> = {};
      const add = (key: string, message: string) => {
        errors[key] = [...(errors[key] ?? []), message];
      };
      for (const violation of validateBatch(statements, rules())) {
        add(laravelKey(violation.field), violation.message);
      }
      if (Array.isArray(statements)) {
        statements.forEach((statement, index) => {
          const puid = isRecord(statement) ? statement.puid : undefined;
          if (typeof puid === 'string' && stored.has(puid)) {
            add(`statements.${index}.puid`, NOT_UNIQUE_MESSAGE);
          }
        });
      }
      const keys = Object.keys(errors);
      if (keys.length > 0) {
        const first = errors[keys[0] ?? '']?.[0] ?? 'The given data was invalid.';
        const more = keys.length > 1 ? ` (and ${keys.length - 1} more errors)` : '';
        answerJson(response, 422, { message: `${first}${more}`, errors });
        return;
      }
      const batch = (statements as Record<string, unknown>[]).map((statement) => ({
        ...statement,
      }));
      const created = batch.map((statement) => {
        const withUuid = { ...statement, uuid: randomUUID() };
        stored.set(statement.puid as string, withUuid);
        return withUuid;
      });
      received.push(batch);
      answerJson(response, 201, { statements: created });
    })().catch(() => {
      if (!response.headersSent) answerJson(response, 500, { message: 'Server Error' });
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    get requests() {
      return requests;
    },
    stored,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
