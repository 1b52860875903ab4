import { describe, expect, it } from 'vitest';
import { ERROR_CODES, VigilError } from '../shared/errors.js';
import { HTTP_STATUS, problemType, toProblem } from './problems.js';

describe('problem catalogue', () => {
  it('maps every error code to an HTTP status, and nothing else', () => {
    expect(Object.keys(HTTP_STATUS).sort()).toEqual([...ERROR_CODES].sort());
    for (const status of Object.values(HTTP_STATUS)) {
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(600);
    }
  });

  it('renders a VigilError with its code, message, details and status', () => {
    const error = new VigilError('FORBIDDEN', 'Not for you.', { details: { permission: 'x' } });
    const { problem, internal } = toProblem(error, { requestId: 'r1', instance: '/v1/x' });
    expect(problem).toEqual({
      type: problemType('FORBIDDEN'),
      title: 'Forbidden',
      status: 403,
      detail: 'Not for you.',
      code: 'FORBIDDEN',
      instance: '/v1/x',
      requestId: 'r1',
      details: { permission: 'x' },
    });
    expect(internal).toBe(false);
  });

  it('renders anything else as a generic 500 without its message, cause or stack', () => {
    const error = new Error('SQLITE_ERROR: no such table: accounts at /srv/vigil/db.sqlite', {
      cause: new Error('secret cause'),
    });
    const { problem, internal } = toProblem(error, { requestId: 'r2' });
    expect(internal).toBe(true);
    expect(problem.status).toBe(500);
    expect(problem.code).toBe('INTERNAL_ERROR');
    const text = JSON.stringify(problem);
    for (const leak of ['SQLITE', 'accounts', '/srv', 'secret', 'at ']) {
      expect(text).not.toContain(leak);
    }
  });

  it("words Fastify's client errors itself", () => {
    const tooLarge = Object.assign(new Error('Request body is too large'), {
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
      statusCode: 413,
    });
    expect(toProblem(tooLarge, { requestId: 'r' }).problem).toMatchObject({
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    });
    const syntax = Object.assign(new SyntaxError('Unexpected token } in JSON at position 7'), {
      statusCode: 400,
    });
    const { problem } = toProblem(syntax, { requestId: 'r' });
    expect(problem).toMatchObject({ status: 400, code: 'REQUEST_INVALID' });
    expect(problem.detail).not.toContain('position');
  });

  it('treats a 5xx error that is not ours as internal', () => {
    const error = Object.assign(new Error('pool exhausted: 10.0.0.5:5432'), { statusCode: 503 });
    expect(toProblem(error, { requestId: 'r' }).problem.code).toBe('INTERNAL_ERROR');
  });
});
