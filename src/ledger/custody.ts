/**
 * Custody events: who did what to which evidence, when, where and why. Each event is one leaf
 * of the Merkle log, stored as its RFC 8785 canonical JSON bytes, so anyone can recompute the
 * leaf hash from the event alone.
 *
 * The fields follow the minimum chain-of-custody record drawn from ACPO principle 3, the NIST
 * definition of chain of custody (CNSSI 4009), ISO/IEC 27037 §6.1 and CASE/UCO's
 * InvestigativeAction (performer, instrument, object, result, location, start time, authorization):
 * docs/ledger.md maps each field to those sources.
 */
import { z } from 'zod';
import { VigilError } from '../shared/errors.js';
import { canonicalBytes } from './canonical-json.js';

export const CUSTODY_EVENT_TYPES = [
  'collected',
  'accessed',
  'annotated',
  'derived',
  'exported',
  'transferred',
  'received',
  'verified',
  'disposed',
] as const;
export type CustodyEventType = (typeof CUSTODY_EVENT_TYPES)[number];

/** The version of the event format; a verifier refuses versions it does not know. */
export const CUSTODY_FORMAT = 'vigil.custody/v1';

const SHA256_HEX = /^[0-9a-f]{64}$/;
// ISO 8601 in UTC with a Z and millisecond precision, as Date.prototype.toISOString writes it.
const UTC_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const EVIDENCE_ID = /^ev_[0-9a-z]{8,64}$/;

/**
 * Control characters in a custody record would let one field forge the look of another in
 * reports and terminals; only free-text notes may hold tabs and line breaks.
 */
function hasControl(value: string, allowLineBreaks: boolean): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (allowLineBreaks && (c === 0x09 || c === 0x0a || c === 0x0d)) continue;
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

const text = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((s) => !hasControl(s, false), 'must not contain control characters');
const note = z
  .string()
  .min(1)
  .max(10_000)
  .refine((s) => !hasControl(s, true), 'must not contain control characters');

const evidenceRef = z.strictObject({
  id: z.string().regex(EVIDENCE_ID, 'must be an evidence id (ev_…)'),
  sha256: z.string().regex(SHA256_HEX, 'must be 64 lowercase hex digits'),
  size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  name: text(255).optional(),
  mediaType: text(255).optional(),
});

const actor = z.strictObject({
  id: text(200),
  name: text(200).optional(),
  role: text(100).optional(),
  organisation: text(200).optional(),
});

const eventSchema = z
  .strictObject({
    format: z.literal(CUSTODY_FORMAT),
    type: z.enum(CUSTODY_EVENT_TYPES),
    time: z.string().regex(UTC_TIME, 'must be UTC time as YYYY-MM-DDTHH:MM:SS.sssZ'),
    actor,
    evidence: z.array(evidenceRef).min(1).max(100_000),
    case: text(200),
    purpose: text(2_000),
    legalBasis: text(2_000).optional(),
    tool: z.strictObject({ name: text(100), version: text(100) }),
    host: text(255),
    /** Evidence this event's evidence was derived from (a redacted copy, a screenshot's page). */
    derivedFrom: z.array(evidenceRef).min(1).max(10_000).optional(),
    /** The online item or location the evidence was collected from. */
    source: z
      .strictObject({
        item: text(400).optional(),
        url: text(4_096).optional(),
      })
      .optional(),
    /** The other party of a transfer or receipt, or the recipient of an export. */
    counterparty: text(400).optional(),
    note: note.optional(),
  })
  .superRefine((event, ctx) => {
    // What each type of event must say, beyond the common fields.
    const needs: Partial<Record<CustodyEventType, 'derivedFrom' | 'counterparty' | 'note'>> = {
      derived: 'derivedFrom',
      transferred: 'counterparty',
      received: 'counterparty',
      annotated: 'note',
    };
    const field = needs[event.type];
    if (field !== undefined && event[field] === undefined) {
      ctx.addIssue({ code: 'custom', path: [field], message: `is required for ${event.type}` });
    }
    if (event.type === 'collected' || event.type === 'derived') {
      event.evidence.forEach((ref, i) => {
        for (const key of ['size', 'name', 'mediaType'] as const) {
          if (ref[key] === undefined) {
            ctx.addIssue({
              code: 'custom',
              path: ['evidence', i, key],
              message: `is required when evidence is ${event.type}`,
            });
          }
        }
      });
    }
    const ids = new Set<string>();
    for (const ref of event.evidence) {
      if (ids.has(ref.id)) {
        ctx.addIssue({ code: 'custom', path: ['evidence'], message: `lists ${ref.id} twice` });
      }
      ids.add(ref.id);
    }
  });

export type CustodyEvent = z.infer<typeof eventSchema>;
export type EvidenceRef = CustodyEvent['evidence'][number];
export type Actor = CustodyEvent['actor'];

/** Validates an event (from our own code or from a bundle) and returns a frozen copy. */
export function parseCustodyEvent(value: unknown): CustodyEvent {
  const result = eventSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'event';
    throw new VigilError(
      'CUSTODY_EVENT_INVALID',
      `Custody event field ${where} ${issue?.message ?? 'is invalid'}.`,
      { details: { field: where } },
    );
  }
  return result.data;
}

/** The leaf bytes of an event: its canonical JSON (RFC 8785), after validation. */
export function custodyLeaf(event: CustodyEvent): Uint8Array {
  return canonicalBytes(parseCustodyEvent(event));
}
