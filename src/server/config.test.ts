import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { errorOf } from '../../test/support/errors.js';
import { envName, loadConfig, SETTING_NAMES } from './config.js';

const folder = mkdtempSync(join(tmpdir(), 'vigil-config-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function configFile(data: unknown, name = 'vigil.json'): string {
  const path = join(folder, name);
  writeFileSync(path, typeof data === 'string' ? data : JSON.stringify(data));
  return path;
}

describe('loadConfig', () => {
  it('has defaults for everything but the database URL', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      host: '127.0.0.1',
      port: 7070,
      dataDir: '.vigil',
      bodyLimit: 10 * 1024 * 1024,
      maxBatch: 1000,
      rateLimitMax: 600,
      rateLimitWindowMs: 60_000,
      sessionTtlSeconds: 12 * 3600,
      secureCookies: false,
      trustProxy: false,
      logLevel: 'info',
      reviewLeaseSeconds: 900,
      platformName: 'This service',
      platformContact: 'the contact address given in our terms of service',
      platformComplaint: 'reply to this statement, quoting the decision id',
      chromium: '/usr/bin/chromium',
      captureAllowPrivateNetworks: false,
    });
  });

  it('lets captures reach private networks only when asked', () => {
    expect(
      loadConfig({ env: { VIGIL_CAPTURE_ALLOW_PRIVATE_NETWORKS: 'true' } })
        .captureAllowPrivateNetworks,
    ).toBe(true);
    expect(loadConfig({ env: { VIGIL_CHROMIUM: '/opt/chromium/chrome' } }).chromium).toBe(
      '/opt/chromium/chrome',
    );
  });

  it('needs the credential of every endpoint it is given', () => {
    expect(() =>
      loadConfig({ flags: { actionWebhookUrl: 'https://platform.example/hooks' } }),
    ).toThrow(/actionWebhookUrl.*needs actionWebhookSecret/);
    expect(() => loadConfig({ flags: { transparencyDbUrl: 'ftp://x.example' } })).toThrow(
      /transparencyDbUrl/,
    );
  });

  it('takes flags over the environment over the file over the defaults', () => {
    const file = configFile({ port: 7001, host: '10.0.0.1', maxBatch: 10, logLevel: 'debug' });
    const env = { VIGIL_PORT: '7002', VIGIL_HOST: '10.0.0.2', VIGIL_MAX_BATCH: '20' };
    const config = loadConfig({ flags: { port: 7003 }, env, file });
    expect(config.port).toBe(7003);
    expect(config.host).toBe('10.0.0.2');
    expect(config.maxBatch).toBe(20);
    expect(config.logLevel).toBe('debug');
    expect(config.dataDir).toBe('.vigil');
  });

  it('reads the file named by VIGIL_CONFIG when no file is given', () => {
    const file = configFile({ port: 7010 }, 'from-env.json');
    expect(loadConfig({ env: { VIGIL_CONFIG: file } }).port).toBe(7010);
  });

  it('accepts parsed file content', () => {
    expect(loadConfig({ file: { path: 'inline.json', data: { port: 7011 } } }).port).toBe(7011);
  });

  it('reads numbers and booleans written as text', () => {
    const config = loadConfig({
      env: { VIGIL_BODY_LIMIT: '2048', VIGIL_SECURE_COOKIES: 'true', VIGIL_TRUST_PROXY: '1' },
      flags: { sessionTtlSeconds: '600' },
    });
    expect(config.bodyLimit).toBe(2048);
    expect(config.secureCookies).toBe(true);
    expect(config.trustProxy).toBe(true);
    expect(config.sessionTtlSeconds).toBe(600);
  });

  it('reads the database URL from VIGIL_DATABASE_URL', () => {
    const config = loadConfig({ env: { VIGIL_DATABASE_URL: 'postgres://u:p@db/vigil' } });
    expect(config.databaseUrl).toBe('postgres://u:p@db/vigil');
  });

  it('marks cookies Secure unless the host is loopback', () => {
    expect(loadConfig({ flags: { host: '0.0.0.0' } }).secureCookies).toBe(true);
    expect(loadConfig({ flags: { host: 'localhost' } }).secureCookies).toBe(false);
    expect(loadConfig({ flags: { host: '::1' } }).secureCookies).toBe(false);
    expect(loadConfig({ flags: { host: '0.0.0.0', secureCookies: false } }).secureCookies).toBe(
      false,
    );
  });

  it('returns a deep-frozen object', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('names every setting by its VIGIL_ variable', () => {
    expect(SETTING_NAMES.map(envName)).toContain('VIGIL_DATABASE_URL');
    expect(envName('rateLimitWindowMs')).toBe('VIGIL_RATE_LIMIT_WINDOW_MS');
  });

  describe('CONFIG_INVALID', () => {
    it('names the setting and the environment variable it came from', () => {
      const error = errorOf(() => loadConfig({ env: { VIGIL_PORT: 'eighty' } }));
      expect(error?.code).toBe('CONFIG_INVALID');
      expect(error?.message).toContain('port');
      expect(error?.message).toContain('VIGIL_PORT');
      expect(error?.details).toMatchObject({ setting: 'port', source: 'VIGIL_PORT' });
    });

    it('names the flag', () => {
      const error = errorOf(() => loadConfig({ flags: { port: 70_000 } }));
      expect(error?.code).toBe('CONFIG_INVALID');
      expect(error?.message).toContain('--port');
      expect(error?.message).toContain('at most 65535');
    });

    it('names the file and key', () => {
      const file = configFile({ logLevel: 'loud' }, 'bad-level.json');
      const error = errorOf(() => loadConfig({ file }));
      expect(error?.code).toBe('CONFIG_INVALID');
      expect(error?.message).toContain('logLevel');
      expect(error?.message).toContain(file);
    });

    it('refuses unknown settings', () => {
      const file = configFile({ prot: 80 }, 'typo.json');
      const error = errorOf(() => loadConfig({ file }));
      expect(error?.code).toBe('CONFIG_INVALID');
      expect(error?.message).toContain('"prot"');
    });

    it('refuses an unreadable or malformed file', () => {
      expect(errorOf(() => loadConfig({ file: join(folder, 'missing.json') }))?.code).toBe(
        'CONFIG_INVALID',
      );
      expect(errorOf(() => loadConfig({ file: configFile('{port', 'broken.json') }))?.code).toBe(
        'CONFIG_INVALID',
      );
      expect(errorOf(() => loadConfig({ file: configFile('[1]', 'array.json') }))?.code).toBe(
        'CONFIG_INVALID',
      );
    });

    it('never repeats the database URL, which holds a password', () => {
      const error = errorOf(() =>
        loadConfig({ env: { VIGIL_DATABASE_URL: 'mysql://user:hunter2@db/vigil' } }),
      );
      expect(error?.code).toBe('CONFIG_INVALID');
      expect(error?.message).toContain('VIGIL_DATABASE_URL');
      expect(JSON.stringify(error)).not.toContain('hunter2');
    });

    it('never repeats the victim master key, and wants 64 hex characters', () => {
      const secret = 'abc123notakey'.repeat(5);
      const error = errorOf(() => loadConfig({ env: { VIGIL_VICTIM_MASTER_KEY: secret } }));
      expect(error?.code).toBe('CONFIG_INVALID');
      expect(error?.message).toContain('VIGIL_VICTIM_MASTER_KEY');
      expect(error?.message).toContain('openssl rand -hex 32');
      expect(JSON.stringify(error)).not.toContain('abc123notakey');
      const key = 'a1'.repeat(32);
      expect(loadConfig({ env: { VIGIL_VICTIM_MASTER_KEY: key } }).victimMasterKey).toBe(key);
    });

    it('refuses out-of-range limits', () => {
      for (const flags of [
        { bodyLimit: 10 },
        { maxBatch: 0 },
        { rateLimitMax: -1 },
        { sessionTtlSeconds: 1 },
        { secureCookies: 'perhaps' },
      ]) {
        expect(errorOf(() => loadConfig({ flags }))?.code, JSON.stringify(flags)).toBe(
          'CONFIG_INVALID',
        );
      }
    });
  });
});
