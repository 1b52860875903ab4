/**
 * `vigil evidence …`, `vigil ledger …` and `vigil verify`: sealing files into the evidence
 * vault, exporting case bundles, auditing the log, and verifying bundles offline.
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { base64 } from '@scure/base';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { canonicalize } from '../ledger/canonical-json.js';
import type { Actor } from '../ledger/custody.js';
import {
  formatVerifierKey,
  keyFingerprint,
  parseVerifierKey,
  type VerifierKey,
} from '../ledger/note.js';
import { isVigilError, VigilError } from '../shared/errors.js';
import type { RecordEventInput, Vault } from '../store/vault.js';

export interface EvidenceCliContext {
  readonly version: string;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** Default data folder (VIGIL_HOME or ./.vigil), read by the composition root. */
  readonly dataDir: string;
}

const random = (size: number): Uint8Array => new Uint8Array(randomBytes(size));

function defaultActor(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

function actorFrom(opts: Record<string, unknown>): Actor {
  return {
    id: typeof opts.actor === 'string' ? opts.actor : defaultActor(),
    ...(typeof opts.actorName === 'string' && { name: opts.actorName }),
    ...(typeof opts.role === 'string' && { role: opts.role }),
    ...(typeof opts.organisation === 'string' && { organisation: opts.organisation }),
  };
}

function addActorOptions(command: Command): Command {
  return command
    .option('--actor <id>', 'who acts (default: the operating-system user)')
    .option('--actor-name <name>', 'their full name, for the custody record')
    .option('--role <role>', 'their role (e.g. investigator, analyst)')
    .option('--organisation <name>', 'their organisation');
}

async function withVault<T>(
  ctx: EvidenceCliContext,
  opts: Record<string, unknown>,
  run: (vault: Vault) => Promise<T>,
): Promise<T> {
  // Loaded on use: the database layer is not needed by `vigil verify` or by other commands.
  const { openVault } = await import('../store/vault.js');
  const vault = await openVault({
    dataDir: typeof opts.dataDir === 'string' ? opts.dataDir : ctx.dataDir,
    tool: { name: 'vigil', version: ctx.version },
    randomBytes: random,
    ...(typeof opts.origin === 'string' && { origin: opts.origin }),
  });
  try {
    return await run(vault);
  } finally {
    await vault.close();
  }
}

const dataDirOption = (ctx: EvidenceCliContext) =>
  new Option('--data-dir <dir>', 'Vigil data folder').default(ctx.dataDir);

function progress(ctx: EvidenceCliContext, label: string) {
  let last = 0;
  return (done: bigint, total: bigint): void => {
    const now = Date.now();
    if (now - last < 500 && done !== total) return;
    last = now;
    const pct = total === 0n ? 100 : Number((done * 100n) / total);
    ctx.stderr.write(`\r${label} ${done}/${total} (${pct}%)${done === total ? '\n' : ''}`);
  };
}

async function readKeys(paths: readonly string[]): Promise<VerifierKey[]> {
  const keys: VerifierKey[] = [];
  for (const path of paths) {
    // A key may be given as its text or as a file holding one key per line.
    const text = path.includes('+')
      ? path
      : await readFile(path, 'utf8').catch((error: unknown) => {
          throw new VigilError('INPUT_NOT_FOUND', `Cannot read the key file ${path}.`, {
            cause: error,
          });
        });
    for (const line of text.split('\n').map((l) => l.trim())) {
      if (line !== '' && !line.startsWith('#')) keys.push(parseVerifierKey(line));
    }
  }
  return keys;
}

export function registerEvidenceCommands(program: Command, ctx: EvidenceCliContext): void {
  const out = (line: string) => ctx.stdout.write(`${line}\n`);

  // ---------------------------------------------------------------------------------- evidence
  const evidence = program
    .command('evidence')
    .description('Seal evidence files and export verifiable case bundles.');

  addActorOptions(
    evidence
      .command('add')
      .description('Seal files into the evidence vault and log a custody event for each.')
      .argument('<files...>', 'files to seal')
      .requiredOption('--case <id>', 'the case the evidence belongs to')
      .requiredOption('--purpose <text>', 'why it is collected')
      .option('--legal-basis <text>', 'authority for the collection (warrant, order, policy)')
      .option('--url <url>', 'where the file was collected from')
      .option('--item <source:id>', 'the Vigil item it was collected from')
      .option('--derived-from <ids>', 'evidence ids this file derives from (comma-separated)')
      .option('--media-type <type>', 'media type (default: from the file name)')
      .option('--note <text>', 'a note kept with the event')
      .option('--json', 'print JSON lines', false)
      .addOption(dataDirOption(ctx)),
  ).action(async (files: string[], opts: Record<string, unknown>) => {
    await withVault(ctx, opts, async (vault) => {
      for (const file of files) {
        const result = await vault.addEvidence({
          file,
          caseId: opts.case as string,
          purpose: opts.purpose as string,
          actor: actorFrom(opts),
          ...(typeof opts.legalBasis === 'string' && { legalBasis: opts.legalBasis }),
          ...(typeof opts.mediaType === 'string' && { mediaType: opts.mediaType }),
          ...(typeof opts.note === 'string' && { note: opts.note }),
          ...((typeof opts.url === 'string' || typeof opts.item === 'string') && {
            source: {
              ...(typeof opts.url === 'string' && { url: opts.url }),
              ...(typeof opts.item === 'string' && { item: opts.item }),
            },
          }),
          ...(typeof opts.derivedFrom === 'string' && {
            derivedFrom: opts.derivedFrom.split(',').map((id) => id.trim()),
          }),
        });
        const { evidence: item } = result;
        if (opts.json === true) {
          out(
            JSON.stringify({
              id: item.id,
              sha256: item.sha256,
              size: item.size,
              name: item.name,
              case: item.caseId,
              index: (result.index ?? item.collectedIndex).toString(),
              duplicate: result.duplicate,
            }),
          );
        } else if (result.duplicate) {
          out(`${item.id}  already sealed in case ${item.caseId} (sha256 ${item.sha256})`);
        } else {
          out(`${item.id}  sealed ${item.name} (sha256 ${item.sha256}), log entry ${result.index}`);
        }
      }
      const { checkpoint } = await vault.checkpoint();
      if (opts.json !== true)
        ctx.stderr.write(`Log ${vault.origin} now at size ${checkpoint.size}.\n`);
    });
  });

  evidence
    .command('list')
    .description("List a case's evidence.")
    .requiredOption('--case <id>', 'the case')
    .option('--json', 'print JSON lines', false)
    .addOption(dataDirOption(ctx))
    .action(async (opts: Record<string, unknown>) => {
      await withVault(ctx, opts, async (vault) => {
        const items = await vault.listEvidence(opts.case as string);
        for (const item of items) {
          out(
            opts.json === true
              ? JSON.stringify({ ...item, collectedIndex: item.collectedIndex.toString() })
              : `${item.id}  ${item.sha256}  ${item.size.toLocaleString('en-US').padStart(12)} B  ${item.name}`,
          );
        }
        if (opts.json !== true)
          ctx.stderr.write(`${items.length} evidence file(s) in case ${opts.case}.\n`);
      });
    });

  evidence
    .command('show')
    .description('Show one piece of evidence and its chain of custody.')
    .argument('<id>', 'evidence id')
    .addOption(dataDirOption(ctx))
    .action(async (id: string, opts: Record<string, unknown>) => {
      await withVault(ctx, opts, async (vault) => {
        const { evidence: item, events } = await vault.evidenceEvents(id);
        out(`${item.id}  ${item.name}  (${item.mediaType}, ${item.size} bytes)`);
        out(`case ${item.caseId}, sha256 ${item.sha256}`);
        for (const { index, event } of events) {
          out(
            `  #${index}  ${event.time}  ${event.type.padEnd(11)} ${event.actor.id}: ${event.purpose}`,
          );
        }
      });
    });

  addActorOptions(
    evidence
      .command('log')
      .description(
        'Record a custody event about sealed evidence: accessed, annotated, transferred, received, verified or disposed.',
      )
      .argument('<ids...>', 'evidence ids')
      .addOption(
        new Option('--type <type>', 'what happened')
          .choices(['accessed', 'annotated', 'transferred', 'received', 'verified', 'disposed'])
          .makeOptionMandatory(),
      )
      .requiredOption('--case <id>', 'the case the event belongs to')
      .requiredOption('--purpose <text>', 'why')
      .option('--legal-basis <text>', 'authority for it')
      .option('--party <name>', 'the other party (required for transferred and received)')
      .option('--note <text>', 'a note (required for annotated)')
      .addOption(dataDirOption(ctx)),
  ).action(async (ids: string[], opts: Record<string, unknown>) => {
    await withVault(ctx, opts, async (vault) => {
      const index = await vault.recordEvent({
        type: opts.type as RecordEventInput['type'],
        evidenceIds: ids,
        caseId: opts.case as string,
        purpose: opts.purpose as string,
        actor: actorFrom(opts),
        ...(typeof opts.legalBasis === 'string' && { legalBasis: opts.legalBasis }),
        ...(typeof opts.party === 'string' && { counterparty: opts.party }),
        ...(typeof opts.note === 'string' && { note: opts.note }),
      });
      out(`Logged ${opts.type} for ${ids.join(', ')} as log entry ${index}.`);
    });
  });

  addActorOptions(
    evidence
      .command('export')
      .description(
        "Export a case's evidence, custody events, inclusion proofs and a signed checkpoint as a bundle anyone can verify offline.",
      )
      .requiredOption('--case <id>', 'the case to export')
      .requiredOption('--out <path>', 'bundle folder to create (or zip file with --zip)')
      .option('--zip', 'write one zip file instead of a folder', false)
      .option('--purpose <text>', 'why it is exported', 'Evidence export')
      .option('--legal-basis <text>', 'authority for the disclosure')
      .option('--to <recipient>', 'who receives the bundle')
      .addOption(dataDirOption(ctx)),
  ).action(async (opts: Record<string, unknown>) => {
    await withVault(ctx, opts, async (vault) => {
      const result = await vault.exportBundle({
        caseId: opts.case as string,
        out: opts.out as string,
        zip: opts.zip === true,
        actor: actorFrom(opts),
        purpose: opts.purpose as string,
        ...(typeof opts.legalBasis === 'string' && { legalBasis: opts.legalBasis }),
        ...(typeof opts.to === 'string' && { recipient: opts.to }),
      });
      out(
        `Wrote ${result.path}: ${result.evidence} evidence file(s), ${result.events} custody event(s), checkpoint at size ${result.checkpoint.size}.`,
      );
      out(`Verify with: vigil verify ${result.path} --key <the log key, from ${vault.origin}>`);
    });
  });

  // ---------------------------------------------------------------------------------- verify
  program
    .command('verify')
    .description(
      'Verify an evidence bundle (folder or zip) offline: every file, every custody event, every proof, the signatures.',
    )
    .argument('<bundle>', 'bundle folder or zip')
    .option(
      '--key <key>',
      "trusted log key: a verifier key or a file of them (repeatable); without it the bundle's own key is used and only integrity is proven",
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--json', 'print the result as JSON', false)
    .action(async (path: string, opts: Record<string, unknown>) => {
      const trustedKeys = Array.isArray(opts.key)
        ? await readKeys(opts.key as string[])
        : undefined;
      const { openBundle } = await import('../store/bundle-io.js');
      const { verifyBundle } = await import('../ledger/bundle.js');
      const source = await openBundle(path);
      try {
        const result = await verifyBundle(source, trustedKeys === undefined ? {} : { trustedKeys });
        if (opts.json === true) {
          out(
            JSON.stringify({
              ok: true,
              case: result.case,
              origin: result.origin,
              size: result.size.toString(),
              root: base64.encode(result.root),
              trust: result.trust,
              keys: result.keys,
              evidence: result.evidence,
              events: result.events,
              bytes: result.bytes,
            }),
          );
          return;
        }
        out(`OK: bundle for case ${result.case} verified.`);
        out(
          `  ${result.evidence.length} evidence file(s), ${result.events} custody event(s), ${result.bytes.toLocaleString('en-US')} bytes checked`,
        );
        out(`  log ${result.origin} at size ${result.size}, root ${base64.encode(result.root)}`);
        for (const key of result.keys)
          out(`  signed by ${key.key}\n    fingerprint ${key.fingerprint}`);
        if (result.trust === 'bundle') {
          out(
            "  NOTE: verified with the key inside the bundle. This proves the bundle is intact, not who made it: compare the fingerprint with the log operator's, or pass --key.",
          );
        }
      } catch (error) {
        if (isVigilError(error) && opts.json === true) {
          out(JSON.stringify({ ok: false, error: error.toJSON() }));
        } else if (isVigilError(error)) {
          const where = typeof error.details?.path === 'string' ? ` at ${error.details.path}` : '';
          ctx.stderr.write(`FAILED${where}: ${error.code}\n`);
        }
        throw error;
      } finally {
        await source.close();
      }
    });

  // ---------------------------------------------------------------------------------- ledger
  const ledger = program
    .command('ledger')
    .description('The custody log: checkpoints, audits, consistency proofs, keys.');

  ledger
    .command('init')
    .description('Create the log and its signing key (done on first use otherwise).')
    .option('--origin <name>', "the log's name, e.g. example.org/vigil/evidence")
    .addOption(dataDirOption(ctx))
    .action(async (opts: Record<string, unknown>) => {
      await withVault(ctx, opts, async (vault) => {
        const keys = await vault.keys();
        out(`Log ${vault.origin}`);
        for (const { key } of keys) out(`  key ${formatKeyLine(key)}`);
      });
    });

  ledger
    .command('checkpoint')
    .description("Print the log's signed checkpoint at its current size (signing one if needed).")
    .option('-o, --out <file>', 'also write it to a file (keep it: it proves what the log held)')
    .addOption(dataDirOption(ctx))
    .action(async (opts: Record<string, unknown>) => {
      await withVault(ctx, opts, async (vault) => {
        const { note } = await vault.checkpoint();
        if (typeof opts.out === 'string') await writeText(opts.out, note);
        ctx.stdout.write(note);
      });
    });

  ledger
    .command('verify')
    .description(
      'Recompute the whole stored log: every entry, every tree node, every checkpoint, every evidence record.',
    )
    .addOption(dataDirOption(ctx))
    .action(async (opts: Record<string, unknown>) => {
      await withVault(ctx, opts, async (vault) => {
        const result = await vault.verifyLog(progress(ctx, 'Checking log entries'));
        out(
          `OK: log ${vault.origin} verified: ${result.size} entries, ${result.checkpoints} checkpoint(s), ${result.evidence} evidence record(s); root ${base64.encode(result.root)}.`,
        );
      });
    });

  ledger
    .command('prove-consistency')
    .description('Prove the log only grew since a checkpoint you kept.')
    .requiredOption('--from <file>', 'an earlier signed checkpoint of this log')
    .option('-o, --out <file>', 'write the proof and the current checkpoint as JSON')
    .addOption(dataDirOption(ctx))
    .action(async (opts: Record<string, unknown>) => {
      const old = await readFile(opts.from as string, 'utf8').catch((error: unknown) => {
        throw new VigilError('INPUT_NOT_FOUND', `Cannot read the checkpoint ${opts.from}.`, {
          cause: error,
        });
      });
      await withVault(ctx, opts, async (vault) => {
        const result = await vault.proveConsistency(old);
        const json = {
          format: 'vigil.consistency/v1',
          origin: vault.origin,
          from: { size: result.from.size.toString(), root: base64.encode(result.from.root) },
          to: {
            size: result.to.checkpoint.size.toString(),
            root: base64.encode(result.to.checkpoint.root),
            checkpoint: result.to.note,
          },
          proof: result.proof.map((hash) => base64.encode(hash)),
        };
        if (typeof opts.out === 'string')
          await writeText(opts.out, `${JSON.stringify(json, null, 2)}\n`);
        out(
          `OK: the log grew from ${result.from.size} to ${result.to.checkpoint.size} entries without changing any of the first ${result.from.size} (consistency proof of ${result.proof.length} hashes verified).`,
        );
      });
    });

  ledger
    .command('prove')
    .description(
      'Write the inclusion proof of one log entry as a C2SP tlog-proof file (c2sp.org/tlog-proof), with the entry beside it.',
    )
    .requiredOption('--index <n>', 'the log entry', (value: string) => {
      if (!/^(0|[1-9][0-9]{0,18})$/.test(value)) {
        throw new InvalidArgumentError('expected a log entry number');
      }
      return BigInt(value);
    })
    .requiredOption(
      '-o, --out <file>',
      'the .tlog-proof file to write; the entry goes to FILE.json',
    )
    .addOption(dataDirOption(ctx))
    .action(async (opts: Record<string, unknown>) => {
      await withVault(ctx, opts, async (vault) => {
        const { event, tlogProof } = await vault.proveInclusion(opts.index as bigint);
        await writeText(opts.out as string, tlogProof);
        // The leaf is the entry's canonical JSON (RFC 8785): written as such, it can be hashed.
        await writeText(`${opts.out}.json`, canonicalize(event));
        out(`Wrote ${opts.out} (entry ${opts.index}: ${event.type} by ${event.actor.id}).`);
      });
    });

  ledger
    .command('keys')
    .description("List the log's keys with their fingerprints.")
    .addOption(dataDirOption(ctx))
    .action(async (opts: Record<string, unknown>) => {
      await withVault(ctx, opts, async (vault) => {
        // Keys on stdout (`vigil ledger keys > log.pub` gives a file for `verify --key`),
        // their state on stderr.
        for (const { key, createdAt, retiredAt } of await vault.keys()) {
          out(formatVerifierKey(key));
          ctx.stderr.write(
            `  fingerprint ${keyFingerprint(key)}, created ${createdAt}${retiredAt ? `, retired ${retiredAt}` : ', active'}\n`,
          );
        }
      });
    });

  ledger
    .command('rotate-key')
    .description(
      'Replace the signing key. The new checkpoint carries both signatures; old checkpoints stay verifiable.',
    )
    .addOption(dataDirOption(ctx))
    .action(async (opts: Record<string, unknown>) => {
      await withVault(ctx, opts, async (vault) => {
        const { previous, next, checkpoint } = await vault.rotateKey();
        out(`Retired ${formatKeyLine(previous)}`);
        out(`Active  ${formatKeyLine(next)}`);
        out(`Checkpoint at size ${checkpoint.checkpoint.size} signed by both.`);
      });
    });
}

function formatKeyLine(key: VerifierKey): string {
  return `${formatVerifierKey(key)}  (fingerprint ${keyFingerprint(key)})`;
}

async function writeText(path: string, text: string): Promise<void> {
  await writeFile(path, text).catch((error: unknown) => {
    throw new VigilError('OUTPUT_UNWRITABLE', `Cannot write ${path}.`, { cause: error });
  });
}
