/**
 * Vigil's one error type. Every failure a user can meet carries a `code` from the closed
 * catalogue below, a message that says what to do, and optional structured `details`
 * (never stack traces, file system paths of the host or other internals). `cause` is kept
 * for logs and is never rendered to users.
 *
 * Every code is documented in docs/errors.md; a test keeps the two in step.
 */
export const ERROR_CODES = [
  // Input reading (cli adapters)
  'INPUT_NOT_FOUND',
  'INPUT_UNREADABLE',
  'INPUT_FORMAT_UNKNOWN',
  'INPUT_CSV_MAPPING',
  'INPUT_CSV_RECORD_TOO_LONG',
  'INPUT_MALFORMED_RECORD',
  'INPUT_STRICT_ABORT',
  // Rules (analyze)
  'RULES_INVALID',
  'LAW_DATA_INVALID',
  'RULES_UNSAFE_REGEX',
  'RULES_DUPLICATE_ID',
  'RULE_EXAMPLE_FAILED',
  // Scoring and calibration (analyze)
  'WEIGHTS_INVALID',
  'CALIBRATE_NOT_ENOUGH_LABELS',
  // Corpus
  'CORPUS_OPTIONS_INVALID',
  // Command line
  'CLI_USAGE',
  'OUTPUT_UNWRITABLE',
  'WORKER_FAILED',
  // Templates and networks (analyze, cli)
  'TEMPLATE_INDEX_INVALID',
  'LINK_OPTIONS_INVALID',
  'LINK_RESULTS_INVALID',
  // Canonical JSON and custody events (ledger)
  'CANONICAL_JSON_INVALID',
  'CUSTODY_EVENT_INVALID',
  // Merkle proofs (ledger)
  'PROOF_MALFORMED',
  'INCLUSION_PROOF_FAILED',
  'CONSISTENCY_PROOF_FAILED',
  // Signed notes, keys and checkpoints (ledger)
  'KEY_INVALID',
  'NOTE_MALFORMED',
  'NOTE_SIGNATURE_INVALID',
  'NOTE_NOT_VERIFIED',
  'CHECKPOINT_MALFORMED',
  'CHECKPOINT_ORIGIN_MISMATCH',
  // Evidence bundles (ledger verifier, cli)
  'BUNDLE_UNREADABLE',
  'BUNDLE_FILE_MISSING',
  'BUNDLE_FILE_UNEXPECTED',
  'BUNDLE_FILE_MODIFIED',
  'BUNDLE_MANIFEST_INVALID',
  'BUNDLE_CUSTODY_MISMATCH',
  'BUNDLE_KEY_UNTRUSTED',
  // Data sharing: agreements, STIX and MISP exchange (share)
  'SHARE_DENIED',
  'SHARE_AGREEMENT_INVALID',
  'STIX_INVALID',
  'MISP_INVALID',
  // Private set intersection and encrypted packages (share)
  'PSI_REFUSED',
  'PACKAGE_INVALID',
  'PACKAGE_SIGNATURE_INVALID',
  'PACKAGE_NOT_FOR_US',
  'REQUEST_SIGNATURE_INVALID',
  'PARTNER_NOT_CONFIRMED',
  'ORG_KEYS_MISSING',
  // Storage and the stored ledger (store)
  'STORE_UNAVAILABLE',
  'LEDGER_CORRUPT',
  'LEDGER_KEY_MISSING',
  'EVIDENCE_NOT_FOUND',
  'EVIDENCE_UNREADABLE',
  'VICTIM_DATA_UNREADABLE',
  'VICTIM_DATA_DESTROYED',
  // HTTP API and service configuration (server)
  'CONFIG_INVALID',
  'REQUEST_INVALID',
  'CURSOR_INVALID',
  'AUTH_REQUIRED',
  'SIGN_IN_FAILED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'HOLD_ACTIVE',
  'DELIVERY_FAILED',
  'PAYLOAD_TOO_LARGE',
  'MEDIA_TYPE_UNSUPPORTED',
  'RATE_LIMITED',
  'INTERNAL_ERROR',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class VigilError extends Error {
  override readonly name = 'VigilError';
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details =
      options.details === undefined ? undefined : Object.freeze({ ...options.details });
  }

  /** The user-facing shape: code, message and details; never the cause or the stack. */
  toJSON(): { code: ErrorCode; message: string; details?: Readonly<Record<string, unknown>> } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export function isVigilError(value: unknown, code?: ErrorCode): value is VigilError {
  return value instanceof VigilError && (code === undefined || value.code === code);
}
