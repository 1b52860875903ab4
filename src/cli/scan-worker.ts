/**
 * Worker thread entry for `vigil scan`: compiles the rules once, then analyses the batches it
 * is sent and keeps its own share of the report summary until asked for it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createEngine } from '../analyze/analyze.js';
import type { LinkRecord } from '../analyze/link-types.js';
import type { ScoringModel } from '../analyze/score.js';
import { ScanSummary, type SummaryOptions } from '../analyze/summary.js';
import {
  type TemplateMember,
  type TemplateTextResult,
  templateText,
} from '../analyze/template-text.js';
import type { Batch } from './input.js';
import { createLinker, type LinkSetup, TEMPLATE_TEXT_OPTIONS } from './link.js';
import { compileRuleSources, type RuleSource } from './rules-files.js';
import { type BatchResult, processBatch, processBatchWithImages } from './scan-batch.js';
import { createImageHasher } from './scan-images.js';

export interface WorkerSetup {
  readonly rules: readonly RuleSource[];
  readonly model: ScoringModel;
  readonly summary: SummaryOptions;
  /** With --link: the MinHash settings shared with the main thread's template index. */
  readonly link?: LinkSetup;
  /** With --images: the resolved images folder (scan-images.ts imagesFolder). */
  readonly images?: string;
}

export type ToWorker =
  | { type: 'batch'; seq: number; batch: Batch }
  /** With --link, after the scan: the texts of templates, from a few members each. */
  | { type: 'texts'; seq: number; groups: readonly (readonly TemplateMember[])[] }
  | { type: 'finish' };
export type FromWorker =
  | {
      type: 'result';
      seq: number;
      out: string;
      issues: { line: number; reason: string }[];
      items: number;
      links?: readonly LinkRecord[];
    }
  | { type: 'texts'; seq: number; texts: (TemplateTextResult | undefined)[] }
  | { type: 'summary'; summary: ReturnType<ScanSummary['toJSON']> };

const port = parentPort;
if (port !== null) {
  const setup = workerData as WorkerSetup;
  const engine = createEngine({ rules: compileRuleSources(setup.rules), model: setup.model });
  const summary = new ScanSummary(setup.summary);
  const linker = setup.link === undefined ? undefined : createLinker(setup.link);
  const hashImages = setup.images === undefined ? undefined : createImageHasher(setup.images);
  const reply = (seq: number, result: BatchResult): void => {
    const message: FromWorker = { type: 'result', seq, ...result, issues: [...result.issues] };
    port.postMessage(message);
  };
  port.on('message', (message: ToWorker) => {
    if (message.type === 'batch') {
      if (hashImages === undefined) {
        reply(message.seq, processBatch(message.batch, engine, summary, linker));
      } else {
        // The pool sends a worker its next batch only after this reply, so batches never
        // overlap; an unhandled rejection (a bug: image failures are recorded per image) ends the
        // worker, which the pool reports as WORKER_FAILED.
        void processBatchWithImages(message.batch, engine, summary, linker, hashImages).then(
          (result) => reply(message.seq, result),
        );
      }
    } else if (message.type === 'texts') {
      const reply: FromWorker = {
        type: 'texts',
        seq: message.seq,
        texts: message.groups.map((members) => templateText(members, TEMPLATE_TEXT_OPTIONS)),
      };
      port.postMessage(reply);
    } else {
      const reply: FromWorker = { type: 'summary', summary: summary.toJSON() };
      port.postMessage(reply);
    }
  });
}
