/**
 * `vigil case evidence|capture|export`: a case's evidence, online captures into it and its
 * court package, through the units of work of the API (store/evidence-service.ts) on the
 * configured store. The evidence files and the log's signing key are in the data folder; the
 * log is in the store's database, the same one the server and its workers use.
 */
import { capturePage, DEFAULT_TIMEOUT_MS } from '../jobs/page-capture.js';
import { VigilError } from '../shared/errors.js';
import { VIGIL_VERSION } from '../shared/version.js';
import { requireCaseAccess } from '../store/case-service.js';
import { caseEvidence, exportCourtPackage } from '../store/evidence-service.js';
import { parseMasterKey } from '../store/sealed-records.js';
import { json, table, withCommandVault } from './acting.js';
import { type CaseFlags, checkId, withCase } from './case-run.js';
import { configOf, type ServiceIo } from './service-run.js';

const MAX_TEXT = 500;

function checkText(value: string | undefined, option: string): void {
  if (value !== undefined && (value.trim() === '' || value.length > MAX_TEXT)) {
    throw new VigilError('CLI_USAGE', `${option} must be 1 to ${MAX_TEXT} characters.`);
  }
}

export async function caseEvidenceList(
  caseId: string,
  flags: CaseFlags,
  io: ServiceIo,
): Promise<void> {
  checkId(caseId, 'case id');
  const { dataDir } = configOf(flags, io);
  await withCase(flags, io, ({ store, who }) =>
    withCommandVault(store, dataDir, io.now, async (vault) => {
      const { evidence, captures } = await caseEvidence(store, vault, caseId, who);
      if (flags.json === true) {
        io.stdout.write(
          json({
            items: evidence.map((e) => ({ ...e, collectedIndex: e.collectedIndex.toString() })),
            captures,
          }),
        );
        return;
      }
      io.stdout.write(
        evidence.length === 0
          ? `Case ${caseId} holds no evidence yet.\n`
          : table(
              ['ID', 'SEALED', 'BYTES', 'SHA-256', 'NAME'],
              evidence.map((e) => [e.id, e.createdAt, String(e.size), e.sha256, e.name]),
            ),
      );
      const open = captures.filter((c) => c.state === 'waiting' || c.state === 'running');
      if (open.length > 0) io.stdout.write(`${open.length} capture(s) still waiting or running.\n`);
    }),
  );
}

export async function caseCapture(
  caseId: string,
  url: string,
  flags: CaseFlags & { purpose?: string; legalBasis?: string; timeoutMs?: number },
  io: ServiceIo,
): Promise<void> {
  checkId(caseId, 'case id');
  checkText(flags.purpose, '--purpose');
  checkText(flags.legalBasis, '--legal-basis');
  const config = configOf(flags, io);
  await withCase(flags, io, async ({ store, who }) => {
    // The same rule as the API: members other than observers add evidence.
    await requireCaseAccess(store, caseId, { id: who.accountId, roles: who.roles }, 'write');
    await withCommandVault(store, config.dataDir, io.now, async (vault) => {
      const result = await capturePage({
        url,
        caseId,
        purpose: flags.purpose ?? 'Preserve online content as evidence',
        ...(flags.legalBasis !== undefined && { legalBasis: flags.legalBasis }),
        actor: { id: who.actor },
        vault,
        version: VIGIL_VERSION,
        chromium: io.env.VIGIL_CHROMIUM || config.chromium,
        timeoutMs: flags.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        now: io.now,
      });
      if (flags.json === true) {
        io.stdout.write(json(result));
        return;
      }
      for (const file of result.files) {
        io.stdout.write(
          `${file.id}  ${file.role.padEnd(10)} sha256 ${file.sha256}  ${file.name}\n`,
        );
      }
      io.stderr.write(
        `Captured ${result.finalUrl} (HTTP ${result.status}, server ${result.ipAddress ?? 'not reported'}) into case ${caseId}: ${result.files.length} files.\n`,
      );
    });
  });
}

export async function caseExport(
  caseId: string,
  flags: CaseFlags & {
    out: string;
    zip?: boolean;
    purpose?: string;
    recipient?: string;
    legalBasis?: string;
    includeVictimData?: boolean;
    authorization?: string;
  },
  io: ServiceIo,
): Promise<void> {
  checkId(caseId, 'case id');
  checkText(flags.purpose, '--purpose');
  checkText(flags.recipient, '--recipient');
  checkText(flags.legalBasis, '--legal-basis');
  if (flags.includeVictimData === true) {
    checkText(flags.authorization ?? '', '--authorization');
  } else if (flags.authorization !== undefined) {
    throw new VigilError(
      'CLI_USAGE',
      '--authorization goes with --include-victim-data; without it, victim data is withheld.',
    );
  }
  const config = configOf(flags, io);
  const settings =
    config.victimMasterKey === undefined
      ? {}
      : { masterKey: parseMasterKey(config.victimMasterKey) };
  await withCase(flags, io, ({ store, who, now }) =>
    withCommandVault(store, config.dataDir, io.now, async (vault) => {
      const result = await exportCourtPackage(
        store,
        vault,
        settings,
        caseId,
        {
          out: flags.out,
          ...(flags.zip === true && { zip: true }),
          ...(flags.purpose !== undefined && { purpose: flags.purpose }),
          ...(flags.recipient !== undefined && { recipient: flags.recipient }),
          ...(flags.legalBasis !== undefined && { legalBasis: flags.legalBasis }),
          ...(flags.includeVictimData === true && {
            victimData: { authorization: flags.authorization ?? '' },
          }),
        },
        now,
        who,
      );
      if (flags.json === true) {
        io.stdout.write(json(result));
        return;
      }
      io.stdout.write(
        `Wrote the court package of case ${caseId} to ${result.path}: ${result.exhibits} exhibit(s), ${result.events} custody event(s), case-report.html; victim data ${result.victimDataIncluded ? 'INCLUDED' : 'withheld'}.\n` +
          `Verify it with: vigil verify ${result.path} --key log.pub (vigil ledger keys > log.pub)\n`,
      );
    }),
  );
}
