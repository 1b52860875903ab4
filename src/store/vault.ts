/**
 * The evidence vault: sealed evidence files, their custody events in the Merkle log, signed
 * checkpoints and bundle export. It wires the pure `ledger` module to the database, the
 * evidence store and the key files; the command line (and later the server) call it.
 *
 * Every operation that changes custody appends its event in the same transaction as the rows
 * that index it, so an acknowledged event and its evidence record are never apart.
 */
import { mkdir } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import { basename, extname, join } from 'node:path';
import { hex } from '@scure/base';
import { type BundleEvidence, planBundle } from '../ledger/bundle.js';
import { parseCanonical } from '../ledger/canonical-json.js';
import {
  type Checkpoint,
  formatTlogProof,
  openCheckpoint,
  signCheckpoint,
} from '../ledger/checkpoint.js';
import {
  type Actor,
  CUSTODY_FORMAT,
  type CustodyEvent,
  type CustodyEventType,
  custodyLeaf,
  type EvidenceRef,
  parseCustodyEvent,
} from '../ledger/custody.js';
import { type Hash, verifyConsistency } from '../ledger/merkle.js';
import { addSignatures, type VerifierKey, verifyNote } from '../ledger/note.js';
import { isVigilError, VigilError } from '../shared/errors.js';
import { type BlobStore, createFsBlobStore } from './blobs.js';
import { assertFreeTarget, writeBundleFolder, writeBundleZip } from './bundle-io.js';
import { type Db, type EvidenceTable, openDatabase } from './database.js';
import { type KeyRing, openKeyRing } from './keys.js';
import { createLedgerStore, type LedgerStore } from './ledger-store.js';

export interface VaultOptions {
  /** The data folder (default `./.vigil` in the command line). */
  readonly dataDir: string;
  readonly tool: { readonly name: string; readonly version: string };
  readonly host?: string;
  readonly now?: () => Date;
  readonly randomBytes: (size: number) => Uint8Array;
  /** The log's name, fixed when the log is created. */
  readonly origin?: string;
}

export interface EvidenceRecord extends BundleEvidence {
  readonly caseId: string;
  readonly collectedIndex: bigint;
  readonly createdAt: string;
}

export interface AddEvidenceInput {
  readonly file: string;
  readonly caseId: string;
  readonly purpose: string;
  readonly actor: Actor;
  readonly legalBasis?: string;
  readonly name?: string;
  readonly mediaType?: string;
  readonly source?: { readonly item?: string; readonly url?: string };
  /** Evidence ids this file was derived from (a redacted copy, a screenshot of a page). */
  readonly derivedFrom?: readonly string[];
  readonly note?: string;
}

export interface RecordEventInput {
  readonly type: Exclude<CustodyEventType, 'collected' | 'derived'>;
  readonly evidenceIds: readonly string[];
  readonly caseId: string;
  readonly purpose: string;
  readonly actor: Actor;
  readonly legalBasis?: string;
  readonly counterparty?: string;
  readonly note?: string;
}

export interface ExportInput {
  readonly caseId: string;
  readonly out: string;
  readonly zip?: boolean;
  readonly actor: Actor;
  readonly purpose: string;
  readonly legalBasis?: string;
  readonly recipient?: string;
  /** Documents sealed with the bundle, e.g. a case report (ledger/bundle.ts `documents`). */
  readonly documents?: (bundle: {
    readonly exportEvent: LoggedEvent;
    readonly evidence: readonly EvidenceRecord[];
    readonly events: readonly LoggedEvent[];
    readonly checkpointSize: bigint;
  }) => readonly { readonly path: string; readonly bytes: Uint8Array }[];
}

export interface SignedCheckpoint {
  readonly note: string;
  readonly checkpoint: Checkpoint;
}

export interface ConsistencyResult {
  readonly from: Checkpoint;
  readonly to: SignedCheckpoint;
  readonly proof: readonly Hash[];
}

