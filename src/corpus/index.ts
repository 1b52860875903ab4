/** Synthetic demo and test data with ground truth (pure). */

export {
  CORPUS_SHARES,
  type CorpusOptions,
  type CorpusRecord,
  DEFAULT_CORPUS_START,
  type GroundTruth,
  generateCorpus,
  MAX_CORPUS_ITEMS,
  type TruthLabel,
  validateCorpusOptions,
} from './generate.js';
