/**
 * GraphQL mutations against the framework's own floor and the database's limit, in one run.
 *
 * - **Framework floor**: the same server (same HTTP adapter, request logging, auth guard,
 *   validation pipe, Apollo) answering `benchFloor`, a mutation with the same arguments and
 *   answer shape as `sendChatMessage` that does no I/O. No mutation can be faster than this.
 * - **The real mutation**: `sendChatMessage`, load → decide → append, answered from the
 *   decision. 32 closed-loop clients, each a CSR of its own (SES-3: one live session per CSR in
 *   single-session mode) sending chat messages to its own session; measured twice, on sessions
 *   that hold 10 events and 1,000 events when the window starts (cost must not grow with
 *   session length).
 * - **Raw INSERT limit**: single-row INSERT transactions with as many writers, same database.
 *
 * The clients run in a worker thread with an event loop of their own, as remote clients would:
 * the server's event loop and its profile carry only the server's work. Each client is an
 * undici `Client` (one keep-alive connection, no pipelining), which costs the shared 2 cores
 * less per request than `fetch` did.
 *
 * **Express against Fastify** (BENCH_ADAPTERS, `express,fastify` by default): in the one-process
 * rounds, two more windows run the floor's resolver on Nest's stack alone (request logging, the
 * auth guard, the validation pipe, Apollo Server; none of Tandem's middleware) on each adapter,
 * so the adapter is the only difference between them (`adapter-floor`, Fastify's ratio against
 * Express's). The full app runs on Express.
 *
 * **One process against two** (BENCH_PROCESSES, `1,2` by default): after the one-process
 * rounds, a second node (`api-node.ts`, the same app in a process of its own on the same
 * database, projection leadership deciding which node applies what) joins, the clients are
 * spread over both endpoints as a load balancer would, and the three cases run again. Each case
 * is reported per process count, the mutation's ratio against the floor of the same count.
 *
 * The three cases take turns in BENCH_ROUNDS short windows (BENCH_SECONDS / BENCH_ROUNDS each),
 * so the load of a shared machine falls on all of them alike; each case's figure is over all its
 * windows. Sessions of 10 events are fresh each round; the long ones are filled with copies of a
 * real chat event (chained as the handler chains them) and projected before the first window.
 *
 * With BENCH_PROFILE=1, or when a target is missed, a further window of the real mutation runs
 * under the V8 sampling profiler (the profiler `node --cpu-prof` uses) and the top functions by
 * self time go to stderr; BENCH_PROFILE_OUT=file.cpuprofile also keeps the profile (the measured
 * windows are never profiled).
 *
 *   npm run bench:api   (BENCH_SECONDS=40, BENCH_ROUNDS=4, BENCH_CLIENTS=32, BENCH_LONG_SESSION=1000, BENCH_PROCESSES=1,2 by default)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Client } from 'undici';
import type { Principal } from '../src/application/identity/principal.js';
import { SessionService } from '../src/application/sessions/session.service.js';
import { chainHash, linkOf } from '../src/application/command-handling/hash-chain.js';
import { EVENT_STORE, type EventStore } from '../src/application/event-store/event-store.port.js';
import { ProjectionRunner } from '../src/infrastructure/projections/projection-runner.js';
import { signToken } from '../src/infrastructure/identity/jwt.js';
import { BENCH_JWT_SECRET, benchApiNode } from './api-floor.js';
import { adapterFloorApp, type HttpAdapterName } from './api-adapters.js';
import { profiled, summarise } from './profile.js';
import { benchDatabase, closedLoopSamples, combine, type LoadResult, type LoadSamples, rawInsertLimit, report, round, seconds, positive } from './support.js';

const TARGET_RATIO = 0.6;
const TARGET_PER_SECOND = 1000;
const SEND_CHAT = 'mutation($id: ID!, $text: String!) { sendChatMessage(id: $id, text: $text) { id version } }';
const FLOOR = 'mutation($id: ID!, $text: String!) { benchFloor(id: $id, text: $text) { id version } }';

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
  /** The nodes' GraphQL endpoints; client c sends to `endpoints[c % endpoints.length]`. */
  endpoints: string[];
  query: string;
  tokens: string[];
  sessionIds: string[];
  /** The window's length. */
  seconds: number;
}
type LoadOutcome = { samples: LoadSamples; firstError?: string };

/** The closed-loop clients, in a worker thread: each sends to its own session. */
function inWorker(job: LoadJob): Promise<LoadOutcome> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: job });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

