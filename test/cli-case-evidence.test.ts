/**
 * An investigation from the command line, through the built binary on a fresh SQLite data
 * folder: a lead opens a case from the network the worker linked two ads into, seals a file
 * and captures a loopback page into it, records a suspect and a victim whose personal data is
 * sealed; a colleague in the
 * case cannot open the victim data without a grant and an outsider cannot see the case at all;
 * the court package verifies with `vigil verify` and no byte of it holds the victim's name or
 * identifier; an authorized export does, and records that; a changed case report fails.
 *
 * Chromium is required for the capture (VIGIL_CHROMIUM or /usr/bin/chromium).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/store/database.js';
import { itemId } from '../src/store/service-common.js';
import { openServiceStore } from '../src/store/service-store.js';

const CLI = new URL('../dist/cli/main.js', import.meta.url).pathname;
const CHROMIUM = process.env.VIGIL_CHROMIUM || '/usr/bin/chromium';
const MASTER_KEY = '9f1c2e7a4b6d8035c1e2f3a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8';

const LEAD = 'lead@example.org';
const COLLEAGUE = 'colleague@example.org';
const OUTSIDER = 'outsider@example.org';

/** Synthetic victim data: a fictional name and a number from a fictional range. */
const VICTIM_NAME = 'Amaya Testcase-Quill';
const VICTIM_PHONE = '+15555550142';
const VICTIM_PASSPORT = 'ZX-4471920';

/**
 * Runs the CLI without blocking this process: the loopback page the capture loads is served
 * from here, so a synchronous spawn would leave it unanswered.
 */
function vigil(
  args: string[],
  input?: string,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, VIGIL_VICTIM_MASTER_KEY: MASTER_KEY, VIGIL_CHROMIUM: CHROMIUM },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/** Every file under a folder, as bytes. */
function filesUnder(dir: string): Map<string, Buffer> {
  const found = new Map<string, Buffer>();
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else found.set(path.slice(dir.length + 1), readFileSync(path));
    }
  };
  walk(dir);
  return found;
}

let server: Server;
let pageUrl: string;

