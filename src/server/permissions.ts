/**
 * Who may do what: the one table of permissions by role. Every route declares the access it
 * needs (a permission, `authenticated` or `public`) and app.ts refuses to register a route that
 * declares none, so no route can be forgotten. docs/api.md shows this table; a test keeps the
 * two in step.
 */
import type { Role } from '../store/repositories.js';

export const PERMISSIONS = {
  /** Send items (POST /v1/items). */
  'items:ingest': ['admin', 'reviewer', 'investigator'],
  /** Read items, identifiers, templates and networks. */
  'items:read': ['admin', 'reviewer', 'investigator', 'auditor'],
  /** Delete stored items (refused while a legal hold covers them). */
  'items:delete': ['admin'],
  /**
   * See which hash banks exist (names, kinds, sizes), never their hashes. Not auditors: bank
   * content is not theirs to read.
   */
  'banks:read': ['admin', 'reviewer', 'investigator'],
  /** Create, import into and delete hash banks. */
  'banks:manage': ['admin'],
  /** Submit notices (DSA Art. 16) about content. */
  'notices:submit': ['admin', 'reviewer', 'investigator', 'advocate'],
  /** Record orders from authorities (DSA Arts 9, 10). */
  'orders:receive': ['admin', 'reviewer'],
  /** Read notices, orders, the review queue, decisions, appeals, referrals and holds. */
  'workflow:read': ['admin', 'reviewer', 'investigator', 'auditor'],
  /** Claim, release and decide review jobs and appeals; queue items for review. */
  'queue:review': ['admin', 'reviewer'],
  /** Give review jobs to other reviewers. */
  'queue:assign': ['admin'],
  /** File appeals on behalf of the complainant (the platform's integration). */
  'appeals:file': ['admin', 'reviewer'],
  /** Draft, send and track referrals to authorities. */
  'referrals:manage': ['admin', 'reviewer', 'investigator'],
  /** Record, renew and release legal holds. */
  'holds:manage': ['admin', 'investigator'],
  /**
   * Open cases and work in the cases one is a member of (each case's members decide the rest:
   * store/case-service.ts). Not auditors: they read the audit trail, never case content.
   */
  'cases:use': ['admin', 'reviewer', 'investigator', 'advocate'],
  /**
   * Share with partner organisations under agreements: export packages of cases one leads,
   * accept received packages into cases, run private matching. Not auditors or advocates.
   */
  'share:use': ['admin', 'investigator'],
  /** Register and confirm partners and record agreements. */
  'share:manage': ['admin'],
  /** Read the transparency report. */
  'transparency:read': ['admin', 'reviewer', 'auditor'],
  /** Ask the legal knowledge base (definitions, offences, jurisdiction, routes, duties). */
  'law:read': ['admin', 'reviewer', 'investigator', 'advocate', 'auditor'],
  /** Read the job queue. */
  'jobs:read': ['admin', 'auditor'],
  /** Read the audit log. */
  'audit:read': ['admin', 'auditor'],
  /** Create, change and disable accounts; manage anyone's API keys. */
  'accounts:manage': ['admin'],
  /** Create, list and revoke one's own API keys. */
  'apikeys:own': ['admin', 'reviewer', 'investigator', 'advocate', 'auditor'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

/**
 * What a route needs: `public` (no credentials: health, documentation, signing in and out),
 * `authenticated` (any valid credentials, whatever the roles: /v1/me), or a permission.
 */
export type Access = 'public' | 'authenticated' | Permission;

export const PERMISSION_NAMES = Object.keys(PERMISSIONS) as Permission[];

export function isAccess(value: unknown): value is Access {
  return (
    value === 'public' ||
    value === 'authenticated' ||
    (typeof value === 'string' && Object.hasOwn(PERMISSIONS, value))
  );
}

/** Whether any of these roles grants the permission. */
export function can(roles: readonly Role[], permission: Permission): boolean {
  const granted: readonly Role[] = PERMISSIONS[permission];
  return roles.some((role) => granted.includes(role));
}

/** Every permission these roles grant, in table order. */
export function permissionsOf(roles: readonly Role[]): Permission[] {
  return PERMISSION_NAMES.filter((permission) => can(roles, permission));
}
