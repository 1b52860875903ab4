/**
 * The web console end to end, as a newcomer meets it: `vigil start` on a fresh data folder (the
 * built binary, loopback only), then headless Chromium (Debian's, through playwright-core) signs
 * in with the printed one-time login, claims the top job of the queue with one key, previews and
 * sends a decision, opens a network, and downloads the transparency report. An investigator then
 * opens a case from the network, captures a page (served here, on loopback) into it, adds a
 * victim with sealed personal data, and exports the court package, which is verified offline and
 * searched for the victim's name. Screenshots of the main screens are written to
 * docs/screenshots/ (shown in the README).
 *
 * Chromium is required: .ci/run installs it and names it in VIGIL_CHROMIUM. A missing browser
 * fails the test; it is never skipped.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Browser,
  chromium,
  type Locator,
  type Page,
  request as playwrightRequest,
} from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS } from '../src/jobs/page-capture.js';
import { verifyBundle } from '../src/ledger/bundle.js';
import {
  formatOrgPublicKey,
  generateOrgKeys,
  type OrgPublicKeys,
  orgKeyFingerprint,
  parseOrgPublicKey,
  toPublicKeys,
} from '../src/share/keys.js';
import { openBundle } from '../src/store/bundle-io.js';

const require = createRequire(import.meta.url);
const CLI = new URL('../dist/cli/main.js', import.meta.url).pathname;
const SCREENSHOTS = new URL('../docs/screenshots/', import.meta.url).pathname;
const CHROMIUM = process.env.VIGIL_CHROMIUM || '/usr/bin/chromium';

let server: ChildProcess | undefined;
let dataDir = '';
let browser: Browser | undefined;
let url = '';
let login = { email: '', password: '' };
let pageServer: Server | undefined;
let testPage = '';

/** A fixed test value (not a placeholder of one repeated byte, which Vigil refuses). */
const VICTIM_MASTER_KEY = createHash('sha256').update('vigil console e2e').digest('hex');
/** The victim's name and identifier: they must never leave the sealed record by accident. */
const VICTIM_NAME = 'Amaya Testcase-Quill';
const VICTIM_IDENTIFIER = 'amaya.quill.e2e@example.org';

/** A 1×1 PNG (opaque grey). */
const PIXEL = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNoAAAAggCBd81ytgAAAABJRU5ErkJggg==',
  'base64',
);

/** A synthetic job advert with an image, on a loopback HTTP server: the page to capture. */
async function startTestPage(): Promise<void> {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Hostess wanted abroad</title></head>
<body><h1>Hostess wanted abroad</h1>
<p>Good pay, travel and housing arranged. No experience needed. Message 555-0142.</p>
<img src="/logo.png" alt="Agency logo" width="32" height="32"></body></html>`;
  const server = createServer((req, res) => {
    if (req.url === '/logo.png') {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': PIXEL.length });
      res.end(PIXEL);
    } else if (req.url === '/' || req.url === '/job.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  pageServer = server;
  testPage = `http://127.0.0.1:${(server.address() as AddressInfo).port}/job.html`;
}

