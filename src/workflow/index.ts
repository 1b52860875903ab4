export * from './sor-rules.js';
export * from './statement-of-reasons.js';
