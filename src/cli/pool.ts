/**
 * A fixed pool of scan workers. Batches are handed to whichever worker is free; results come
 * back as promises, which the scanner awaits in submission order so output keeps input order.
 */
import { Worker } from 'node:worker_threads';
import type { TemplateMember, TemplateTextResult } from '../analyze/template-text.js';
import { VigilError } from '../shared/errors.js';
import type { Batch } from './input.js';
import type { BatchResult } from './scan-batch.js';
import type { FromWorker, ToWorker, WorkerSetup } from './scan-worker.js';

/** Work for a worker: a batch to analyse, or template texts to compute after the scan. */
interface Task {
  readonly message: ToWorker & { type: 'batch' | 'texts' };
  readonly resolve: (reply: FromWorker) => void;
  readonly reject: (error: Error) => void;
}

/** Templates per message: enough to amortise the message, few enough to share out evenly. */
const TEXTS_PER_TASK = 64;

interface Slot {
  readonly worker: Worker;
  task: Task | undefined;
}

/**
 * A scan worker holds little: the compiled rules, a phone-number cache and its share of the
 * report summary. Capping its heap keeps the process's peak memory flat whatever the input
 * size (V8 would otherwise let each heap grow to defer collection); the young generation is
 * left large because most of what an analysis allocates dies young.
 */
const WORKER_LIMITS = { maxOldGenerationSizeMb: 160, maxYoungGenerationSizeMb: 48 };

export class ScanPool {
  readonly #slots: Slot[];
  readonly #queue: Task[] = [];
  #seq = 0;
  #failure: Error | undefined;
  #closing = false;

  constructor(size: number, setup: WorkerSetup) {
    const url = new URL('./scan-worker.js', import.meta.url);
    this.#slots = Array.from({ length: size }, () => {
      const slot: Slot = {
        worker: new Worker(url, { workerData: setup, resourceLimits: WORKER_LIMITS }),
        task: undefined,
      };
      slot.worker.on('message', (message: FromWorker) => {
        if (message.type === 'summary') return;
        const task = slot.task;
        slot.task = undefined;
        task?.resolve(message);
        this.#dispatch();
      });
      slot.worker.on('error', (error) => this.#fail(error));
      slot.worker.on('exit', (code) => {
        if (code !== 0 && !this.#closing) this.#fail(new Error(`worker exited with code ${code}`));
      });
      return slot;
    });
  }

  async run(batch: Batch): Promise<BatchResult> {
    const reply = await this.#submit({ type: 'batch', seq: this.#seq++, batch });
    if (reply.type !== 'result') throw new Error('unexpected worker reply');
    return {
      out: reply.out,
      issues: reply.issues,
      items: reply.items,
      ...(reply.links !== undefined && { links: reply.links }),
    };
  }

  /** Template texts (templateText with TEMPLATE_TEXT_OPTIONS), computed by all workers. */
  async templateTexts(
    groups: readonly (readonly TemplateMember[])[],
  ): Promise<(TemplateTextResult | undefined)[]> {
    const parts: Promise<FromWorker>[] = [];
    for (let i = 0; i < groups.length; i += TEXTS_PER_TASK) {
      const chunk = groups.slice(i, i + TEXTS_PER_TASK);
      parts.push(this.#submit({ type: 'texts', seq: this.#seq++, groups: chunk }));
    }
    const replies = await Promise.all(parts);
    return replies.flatMap((reply) => (reply.type === 'texts' ? reply.texts : []));
  }

  #submit(message: ToWorker & { type: 'batch' | 'texts' }): Promise<FromWorker> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#queue.push({ message, resolve, reject });
      this.#dispatch();
    });
  }

  /** Collects each worker's summary; the workers stay up for template texts until close(). */
  async summaries(): Promise<FromWorker[]> {
    const summaries = await Promise.all(
      this.#slots.map(
        (slot) =>
          new Promise<FromWorker>((resolve, reject) => {
            slot.worker.on('message', (message: FromWorker) => {
              if (message.type === 'summary') resolve(message);
            });
            slot.worker.once('error', reject);
            const finish: ToWorker = { type: 'finish' };
            slot.worker.postMessage(finish);
          }),
      ),
    );
    return summaries;
  }

  async close(): Promise<void> {
    this.#closing = true;
    await Promise.all(this.#slots.map((slot) => slot.worker.terminate()));
  }

  #dispatch(): void {
    for (const slot of this.#slots) {
      if (slot.task !== undefined) continue;
      const task = this.#queue.shift();
      if (task === undefined) return;
      slot.task = task;
      const { message } = task;
      // Lines travel as bytes and are handed over, not copied.
      const transfer =
        message.type === 'batch' && message.batch.kind === 'lines'
          ? [message.batch.bytes.buffer as ArrayBuffer]
          : [];
      slot.worker.postMessage(message, transfer);
    }
  }

  #fail(cause: Error): void {
    if (this.#failure !== undefined) return;
    this.#failure = new VigilError(
      'WORKER_FAILED',
      'A scan worker stopped unexpectedly; the scan was aborted.',
      {
        cause,
      },
    );
    for (const slot of this.#slots) {
      slot.task?.reject(this.#failure);
      slot.task = undefined;
    }
    for (const task of this.#queue.splice(0)) task.reject(this.#failure);
  }
}
