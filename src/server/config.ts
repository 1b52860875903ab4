/**
 * The service's configuration: one schema, read once by the composition root, validated and
 * deep-frozen. Sources, highest first: command-line flags, `VIGIL_*` environment variables, a
 * JSON config file, the defaults below. Nothing else in the server reads the environment: the
 * caller passes `env` in.
 *
 * An invalid setting is a `CONFIG_INVALID` error naming the setting and where it came from
 * (`--port`, `VIGIL_PORT`, `vigil.json`); values are not repeated, since some are secrets (the
 * database URL holds a password).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { DeliveryTargets } from '../jobs/workflow-jobs.js';
import { orderDeadlineFromLaw } from '../law/deadlines.js';
import type { LawData } from '../law/schema.js';
import { VigilError } from '../shared/errors.js';
import type { RetentionPolicy } from '../store/retention.js';
import type { WorkflowSettings } from '../store/workflow-service.js';

const MIB = 1024 * 1024;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** A whole number written as digits (flags and environment variables are strings). */
const wholeNumber = (value: unknown): unknown =>
  typeof value === 'string' && /^\s*\d{1,15}\s*$/.test(value) ? Number(value) : value;

const BOOLEAN_WORDS: Readonly<Record<string, boolean>> = {
  true: true,
  false: false,
  '1': true,
  '0': false,
  yes: true,
  no: false,
};
const booleanWord = (value: unknown): unknown =>
  typeof value === 'string' ? (BOOLEAN_WORDS[value.trim().toLowerCase()] ?? value) : value;

const int = (min: number, max: number) => z.preprocess(wholeNumber, z.int().min(min).max(max));
const bool = () => z.preprocess(booleanWord, z.boolean());