async function clientLoop(job: LoadJob): Promise<void> {
  let firstError: string | undefined;
  const connections = job.tokens.map((_, c) => {
    const url = new URL(job.endpoints[c % job.endpoints.length]!);
    return { client: new Client(url.origin, { pipelining: 1 }), path: url.pathname };
  });
  const send = async (c: number, i: number) => {
    const { client, path } = connections[c]!;
    const res = await client.request({
      path,
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${job.tokens[c]!}` },
      body: JSON.stringify({ query: job.query, variables: { id: job.sessionIds[c]!, text: `message ${i} from client ${c}` } }),
    });
    const body = (await res.body.json()) as GraphqlResponse;
    if (res.statusCode !== 200 || body.errors?.length || !body.data) {
      const error = new Error(`HTTP ${res.statusCode}: ${JSON.stringify(body.errors ?? body)}`);
      firstError ??= error.message;
      throw error;
    }
  };
  const samples = await closedLoopSamples(job.tokens.length, job.seconds, send);
  await Promise.all(connections.map(({ client }) => client.close()));
  parentPort!.postMessage({ samples, firstError } satisfies LoadOutcome);
}

/**
 * Starts a further node (`api-node.js`) on the benchmark's database and waits until it serves.
 * @returns its GraphQL endpoint and the process (stopped with SIGTERM)
 * @throws Error when it exits or prints nothing within 60 s
 */
async function spawnNode(databaseUrl: string, dataDir: string): Promise<{ endpoint: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./api-node.js', import.meta.url))], {
    env: { ...process.env, BENCH_NODE_DATABASE_URL: databaseUrl, BENCH_NODE_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the second node printed nothing in 60 s')), 60_000);
    child.once('exit', (code) => reject(new Error(`the second node exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith('listening ')) return;
      clearTimeout(timer);
      resolve(line.slice('listening '.length).trim());
    });
  });
  return { endpoint, child };
}

