/**
 * The web console end to end, as a newcomer meets it: `vigil start` on a fresh data folder (the
 * built binary, loopback only), then headless Chromium (Debian's, through playwright-core) signs
 * in with the printed one-time login, claims the top job of the queue with one key, previews and
 * sends a decision, opens a network, and downloads the transparency report. Screenshots of the
 * main screens are written to docs/screenshots/ (shown in the README).
 *
 * Chromium is required: .ci/run installs it and names it in VIGIL_CHROMIUM. A missing browser
 * fails the test; it is never skipped.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS } from '../src/cli/capture.js';

const require = createRequire(import.meta.url);
const CLI = new URL('../dist/cli/main.js', import.meta.url).pathname;
const SCREENSHOTS = new URL('../docs/screenshots/', import.meta.url).pathname;
const CHROMIUM = process.env.VIGIL_CHROMIUM || '/usr/bin/chromium';

let server: ChildProcess | undefined;
let browser: Browser | undefined;
let url = '';
let login = { email: '', password: '' };

async function startService(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-console-'));
  const child = spawn(
    process.execPath,
    [CLI, 'start', '--data-dir', dataDir, '--port', '0', '--demo-items', '1500'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
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
async function shot(page: Page, name: string, problems: string[]): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
  for (const problem of await accessibilityProblems(page)) problems.push(`${name}: ${problem}`);
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `No Chromium at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium) or set VIGIL_CHROMIUM.`,
    );
  }
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
    const a11y: string[] = [];
    page.on('pageerror', (error) => failures.push(error.message));
    page.on('console', (message) => {
      // Before signing in, the console asks who is signed in and gets 401: expected, and the
      // browser logs every refused request.
      const expected = message.text().includes('status of 401') && !signedIn;
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

    expect(failures).toEqual([]);
    expect(a11y).toEqual([]);
    await context.close();
  }, 180_000);
});