beforeAll(async () => {
  server = createServer((_request, response) => {
    response.setHeader('content-type', 'text/html; charset=utf-8');
    response.end(
      '<!doctype html><html lang="en"><title>Warehouse jobs</title>' +
        '<h1>Warehouse jobs abroad</h1><p>Travel and housing arranged. Contact the agency.</p>',
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  pageUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ad/7`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('an investigation from the command line', () => {
  it('opens a case, captures a page, protects the victim and exports a verifiable court package', async () => {
    const data = mkdtempSync(join(tmpdir(), 'vigil-case-evidence-'));
    const flags = ['--data-dir', data, '--log-level', 'silent'];
    const run = (args: string[], as: string, input?: string) =>
      vigil([...args, '--as', as, ...flags], input);
    const ok = async (args: string[], as = LEAD, input?: string) => {
      const done = await run(args, as, input);
      expect(
        done.status,
        `vigil ${args.join(' ')} --as ${as}\n${done.stderr}\n${done.stdout.slice(-500)}`,
      ).toBe(0);
      return done.stdout;
    };
    const fails = async (args: string[], as: string, code: string) => {
      const done = await run(args, as);
      expect(done.status, `vigil ${args.join(' ')} --as ${as}\n${done.stdout}`).toBe(
        code === 'CLI_USAGE' ? 2 : 1,
      );
      expect(done.stderr).toContain(`[${code}]`);
      return done.stderr;
    };

    for (const email of [LEAD, COLLEAGUE, OUTSIDER]) {
      const made = await vigil([
        'user',
        'add',
        '--email',
        email,
        '--name',
        email,
        '--role',
        'investigator',
        ...flags,
      ]);
      expect(made.status, made.stderr).toBe(0);
    }
    // Two ads sharing a contact number: the worker analyses them and links them into a network.
    const items = join(data, 'items.jsonl');
    writeFileSync(
      items,
      [
        {
          id: 'ad-7',
          title: 'Warehouse jobs abroad',
          body: 'Travel arranged. Call +1 212 555 0147.',
        },
        {
          id: 'ad-8',
          title: 'Packing work in Milan',
          body: 'Visa handled. WhatsApp +1 212 555 0147.',
        },
      ]
        .map((ad) => JSON.stringify(ad))
        .join('\n'),
    );
    expect((await vigil(['ingest', items, ...flags])).status).toBe(0);
    const worked = await vigil(['worker', '--until-idle', ...flags]);
    expect(worked.status, worked.stderr).toBe(0);
    const item = itemId('default', 'ad-7');
    const store = openServiceStore(await openDatabase({ path: join(data, 'vigil.db') }));
    const network = (await store.items.get(item))?.network;
    await store.db.destroy();
    expect(network, 'the worker linked the two ads into a network').toBeDefined();

    // Opened from the network that prompted it.
    const opened = JSON.parse(
      await ok([
        'case',
        'create',
        '--title',
        'Warehouse recruiter',
        '--network',
        network as string,
        '--json',
      ]),
    );
    const caseId = opened.case.id as string;
    expect(opened.links).toEqual([expect.objectContaining({ kind: 'network', targetId: network })]);
    await fails(
      ['case', 'create', '--title', 'Nothing', '--network', 'net_missing'],
      LEAD,
      'NOT_FOUND',
    );
    await ok(['case', 'member', 'add', caseId, COLLEAGUE, '--role', 'investigator']);

    // Evidence: a sealed file (the local vault shares the data folder's log) and a capture.
    const note = join(data, 'call-notes.txt');
    writeFileSync(note, 'Call with the agency on 2026-03-01: asked for passport copy.\n');
    const added = await vigil([
      'evidence',
      'add',
      note,
      '--case',
      caseId,
      '--purpose',
      'Interview notes',
      '--data-dir',
      data,
    ]);
    expect(added.status, added.stderr).toBe(0);
    const captured = JSON.parse(await ok(['case', 'capture', caseId, pageUrl, '--json']));
    expect(captured.status).toBe(200);
    expect(captured.files.map((f: { role: string }) => f.role).sort()).toEqual(
      ['headers', 'html', 'images', 'screenshot', 'warc'].sort(),
    );
    await fails(['case', 'capture', caseId, pageUrl], OUTSIDER, 'NOT_FOUND');
    const listed = JSON.parse(await ok(['case', 'evidence', caseId, '--json']));
    expect(listed.items).toHaveLength(6);

    // A suspect, and a victim whose personal data comes from stdin, never the command line.
    await ok([
      'case',
      'person',
      'add',
      caseId,
      '--kind',
      'suspect',
      '--label',
      'Recruiter "Marco"',
      '--identifier',
      '+15555550199',
    ]);
    const victim = JSON.parse(
      await ok(
        [
          'case',
          'person',
          'add',
          caseId,
          '--kind',
          'victim',
          '--label',
          'Victim A',
          '--identifier',
          VICTIM_PHONE,
          '--victim-data',
          '-',
          '--json',
        ],
        LEAD,
        JSON.stringify({
          names: [VICTIM_NAME],
          identityDocuments: [{ type: 'passport', number: VICTIM_PASSPORT }],
          referrals: [{ kind: 'shelter', to: 'City shelter', consent: true }],
        }),
      ),
    );
    expect(victim.victimData).toBe('sealed');
    expect(readFileSync(join(data, 'vigil.db')).includes(VICTIM_NAME)).toBe(false);

    // Need-to-know: the colleague sees the person but not the data; the outsider, nothing.
    expect(await ok(['case', 'person', 'list', caseId], COLLEAGUE)).toContain('Victim A');
    await fails(['case', 'person', 'open', caseId, victim.id], COLLEAGUE, 'FORBIDDEN');
    await fails(['case', 'person', 'list', caseId], OUTSIDER, 'NOT_FOUND');
    await fails(['case', 'export', caseId, '--out', join(data, 'x')], OUTSIDER, 'NOT_FOUND');

    // The court package: verifies, and holds no victim data in any byte.
    const keyFile = join(data, 'log.pub');
    const keys = await vigil(['ledger', 'keys', '--data-dir', data]);
    expect(keys.status, keys.stderr).toBe(0);
    writeFileSync(keyFile, keys.stdout);
    const pkg = join(data, 'package');
    expect(
      await ok(['case', 'export', caseId, '--out', pkg, '--recipient', 'Prosecutor, Unit 5']),
    ).toContain('victim data withheld');
    const verified = await vigil(['verify', pkg, '--key', keyFile]);
    expect(verified.status, verified.stderr + verified.stdout).toBe(0);
    const files = filesUnder(pkg);
    expect([...files.keys()]).toContain('case-report.html');
    for (const [path, bytes] of files) {
      for (const secret of [
        VICTIM_NAME,
        VICTIM_PHONE,
        VICTIM_PASSPORT,
        'Victim A',
        'City shelter',
      ]) {
        expect(bytes.includes(secret), `${secret} in ${path}`).toBe(false);
      }
    }
    const report = files.get('case-report.html')?.toString('utf8') ?? '';
    expect(report).toContain('Victim 1');
    expect(report).toContain('Personal data withheld');
    expect(report).toContain('Recruiter &quot;Marco&quot;');
    expect(report).toContain('TLP:AMBER');
    for (const exhibit of listed.items as { sha256: string; name: string }[]) {
      expect(report).toContain(exhibit.sha256);
    }
    const manifest = JSON.parse(files.get('manifest.json')?.toString('utf8') ?? '{}');
    expect(manifest.files.map((f: { path: string }) => f.path)).toContain('case-report.html');

    // A changed report fails verification, naming the file.
    const tampered = join(data, 'tampered');
    expect(await ok(['case', 'export', caseId, '--out', tampered])).toContain('withheld');
    const reportPath = join(tampered, 'case-report.html');
    writeFileSync(reportPath, readFileSync(reportPath, 'utf8').replace('Victim 1', 'Victim 9'));
    const broken = await vigil(['verify', tampered, '--key', keyFile]);
    expect(broken.status).toBe(1);
    expect(broken.stderr + broken.stdout).toContain('case-report.html');

    // Victim data goes in only with a grant and a stated authorization.
    await fails(
      [
        'case',
        'export',
        caseId,
        '--out',
        join(data, 'no-grant'),
        '--include-victim-data',
        '--authorization',
        'Order 7',
      ],
      LEAD,
      'FORBIDDEN',
    );
    await fails(
      ['case', 'export', caseId, '--out', join(data, 'no-auth'), '--include-victim-data'],
      LEAD,
      'CLI_USAGE',
    );
    await ok(['case', 'grant', caseId, LEAD]);
    const full = join(data, 'authorized');
    expect(
      await ok([
        'case',
        'export',
        caseId,
        '--out',
        full,
        '--include-victim-data',
        '--authorization',
        'Court order 2026/77',
      ]),
    ).toContain('INCLUDED');
    expect((await vigil(['verify', full, '--key', keyFile])).status).toBe(0);
    const authorized = filesUnder(full).get('case-report.html')?.toString('utf8') ?? '';
    expect(authorized).toContain(VICTIM_NAME);
    expect(authorized).toContain('Court order 2026/77');
    const timeline = await ok(['case', 'timeline', caseId, '--json']);
    expect(timeline).toContain('case.victim.read');
    expect(timeline).toContain('case.export');
    expect(timeline).not.toContain(VICTIM_NAME);
  }, 180_000);
});