export interface Vault {
  readonly origin: string;
  readonly dataDir: string;
  addEvidence(
    input: AddEvidenceInput,
  ): Promise<{ evidence: EvidenceRecord; index: bigint | undefined; duplicate: boolean }>;
  recordEvent(input: RecordEventInput): Promise<bigint>;
  listEvidence(caseId: string): Promise<EvidenceRecord[]>;
  evidenceEvents(id: string): Promise<{ evidence: EvidenceRecord; events: LoggedEvent[] }>;
  /** The log's checkpoint at its current size, signing a new one if the log grew. */
  checkpoint(): Promise<SignedCheckpoint>;
  exportBundle(input: ExportInput): Promise<{
    readonly path: string;
    readonly evidence: number;
    readonly events: number;
    readonly checkpoint: Checkpoint;
  }>;
  /** Recomputes the stored log, every event and every checkpoint; throws LEDGER_CORRUPT. */
  verifyLog(onProgress?: (done: bigint, total: bigint) => void): Promise<{
    readonly size: bigint;
    readonly root: Hash;
    readonly checkpoints: number;
    readonly evidence: number;
  }>;
  proveConsistency(oldCheckpointNote: string): Promise<ConsistencyResult>;
  /** One entry's inclusion proof to the current checkpoint, as a C2SP tlog-proof file. */
  proveInclusion(
    index: bigint,
  ): Promise<{ readonly event: CustodyEvent; readonly tlogProof: string }>;
  rotateKey(): Promise<{ previous: VerifierKey; next: VerifierKey; checkpoint: SignedCheckpoint }>;
  keys(): Promise<readonly { key: VerifierKey; createdAt: string; retiredAt: string | null }[]>;
  close(): Promise<void>;
}

export interface LoggedEvent {
  readonly index: bigint;
  readonly event: CustodyEvent;
}

const MEDIA_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.html': 'text/html',
  '.htm': 'text/html',
  '.txt': 'text/plain',
  '.json': 'application/json',
  '.jsonl': 'application/x-ndjson',
  '.csv': 'text/csv',
  '.pdf': 'application/pdf',
  '.warc': 'application/warc',
  '.mp4': 'video/mp4',
  '.zip': 'application/zip',
};

export function guessMediaType(name: string): string {
  return MEDIA_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';
}

function newEvidenceId(randomBytes: (size: number) => Uint8Array): string {
  return `ev_${hex.encode(randomBytes(8))}`;
}

function toRecord(row: EvidenceTable): EvidenceRecord {
  return {
    id: row.id,
    caseId: row.case_id,
    sha256: row.sha256,
    size: Number(row.size),
    name: row.name,
    mediaType: row.media_type,
    collectedIndex: BigInt(row.collected_idx),
    createdAt: row.created_at,
  };
}

const ref = (record: EvidenceRecord): EvidenceRef => ({ id: record.id, sha256: record.sha256 });
const fullRef = (record: EvidenceRecord): EvidenceRef => ({
  id: record.id,
  sha256: record.sha256,
  size: record.size,
  name: record.name,
  mediaType: record.mediaType,
});

function decodeEvent(index: bigint, bytes: Uint8Array): CustodyEvent {
  try {
    return parseCustodyEvent(parseCanonical(bytes));
  } catch (error) {
    throw new VigilError(
      'LEDGER_CORRUPT',
      `Log entry ${index} is not a valid custody event. Do not write to the log; restore it ` +
        'from a copy and keep this database for examination.',
      { details: { index: index.toString() }, cause: error },
    );
  }
}

export async function openVault(options: VaultOptions): Promise<Vault> {
  const now = options.now ?? (() => new Date());
  const host = options.host ?? osHostname();
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 }).catch((error: unknown) => {
    throw new VigilError(
      'STORE_UNAVAILABLE',
      'Cannot create the data folder (--data-dir). Check the path and its permissions.',
      { cause: error },
    );
  });
  const db: Db = await openDatabase({ path: join(options.dataDir, 'vigil.db') });
  try {
    const ring: KeyRing = await openKeyRing({
      db,
      keysDir: join(options.dataDir, 'keys'),
      now,
      randomBytes: options.randomBytes,
      ...(options.origin === undefined ? {} : { origin: options.origin }),
    });
    const ledger = createLedgerStore(db);
    const blobs = createFsBlobStore(join(options.dataDir, 'evidence'));
    return createVault({
      ...options,
      now,
      host,
      db,
      ring,
      ledger,
      blobs,
      close: () => db.destroy(),
    });
  } catch (error) {
    await db.destroy();
    throw error;
  }
}