async function startService(): Promise<void> {
  dataDir = mkdtempSync(join(tmpdir(), 'vigil-console-'));
  const child = spawn(
    process.execPath,
    [CLI, 'start', '--data-dir', dataDir, '--port', '0', '--demo-items', '1500'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        VIGIL_VICTIM_MASTER_KEY: VICTIM_MASTER_KEY,
        // The page to capture is served on loopback, which captures refuse by default.
        VIGIL_CAPTURE_ALLOW_PRIVATE_NETWORKS: 'true',
        VIGIL_CHROMIUM: CHROMIUM,
      },
    },
  );
  server = child;
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`vigil start did not start:\n${output}`)),
      90_000,
    );
    const read = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const address = /running at (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      const password = /Sign in with (\S+) and the password (\S+) \(/.exec(output);
      if (address?.[1] && password?.[1] && password[2]) {
        clearTimeout(timer);
        url = address[1];
        login = { email: password[1], password: password[2] };
        resolve();
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`vigil start exited with ${code}:\n${output}`));
    });
  });
  // The worker analyses and links the demo corpus in the background: wait until it is done, so
  // that items carry their analysis and networks exist.
  const deadline = Date.now() + 120_000;
  for (;;) {
    const health = (await (await fetch(`${url}/health`)).json()) as {
      jobs?: Record<string, number>;
    };
    const jobs = health.jobs ?? {};
    if ((jobs.ready ?? 0) === 0 && (jobs.running ?? 0) === 0 && (jobs.done ?? 0) > 0) return;
    if (Date.now() > deadline) throw new Error(`analysis did not finish: ${JSON.stringify(jobs)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Waits for the locator's first match to be visible (playwright's own waiting). */
async function visible(locator: Locator): Promise<void> {
  await locator.first().waitFor({ state: 'visible', timeout: 20_000 });
}

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/**
 * The WCAG 2.1 A and AA checks of axe-core on the page as it is (contrast, labels, names,
 * landmarks). Evaluated through the browser's debugging protocol, which the page's
 * Content-Security-Policy does not restrict.
 */
async function accessibilityProblems(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const violations = (await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: { run(options: unknown): Promise<{ violations: unknown[] }> };
      }
    ).axe;
    const result = await axe.run({
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations;
  })) as AxeViolation[];
  return violations.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help} — ${v.nodes
        .slice(0, 3)
        .map((n) => JSON.stringify(n.target))
        .join(', ')}`,
  );
}

/** Saves a screenshot of the screen and checks it for accessibility problems. */
async function shot(
  page: Page,
  name: string,
  problems: string[],
  options: { fullPage?: boolean } = {},
): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), ...options });
  for (const problem of await accessibilityProblems(page)) problems.push(`${name}: ${problem}`);
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `No Chromium at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium) or set VIGIL_CHROMIUM.`,
    );
  }
  await startTestPage();
  await startService();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [...CHROMIUM_ARGS],
    headless: true,
  });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  if (server !== undefined && server.exitCode === null) {
    const exited = new Promise((resolve) => server?.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  await new Promise((resolve) => pageServer?.close(resolve) ?? resolve(undefined));
});

