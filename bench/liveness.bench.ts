/**
 * Issue 12, item 1, measured: mutations while a transaction sits open and idle in ANOTHER
 * database of the same PostgreSQL cluster (an admin's psql, a report tool, a migration), against
 * the same mutations without it, in one run.
 *
 * Before the fix, readers read only below the cluster-wide xmin, so an idle neighbour froze every
 * read model and each mutation that waits for its own write waited 5 s. The limit here is the
 * same server without the idle transaction, measured in turns with it (BENCH_ROUNDS windows
 * each), so the ratio says what the idle transaction costs; the target is the issue's: a mutation
 * p99 under 100 ms while the transaction is open.
 *
 * Each client does what a console does: `sendChatMessage` (answered from the decision), then the
 * session read back with the answer's consistency token (`session(id, after)`), which waits for
 * the read model; both are timed and reported apart (cases `mutation-...` and `read-own-write-...`). BENCH_CLIENTS closed-loop clients (8 by default), each
 * a CSR with a session of its own, in a worker thread (as remote clients). Each idle window opens
 * a fresh `BEGIN; SELECT pg_current_xact_id();` in another database and keeps it idle for the
 * whole window; the idle windows together last BENCH_SECONDS (30 by default, the 30 s).
 *
 *   npm run bench:liveness   (BENCH_SECONDS=30, BENCH_ROUNDS=3, BENCH_CLIENTS=8)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import pg from 'pg';
import { createApp } from '../src/app.factory.js';
import { loadConfig } from '../src/infrastructure/config/app-config.js';
import { signToken } from '../src/infrastructure/identity/jwt.js';
import { createDatabase } from '../src/infrastructure/postgres/embedded-postgres.js';
import { benchDatabase, combine, type LoadSamples, report, seconds, positive } from './support.js';

const TARGET_P99_MS = 100;
const JWT_SECRET = 'bench-secret-that-is-long-enough-for-hs256-0123456789';
const SEND_CHAT = 'mutation($id: ID!, $text: String!) { sendChatMessage(id: $id, text: $text) { id version consistencyToken } }';
const READ_BACK = 'query($id: ID!, $after: String) { session(id: $id, after: $after) { id version } }';

interface Job {
  endpoint: string;
  tokens: string[];
  sessionIds: string[];
  seconds: number;
}
type Outcome = { mutation: LoadSamples; readBack: LoadSamples; firstError?: string };

async function graphql(endpoint: string, token: string, query: string, variables: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: Record<string, Record<string, unknown>>; errors?: unknown[] };
  if (body.errors?.length || !body.data) throw new Error(`HTTP ${res.status}: ${JSON.stringify(body.errors ?? body)}`);
  return Object.values(body.data)[0]!;
}

/** The worker: each client sends a chat message, then reads its session back at the answer's token; each call timed on its own. */
async function clientLoop(job: Job): Promise<void> {
  let firstError: string | undefined;
  const mutation: number[] = [];
  const readBack: number[] = [];
  let errors = 0;
  const deadline = performance.now() + job.seconds * 1000;
  const started = performance.now();
  await Promise.all(
    job.tokens.map(async (token, c) => {
      for (let i = 0; performance.now() < deadline; i++) {
        try {
          const t0 = performance.now();
          const sent = await graphql(job.endpoint, token, SEND_CHAT, { id: job.sessionIds[c]!, text: `message ${i}` });
          const t1 = performance.now();
          const seen = await graphql(job.endpoint, token, READ_BACK, { id: job.sessionIds[c]!, after: sent.consistencyToken });
          readBack.push(performance.now() - t1);
          mutation.push(t1 - t0);
          if (seen.version !== sent.version) throw new Error(`read back version ${String(seen.version)}, wrote ${String(sent.version)}`);
        } catch (error) {
          errors++;
          firstError ??= (error as Error).message;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  parentPort!.postMessage({ mutation: { latencies: mutation, elapsed, errors }, readBack: { latencies: readBack, elapsed, errors: 0 }, firstError } satisfies Outcome);
}

function inWorker(job: Job): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: job });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

async function main(): Promise<void> {
  const clients = positive(process.env.BENCH_CLIENTS, 8);
  const rounds = positive(process.env.BENCH_ROUNDS, 3);
  const duration = seconds(30);
  const db = await benchDatabase('liveness');
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-bench-liveness-'));
  const neighbour = new pg.Client({ connectionString: await createDatabase(db.url, 'neighbour') });
  await neighbour.connect();

  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', JWT_SECRET, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', DATA_DIR: dataDir });
  const app = await createApp(config, db.url);
  await app.listen(0, '127.0.0.1');
  const endpoint = `${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/graphql`;
  const tokens = await Promise.all(Array.from({ length: clients }, (_, c) => signToken(JWT_SECRET, { sub: `csr-liveness-${c}`, roles: ['csr'] })));
  const sessionIds = await Promise.all(tokens.map(async (token) => (await graphql(endpoint, token, 'mutation { startSession { id } }', {})).id as string));

  const window = async (what: string, length: number) => {
    const outcome = await inWorker({ endpoint, tokens, sessionIds, seconds: length });
    if (outcome.firstError) console.error(`${what}: first error: ${outcome.firstError}`);
    const m = combine([outcome.mutation]);
    const r = combine([outcome.readBack]);
    console.error(
      `${what}, ${clients} clients, ${length} s: mutations ${m.perSecond}/s p50 ${m.p50ms} ms p99 ${m.p99ms} ms errors ${m.errors}; read-backs p50 ${r.p50ms} ms p99 ${r.p99ms} ms`,
    );
    return outcome;
  };
  await window('warm-up', Math.min(3, duration / 5));
  const baseline: Outcome[] = [];
  const idle: Outcome[] = [];
  for (let r = 0; r < rounds; r++) {
    baseline.push(await window(`round ${r + 1}: no idle transaction`, duration / rounds));
    await neighbour.query('BEGIN');
    const { rows } = await neighbour.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid');
    idle.push(await window(`round ${r + 1}: transaction ${rows[0]!.xid} idle in another database`, duration / rounds));
    // Still the same transaction, idle the whole window: the window measured what it claims.
    const still = await neighbour.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid');
    if (still.rows[0]!.xid !== rows[0]!.xid) throw new Error('the idle transaction ended during its window');
    await neighbour.query('ROLLBACK');
  }
  await neighbour.end();
  await app.close();
  await db.close();
  rmSync(dataDir, { recursive: true, force: true });

  for (const part of ['mutation', 'readBack'] as const) {
    const without = combine(baseline.map((o) => o[part]));
    const withIdle = combine(idle.map((o) => o[part]));
    report({
      bench: 'liveness',
      case: part === 'mutation' ? 'mutation-idle-transaction' : 'read-own-write-idle-transaction',
      clients,
      value: withIdle.perSecond,
      unit: part === 'mutation' ? 'mutations/s' : 'reads/s',
      limit: without.perSecond,
      limitCase: 'the same, no idle transaction',
      p50ms: withIdle.p50ms,
      p99ms: withIdle.p99ms,
      limitP99ms: without.p99ms,
      idleSeconds: duration,
      errors: withIdle.errors,
      target: `p99 < ${TARGET_P99_MS} ms with the transaction open`,
      met: withIdle.p99ms < TARGET_P99_MS && withIdle.errors === 0,
    });
  }
}

if (isMainThread) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  void clientLoop(workerData as Job);
}