/**
 * The vault over the service's own database and ledger (SQLite or PostgreSQL): the server and
 * its workers seal and export evidence in the same log as ingest and victim-record events. The
 * evidence files and the signing key stay in `dataDir`. Closing it leaves the database open.
 */
export async function openStoreVault(
  options: VaultOptions & { readonly db: Db; readonly ledger: LedgerStore },
): Promise<Vault> {
  const now = options.now ?? (() => new Date());
  const ring = await openKeyRing({
    db: options.db,
    keysDir: join(options.dataDir, 'keys'),
    now,
    randomBytes: options.randomBytes,
    ...(options.origin === undefined ? {} : { origin: options.origin }),
  });
  return createVault({
    ...options,
    now,
    host: options.host ?? osHostname(),
    ring,
    blobs: createFsBlobStore(join(options.dataDir, 'evidence')),
    close: async () => {},
  });
}

/**
 * The vault of a store's database, opened on first use and kept (a server's routes, a worker's
 * handler): a failed opening is retried at the next use.
 */
export function lazyStoreVault(
  store: { readonly db: Db; readonly ledger?: LedgerStore },
  options: VaultOptions,
): () => Promise<Vault> {
  let vault: Promise<Vault> | undefined;
  return () => {
    if (store.ledger === undefined) {
      return Promise.reject(
        new VigilError('STORE_UNAVAILABLE', 'This store has no evidence ledger to seal into.'),
      );
    }
    vault ??= openStoreVault({ ...options, db: store.db, ledger: store.ledger }).catch(
      (error: unknown) => {
        vault = undefined;
        throw error;
      },
    );
    return vault;
  };
}

/** Runs `work` with the vault of a store's database (a command), closing it after. */
export async function withStoreVault<T>(
  store: { readonly db: Db; readonly ledger?: LedgerStore },
  options: VaultOptions,
  work: (vault: Vault) => Promise<T>,
): Promise<T> {
  const vault = await lazyStoreVault(store, options)();
  try {
    return await work(vault);
  } finally {
    await vault.close();
  }
}

interface VaultParts extends VaultOptions {
  readonly now: () => Date;
  readonly host: string;
  readonly db: Db;
  readonly ring: KeyRing;
  readonly ledger: LedgerStore;
  readonly blobs: BlobStore;
  readonly close: () => Promise<void>;
}