async function stopNode(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

async function main(): Promise<void> {
  const clients = positive(process.env.BENCH_CLIENTS, 32);
  const longSession = positive(process.env.BENCH_LONG_SESSION, 1000);
  const processCounts = (process.env.BENCH_PROCESSES ?? '1,2').split(',').map((n) => positive(n, 1));
  const adapters = (process.env.BENCH_ADAPTERS ?? 'express,fastify').split(',').filter((a): a is HttpAdapterName => a === 'express' || a === 'fastify');
  const duration = seconds(40);
  /** A warm-up window of `s` seconds, shorter in short runs (BENCH_SECONDS under 40). */
  const warmUp = (s: number) => Math.min(s, (s * duration) / 40);
  const db = await benchDatabase('api');
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-bench-api-'));

  // ---- the database's limit: raw single-row INSERT tx/s, same database, same number of writers
  const pool = new pg.Pool({ connectionString: db.url, max: clients });
  pool.on('error', () => undefined); // idle clients cut when the benchmark's server stops
  const raw = await rawInsertLimit(pool, clients, duration, { by: 'csr-bench', at: new Date().toISOString(), text: 'benchmark chat message' });

  // ---- the application, with the floor's resolver beside the real ones
  const { app, endpoint } = await benchApiNode(db.url, dataDir);
  const endpoints = [endpoint];
  const others: ChildProcess[] = [];
  const sessions = app.get(SessionService);
  const store = app.get<EventStore>(EVENT_STORE);
  const reader = app.get(ProjectionRunner);

  let round_ = 0;
  /** 32 CSRs of a fresh round, each with one live session filled up to `length` events. */
  const sessionsOf = async (length: number) => {
    const r = ++round_;
    const tokens = await Promise.all(Array.from({ length: clients }, (_, c) => signToken(BENCH_JWT_SECRET, { sub: `csr-bench-${r}-${c}`, roles: ['csr'] })));
    const started = await Promise.all(tokens.map((token) => graphql(endpoint, token, 'mutation { startSession { id number version } }')));
    const sessionIds = started.map((s) => s.id);
    if (length > 1) {
      const t0 = performance.now();
      await Promise.all(
        sessionIds.map(async (id, c) => {
          const principal: Principal = { userId: `csr-bench-${r}-${c}`, roles: ['csr'], flags: {} };
          // One real chat message through the session service, then copies of its event appended
          // in bulk (chained like the handler's), then one more command so the node's kept fold is current.
          await sessions.execute(principal, id, 'SendChatMessage', { text: 'filler 1' } as never);
          await fillWithCopies(store, `session-${id}`, length - 1);
          await sessions.execute(principal, id, 'SendChatMessage', { text: `filler ${length}` } as never);
        }),
      );
      // The reader has projected every filler event before the window opens.
      await reader.caughtUp();
      console.error(`filled ${clients} sessions to ${length} events and projected them in ${Math.round(performance.now() - t0)} ms`);
    }
    return { tokens, sessionIds };
  };
  const window = async (what: string, query: string, s: { tokens: string[]; sessionIds: string[] }, length: number, at = endpoints) => {
    const { samples, firstError } = await inWorker({ endpoints: at, query, ...s, seconds: length });
    if (firstError) console.error(`${what}: first GraphQL error: ${firstError}`);
    const r = combine([samples]);
    console.error(`${what}, ${clients} clients on ${at.length} process(es), ${length} s: ${r.perSecond}/s p50 ${r.p50ms} ms p99 ${r.p99ms} ms errors ${r.errors}`);
    return samples;
  };

  // Warm-up (JIT, pools, prepared statements), not counted. The mutation's path took 10-15 s of
  // load to reach its steady rate on this machine (2.5 s windows from a cold start: 215, 403,
  // 549, 616/s, then 800/s and more), so it warms longer than the floor.
  const warm = await sessionsOf(1);
  await window('warm-up floor', FLOOR, warm, warmUp(3));
  await window('warm-up mutation', SEND_CHAT, warm, warmUp(12));

  const longSessions = await sessionsOf(longSession);
  const rounds = positive(process.env.BENCH_ROUNDS, 4);
  // Nest's stack alone on each adapter (no Tandem middleware, no I/O), in this process like node 1.
  const adapterApps = await Promise.all(adapters.map(async (adapter) => ({ adapter, ...(await adapterFloorApp(adapter)) })));
  const adapterWindows = new Map<HttpAdapterName, LoadSamples[]>(adapters.map((a) => [a, []]));
  for (const { adapter, endpoint: at } of adapterApps) await window(`warm-up ${adapter} adapter floor`, FLOOR, warm, warmUp(3), [at]);
  const results: { processes: number; floor: LoadResult; atShort: LoadResult; atLong: LoadResult }[] = [];
  const met = (r: LoadResult, floor: LoadResult) => r.perSecond / floor.perSecond >= TARGET_RATIO && r.p99ms < 2 * floor.p99ms && r.perSecond >= TARGET_PER_SECOND;
  try {
    for (const processes of processCounts) {
      while (endpoints.length < processes) {
        const node = await spawnNode(db.url, dataDir);
        others.push(node.child);
        endpoints.push(node.endpoint);
        console.error(`node ${endpoints.length} serves at ${node.endpoint}`);
      }
      endpoints.splice(processes);
      if (processes > 1) {
        // The new node's JIT, pools and kept folds, not counted.
        await window(`warm-up floor, ${processes} processes`, FLOOR, warm, warmUp(3));
        await window(`warm-up mutation, ${processes} processes`, SEND_CHAT, warm, warmUp(12));
      }
      // The three cases take turns in short windows, so a shared machine's changing load falls on
      // all of them alike (their ratios are what compares across runs).
      const windows = { floor: [] as LoadSamples[], short: [] as LoadSamples[], long: [] as LoadSamples[] };
      for (let r = 0; r < rounds; r++) {
        if (processes === 1)
          for (const { adapter, endpoint: at } of adapterApps)
            adapterWindows.get(adapter)!.push(await window(`round ${r + 1}: ${adapter} adapter floor (Nest + Apollo only)`, FLOOR, warm, duration / rounds, [at]));
        windows.floor.push(await window(`round ${r + 1}: framework floor (benchFloor, no I/O)`, FLOOR, warm, duration / rounds));
        // Fresh sessions of 10 each round (a window adds events to the sessions it writes to).
        // The two lengths swap places every round: the window right after the 32 sessions are
        // started and filled ran 10-15% slower whichever length it measured (a run with the order
        // reversed: 1,000 events 672/s and 616/s first, 10 events 772/s and 754/s second), so
        // neither length may always take that place.
        const fresh = await sessionsOf(10);
        const short = () => window(`round ${r + 1}: graphql-mutation, sessions of 10 events`, SEND_CHAT, fresh, duration / rounds);
        const long = () => window(`round ${r + 1}: graphql-mutation, sessions of ${longSession}+ events`, SEND_CHAT, longSessions, duration / rounds);
        if (r % 2 === 0) {
          windows.short.push(await short());
          windows.long.push(await long());
        } else {
          windows.long.push(await long());
          windows.short.push(await short());
        }
      }
      const result = { processes, floor: combine(windows.floor), atShort: combine(windows.short), atLong: combine(windows.long) };
      results.push(result);
      const { floor, atShort, atLong } = result;
      console.error(
        `${processes} process(es) over ${rounds} rounds: floor ${floor.perSecond}/s p99 ${floor.p99ms} ms; sessions of 10: ${atShort.perSecond}/s p99 ${atShort.p99ms} ms; of ${longSession}+: ${atLong.perSecond}/s p99 ${atLong.p99ms} ms`,
      );
      if (processes === 1 && (!met(atShort, floor) || !met(atLong, floor) || process.env.BENCH_PROFILE === '1')) {
        // This process's profile: only with every client on it.
        const profileSeconds = Math.min(duration, 10);
        console.error(`${process.env.BENCH_PROFILE === '1' ? 'BENCH_PROFILE=1' : 'target missed'}: profiling the server for ${profileSeconds} s of the real mutation`);
        const fresh = await sessionsOf(10);
        const profile = await profiled(() => inWorker({ endpoints, query: SEND_CHAT, ...fresh, seconds: profileSeconds }));
        const seen = combine([profile.result.samples]);
        console.error(`profiled window: ${seen.perSecond}/s p50 ${seen.p50ms} ms p99 ${seen.p99ms} ms`);
        if (process.env.BENCH_PROFILE_OUT) {
          writeFileSync(process.env.BENCH_PROFILE_OUT, JSON.stringify(profile.profile));
          console.error(`the profile (V8 .cpuprofile, as node --cpu-prof writes) is in ${process.env.BENCH_PROFILE_OUT}`);
        }
        console.error(summarise(profile.profile, 20));
      }
    }
    const { rows } = await pool.query<{ longest: number }>('SELECT max(version) AS longest FROM session_view');
    console.error(`longest session stream at the end: ${Number(rows[0]?.longest ?? 0) + 1} events`);
  } finally {
    await Promise.all(others.map(stopNode));
    await Promise.all(adapterApps.map(({ app: adapterApp }) => adapterApp.close()));
    await pool.end();
    await app.close();
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }

  const adapterFloors = [...adapterWindows].filter(([, w]) => w.length > 0).map(([adapter, w]) => ({ adapter, r: combine(w) }));
  const expressAdapter = adapterFloors.find((a) => a.adapter === 'express')?.r;
  for (const { adapter, r } of adapterFloors) {
    const againstExpress = adapter !== 'express' && expressAdapter !== undefined;
    report({
      bench: 'api',
      case: 'adapter-floor',
      adapter,
      processes: 1,
      clients,
      value: r.perSecond,
      unit: 'mutations/s',
      limit: againstExpress ? expressAdapter.perSecond : raw.perSecond,
      limitCase: againstExpress ? 'express adapter floor' : 'raw single-row INSERT tx/s',
      p50ms: r.p50ms,
      p99ms: r.p99ms,
      errors: r.errors,
    });
  }
  for (const { processes, floor, atShort, atLong } of results) {
    report({
      bench: 'api',
      case: 'framework-floor',
      processes,
      clients,
      value: floor.perSecond,
      unit: 'mutations/s',
      limit: raw.perSecond,
      limitCase: 'raw single-row INSERT tx/s',
      p50ms: floor.p50ms,
      p99ms: floor.p99ms,
      errors: floor.errors,
    });
    const flat = Math.abs(atLong.perSecond - atShort.perSecond) / atShort.perSecond <= 0.1;
    for (const [length, r] of [
      [10, atShort],
      [longSession, atLong],
    ] as const) {
      report({
        bench: 'api',
        case: 'graphql-mutation',
        processes,
        clients,
        sessionEvents: length,
        value: r.perSecond,
        unit: 'mutations/s',
        limit: floor.perSecond,
        limitCase: 'framework floor',
        p50ms: r.p50ms,
        p99ms: r.p99ms,
        limitP99ms: floor.p99ms,
        rawInsertLimit: raw.perSecond,
        rawInsertRatio: round(r.perSecond / raw.perSecond, 3),
        rawInsertP99ms: raw.p99ms,
        errors: r.errors,
        target: `ratio >= ${TARGET_RATIO}, p99 < 2x the floor's, >= ${TARGET_PER_SECOND}/s`,
        met: met(r, floor),
        ...(length === longSession ? { vsSessionsOf10: round(r.perSecond / atShort.perSecond, 2), flatWithin10pc: flat } : {}),
      });
    }
  }
}

/**
 * Appends copies of the stream's last event (a ChatMessageSent) until the stream holds `length`
 * events, 250 per append, each with a fresh message id and chained to the one before (RPT-2), as
 * the command handler would have stored them one by one.
 */
async function fillWithCopies(store: EventStore, streamId: string, length: number): Promise<void> {
  const last = (await store.readStream(streamId, { direction: 'backwards', maxCount: 1 }))[0]!;
  const { chain: _chain, ...metadata } = last.metadata as Record<string, unknown>;
  let prev = linkOf(last)?.hash ?? null;
  let version = last.version;
  while (version + 1 < length) {
    const expectedVersion = version;
    const batch = [];
    for (let i = 0; i < 250 && version + 1 < length; i++) {
      version++;
      const data = { ...(last.data as Record<string, unknown>), messageId: randomUUID(), text: `filler ${version}` };
      const hash = chainHash(prev, { streamId, version, type: last.type, data, metadata });
      batch.push({ type: last.type, data, metadata: { ...metadata, chain: { prev, hash } } });
      prev = hash;
    }
    await store.appendToStream(streamId, batch, { expectedVersion });
  }
}

if (isMainThread) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  void clientLoop(workerData as LoadJob);
}
