import { randomUUID } from 'node:crypto';
import { BullMqJobScheduler, type JobBackend } from '../../src/infrastructure/jobs/bullmq-job-scheduler.js';
import { waitUntil } from '../contract/event-store.contract.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/** The same timer tests on BullMQ's PostgreSQL backend (always) and on Redis (when REDIS_URL is set). */
const redisUrl = process.env.REDIS_URL;
if (!redisUrl) console.warn('BullMQ on Redis: skipped, REDIS_URL is not set (.ci/run starts redis-server when it can); the PostgreSQL runs go on');

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('jobs');
});
afterAll(() => db.drop());

const backends: [string, () => JobBackend][] = [['PostgreSQL', () => ({ kind: 'postgres', url: db.url })]];
if (redisUrl) backends.push(['Redis', () => ({ kind: 'redis', url: redisUrl })]);

describe.each(backends)('job scheduler on %s', (_name, backend) => {
  const open: BullMqJobScheduler[] = [];
  const scheduler = (queueName: string) => {
    const s = new BullMqJobScheduler(backend(), { queueName });
    open.push(s);
    return s;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  it('runs a delayed job after its delay, once, even when scheduled twice with the same id', async () => {
    const queue = `q-${randomUUID()}`;
    const s = scheduler(queue);
    const runs: number[] = [];
    s.handle('tick', async () => {
      runs.push(Date.now());
    });
    await s.start();
    const at = Date.now();
    // Offer ids have colons (BullMQ's own separator): they are encoded, not refused.
    await s.schedule('tick', { n: 1 }, { jobId: 'expire:item-1:2:agent-7', delayMs: 400 });
    await s.schedule('tick', { n: 1 }, { jobId: 'expire:item-1:2:agent-7', delayMs: 400 });
    await waitUntil(() => runs.length > 0, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(runs).toHaveLength(1);
    expect(runs[0]! - at).toBeGreaterThanOrEqual(350);
  });

  it('retries a failing job with backoff until it succeeds', async () => {
    const s = scheduler(`q-${randomUUID()}`);
    let attempts = 0;
    s.handle('flaky', async () => {
      if (++attempts < 3) throw new Error('not yet');
    });
    await s.start();
    await s.schedule('flaky', {}, { jobId: 'flaky-1', attempts: 5 });
    await waitUntil(() => attempts >= 3, 15_000);
    expect(attempts).toBe(3);
  });

  it('a job scheduled before a restart runs after it, on the new process', async () => {
    const queue = `q-${randomUUID()}`;
    const before = scheduler(queue);
    before.handle('later', async () => {
      throw new Error('the old process must not run it');
    });
    await before.schedule('later', { offerId: 'o-1' }, { jobId: 'later-1', delayMs: 600 });
    await before.close(); // the process goes away before the job is due
    const after = scheduler(queue);
    const seen: unknown[] = [];
    after.handle('later', async (data) => {
      seen.push(data);
    });
    await after.start();
    await waitUntil(() => seen.length > 0, 10_000);
    expect(seen).toEqual([{ offerId: 'o-1' }]);
  });
});
