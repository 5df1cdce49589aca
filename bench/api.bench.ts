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
import { Session } from 'node:inspector';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createApp } from '../src/app.factory.js';
import { loadConfig } from '../src/infrastructure/config/app-config.js';
import { signToken } from '../src/infrastructure/identity/jwt.js';
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

// ============================================================ CPU profile (node:inspector, in process)

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

async function profiled<T>(work: () => Promise<T>): Promise<{ result: T; profile: CpuProfile }> {
  const session = new Session();
  session.connect();
  const post = <R>(method: string, params?: object) =>
    new Promise<R>((resolve, reject) => session.post(method, params ?? {}, (error, answer) => (error ? reject(error) : resolve(answer as R))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 1000 });
  await post('Profiler.start');
  try {
    const result = await work();
    const { profile } = await post<{ profile: CpuProfile }>('Profiler.stop');
    return { result, profile };
  } finally {
    await post('Profiler.disable').catch(() => undefined);
    session.disconnect();
  }
}

/** Self time per function (name + file), from the samples and their time deltas. */
function summarise(profile: CpuProfile, top: number): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, ProfileNode>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parentOf.set(child, n);
  // A native frame (writev, run, ...) says little alone: name the JavaScript that called it.
  const callerOf = (node: ProfileNode): string => {
    let first: ProfileNode | undefined;
    for (let p = parentOf.get(node.id); p; p = parentOf.get(p.id)) {
      if (!p.callFrame.url) continue;
      first ??= p;
      if (!p.callFrame.url.startsWith('node:')) return ` <- ${frame(first)}${first === p ? '' : ` <- ... ${frame(p)}`}`;
    }
    return first ? ` <- ${frame(first)}` : '';
  };
  const self = new Map<string, number>();
  const byArea = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    // timeDeltas[i] is the time before sample i; attribute it to that sample.
    const us = Math.max(0, profile.timeDeltas[i] ?? 0);
    if (!node) return;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : functionName.startsWith('(') ? '' : `(native)${callerOf(node)}`;
    const key = `${functionName || '(anonymous)'}  ${where}`;
    self.set(key, (self.get(key) ?? 0) + us);
    const area = areaOf(functionName, url);
    byArea.set(area, (byArea.get(area) ?? 0) + us);
    total += us;
  });
  const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
  const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms`;
  const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  const areas = [...byArea.entries()].sort((a, b) => b[1] - a[1]);
  return [
    `CPU profile: ${(total / 1e6).toFixed(1)} s sampled; top ${top} functions by self time`,
    ...rows.map(([key, us]) => `${ms(us)} ${pct(us)}  ${key}`),
    'self time by area:',
    ...areas.map(([area, us]) => `${ms(us)} ${pct(us)}  ${area}`),
  ].join('\n');
}

const frame = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'} ${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + 1);
  return url.replace(/^file:\/\//, '');
}

function areaOf(functionName: string, url: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native/builtin)';
  const nm = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (nm) return nm[1]!;
  if (url.startsWith('node:')) return 'node core';
  if (url.includes('/dist/bench/')) return 'bench client';
  if (url.includes('/dist/src/')) return `tandem ${url.split('/dist/src/')[1]!.split('/')[0]}`;
  return 'other';
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
