/**
 * The web console and the API cannot drift apart: the console's client types
 * (web/src/api/schema.d.ts) must be what the server's OpenAPI document generates today. And the
 * server serves the built console (dist/web) at /console/ under its own Content-Security-Policy.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module of the build scripts, without type declarations.
import { consoleApiTypes, SCHEMA_FILE } from '../scripts/openapi-types.mjs';
import { buildServer } from '../src/server/app.js';
import { loadConfig } from '../src/server/config.js';
import { openDatabase } from '../src/store/database.js';
import { openServiceStore } from '../src/store/service-store.js';

describe('the console', () => {
  it('uses API types generated from the current OpenAPI document', async () => {
    const committed = readFileSync(SCHEMA_FILE as string, 'utf8');
    const fresh = (await consoleApiTypes()) as string;
    expect(
      committed === fresh,
      'web/src/api/schema.d.ts is stale: run `npm run build && npm run api:types`',
    ).toBe(true);
  });

  it('is served at /console/ with a policy that allows its own files only', async () => {
    const consoleDir = fileURLToPath(new URL('../dist/web/', import.meta.url));
    const db = await openDatabase({ path: ':memory:' });
    const app = await buildServer({
      store: openServiceStore(db),
      config: loadConfig({}),
      consoleDir,
    });
    try {
      const root = await app.inject({ url: '/' });
      expect(root.statusCode).toBe(302);
      expect(root.headers.location).toBe('/console/');
      const page = await app.inject({ url: '/console/' });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toContain('text/html');
      expect(page.body).toContain('<div id="root">');
      const csp = String(page.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("connect-src 'self'");
      expect(page.headers['cache-control']).toBe('no-store');
      const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(page.body)?.[1];
      expect(script).toBeDefined();
      const asset = await app.inject({ url: script as string });
      expect(asset.statusCode).toBe(200);
      expect(asset.headers['cache-control']).toContain('immutable');
      // Nothing outside the console folder is reachable through it.
      expect((await app.inject({ url: '/console/../server/app.js' })).statusCode).toBe(404);
    } finally {
      await app.close();
      await db.destroy();
    }
  });
});
