/**
 * GraphQL mutations against the physical limit of the same database, in the same run: the real
 * application (HTTP, auth, validation, load → decide → append, wait for the projection, read
 * the view) with 32 closed-loop clients, each a CSR of its own (SES-3: one live session per CSR
 * in single-session mode) sending chat messages to its own session. The limit is raw single-row
 * INSERT transactions with as many writers.
 *
 * The clients run in a worker thread with an event loop of their own, as remote clients would:
 * the server's event loop and its profile carry only the server's work.
 *
 * When the target (>= 1,500 mutations/s, p99 < 50 ms) is missed, a second window runs under
 * the V8 sampling profiler and the top functions by self time go to stderr. The measured window
 * itself is never profiled, so the figures are not skewed by the profiler.
 *
 *   npm run bench:api        (BENCH_SECONDS=20, BENCH_CLIENTS=32 by default; BENCH_PROFILE=1 always profiles)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createApp } from '../src/app.factory.js';
import { loadConfig } from '../src/infrastructure/config/app-config.js';
import { signToken } from '../src/infrastructure/identity/jwt.js';
import { profiled, summarise } from './profile.js';
import { benchDatabase, closedLoop, rawInsertLimit, report, seconds } from './support.js';

const TARGET_PER_SECOND = 1500;
const TARGET_P99_MS = 50;
const JWT_SECRET = 'bench-secret-that-is-long-enough-for-hs256-0123456789';
const SEND_CHAT = 'mutation($id: ID!, $text: String!) { sendChatMessage(id: $id, text: $text) { id version } }';

interface GraphqlResponse {
  data?: Record<string, { id: string; version: number; number?: string }>;
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function graphql(endpoint: string, token: string, query: string, variables: Record<string, unknown> = {}) {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as GraphqlResponse;
  if (body.errors?.length || !body.data) throw new Error(`HTTP ${res.status}: ${JSON.stringify(body.errors ?? body)}`);
  return Object.values(body.data)[0]!;
}

interface LoadJob {
  endpoint: string;
  tokens: string[];
  sessionIds: string[];
  seconds: number;
}

/** The closed-loop clients, in a worker thread: each sends chat messages to its own session. */
function inWorker(job: LoadJob): Promise<{ result: Awaited<ReturnType<typeof closedLoop>>; firstError?: string }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: job });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

async function clientLoop(job: LoadJob): Promise<void> {
  let firstError: string | undefined;
  const result = await closedLoop(job.tokens.length, job.seconds, (c, i) =>
    graphql(job.endpoint, job.tokens[c]!, SEND_CHAT, { id: job.sessionIds[c]!, text: `message ${i} from client ${c}` }).then(
      () => undefined,
      (error: Error) => {
        firstError ??= error.message;
        throw error;
      },
    ),
  );
  parentPort!.postMessage({ result, firstError });
}

async function main(): Promise<void> {
  const clients = positive(process.env.BENCH_CLIENTS, 32);
  const duration = seconds(20);
  const db = await benchDatabase('api');
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-bench-api-'));

  // ---- the limit: raw single-row INSERT tx/s, same database, same number of writers
  const pool = new pg.Pool({ connectionString: db.url, max: clients });
  pool.on('error', () => undefined); // idle clients cut when the benchmark's server stops
  const raw = await rawInsertLimit(pool, clients, duration, { by: 'csr-bench', at: new Date().toISOString(), text: 'benchmark chat message' });

  // ---- the application
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', JWT_SECRET, LOG_LEVEL: 'warn', DATA_DIR: dataDir, DB_POOL_SIZE: '40' });
  const app = await createApp(config, db.url);
  await app.listen(0, '127.0.0.1');
  const endpoint = `${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/graphql`;

  // Each client a CSR of its own with one live session.
  const tokens = await Promise.all(Array.from({ length: clients }, (_, c) => signToken(JWT_SECRET, { sub: `csr-bench-${c}`, roles: ['csr'] })));
  const started = await Promise.all(tokens.map((token) => graphql(endpoint, token, 'mutation { startSession { id number version } }')));
  const load = (seconds: number) => inWorker({ endpoint, tokens, sessionIds: started.map((s) => s.id), seconds });

  await load(Math.min(2, duration / 5)); // warm-up (JIT, pools, prepared statements), not counted
  const { result, firstError } = await load(duration);
  if (firstError) console.error(`first GraphQL error: ${firstError}`);
  console.error(`graphql-mutation, ${clients} clients: ${result.perSecond}/s p50 ${result.p50ms} ms p99 ${result.p99ms} ms errors ${result.errors}`);

  const missed = result.perSecond < TARGET_PER_SECOND || result.p99ms >= TARGET_P99_MS;
  if (missed || process.env.BENCH_PROFILE === '1') {
    const window = Math.min(duration, 10);
    console.error(`${missed ? 'target missed' : 'BENCH_PROFILE=1'}: profiling the server for ${window} s`);
    const profile = await profiled(() => load(window));
    console.error(`profiled window: ${profile.result.result.perSecond}/s p50 ${profile.result.result.p50ms} ms p99 ${profile.result.result.p99ms} ms`);
    console.error(summarise(profile.profile, 15));
  }

  // Every mutation reads its whole stream (no snapshots): say how long the streams grew.
  const { rows } = await pool.query<{ longest: number }>('SELECT max(version) AS longest FROM session_view');
  console.error(`longest session stream at the end: ${Number(rows[0]?.longest ?? 0) + 1} events`);
  await pool.end();

  await app.close();
  await db.close();
  rmSync(dataDir, { recursive: true, force: true });

  report({
    bench: 'api',
    case: 'graphql-mutation',
    clients,
    value: result.perSecond,
    unit: 'mutations/s',
    limit: raw.perSecond,
    limitCase: 'raw single-row INSERT tx/s',
    p50ms: result.p50ms,
    p99ms: result.p99ms,
    limitP99ms: raw.p99ms,
    errors: result.errors,
    target: `>= ${TARGET_PER_SECOND}/s, p99 < ${TARGET_P99_MS} ms`,
    met: !missed,
  });
}

const positive = (raw: string | undefined, fallback: number) => {
  const n = Number(raw);
  return Number.isInteger(n) && n > 0 ? n : fallback;
};

if (isMainThread) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  void clientLoop(workerData as LoadJob);
}
