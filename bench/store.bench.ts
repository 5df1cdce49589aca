/**
 * Event store appends against the physical limit of the same database, in the same run:
 * raw single-row INSERT transactions (autocommit, prepared, one round trip each) with the same
 * number of concurrent writers. Each writer appends to streams of its own with an exact
 * expected version, 1 or 5 events per append.
 *
 *   npm run bench:store            (BENCH_SECONDS=5 per case by default)
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { PostgresEventStore } from '../src/infrastructure/event-store/postgres-event-store.js';
import { v7 as uuidv7 } from 'uuid';
import { benchDatabase, closedLoop, rawInsertLimit, report, seconds } from './support.js';

const WRITERS = (process.env.BENCH_WRITERS ?? '1,8,32').split(',').map(Number);
const BATCHES = [1, 5];
const STREAM_LENGTH = 50;

async function main(): Promise<void> {
  const db = await benchDatabase('store');
  const pool = new pg.Pool({ connectionString: db.url, max: Math.max(...WRITERS) });
  pool.on('error', () => undefined); // idle clients cut when the benchmark's server stops
  const store = new PostgresEventStore({ pool, listen: false });
  const duration = seconds(5);
  const data = { sessionId: randomUUID(), by: 'alice', at: new Date().toISOString(), note: 'benchmark event payload' };
  const results: Parameters<typeof report>[0][] = [];

  for (const writers of WRITERS) {
    const raw = await rawInsertLimit(pool, writers, duration, data);
    for (const batch of BATCHES) {
      const run = randomUUID().slice(0, 8);
      const result = await closedLoop(writers, duration, async (w, i) => {
        const stream = `bench-${run}-${w}-${Math.floor(i / STREAM_LENGTH)}`;
        const version = (i % STREAM_LENGTH) * batch - 1;
        const events = Array.from({ length: batch }, () => ({ id: uuidv7(), type: 'BenchmarkEventRecorded', data }));
        await store.appendToStream(stream, events, { expectedVersion: version < 0 ? 'no_stream' : version });
      });
      console.error(`append-${batch}, ${writers} writers: ${result.perSecond}/s p50 ${result.p50ms} ms p99 ${result.p99ms} ms errors ${result.errors}`);
      results.push({
        bench: 'store',
        case: `append-${batch}`,
        writers,
        value: result.perSecond,
        unit: 'appends/s',
        limit: raw.perSecond,
        limitCase: 'raw single-row INSERT tx/s',
        eventsPerSecond: result.perSecond * batch,
        p50ms: result.p50ms,
        p99ms: result.p99ms,
        limitP99ms: raw.p99ms,
        errors: result.errors,
      });
    }
  }
  await store.close();
  await pool.end();
  await db.close();
  for (const line of results) report(line);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