function createVault(parts: VaultParts): Vault {
  const { db, ring, ledger, blobs, now, host, tool } = parts;

  const common = (caseId: string, purpose: string, actor: Actor, legalBasis?: string) => ({
    format: CUSTODY_FORMAT,
    time: now().toISOString(),
    actor,
    case: caseId,
    purpose,
    ...(legalBasis === undefined ? {} : { legalBasis }),
    tool: { name: tool.name, version: tool.version },
    host,
  });

  async function evidenceById(ids: readonly string[]): Promise<EvidenceRecord[]> {
    if (ids.length === 0) return [];
    const rows = await db.selectFrom('evidence').selectAll().where('id', 'in', ids).execute();
    const found = new Map(rows.map((row) => [row.id, toRecord(row)]));
    return ids.map((id) => {
      const record = found.get(id);
      if (record === undefined) {
        throw new VigilError('EVIDENCE_NOT_FOUND', `No evidence has the id ${id}.`, {
          details: { id },
        });
      }
      return record;
    });
  }

  /** Appends one event with its index rows, in one transaction. */
  async function appendEvent(
    event: CustodyEvent,
    links: readonly { evidenceId: string; caseId: string }[],
    also?: Parameters<LedgerStore['append']>[1],
  ): Promise<bigint> {
    const leaf = custodyLeaf(event);
    const { first } = await ledger.append([leaf], async (trx, index) => {
      if (links.length > 0) {
        await trx
          .insertInto('custody_link')
          .values(
            links.map((link) => ({
              leaf_idx: Number(index),
              evidence_id: link.evidenceId,
              case_id: link.caseId,
            })),
          )
          .execute();
      }
      await also?.(trx, index);
    });
    return first;
  }

  async function readEvents(indices: readonly bigint[]): Promise<LoggedEvent[]> {
    const events: LoggedEvent[] = [];
    for (const index of indices) {
      events.push({ index, event: decodeEvent(index, await ledger.leaf(index)) });
    }
    return events;
  }

  async function eventIndicesFor(evidenceIds: readonly string[]): Promise<bigint[]> {
    if (evidenceIds.length === 0) return [];
    const indices = new Set<bigint>();
    // Chunked: SQLite and PostgreSQL both cap the number of bound parameters.
    for (let i = 0; i < evidenceIds.length; i += 500) {
      const rows = await db
        .selectFrom('custody_link')
        .select('leaf_idx')
        .where('evidence_id', 'in', evidenceIds.slice(i, i + 500))
        .execute();
      for (const row of rows) indices.add(BigInt(row.leaf_idx));
    }
    return [...indices].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  async function signedCheckpoint(): Promise<SignedCheckpoint> {
    const size = await ledger.size();
    const latest = await ledger.latestCheckpoint();
    const keys = (await ring.all()).map((entry) => entry.key);
    if (latest !== undefined) {
      const opened = openCheckpoint(latest.note, keys, { origin: ring.origin });
      // A log must never sign a checkpoint inconsistent with one it signed before (C2SP
      // tlog-checkpoint): check the stored tree still has the old root at the old size.
      const oldRoot = await ledger.root(opened.checkpoint.size);
      if (hex.encode(oldRoot) !== hex.encode(opened.checkpoint.root)) {
        throw new VigilError(
          'LEDGER_CORRUPT',
          `The stored log no longer matches its checkpoint at size ${opened.checkpoint.size}. ` +
            'Do not write to the log; run `vigil ledger verify` and restore from a copy.',
          { details: { size: opened.checkpoint.size.toString() } },
        );
      }
      if (latest.size === size) return { note: latest.note, checkpoint: opened.checkpoint };
    }
    const checkpoint: Checkpoint = {
      origin: ring.origin,
      size,
      root: await ledger.root(size),
      extensions: [],
    };
    const note = signCheckpoint(checkpoint, [await ring.signer()]);
    await ledger.saveCheckpoint(size, note, now().toISOString());
    return { note, checkpoint };
  }

  return {
    origin: ring.origin,
    dataDir: parts.dataDir,

    async addEvidence(input) {
      const sources = await evidenceById(input.derivedFrom ?? []);
      let stored: Awaited<ReturnType<BlobStore['putFile']>>;
      try {
        stored = await blobs.putFile(input.file);
      } catch (error) {
        if (isVigilError(error)) throw error;
        throw new VigilError('EVIDENCE_UNREADABLE', 'Cannot read the file to seal.', {
          cause: error,
        });
      }
      const duplicate = await db
        .selectFrom('evidence')
        .selectAll()
        .where('case_id', '=', input.caseId)
        .where('sha256', '=', stored.sha256)
        .executeTakeFirst();
      if (duplicate !== undefined) {
        return { evidence: toRecord(duplicate), index: undefined, duplicate: true };
      }
      const record: EvidenceRecord = {
        id: newEvidenceId(parts.randomBytes),
        caseId: input.caseId,
        sha256: stored.sha256,
        size: stored.size,
        name: input.name ?? basename(input.file),
        mediaType: input.mediaType ?? guessMediaType(input.name ?? input.file),
        collectedIndex: 0n,
        createdAt: now().toISOString(),
      };
      const event = parseCustodyEvent({
        ...common(input.caseId, input.purpose, input.actor, input.legalBasis),
        type: sources.length > 0 ? 'derived' : 'collected',
        evidence: [fullRef(record)],
        ...(sources.length > 0 ? { derivedFrom: sources.map(ref) } : {}),
        ...(input.source === undefined ? {} : { source: input.source }),
        ...(input.note === undefined ? {} : { note: input.note }),
      });
      const links = [record, ...sources].map((item) => ({
        evidenceId: item.id,
        caseId: item.caseId,
      }));
      const index = await appendEvent(event, links, async (trx, first) => {
        await trx
          .insertInto('evidence')
          .values({
            id: record.id,
            case_id: record.caseId,
            sha256: record.sha256,
            size: record.size,
            name: record.name,
            media_type: record.mediaType,
            collected_idx: Number(first),
            created_at: record.createdAt,
          })
          .execute();
      });
      return { evidence: { ...record, collectedIndex: index }, index, duplicate: false };
    },

    async recordEvent(input) {
      const evidence = await evidenceById(input.evidenceIds);
      const event = parseCustodyEvent({
        ...common(input.caseId, input.purpose, input.actor, input.legalBasis),
        type: input.type,
        evidence: evidence.map(ref),
        ...(input.counterparty === undefined ? {} : { counterparty: input.counterparty }),
        ...(input.note === undefined ? {} : { note: input.note }),
      });
      return appendEvent(
        event,
        evidence.map((item) => ({ evidenceId: item.id, caseId: item.caseId })),
      );
    },

    async listEvidence(caseId) {
      const rows = await db
        .selectFrom('evidence')
        .selectAll()
        .where('case_id', '=', caseId)
        .orderBy('collected_idx')
        .execute();
      return rows.map(toRecord);
    },

    async evidenceEvents(id) {
      const [evidence] = await evidenceById([id]);
      if (evidence === undefined) throw new VigilError('EVIDENCE_NOT_FOUND', `No evidence ${id}.`);
      return { evidence, events: await readEvents(await eventIndicesFor([id])) };
    },

    checkpoint: signedCheckpoint,

    async exportBundle(input) {
      const evidence = await this.listEvidence(input.caseId);
      if (evidence.length === 0) {
        throw new VigilError(
          'EVIDENCE_NOT_FOUND',
          `Case ${input.caseId} has no evidence to export. Seal files with \`vigil evidence add\`.`,
          { details: { case: input.caseId } },
        );
      }
      const out = input.zip && !input.out.endsWith('.zip') ? `${input.out}.zip` : input.out;
      // Checked before the export is logged, so that a refused export leaves no event.
      await assertFreeTarget(out);
      const exportEvent = await this.recordEvent({
        type: 'exported',
        evidenceIds: evidence.map((item) => item.id),
        caseId: input.caseId,
        purpose: input.purpose,
        actor: input.actor,
        ...(input.legalBasis === undefined ? {} : { legalBasis: input.legalBasis }),
        ...(input.recipient === undefined ? {} : { counterparty: input.recipient }),
      });
      const signed = await signedCheckpoint();
      const events = await readEvents(await eventIndicesFor(evidence.map((item) => item.id)));
      const withProofs = [];
      for (const { index, event } of events) {
        withProofs.push({
          index,
          event,
          proof: await ledger.inclusionProof(index, signed.checkpoint.size),
        });
      }
      const signer = await ring.signer();
      const planned = planBundle({
        caseId: input.caseId,
        origin: ring.origin,
        checkpoint: signed.note,
        checkpointSize: signed.checkpoint.size,
        // The keys that signed this checkpoint (two of them right after a key rotation).
        keys: verifyNote(
          signed.note,
          (await ring.all()).map((entry) => entry.key),
        ).verified,
        signer,
        evidence,
        events: withProofs,
        exportEvent,
        ...(input.documents !== undefined && {
          documents: input.documents({
            exportEvent: events.find(({ index }) => index === exportEvent) as LoggedEvent,
            evidence,
            events,
            checkpointSize: signed.checkpoint.size,
          }),
        }),
      });
      if (input.zip) await writeBundleZip(planned, blobs, out);
      else await writeBundleFolder(planned, blobs, out);
      return {
        path: out,
        evidence: evidence.length,
        events: events.length,
        checkpoint: signed.checkpoint,
      };
    },

    async verifyLog(onProgress) {
      const { size, root } = await ledger.verify(onProgress);
      // Every entry must be a valid custody event in canonical form.
      for await (const { index, data } of ledger.leaves(0n, size)) decodeEvent(index, data);
      const keys = (await ring.all()).map((entry) => entry.key);
      let checkpoints = 0;
      for await (const stored of ledger.checkpoints()) {
        let opened: ReturnType<typeof openCheckpoint>;
        try {
          opened = openCheckpoint(stored.note, keys, { origin: ring.origin });
        } catch (error) {
          throw new VigilError(
            'LEDGER_CORRUPT',
            `The stored checkpoint at size ${stored.size} does not verify with the log's keys.`,
            { details: { checkpoint: stored.size.toString() }, cause: error },
          );
        }
        const expected = await ledger.root(opened.checkpoint.size);
        if (
          opened.checkpoint.size !== stored.size ||
          hex.encode(expected) !== hex.encode(opened.checkpoint.root)
        ) {
          throw new VigilError(
            'LEDGER_CORRUPT',
            `The log's root at size ${stored.size} differs from the checkpoint signed then: ` +
              'entries before that point were changed.',
            { details: { checkpoint: stored.size.toString() } },
          );
        }
        checkpoints++;
      }
      // Each evidence record must match the event that collected it.
      const rows = await db.selectFrom('evidence').selectAll().execute();
      for (const row of rows) {
        const record = toRecord(row);
        const event = decodeEvent(record.collectedIndex, await ledger.leaf(record.collectedIndex));
        const logged = event.evidence.find((item) => item.id === record.id);
        if (logged === undefined || logged.sha256 !== record.sha256) {
          throw new VigilError(
            'LEDGER_CORRUPT',
            `Evidence ${record.id} differs from the event that collected it.`,
            { details: { evidence: record.id, index: record.collectedIndex.toString() } },
          );
        }
      }
      return { size, root, checkpoints, evidence: rows.length };
    },

    async proveConsistency(oldNote) {
      const keys = (await ring.all()).map((entry) => entry.key);
      const { checkpoint: from } = openCheckpoint(oldNote, keys, { origin: ring.origin });
      const to = await signedCheckpoint();
      if (from.size > to.checkpoint.size) {
        throw new VigilError(
          'CONSISTENCY_PROOF_FAILED',
          `The checkpoint you kept is for ${from.size} entries but the log now has ` +
            `${to.checkpoint.size}: the log lost entries. Keep both checkpoints as evidence.`,
          { details: { from: from.size.toString(), to: to.checkpoint.size.toString() } },
        );
      }
      const proof =
        from.size === 0n ? [] : await ledger.consistencyProof(from.size, to.checkpoint.size);
      if (from.size === 0n) return { from, to, proof };
      try {
        verifyConsistency(from.size, to.checkpoint.size, proof, from.root, to.checkpoint.root);
      } catch (error) {
        throw new VigilError(
          'CONSISTENCY_PROOF_FAILED',
          `The log's history differs from the checkpoint you kept (size ${from.size}): it was ` +
            'rewritten since. Keep both checkpoints; they are the evidence.',
          { details: { from: from.size.toString() }, cause: error },
        );
      }
      return { from, to, proof };
    },

    async proveInclusion(index) {
      const signed = await signedCheckpoint();
      const event = decodeEvent(index, await ledger.leaf(index));
      const proof = await ledger.inclusionProof(index, signed.checkpoint.size);
      return { event, tlogProof: formatTlogProof({ index, proof, checkpoint: signed.note }) };
    },

    async rotateKey() {
      const { previous, next } = await ring.rotate();
      // The first checkpoint under the new key carries both signatures, so that anyone who
      // trusted the old key can verify the new one from a checkpoint they already trust.
      const size = await ledger.size();
      const checkpoint: Checkpoint = {
        origin: ring.origin,
        size,
        root: await ledger.root(size),
        extensions: [],
      };
      const note = addSignatures(signCheckpoint(checkpoint, [previous]), [next]);
      const latest = await ledger.latestCheckpoint();
      if (latest?.size === size) {
        // One checkpoint per size: replace the stored one with the doubly signed one.
        await db.deleteFrom('ledger_checkpoint').where('size', '=', Number(size)).execute();
      }
      await ledger.saveCheckpoint(size, note, now().toISOString());
      return { previous, next, checkpoint: { note, checkpoint } };
    },

    keys: () => ring.all(),

    close: parts.close,
  };
}
