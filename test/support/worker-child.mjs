#!/usr/bin/env node
// Child process of test/jobs-crash.test.ts: a job worker over the built code (dist/), running
// the service's analyze and link jobs until it is killed (SIGKILL: a crash) or asked to stop
// (SIGTERM: it finishes its current job and gives the rest of its batch back).
//
//   node test/support/worker-child.mjs '<openDatabase options as JSON>' <worker id> <lease ms> <delay ms>
//
// `delay ms` holds every analyze job's transaction open that long after its writes, so that a
// kill lands while writes are made but not yet committed. Prints one JSON line per event.
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { createEngine } from '../../dist/analyze/analyze.js';
import { compileRules, parseRuleFile } from '../../dist/analyze/rules.js';
import { ANALYZE_JOB, runWorker, serviceHandlers } from '../../dist/jobs/index.js';
import { openDatabase } from '../../dist/store/database.js';
import { openServiceStore } from '../../dist/store/service-store.js';

const [location, worker, leaseMs, delayMs] = process.argv.slice(2);
if (delayMs === undefined) {
  console.error('usage: worker-child.mjs <database options JSON> <worker> <lease ms> <delay ms>');
  process.exit(2);
}
const rules = new URL('../../rules/', import.meta.url);
const engine = createEngine({
  rules: compileRules(
    readdirSync(rules)
      .filter((name) => name.endsWith('.yaml'))
      .sort()
      .map((name) => parseRuleFile(name, readFileSync(new URL(name, rules), 'utf8'))),
  ),
});
const db = await openDatabase(JSON.parse(location));
const store = openServiceStore(db);
const handlers = serviceHandlers({ store, engine });
const slowed = {
  ...handlers,
  // Slowed inside the job's transaction, so a kill lands while its writes are uncommitted.
  [ANALYZE_JOB]: {
    prepare: (job, context) => handlers[ANALYZE_JOB].prepare(job, context),
    commit: async (job, prepared, trx, context) => {
      await handlers[ANALYZE_JOB].commit(job, prepared, trx, context);
      await sleep(Number(delayMs));
    },
  },
};
const controller = new AbortController();
process.on('SIGTERM', () => controller.abort());
const say = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);
const stats = await runWorker({
  store,
  handlers: slowed,
  worker,
  batch: 4,
  leaseMs: Number(leaseMs),
  pollMs: 50,
  signal: controller.signal,
  onProgress: (event) => {
    if (event.type === 'completed' || event.type === 'lost' || event.type === 'released') {
      say({ type: event.type, job: event.job.id, kind: event.job.kind });
    } else if (event.type === 'failed') {
      say({
        type: 'failed',
        job: event.job.id,
        message: event.message,
        error: String(event.error),
      });
    }
  },
});
say({ type: 'stopped', stats });
await db.destroy();
