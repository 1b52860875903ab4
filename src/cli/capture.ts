/**
 * `vigil capture <url>`: preserves an online page as court evidence in the local evidence
 * vault (jobs/page-capture.ts does the capture; the console's button runs it as a job).
 */
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { type Command, InvalidArgumentError } from 'commander';
import {
  capturePage,
  DEFAULT_CHROMIUM,
  DEFAULT_TIMEOUT_MS,
  firstLine,
} from '../jobs/page-capture.js';
import { isVigilError, VigilError } from '../shared/errors.js';

export interface CaptureIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly now: () => Date;
}

function defaultActor(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

function timeoutMs(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1_000 || n > 600_000) {
    throw new InvalidArgumentError('expected milliseconds from 1000 to 600000');
  }
  return n;
}

export function registerCaptureCommand(program: Command, io: CaptureIo): void {
  program
    .command('capture')
    .description(
      'Capture a web page as evidence (WARC, screenshot, HTML, headers, image metadata) and seal it in a case.',
    )
    .argument('<url>', 'the http or https address to capture')
    .requiredOption('--case <id>', 'the case the evidence belongs to')
    .option('--purpose <text>', 'why it is captured', 'Preserve online content as evidence')
    .option('--legal-basis <text>', 'authority for the capture (warrant, order, policy)')
    .option('--actor <id>', 'who captures (default: the operating-system user)')
    .option('--data-dir <dir>', 'Vigil data folder (default: VIGIL_HOME or ./.vigil)')
    .option('--timeout-ms <n>', 'how long the page may take to load', timeoutMs, DEFAULT_TIMEOUT_MS)
    .option('--full-page', 'screenshot the whole page, not only the window (default)', true)
    .option('--no-full-page', 'screenshot only the window')
    .option('--json', 'print JSON lines', false)
    .action(async (raw: string, opts: Record<string, unknown>) => {
      // Loaded when the command runs: other commands should not pay for the database layer.
      const { openVault } = await import('../store/vault.js');
      const vault = await openVault({
        dataDir: typeof opts.dataDir === 'string' ? opts.dataDir : (io.env.VIGIL_HOME ?? '.vigil'),
        tool: { name: 'vigil', version: program.version() ?? '0.0.0' },
        now: io.now,
        randomBytes: (size) => new Uint8Array(randomBytes(size)),
      });
      const result = await capturePage({
        url: raw,
        caseId: opts.case as string,
        purpose: opts.purpose as string,
        ...(typeof opts.legalBasis === 'string' && { legalBasis: opts.legalBasis }),
        actor: { id: typeof opts.actor === 'string' ? opts.actor : defaultActor() },
        vault,
        version: program.version() ?? '0.0.0',
        chromium: io.env.VIGIL_CHROMIUM || DEFAULT_CHROMIUM,
        timeoutMs: opts.timeoutMs as number,
        fullPage: opts.fullPage !== false,
        now: io.now,
      })
        .catch((error: unknown) => {
          if (isVigilError(error)) throw error;
          throw new VigilError(
            'INPUT_UNREADABLE',
            `The capture of ${raw.slice(0, 200)} failed: ${firstLine(error)}.`,
            { cause: error },
          );
        })
        .finally(() => vault.close());
      for (const file of result.files) {
        io.stdout.write(
          opts.json === true
            ? `${JSON.stringify(file)}\n`
            : `${file.id}  ${file.role.padEnd(10)} sha256 ${file.sha256}  ${file.name}${file.duplicate ? '  (already sealed)' : ''}\n`,
        );
      }
      io.stderr.write(
        `Captured ${result.finalUrl} (HTTP ${result.status}, server ${result.ipAddress ?? 'not reported'}) into case ${opts.case}: ${result.files.length} files, ${result.images} image(s) examined.\n`,
      );
      if (result.status >= 400) {
        io.stderr.write(
          `Note: the server answered HTTP ${result.status}; the capture records that answer.\n`,
        );
      }
    });
}