/** Every setting, with its default. `secureCookies` defaults from `host` (see loadConfig). */
const SETTINGS = {
  /** Address to listen on. */
  host: z.string().trim().min(1).max(255).default('127.0.0.1'),
  // 0 asks the system for a free port (tests, side-by-side instances).
  port: int(0, 65_535).default(7070),
  /** Folder of the SQLite database and the blobs. */
  dataDir: z.string().min(1).max(4096).default('.vigil'),
  /** `postgres://…` for PostgreSQL; SQLite under dataDir when absent. */
  databaseUrl: z
    .string()
    .max(4096)
    .regex(/^postgres(?:ql)?:\/\/\S+$/, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  /** Largest request body, in bytes. */
  bodyLimit: int(1024, 1024 * MIB).default(10 * MIB),
  /** Most items one ingest request may carry. */
  maxBatch: int(1, 100_000).default(1000),
  /** Requests per API key, session or address per window. */
  rateLimitMax: int(1, 1_000_000).default(600),
  rateLimitWindowMs: int(1000, 24 * 3600 * 1000).default(60_000),
  /** How long a session lasts after signing in. */
  sessionTtlSeconds: int(60, 30 * 24 * 3600).default(12 * 3600),
  /** Mark the session cookie Secure (HTTPS only). Default: true unless host is loopback. */
  secureCookies: bool().optional(),
  /** Trust X-Forwarded-For from a reverse proxy (for the client address in logs and limits). */
  trustProxy: bool().default(false),
  logLevel: z.enum(LOG_LEVELS).default('info'),

  // Notice and action (docs/workflow.md)
  /** How long a claimed review job stays with its reviewer. */
  reviewLeaseSeconds: int(60, 24 * 3600).default(900),
  /** The platform as its statements of reasons name it. */
  platformName: z.string().trim().min(1).max(200).default('This service'),
  /** Where a recipient reaches the platform (an e-mail address or a URL). */
  platformContact: z
    .string()
    .trim()
    .min(1)
    .max(500)
    .default('the contact address given in our terms of service'),
  /** How to lodge an internal complaint (Art. 20): a URL or instructions. */
  platformComplaint: z
    .string()
    .trim()
    .min(1)
    .max(1000)
    .default('reply to this statement, quoting the decision id'),
  platformTermsUrl: z
    .url({ protocol: /^https?$/ })
    .max(500)
    .optional(),
  /** The Member State of main establishment (Art. 18 notifications), ISO 3166 alpha-2. */
  platformCountry: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be a two-letter country code such as DE')
    .optional(),
  /**
   * The states the platform serves (ISO 3166-1 alpha-2, separated by commas), for the duties
   * the law puts on it there: e.g. a removal deadline an order does not state.
   */
  servingCountries: z
    .string()
    .regex(/^[A-Z]{2}(,[A-Z]{2})*$/, 'must be country codes separated by commas, e.g. DE,FR,AU')
    .optional(),
  /** The contact point's e-mail address for authorities (Art. 18 notifications). */
  platformEmail: z.email().max(254).optional(),
  /** The CyberTipline reporter ("First Last") and e-mail. */
  reporterName: z.string().trim().min(3).max(200).optional(),
  reporterEmail: z.email().max(254).optional(),
  /** The EU Transparency Database (its base URL, e.g. the sandbox) and API token. */
  transparencyDbUrl: z
    .url({ protocol: /^https?$/ })
    .max(500)
    .optional(),
  transparencyDbToken: z.string().min(8).max(500).optional(),
  /** Where the platform receives action webhooks, and the shared secret that signs them. */
  actionWebhookUrl: z
    .url({ protocol: /^https?$/ })
    .max(500)
    .optional(),
  actionWebhookSecret: z.string().min(16).max(500).optional(),
  /** Art. 18 notifications: the receiving authority's endpoint and token. */
  art18Url: z
    .url({ protocol: /^https?$/ })
    .max(500)
    .optional(),
  art18Token: z.string().min(8).max(500).optional(),
  /** The CyberTipline reporting API's base URL and token. */
  cyberTiplineUrl: z
    .url({ protocol: /^https?$/ })
    .max(500)
    .optional(),
  cyberTiplineToken: z.string().min(8).max(500).optional(),
  /**
   * The master key that seals victim personal data (store/sealed-records.ts): 64 hex characters,
   * e.g. from `openssl rand -hex 32`. A secret: never repeated in messages. Without it, victim
   * personal data can be neither added nor opened.
   */
  victimMasterKey: z
    .string()
    .trim()
    .regex(
      /^[0-9a-fA-F]{64}$/,
      'must be 64 hexadecimal characters (make one with `openssl rand -hex 32`)',
    )
    .optional(),

  // Cases (docs/api.md "Evidence of a case")
  /** The Chromium executable that online captures run in. */
  chromium: z.string().trim().min(1).max(4096).default('/usr/bin/chromium'),
  /**
   * Let online captures reach loopback, private and link-local addresses. Off by default: a
   * capture must not become a way into the network the service runs in.
   */
  captureAllowPrivateNetworks: bool().default(false),

  // Retention (store/retention.ts, docs/workflow.md "Retention"): days each type of data is
  // kept; unset keeps it. Any of them set starts the retention job in the workers.
  /** Ingested items, from their receipt (items linked to a case or under a hold are kept). */
  retentionItemsDays: int(1, 36_500).optional(),
  /** Victims' sealed personal data, from the closing of their case (then crypto-shredded). */
  retentionVictimDataDays: int(1, 36_500).optional(),
  /** Evidence records and files, from the closing of their cases. */
  retentionEvidenceDays: int(1, 36_500).optional(),
  /** Hours between retention runs: 1 to 24 (the job queue's longest delay); 24 when unset. */
  retentionIntervalHours: int(1, 24).optional(),
};

/** Settings that need another: an endpoint and its credential. */
const PAIRED: readonly (readonly [SettingName, SettingName])[] = [
  ['transparencyDbUrl', 'transparencyDbToken'],
  ['actionWebhookUrl', 'actionWebhookSecret'],
  ['art18Url', 'art18Token'],
  ['cyberTiplineUrl', 'cyberTiplineToken'],
];

const ConfigSchema = z.strictObject(SETTINGS);

export type SettingName = keyof typeof SETTINGS;
export const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[];

export interface ServiceConfig {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly databaseUrl?: string;
  readonly bodyLimit: number;
  readonly maxBatch: number;
  readonly rateLimitMax: number;
  readonly rateLimitWindowMs: number;
  readonly sessionTtlSeconds: number;
  readonly secureCookies: boolean;
  readonly trustProxy: boolean;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  readonly reviewLeaseSeconds: number;
  readonly platformName: string;
  readonly platformContact: string;
  readonly platformComplaint: string;
  readonly platformTermsUrl?: string;
  readonly platformCountry?: string;
  readonly servingCountries?: string;
  readonly platformEmail?: string;
  readonly reporterName?: string;
  readonly reporterEmail?: string;
  readonly transparencyDbUrl?: string;
  readonly transparencyDbToken?: string;
  readonly actionWebhookUrl?: string;
  readonly actionWebhookSecret?: string;
  readonly art18Url?: string;
  readonly art18Token?: string;
  readonly cyberTiplineUrl?: string;
  readonly cyberTiplineToken?: string;
  readonly victimMasterKey?: string;
  readonly chromium: string;
  readonly captureAllowPrivateNetworks: boolean;
  readonly retentionItemsDays?: number;
  readonly retentionVictimDataDays?: number;
  readonly retentionEvidenceDays?: number;
  readonly retentionIntervalHours?: number;
}

/** `dataDir` → `VIGIL_DATA_DIR`. */
export const envName = (setting: SettingName): string =>
  `VIGIL_${setting.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

/** `dataDir` → `--data-dir`. */
const flagName = (setting: string): string =>
  `--${setting.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

export interface ConfigSources {
  /** Parsed command-line flags, by setting name (`{ port: '8080' }`); undefined values are unset. */
  readonly flags?: Readonly<Record<string, unknown>>;
  /** The environment (the caller passes process.env); only `VIGIL_*` names are read. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * A JSON config file: its path, read here, or its parsed content. Without it, the file named
   * by `VIGIL_CONFIG` is read, if any.
   */
  readonly file?: string | { readonly path: string; readonly data: unknown };
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost', '[::1]']);

/** Reads, merges, validates and freezes the configuration; throws CONFIG_INVALID. */
export function loadConfig(sources: ConfigSources = {}): ServiceConfig {
  const env = sources.env ?? {};
  const merged: Record<string, unknown> = {};
  const origin: Record<string, string> = {};

  const file = readFile(sources.file ?? env.VIGIL_CONFIG);
  if (file !== undefined) {
    for (const [key, value] of Object.entries(file.data)) {
      if (value === undefined) continue;
      merged[key] = value;
      origin[key] = `"${key}" in ${file.path}`;
    }
  }
  for (const setting of SETTING_NAMES) {
    const value = env[envName(setting)];
    if (value === undefined || value === '') continue;
    merged[setting] = value;
    origin[setting] = envName(setting);
  }
  for (const [key, value] of Object.entries(sources.flags ?? {})) {
    if (value === undefined) continue;
    merged[key] = value;
    origin[key] = flagName(key);
  }

  const parsed = ConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key =
      issue?.code === 'unrecognized_keys' ? String(issue.keys[0]) : String(issue?.path[0] ?? '');
    const where = origin[key] ?? key;
    const message =
      issue?.code === 'unrecognized_keys'
        ? `Unknown setting ${where}. Known settings: ${SETTING_NAMES.join(', ')}.`
        : `Invalid setting ${key} (from ${where}): ${describeIssue(issue)}.`;
    throw new VigilError('CONFIG_INVALID', message, {
      details: { setting: key, source: where },
    });
  }
  const value = parsed.data;
  for (const [endpoint, credential] of PAIRED) {
    if (value[endpoint] !== undefined && value[credential] === undefined) {
      throw new VigilError(
        'CONFIG_INVALID',
        `The setting ${endpoint} (from ${origin[endpoint] ?? endpoint}) needs ${credential} as well.`,
        { details: { setting: credential, source: origin[endpoint] ?? endpoint } },
      );
    }
  }
  const config: ServiceConfig = {
    ...value,
    secureCookies: value.secureCookies ?? !LOOPBACK.has(value.host.toLowerCase()),
  };
  return deepFreeze(config);
}

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (issue === undefined) return 'invalid';
  switch (issue.code) {
    case 'too_small':
      return issue.origin === 'string'
        ? `must be at least ${issue.minimum} characters long`
        : `must be at least ${issue.minimum}`;
    case 'too_big':
      return issue.origin === 'string'
        ? `must be at most ${issue.maximum} characters long`
        : `must be at most ${issue.maximum}`;
    case 'invalid_type':
      // Every number among the settings is a whole number.
      return `must be ${issue.expected === 'number' || issue.expected === 'int' ? 'a whole number' : `a ${issue.expected}`}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}`;
    default:
      // Zod's messages for the remaining issues say what was expected, not what was given.
      return issue.message;
  }
}

function readFile(
  file: ConfigSources['file'],
): { path: string; data: Record<string, unknown> } | undefined {
  if (file === undefined || file === '') return undefined;
  let path: string;
  let data: unknown;
  if (typeof file === 'string') {
    path = file;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (cause) {
      throw new VigilError('CONFIG_INVALID', `Cannot read the config file ${file}.`, {
        details: { source: file },
        cause,
      });
    }
    try {
      data = JSON.parse(text);
    } catch (cause) {
      throw new VigilError('CONFIG_INVALID', `The config file ${file} is not valid JSON.`, {
        details: { source: file },
        cause,
      });
    }
  } else {
    path = file.path;
    data = file.data;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new VigilError('CONFIG_INVALID', `The config file ${path} must hold a JSON object.`, {
      details: { source: path },
    });
  }
  return { path, data: data as Record<string, unknown> };
}

export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** What the notice-and-action workflow needs from the configuration (store/workflow-service.ts). */
export function workflowSettings(config: ServiceConfig, law?: LawData): WorkflowSettings {
  const email =
    config.platformEmail ??
    (/^[^@\s]+@[^@\s]+$/.test(config.platformContact) ? config.platformContact : undefined);
  const [firstName, ...rest] = (config.reporterName ?? '').split(/\s+/);
  return deepFreeze({
    platform: {
      name: config.platformName,
      contact: config.platformContact,
      complaint: config.platformComplaint,
      ...(config.platformTermsUrl !== undefined && { termsUrl: config.platformTermsUrl }),
    },
    ...(config.platformCountry !== undefined &&
      email !== undefined && {
        authorityContact: {
          name: config.platformName,
          establishment: config.platformCountry,
          contactEmail: email,
        },
      }),
    ...(config.reporterEmail !== undefined &&
      firstName &&
      rest.length > 0 && {
        reporter: {
          firstName,
          lastName: rest.join(' '),
          email: config.reporterEmail,
          ...(config.platformTermsUrl !== undefined && { legalUrl: config.platformTermsUrl }),
        },
      }),
    leaseMs: config.reviewLeaseSeconds * 1000,
    ...(law !== undefined && {
      legalDeadline: (order: {
        kind: 'act' | 'provide-information';
        jurisdiction: string;
        emergency: boolean;
        asOf: string;
      }) =>
        orderDeadlineFromLaw(law, {
          ...order,
          established: config.platformCountry === undefined ? [] : [config.platformCountry],
          serving: config.servingCountries?.split(',') ?? [],
        }),
    }),
    deliveries: {
      transparencyDb: config.transparencyDbUrl !== undefined,
      actionWebhook: config.actionWebhookUrl !== undefined,
      art18: config.art18Url !== undefined,
      cyberTipline: config.cyberTiplineUrl !== undefined,
    },
  });
}

/** Where the workers send deliveries (jobs/workflow-jobs.ts); absent endpoints send nothing. */
export function deliveryTargets(config: ServiceConfig): DeliveryTargets {
  return deepFreeze({
    ...(config.transparencyDbUrl !== undefined && {
      transparencyDb: {
        url: config.transparencyDbUrl,
        token: config.transparencyDbToken as string,
      },
    }),
    ...(config.actionWebhookUrl !== undefined && {
      actionWebhook: { url: config.actionWebhookUrl, secret: config.actionWebhookSecret as string },
    }),
    ...(config.art18Url !== undefined && {
      art18: { url: config.art18Url, token: config.art18Token as string },
    }),
    ...(config.cyberTiplineUrl !== undefined && {
      cyberTipline: { url: config.cyberTiplineUrl, token: config.cyberTiplineToken as string },
    }),
  });
}

/**
 * Retention as the workers and `vigil retention run` need it (store/retention.ts): the policy
 * in days per type and the interval between runs; undefined when no period is set.
 */
export function retentionSettings(
  config: ServiceConfig,
): { readonly policy: RetentionPolicy; readonly intervalMs: number } | undefined {
  const policy: RetentionPolicy = {
    ...(config.retentionItemsDays !== undefined && { items: config.retentionItemsDays }),
    ...(config.retentionVictimDataDays !== undefined && {
      victimData: config.retentionVictimDataDays,
    }),
    ...(config.retentionEvidenceDays !== undefined && { evidence: config.retentionEvidenceDays }),
  };
  if (Object.keys(policy).length === 0) return undefined;
  return deepFreeze({ policy, intervalMs: (config.retentionIntervalHours ?? 24) * 3600 * 1000 });
}
