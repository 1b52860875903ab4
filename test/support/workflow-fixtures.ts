/**
 * Synthetic, non-explicit notice-and-action inputs shared by the API and CLI tests: what a
 * notifier says about a recruitment ad, and a reviewer's decision to remove it.
 */

/** The Art. 16(2) elements besides the notifier and the locations. */
export const NOTICE_ELEMENTS = {
  explanation: 'The ad recruits young women for "hostess work" abroad with the passport kept.',
  goodFaith: true,
  category: 'STATEMENT_CATEGORY_VIOLENCE',
  keywords: ['KEYWORD_HUMAN_TRAFFICKING'],
} as const;

/** A decision as a reviewer sends it (POST /v1/queue/jobs/:id/decision, `vigil decide`). */
export const REMOVAL_DECISION = {
  restrictions: { visibility: { kinds: ['DECISION_VISIBILITY_CONTENT_REMOVED'] } },
  ground: {
    kind: 'illegal',
    legalGround: 'Section 232 StGB (human trafficking)',
    explanation: 'The ad offers work abroad while withholding identity papers, a means of control.',
  },
  facts: 'Recruitment ad promising work abroad with passport retention and a debt for travel.',
  category: 'STATEMENT_CATEGORY_VIOLENCE',
  keywords: ['KEYWORD_HUMAN_TRAFFICKING'],
  territorialScope: 'EU',
  content: { types: ['CONTENT_TYPE_TEXT'] },
} as const;