describe('the web console', () => {
  it('takes a reviewer from sign-in through a decision, a network and the transparency report', async () => {
    const context = await (browser as Browser).newContext({
      viewport: { width: 1366, height: 900 },
      acceptDownloads: true,
    });
    const page = await context.newPage();
    const failures: string[] = [];
    let signedIn = false;
    /**
     * While set, the browser's log of a 400, 403, 409 or 410 is expected (victim data refused or
     * destroyed, a wrong partner fingerprint, sharing without organisation keys).
     */
    let refusalExpected = false;
    const a11y: string[] = [];
    page.on('pageerror', (error) => failures.push(error.message));
    page.on('console', (message) => {
      // Before signing in, the console asks who is signed in and gets 401: expected, and the
      // browser logs every refused request.
      const expected =
        (message.text().includes('status of 401') && !signedIn) ||
        (/status of (400|403|409|410)/.test(message.text()) && refusalExpected);
      if (message.type() === 'error' && !expected) failures.push(message.text());
    });

    // Sign in with the one-time login `vigil start` printed.
    await page.goto(`${url}/`);
    await page.getByLabel('Email address').fill(login.email);
    await page.getByLabel('Password').fill(login.password);
    await shot(page, 'sign-in', a11y);
    signedIn = true;
    await page.getByRole('button', { name: 'Sign in' }).click();
    await visible(page.getByRole('heading', { name: 'Review queue', exact: true }));

    // The queue shows the demo notices, a trusted flagger's first, with the reasons.
    await visible(page.getByText(/trusted flagger/i).first());
    await shot(page, 'queue', a11y);

    // One key claims the top job and opens it.
    await page.keyboard.press('c');
    await visible(page.getByRole('heading', { name: 'Review', exact: true }));
    await visible(page.locator('mark.indicator').first());
    await shot(page, 'review', a11y);

    // "r" fills a removal for trafficking; the statement of reasons is shown before sending.
    await page.keyboard.press('r');
    await visible(page.getByText(/Article 20/).first());
    await shot(page, 'decision-preview', a11y);
    await page.getByRole('button', { name: 'Send decision' }).click();
    await visible(page.getByText(/dec_[0-9a-z]{26}/).first());

    // A network: the graph and the circuit of its posts.
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Networks' })
      .click();
    await visible(page.getByRole('heading', { name: 'Networks', exact: true }));
    await page.locator('a[href^="#/networks/"]').first().click();
    await visible(page.getByRole('heading', { name: 'Network', exact: true }));
    await visible(page.getByTestId('network-graph').locator('canvas').first());
    await visible(page.getByRole('heading', { name: 'Nodes', exact: true }));
    await page.waitForTimeout(500);
    await shot(page, 'network', a11y);
    const networkId = decodeURIComponent(page.url().split('#/networks/')[1] ?? '');
    expect(networkId).not.toBe('');

    // The transparency report for the period, downloaded as CSV.
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Transparency' })
      .click();
    await visible(page.getByRole('heading', { name: 'Transparency report', exact: true }));
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    const csv = readFileSync((await download.path()) as string, 'utf8');
    expect(csv).toMatch(/notice/i);
    await shot(page, 'transparency', a11y);

    // Every other screen, checked for accessibility once its data has loaded.
    for (const [path, heading] of [
      ['notices', 'Notices'],
      ['appeals', 'Appeals'],
      ['referrals', 'Referrals'],
      ['holds', 'Holds'],
      ['settings', 'Settings'],
    ] as const) {
      await page.goto(`${url}/console/#/${path}`);
      await visible(page.getByRole('heading', { name: heading, exact: true }));
      await page.waitForLoadState('networkidle');
      for (const problem of await accessibilityProblems(page)) a11y.push(`${path}: ${problem}`);
    }
    await shot(page, 'settings', a11y);

    // The investigator's legal screen: a worked example checked against the knowledge base.
    await page.goto(`${url}/console/#/law`);
    await visible(page.getByRole('heading', { name: 'Law', exact: true }));
    await page.getByRole('button', { name: 'Load example' }).click();
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await visible(page.getByText('Legal information, not legal advice.'));
    await visible(page.getByRole('heading', { name: 'Sources' }));
    await page.waitForLoadState('networkidle');
    await shot(page, 'law', a11y);

    // An investigator opens a case from the network, links it and writes a note.
    await page.goto(`${url}/console/#/cases`);
    await visible(page.getByRole('heading', { name: 'Cases', exact: true }));
    await page.getByRole('button', { name: 'New case' }).click();
    await page.getByLabel('Title').fill('Demo network review');
    await page.getByRole('button', { name: 'Open case' }).click();
    await visible(page.getByRole('heading', { name: 'Case', exact: true }));
    await page.getByLabel('Kind').selectOption('network');
    await page.getByLabel('Id', { exact: true }).fill(networkId);
    await page.getByRole('button', { name: 'Add link' }).click();
    await visible(page.locator(`a[href="#/networks/${encodeURIComponent(networkId)}"]`));
    await page.getByLabel('New note').fill('Same phone in three cities; check the circuit.');
    await page.getByRole('button', { name: 'Add note' }).click();
    await visible(
      page.locator('li.cs-note').getByText('Same phone in three cities; check the circuit.'),
    );
    await page.waitForLoadState('networkidle');
    await shot(page, 'case', a11y);

    // A case opened from the network page itself: linked to the network, marked TLP:AMBER.
    await page.goto(`${url}/console/#/networks/${encodeURIComponent(networkId)}`);
    await visible(page.getByRole('heading', { name: 'Network', exact: true }));
    await page.getByRole('button', { name: 'Open a case' }).click();
    await expect(page.getByLabel('Case title').inputValue()).resolves.toMatch(/^Network \S+$/);
    await expect(page.getByLabel('Marking (TLP)').inputValue()).resolves.toBe('amber');
    await page.getByLabel('Case title').fill('Hostess adverts network');
    await page.getByRole('button', { name: 'Open the case' }).click();
    await visible(page.getByRole('heading', { name: 'Hostess adverts network' }));
    const caseId = decodeURIComponent(page.url().split('#/cases/')[1] ?? '');
    expect(caseId).toMatch(/^case_/);
    await visible(page.locator(`a[href="#/networks/${encodeURIComponent(networkId)}"]`));

    // Capture the loopback page; the worker seals it and the panel polls until its files show.
    const evidence = page.getByRole('region', { name: 'Evidence', exact: true });
    await evidence.getByRole('button', { name: 'Capture a page' }).click();
    await page.getByLabel('Page address (URL)').fill(testPage);
    await evidence.getByLabel('Purpose').fill('Preserve the advert');
    await evidence.getByRole('button', { name: 'Capture', exact: true }).click();
    await visible(evidence.getByText(testPage));
    await evidence
      .locator('.cs-capture')
      .getByText('Done', { exact: true })
      .waitFor({ state: 'visible', timeout: 90_000 });
    await visible(evidence.locator('table.cs-evidence tbody tr'));
    const files = await evidence.locator('table.cs-evidence tbody tr').count();
    expect(files).toBeGreaterThanOrEqual(3);
    await visible(evidence.getByRole('cell', { name: /\.warc$/ }));

    // A victim under an alias, with a name and a referral sealed in the personal data.
    const persons = page.getByRole('region', { name: 'Persons', exact: true });
    await persons.getByRole('button', { name: 'Add person' }).click();
    await persons.getByLabel('Victim', { exact: true }).check();
    await persons.getByLabel('Label').fill('Wren-7');
    await persons.getByLabel('Identifiers').fill(VICTIM_IDENTIFIER);
    await persons.getByRole('button', { name: /Personal data \(sealed\)/ }).click();
    await persons.getByLabel('Names').fill(VICTIM_NAME);
    await persons.getByLabel('Contact', { exact: true }).fill('+44 7700 900461');
    await persons.getByLabel('Nationality').fill('PH');
    await persons.getByLabel('Referral to').selectOption('shelter');
    await persons.getByLabel('Service or organisation').fill('City shelter');
    await persons.getByLabel('The victim consents to this referral (required)').check();
    for (const problem of await accessibilityProblems(page)) a11y.push(`add victim: ${problem}`);
    await persons.getByRole('button', { name: 'Add victim' }).click();
    await visible(persons.getByText('Personal data sealed'));
    await visible(persons.getByRole('link', { name: VICTIM_IDENTIFIER }));

    // The lead has no grant yet: the console says who may grant it.
    refusalExpected = true;
    await persons.getByRole('button', { name: 'Show personal data of Wren-7' }).click();
    await visible(persons.getByText('You have no access to this victim’s personal data.'));
    refusalExpected = false;
    const access = page.getByRole('region', { name: 'Victim data access' });
    await access.getByRole('button', { name: 'Grant access' }).click();
    await visible(access.getByRole('button', { name: /^Withdraw victim data access/ }));
    await persons.getByRole('button', { name: 'Show personal data of Wren-7' }).click();
    await visible(persons.getByText(VICTIM_NAME));
    await visible(persons.getByText(/Opening this record was recorded in the chain of custody/));
    // Opened personal data stays out of the address, the storage and the title.
    const kept = await page.evaluate<string>(
      'JSON.stringify([location.href, document.title, { ...localStorage }, { ...sessionStorage }])',
    );
    expect(kept).not.toContain(VICTIM_NAME);
    await persons.getByRole('button', { name: 'Hide personal data' }).click();
    await expect(persons.getByText(VICTIM_NAME).count()).resolves.toBe(0);

    // Destroying personal data asks first (a modal dialog); cancelled here.
    await persons.getByRole('button', { name: 'Destroy personal data of Wren-7' }).click();
    const dialog = page.getByRole('dialog');
    await visible(dialog.getByRole('heading', { name: /Destroy the personal data of Wren-7/ }));
    for (const problem of await accessibilityProblems(page))
      a11y.push(`destroy dialog: ${problem}`);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog.count()).resolves.toBe(0);

    // For anyone who is not a member the case does not exist.
    const created = await context.request.post(`${url}/v1/accounts`, {
      data: {
        name: 'Other Investigator',
        email: 'other.investigator@example.org',
        roles: ['investigator'],
        password: 'another long enough password',
      },
    });
    expect(created.status(), await created.text()).toBe(201);
    const outsider = await playwrightRequest.newContext({ baseURL: url });
    const signIn = await outsider.post('/v1/session', {
      data: { email: 'other.investigator@example.org', password: 'another long enough password' },
    });
    expect(signIn.status(), await signIn.text()).toBe(200);
    for (const path of [`/v1/cases/${caseId}`, `/v1/cases/${caseId}/persons`]) {
      const refused = await outsider.get(path);
      expect(refused.status(), path).toBe(404);
      expect(await refused.text()).not.toContain(VICTIM_IDENTIFIER);
    }
    await outsider.dispose();

    // The case screen with its persons and evidence, checked for accessibility.
    await page.getByRole('heading', { name: 'Hostess adverts network' }).scrollIntoViewIfNeeded();
    await page.waitForLoadState('networkidle');
    await shot(page, 'case-evidence', a11y, { fullPage: true });

    // The court package: downloaded, verified offline, its report listing every exhibit, and
    // the victim's name and identifier in none of its files.
    const court = page.getByRole('region', { name: 'Court package' });
    await court.getByLabel('Purpose').fill('Prosecution of the network');
    await court.getByLabel('Recipient').fill('Public prosecutor');
    await court.getByLabel('Legal basis').fill('Court order 12/2026');
    const [zip] = await Promise.all([
      page.waitForEvent('download', { timeout: 60_000 }),
      court.getByRole('button', { name: 'Export court package' }).click(),
    ]);
    expect(zip.suggestedFilename()).toBe(`court-package-${caseId}.zip`);
    await visible(court.getByText(/The export is recorded in the chain of custody/));
    const bundle = await openBundle((await zip.path()) as string);
    try {
      const verified = await verifyBundle(bundle);
      const sealed = (await (
        await context.request.get(`${url}/v1/cases/${caseId}/evidence`)
      ).json()) as { items: { sha256: string; name: string }[] };
      expect(sealed.items.length).toBe(files);
      const inBundle = new Set(verified.evidence.map((exhibit) => exhibit.sha256));
      for (const exhibit of sealed.items)
        expect(inBundle.has(exhibit.sha256), exhibit.name).toBe(true);
      const entries = await bundle.list();
      const reportPath = entries.find((path) => path.endsWith('case-report.html'));
      expect(reportPath).toBeDefined();
      const report = Buffer.from(await bundle.read(reportPath as string, 50_000_000)).toString(
        'utf8',
      );
      for (const exhibit of sealed.items) {
        expect(report, exhibit.name).toContain(exhibit.sha256);
      }
      expect(report).toContain('Victim 1');
      for (const path of entries) {
        const bytes = Buffer.from(await bundle.read(path, 200_000_000));
        for (const secret of [VICTIM_NAME, VICTIM_IDENTIFIER, 'Wren-7', 'City shelter']) {
          expect(bytes.includes(secret), `${secret} in ${path}`).toBe(false);
        }
      }
    } finally {
      await bundle.close();
    }

    // Destroying the personal data, confirmed: opening it then says it was destroyed.
    await persons.getByRole('button', { name: 'Destroy personal data of Wren-7' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Destroy for good' }).click();
    await visible(persons.getByText('Personal data destroyed'));
    await expect(
      persons.getByRole('button', { name: 'Destroy personal data of Wren-7' }).count(),
    ).resolves.toBe(0);
    refusalExpected = true;
    await persons.getByRole('button', { name: 'Show personal data of Wren-7' }).click();
    await visible(persons.getByText('This victim’s personal data was destroyed.'));
    refusalExpected = false;

    // Sharing: the admin sees partners, agreements and packages, empty on a fresh instance.
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Sharing' })
      .click();
    await visible(page.getByRole('heading', { name: 'Partners', exact: true }));
    await visible(page.getByText('No partners yet.'));
    for (const problem of await accessibilityProblems(page)) a11y.push(`partners: ${problem}`);
    const sharingNav = page.getByRole('navigation', { name: 'Sharing' });
    await sharingNav.getByRole('link', { name: 'Agreements' }).click();
    await visible(page.getByRole('heading', { name: 'Agreements', exact: true }));
    await visible(page.getByText('No agreements yet.'));
    for (const problem of await accessibilityProblems(page)) a11y.push(`agreements: ${problem}`);
    // Without organisation keys (`vigil share init` never ran) an agreement cannot be recorded:
    // the console shows the API's detail, which names the command.
    await page.getByRole('button', { name: 'Record an agreement' }).click();
    await page.getByRole('button', { name: 'Fill in an example' }).click();
    expect(await page.getByLabel('Agreement (JSON)').inputValue()).toContain('"parties"');
    refusalExpected = true;
    await page.getByRole('button', { name: 'Record agreement' }).click();
    await visible(
      page
        .getByRole('alert')
        .getByText(/vigil share init --org/)
        .first(),
    );
    refusalExpected = false;
    for (const problem of await accessibilityProblems(page))
      a11y.push(`record agreement: ${problem}`);
    await sharingNav.getByRole('link', { name: 'Packages' }).click();
    await visible(page.getByRole('heading', { name: 'Packages', exact: true }));
    await visible(page.getByText('No packages sent or received yet.'));
    for (const problem of await accessibilityProblems(page)) a11y.push(`packages: ${problem}`);

    // A partner registered by its public key line is NOT CONFIRMED until its fingerprint, read
    // out of band, is typed in; a wrong one is refused with the API's explanation.
    const partnerKeys = toPublicKeys(
      generateOrgKeys('org.partner-e2e', (n) => new Uint8Array(randomBytes(n))),
    );
    await sharingNav.getByRole('link', { name: 'Partners' }).click();
    await visible(page.getByRole('heading', { name: 'Partners', exact: true }));
    await page.getByRole('button', { name: 'Register a partner' }).click();
    await page.getByLabel('Public key line').fill(formatOrgPublicKey(partnerKeys));
    await page.getByLabel('Partner name').fill('Partner Anti-Trafficking Unit (test)');
    await page.getByRole('button', { name: 'Register partner' }).click();
    const partnerRow = page.getByRole('row', { name: /org\.partner-e2e/ });
    await visible(partnerRow.getByText('NOT CONFIRMED', { exact: true }));
    await visible(partnerRow.getByText(orgKeyFingerprint(partnerKeys), { exact: true }));
    await partnerRow.getByRole('button', { name: 'Confirm the key of org.partner-e2e' }).click();
    const typed = page.getByLabel('Fingerprint as the partner read it');
    await expect(typed.inputValue()).resolves.toBe('');
    await typed.fill(
      orgKeyFingerprint(partnerKeys).replace(/^[0-9a-f]/, (d) => (d === '0' ? '1' : '0')),
    );
    refusalExpected = true;
    await page.getByRole('button', { name: 'Confirm key' }).click();
    await visible(
      page
        .getByRole('alert')
        .getByText(/That fingerprint is not the one registered for org\.partner-e2e/),
    );
    refusalExpected = false;
    await visible(partnerRow.getByText('NOT CONFIRMED', { exact: true }));
    await page.waitForLoadState('networkidle');
    await shot(page, 'sharing-partners', a11y);

    // The fingerprint as read out of band confirms the key; the case's lead can then choose the
    // partner when sharing the case (no agreement can be recorded here: no organisation keys).
    await typed.fill(orgKeyFingerprint(partnerKeys).toUpperCase());
    await page.getByRole('button', { name: 'Confirm key' }).click();
    await visible(page.getByText('Confirmed the key of Partner Anti-Trafficking Unit (test)'));
    await visible(partnerRow.getByText('Confirmed', { exact: true }));
    await page.goto(`${url}/console/#/cases/${encodeURIComponent(caseId)}`);
    const sharePanel = page.getByRole('region', { name: 'Share with a partner' });
    await visible(sharePanel.getByLabel('Partner', { exact: true }));
    await expect(sharePanel.getByLabel('Partner', { exact: true }).inputValue()).resolves.toBe(
      'org.partner-e2e',
    );
    await expect(sharePanel.getByLabel('Marking (TLP)').inputValue()).resolves.toBe('amber');
    await expect(
      sharePanel.getByLabel('Agreement', { exact: true }).textContent(),
    ).resolves.toContain('No agreement with this partner');
    await visible(sharePanel.getByText(/Victim data is never included/));
    await expect(
      sharePanel.getByRole('button', { name: 'Share and download' }).isDisabled(),
    ).resolves.toBe(true);
    await page.waitForLoadState('networkidle');
    for (const problem of await accessibilityProblems(page)) a11y.push(`share case: ${problem}`);

    // Once `vigil share init` has made this instance's keys, the admin records an agreement with
    // the partner (indicators, for investigations) and it is listed with its terms.
    const init = spawnSync(
      process.execPath,
      [CLI, 'share', 'init', '--org', 'org.vigil-e2e', '--data-dir', dataDir],
      { encoding: 'utf8', env: { ...process.env, VIGIL_VICTIM_MASTER_KEY: VICTIM_MASTER_KEY } },
    );
    expect(init.status, init.stderr).toBe(0);
    const hexOf = (keys: OrgPublicKeys) => orgKeyFingerprint(keys).replaceAll(' ', '');
    const agreement = {
      id: 'ag-e2e-1',
      title: 'Console test exchange with the partner unit',
      parties: [
        {
          organisationId: 'org.vigil-e2e',
          name: 'Vigil console test',
          keyFingerprints: [hexOf(parseOrgPublicKey(init.stdout.trim()))],
        },
        {
          organisationId: 'org.partner-e2e',
          name: 'Partner Anti-Trafficking Unit (test)',
          keyFingerprints: [hexOf(partnerKeys)],
        },
      ],
      purposes: { allowed: ['investigation'], description: 'Investigate the network.' },
      legalBasis: { kind: 'bilateral-agreement', reference: 'MoU E2E', citation: 'Test MoU' },
      dataCategories: ['indicators'],
      maxTlp: 'amber',
      papCeiling: 'amber',
      retentionDays: 30,
      onwardSharing: 'none',
      validity: { from: '2020-01-01T00:00:00Z', until: '2100-01-01T00:00:00Z' },
    };
    await page.goto(`${url}/console/#/sharing/agreements`);
    await visible(page.getByRole('heading', { name: 'Agreements', exact: true }));
    await page.getByRole('button', { name: 'Record an agreement' }).click();
    await page.getByLabel('Agreement (JSON)').fill(JSON.stringify(agreement, null, 2));
    await page.getByRole('button', { name: 'Record agreement' }).click();
    await visible(page.getByText('Recorded agreement ag-e2e-1.'));
    const agreementRow = page.getByRole('row', { name: /ag-e2e-1/ });
    await visible(agreementRow.getByText('TLP:AMBER', { exact: true }));
    await visible(agreementRow.getByText('in force', { exact: true }));
    for (const problem of await accessibilityProblems(page))
      a11y.push(`agreements listed: ${problem}`);

    // Sharing the case for a purpose and with parts the agreement does not allow is refused,
    // naming the clauses; for an allowed purpose, the indicators are packaged and downloaded.
    await page.goto(`${url}/console/#/cases/${encodeURIComponent(caseId)}`);
    await visible(sharePanel.getByLabel('Agreement', { exact: true }));
    await sharePanel.getByLabel('Agreement', { exact: true }).selectOption('ag-e2e-1');
    await sharePanel.getByLabel('Purpose').selectOption('prosecution');
    refusalExpected = true;
    await sharePanel.getByRole('button', { name: 'Share and download' }).click();
    const refusal = sharePanel.getByRole('alert');
    await visible(refusal.getByText('Refused by the agreement.'));
    await visible(refusal.getByText(/^Clause 2/));
    await visible(refusal.getByText(/^Clause 4/));
    refusalExpected = false;
    for (const problem of await accessibilityProblems(page)) a11y.push(`share refused: ${problem}`);
    await sharePanel.getByLabel('Purpose').selectOption('investigation');
    await sharePanel.getByRole('checkbox', { name: /^Evidence/ }).uncheck();
    await sharePanel.getByRole('checkbox', { name: /^Summary/ }).uncheck();
    const [shared] = await Promise.all([
      page.waitForEvent('download', { timeout: 60_000 }),
      sharePanel.getByRole('button', { name: 'Share and download' }).click(),
    ]);
    expect(shared.suggestedFilename()).toMatch(/\.vshare$/);
    await visible(sharePanel.getByText(/^Downloaded .*\.vshare, encrypted to Partner/));

    // The package is listed as sent, with its case.
    await page.goto(`${url}/console/#/sharing/packages`);
    await visible(page.getByRole('heading', { name: 'Packages', exact: true }));
    const packageRow = page.getByRole('row', { name: /org\.partner-e2e/ });
    await visible(packageRow.getByRole('cell', { name: 'Sent', exact: true }));
    await visible(packageRow.getByRole('link', { name: caseId }));
    for (const problem of await accessibilityProblems(page))
      a11y.push(`packages listed: ${problem}`);

    // Two ads reusing one photo (PDQ hashes 4 bits apart): the item page shows the other ad's
    // image beside it, with the distance.
    const photo = `${'6d'.repeat(31)}00`;
    const ingested = await context.request.post(`${url}/v1/items`, {
      data: {
        items: [
          { id: 'e2e-photo-1', title: 'Hostess work', body: 'Call now.', images: [`pdq:${photo}`] },
          {
            id: 'e2e-photo-2',
            title: 'Dancers wanted',
            body: 'Text me.',
            images: [`pdq:${'6d'.repeat(31)}0f`],
          },
        ],
      },
    });
    expect(ingested.status(), await ingested.text()).toBe(202);
    const [photoItem, twin] = (
      (await ingested.json()) as { results: { id: string }[] }
    ).results.map((result) => result.id);
    for (let attempt = 0; attempt < 120; attempt++) {
      const analysed = (await (await context.request.get(`${url}/v1/items/${twin}`)).json()) as {
        analysis?: unknown;
      };
      if (analysed.analysis !== undefined) break;
      await page.waitForTimeout(500);
    }
    await page.goto(`${url}/console/#/items/${encodeURIComponent(photoItem as string)}`);
    const same = page.getByRole('region', { name: 'Same photo in other items' });
    await visible(same.getByText('4 of 256 bits apart'));
    for (const problem of await accessibilityProblems(page))
      a11y.push(`similar images: ${problem}`);

    expect(failures).toEqual([]);
    expect(a11y).toEqual([]);
    await context.close();
  }, 420_000);
});
