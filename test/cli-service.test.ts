/**
 * The service end to end through the built binary, on loopback only: `vigil start` on a fresh
 * data folder (admin login printed once, demo corpus ingested and analysed by a worker process),
 * signing in, creating an API key, ingesting over HTTP and reading the analysis back; and the
 * command-line path: `vigil user add`, `vigil apikey create`, `vigil ingest` (idempotent) and
 * `vigil serve` with its workers.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const CLI = new URL('../dist/cli/main.js', import.meta.url).pathname;
const running: ChildProcess[] = [];

afterEach(async () => {
  for (const child of running.splice(0)) {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  }
});

/** Starts a long-running command and resolves with its output once `ready` matches it. */
function launch(args: string[], ready: RegExp): Promise<{ output: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready:\n${output}`)), 60_000);
    const read = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve({ output, child });
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${output}`));
    });
  });
}

function vigil(args: string[]) {
  const run = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

async function until<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 45_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const ITEMS = [
  {
    id: 'ad-1',
    title: 'New in town, sweet and fun',
    body: 'Call my manager at 212-555-0147, she books for all the girls. 24/7, incall only.',
    location: { city: 'New York', country: 'US' },
  },
  {
    id: 'ad-2',
    title: 'Garden design in Leeds',
    body: 'Affordable garden design and planting. Text 212-555-0147 for a free quote.',
  },
];

describe('vigil start', () => {
  it('prints a one-time admin login and serves the API over the demo corpus', async () => {
    const data = mkdtempSync(join(tmpdir(), 'vigil-start-'));
    const { output } = await launch(
      ['start', '--port', '0', '--data-dir', data, '--demo-items', '300', '--log-level', 'silent'],
      /password \S+/,
    );
    const url = /running at (http:\/\/127\.0\.0\.1:\d+)\//.exec(output)?.[1] as string;
    const password = /password (\S+)/.exec(output)?.[1] as string;
    expect(url).toBeDefined();

    const signIn = await fetch(`${url}/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@vigil.local', password }),
    });
    expect(signIn.status).toBe(200);
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] as string;
    expect(cookie).toMatch(/^vigil_session=/);

    const created = await fetch(`${url}/v1/apikeys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ name: 'test' }),
    });
    expect(created.status).toBe(201);
    const { key } = (await created.json()) as { key: string };
    const auth = { authorization: `Bearer ${key}` };

    // The demo's notices wait in the review queue, trusted flaggers first.
    const queue = (await (await fetch(`${url}/v1/queue`, { headers: auth })).json()) as {
      total: number;
      items: { job: { source: string } }[];
    };
    expect(queue.total).toBe(7);
    expect(queue.items[0]?.job.source).toBe('trusted-flagger');

    const ingest = await fetch(`${url}/v1/items`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify({ source: 'test', items: ITEMS }),
    });
    expect(ingest.status).toBe(202);
    const { results } = (await ingest.json()) as { results: { id: string; created: boolean }[] };
    expect(results.map((r) => r.created)).toEqual([true, true]);

    // A worker process analyses what was ingested, the demo corpus included.
    const first = results[0]?.id as string;
    const item = await until(async () => {
      const response = await fetch(`${url}/v1/items/${first}`, { headers: auth });
      const body = (await response.json()) as { analysis?: { risk: number; band: string } };
      return body.analysis === undefined ? undefined : body;
    }, 'the analysis');
    expect(item.analysis?.band).toMatch(/^(low|medium|high)$/);
    const sharing = await until(async () => {
      const response = await fetch(`${url}/v1/identifiers/phone:+12125550147/items`, {
        headers: auth,
      });
      const body = (await response.json()) as { items: { externalId: string }[] };
      return body.items.length === 2 ? body : undefined;
    }, 'both items indexed by their phone');
    expect(sharing.items.map((i) => i.externalId).sort()).toEqual(['ad-1', 'ad-2']);
    const demo = await fetch(`${url}/v1/items?source=demo&limit=1`, { headers: auth });
    expect(((await demo.json()) as { items: unknown[] }).items).toHaveLength(1);

    // Without credentials nothing is readable.
    expect((await fetch(`${url}/v1/items`)).status).toBe(401);
  });
});

describe('the service from the command line', () => {
  it('adds a user and a key, ingests a file idempotently and serves it', async () => {
    const data = mkdtempSync(join(tmpdir(), 'vigil-cli-'));
    const flags = ['--data-dir', data];
    const user = vigil([
      'user',
      'add',
      '--email',
      'Rev@Example.org',
      '--name',
      'Reviewer',
      '--role',
      'reviewer',
      ...flags,
    ]);
    expect(user.status).toBe(0);
    expect(user.stdout).toMatch(/Password \(shown once\): \S{20,}/);
    expect(
      vigil(['user', 'add', '--email', 'x@example.org', '--name', 'X', '--role', 'boss', ...flags])
        .stderr,
    ).toContain('Unknown role');
    const apikey = vigil(['apikey', 'create', '--email', 'rev@example.org', ...flags]);
    expect(apikey.status).toBe(0);
    const key = /(vgl_\S+)/.exec(apikey.stdout)?.[1] as string;
    expect(vigil(['apikey', 'create', '--email', 'nobody@example.org', ...flags]).stderr).toContain(
      '[NOT_FOUND]',
    );

    const file = join(data, 'items.jsonl');
    writeFileSync(file, `${ITEMS.map((i) => JSON.stringify(i)).join('\n')}\n{"id": 3}\n`);
    const first = vigil(['ingest', file, '--source', 'files', ...flags]);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('Ingested 2 items');
    expect(first.stdout).toContain('2 new');
    expect(first.stdout).toContain('1 invalid records skipped');
    expect(vigil(['ingest', file, '--source', 'files', ...flags]).stdout).toContain('0 new');

    const { output } = await launch(
      ['serve', '--port', '0', '--log-level', 'silent', ...flags],
      /running at http/,
    );
    const url = /running at (http:\/\/127\.0\.0\.1:\d+)\//.exec(output)?.[1] as string;
    const auth = { authorization: `Bearer ${key}` };
    const page = await until(async () => {
      const response = await fetch(`${url}/v1/items?source=files&analyzed=true`, {
        headers: auth,
      });
      const body = (await response.json()) as { items: { externalId: string }[] };
      return body.items.length === 2 ? body : undefined;
    }, 'the ingested file analysed');
    expect(page.items.map((i) => i.externalId).sort()).toEqual(['ad-1', 'ad-2']);
    // A reviewer reads but does not manage accounts.
    expect((await fetch(`${url}/v1/accounts`, { headers: auth })).status).toBe(403);
  });
});
