/**
 * Response shapes of the API, in zod (converted to JSON schema by route.ts). Serialization keeps
 * only the fields declared here, so nothing a repository adds later (a password hash, a token
 * hash) can reach a client unless it is added here on purpose.
 */
import { z } from 'zod';
import { ROLES } from '../store/repositories.js';
import { Time } from './schema.js';

export const BANDS = ['low', 'medium', 'high'] as const;
export const JOB_STATES = ['ready', 'running', 'done', 'dead'] as const;

export const AccountShape = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string().optional(),
  roles: z.array(z.enum(ROLES)),
  createdAt: Time,
  disabledAt: Time.optional(),
});

export const ApiKeyShape = z.object({
  id: z.string(),
  accountId: z.string(),
  name: z.string(),
  prefix: z.string().describe('The first characters of the key, to tell keys apart.'),
  createdAt: Time,
  lastUsedAt: Time.optional(),
  revokedAt: Time.optional(),
});

export const ItemShape = z.object({
  id: z.string(),
  title: z.string().optional(),
  body: z.string().optional(),
  url: z.string().optional(),
  posted_at: z.string().optional(),
  location: z
    .object({
      city: z.string().optional(),
      region: z.string().optional(),
      country: z.string().optional(),
    })
    .optional(),
  language: z.string().optional(),
  images: z.array(z.string()).optional(),
  source: z.string().optional(),
});

export const StoredItemShape = z.object({
  id: z.string().describe('Vigil\'s id: "itm_" and 26 base32 characters.'),
  source: z.string(),
  externalId: z.string().describe('The id the item had at its source.'),
  item: ItemShape.describe('The item as received.'),
  sha256: z.string().describe("SHA-256 (hex) of the item's canonical JSON."),
  receivedAt: Time,
  analysis: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('Entities, indicators, risk and explanation (docs/items.md, Results).'),
  analyzedAt: Time.optional(),
  risk: z.number().optional(),
  band: z.enum(BANDS).optional(),
  template: z.string().optional(),
  network: z.string().optional(),
});

export const IngestResultShape = z.object({
  id: z.string(),
  externalId: z.string(),
  created: z.boolean().describe('False when (source, id) was stored before: not stored again.'),
});

const TemplateSlotShape = z.object({
  kind: z.enum(['name', 'age', 'city', 'price', 'contact', 'other']),
  examples: z.array(z.string()),
});

export const TemplateShape = z.object({
  id: z.string(),
  members: z.array(z.string()),
  similarity: z.number(),
  parts: z
    .array(z.union([z.object({ text: z.string() }), z.object({ slot: TemplateSlotShape })]))
    .optional(),
});

export const NetworkShape = z.object({
  id: z.string(),
  members: z.array(z.string()),
  templates: z.array(z.string()),
  identifiers: z.array(z.string()),
  hubs: z.array(z.string()),
  features: z.object({
    items: z.number(),
    phones: z.number(),
    cities: z.number(),
    firstPosted: z.string().optional(),
    lastPosted: z.string().optional(),
    spanDays: z.number(),
    cadenceDays: z.number().optional(),
    circuit: z.array(z.object({ city: z.string(), from: z.string(), to: z.string() })),
    phoneLocationMismatch: z.number(),
    personasPerPhone: z.number(),
    thirdPersonShare: z.number(),
    priceVariation: z.number().optional(),
  }),
  risk: z.number(),
  explanation: z.array(z.string()),
});

export const JobShape = z.object({
  id: z.string(),
  kind: z.string(),
  payload: z.unknown().optional(),
  state: z.enum(JOB_STATES),
  attempts: z.int(),
  maxAttempts: z.int(),
  runAt: Time,
  leaseUntil: Time.optional(),
  lockedBy: z.string().optional(),
  lastError: z.string().optional(),
  createdAt: Time,
  finishedAt: Time.optional(),
});

export const JobCountsShape = z.object({
  ready: z.int(),
  running: z.int(),
  done: z.int(),
  dead: z.int(),
});

export const AuditRecordShape = z.object({
  id: z.string(),
  at: Time,
  actor: z.string().describe('"account:<id>", "apikey:<id>" or "system".'),
  action: z.string().describe('Dotted verb, e.g. "items.ingest".'),
  target: z.string().optional(),
  requestId: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
