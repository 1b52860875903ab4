/**
 * The legal knowledge base: the data's schema and loader (schema.ts), the facts of a case
 * (facts.ts), and the reasoning over both (reason.ts). Pure: the data is read by the cli
 * (src/cli/law-files.ts) and passed in.
 */
export {
  type CaseFacts,
  type CaseFactsInput,
  type Circumstances,
  caseFactsSchema,
  countrySchema,
  daySchema,
  MAX_PERSONS,
  parseCaseFacts,
  toCaseFacts,
} from './facts.js';
export {
  type Answer,
  type ApplicableDuty,
  type AppliedAggravator,
  type CandidateOffence,
  type Citation,
  type ClaimsAnswer,
  type Conflict,
  type CooperationAnswer,
  type CooperationRequest,
  type CooperationRoute,
  candidateOffences,
  cooperationRequestSchema,
  cooperationRoutes,
  type DeadlineRequest,
  type DefinitionAnswer,
  type DefinitionOutcome,
  type DefinitionStatus,
  DISCLAIMER,
  type DualCriminalityCheck,
  type DutiesAnswer,
  type DutiesRequest,
  deadlineRequestSchema,
  definitionTest,
  dutiesRequestSchema,
  dutyDeadlineHours,
  EU_MEMBERS,
  type Explained,
  type JurisdictionOffences,
  jurisdictionClaims,
  type MetClaim,
  type OffenceNotMet,
  type OffencesAnswer,
  penaltyText,
  providerDuties,
  type StateClaim,
} from './reason.js';
export * from './schema.js';
