/**
 * The WebRTC signalling socket (`/signalling`) against a bare `ws` relay, in the same run:
 *
 * relay — 1,000 client sockets in 500 session pairs (the CSR and the customer of each session,
 *   video started so 'video' frames go both ways). Every socket sends `signal` frames (media
 *   'video', kind 'candidate', a ~200-byte payload carrying the send time) to its peer, paced
 *   at BENCH_RATE frames/s per socket (default 40: under the gateway's 50 frames/s token
 *   bucket) with at most BENCH_WINDOW (default 4) frames of its own not yet received by the
 *   peer — a rate-capped closed loop: it offers 40,000 frames/s in all, but when the server
 *   cannot keep up the windows fill and the senders wait, so the figure is the server's
 *   capacity and the latency is not an ever-growing queue. Measured: frames received per
 *   second and p50/p99 of send → receive (one clock: both ends live in the same worker).
 *   The limit is a bare `ws` WebSocketServer doing the same job (forward each frame to the
 *   pair's other socket), in the same (main) thread as the app; the two take turns in
 *   BENCH_ROUNDS windows of BENCH_SECONDS / BENCH_ROUNDS each (after a 3 s warm-up each), so
 *   a shared machine's load falls on both alike. The clients run in a worker thread (own event
 *   loop, own core), the same for both.
 *
 * idle-socket-memory — BENCH_IDLE_SOCKETS (default 10,000) sockets that only connect and join
 *   (1,000 sessions × CSR and customer × 5 sockets, the per-user maximum). The clients live in
 *   a child process (fork of this file) so neither their heap nor their rss counts. Reported per
 *   socket: the main isolate's heapUsed delta (the value; after a forced GC each side) and the
 *   process rss and external (Buffers) deltas. The "limit" is the target, 20 KiB per socket.
 *
 *   npm run bench:signalling   (BENCH_SECONDS=15, BENCH_ROUNDS=3, BENCH_SOCKETS=1000, BENCH_IDLE_SOCKETS=10000,
 *                               BENCH_RATE=40, BENCH_WINDOW=4; BENCH_PROFILE=1 always profiles)
 *
 * 10,000 sockets need 10,000 descriptors in the server process (and as many in the client
 * process): check `ulimit -n` first.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { createServer } from 'node:http';
import WebSocket, { WebSocketServer } from 'ws';
import { createApp } from '../src/app.factory.js';
import { loadConfig } from '../src/infrastructure/config/app-config.js';
import { signToken } from '../src/infrastructure/identity/jwt.js';
import { benchDatabase, report, round, seconds, positive } from './support.js';
import { profiled, summarise } from './profile.js';

const JWT_SECRET = 'bench-secret-that-is-long-enough-for-hs256-0123456789';
/** Issue 10: consent checks keep the relay at 0.8x the bare relay or better. */
const TARGET_RATIO = 0.8;
const TARGET_BYTES_PER_SOCKET = 20 * 1024;
const SOCKETS_PER_USER = 5;

// ============================================================ shared shapes

interface PairSpec {
  sessionId: string;
  /** [CSR, customer]: the user ids and their tokens. */
  users: [string, string];
  tokens: [string, string];
}

interface RelayJob {
  mode: 'relay';
  kind: 'app' | 'bare';
  base: string; // ws://host:port
  pairs: PairSpec[];
  rate: number;
  window: number;
  warmup: number;
  seconds: number;
}

interface RelayResult {
  received: number;
  /** The measured window's length, s. */
  elapsed: number;
  /** Every send → receive latency measured, ms. */
  latencies: Float64Array;
  perSecond: number;
  p50ms: number;
  p99ms: number;
  errors: number;
  firstError?: string;
  closed: number;
}

interface IdleJob {
  base: string;
  /** One entry per socket. */
  sockets: { sessionId: string; token: string }[];
}

// ============================================================ GraphQL set-up

async function graphql(endpoint: string, token: string, query: string, variables: Record<string, unknown> = {}): Promise<any> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  if (body.errors?.length || !body.data) throw new Error(`HTTP ${res.status}: ${JSON.stringify(body.errors ?? body)}`);
  return Object.values(body.data)[0];
}

async function parallel<T>(n: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      for (let i = next++; i < n; i = next++) out[i] = await task(i);
    }),
  );
  return out;
}

/** `count` sessions, each with a CSR of its own and a customer who joined by number; video started when asked. */
async function sessions(endpoint: string, prefix: string, count: number, video: boolean): Promise<PairSpec[]> {
  return parallel(count, 16, async (i) => {
    const users: [string, string] = [`csr-${prefix}-${i}`, `cust-${prefix}-${i}`];
    const tokens: [string, string] = [await signToken(JWT_SECRET, { sub: users[0], roles: ['csr'] }), await signToken(JWT_SECRET, { sub: users[1], roles: ['customer'] })];
    // Idempotent start (same commandId), retried while a loaded machine's read model has not shown it yet.
    const start = () => graphql(endpoint, tokens[0], 'mutation($c: String!) { startSession(commandId: $c) { id number } }', { c: `bench-${prefix}-${i}` });
    let s = await start().catch((error: unknown) => error as Error);
    for (let tries = 0; s instanceof Error && String(s).includes('SESSION_NOT_FOUND') && tries < 20; tries++) s = await start().catch((error: unknown) => error as Error);
    if (s instanceof Error) throw s;
    await graphql(endpoint, tokens[1], 'mutation($n: String!) { joinSession(number: $n, as: customer) { id } }', { n: s.number });
    if (video) await graphql(endpoint, tokens[0], 'mutation($id: ID!) { startVideo(id: $id, cameraAvailable: true) { id } }', { id: s.id });
    return { sessionId: s.id as string, users, tokens };
  });
}

// ============================================================ bare ws relay (the limit)

/** Forwards each frame to the other socket of its pair (`?pair=<i>&side=<0|1>`), nothing else. */
async function bareRelay(): Promise<{ base: string; close(): Promise<void> }> {
  const server = createServer();
  const wss = new WebSocketServer({ server, perMessageDeflate: false, maxPayload: 1024 * 1024 });
  const pairs = new Map<string, [WebSocket | undefined, WebSocket | undefined]>();
  wss.on('connection', (ws, req) => {
    const q = new URL(req.url ?? '/', 'http://localhost').searchParams;
    const key = q.get('pair')!;
    const side = Number(q.get('side'));
    let pair = pairs.get(key);
    if (!pair) pairs.set(key, (pair = [undefined, undefined]));
    pair[side] = ws;
    ws.on('message', (data, isBinary) => {
      const peer = pair![1 - side];
      if (peer?.readyState === WebSocket.OPEN) peer.send(data, { binary: isBinary });
    });
    ws.on('close', () => (pair![side] = undefined));
    ws.send('{"type":"joined"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// ============================================================ relay clients (worker thread)

function runRelayWorker(job: RelayJob): Promise<RelayResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: job });
    worker.once('message', (result: RelayResult) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`relay clients exited with ${code}`)));
  });
}

interface End {
  ws: WebSocket;
  pair: number;
  side: 0 | 1;
  /** Frames sent by this end not yet received by its peer. */
  inFlight: number;
  credit: number;
}

async function relayClients(job: RelayJob): Promise<void> {
  const PAYLOAD_FILL = 'a'.repeat(160); // with the candidate text and the timestamp: ~200 bytes
  const ends: End[] = [];
  let errors = 0;
  let closed = 0;
  let firstError: string | undefined;
  let measuring = false;
  let received = 0;
  let latencies = new Float64Array(1 << 20);
  let samples = 0;

  const open = (pair: number, side: 0 | 1) =>
    new Promise<End>((resolve, reject) => {
      const spec = job.pairs[pair]!;
      const url = job.kind === 'app' ? `${job.base}/signalling?access_token=${encodeURIComponent(spec.tokens[side])}` : `${job.base}/?pair=${pair}&side=${side}`;
      const ws = new WebSocket(url, { perMessageDeflate: false });
      const end: End = { ws, pair, side, inFlight: 0, credit: 0 };
      ws.once('error', reject);
      ws.on('close', () => closed++);
      ws.on('message', (data) => {
        const frame = JSON.parse(data.toString());
        if (frame.type === 'signal') {
          const now = performance.now();
          const from = ends[pair * 2 + (1 - side)]!;
          from.inFlight--;
          if (measuring) {
            received++;
            if (samples === latencies.length) {
              const grown = new Float64Array(latencies.length * 2);
              grown.set(latencies);
              latencies = grown;
            }
            latencies[samples++] = now - frame.payload.t;
          }
        } else if (frame.type === 'joined') {
          resolve(end);
        } else if (frame.type === 'error') {
          errors++;
          firstError ??= JSON.stringify(frame);
          if (frame.code !== 'RATE_LIMITED') reject(new Error(JSON.stringify(frame)));
        }
      });
      ws.once('open', () => {
        if (job.kind === 'app') ws.send(JSON.stringify({ type: 'join', sessionId: spec.sessionId }));
      });
    });

  // Connect and join, 50 at a time (a burst of 1,000 handshakes is not what is measured).
  const opened = await parallel(job.pairs.length * 2, 50, (i) => open(Math.floor(i / 2), (i % 2) as 0 | 1));
  ends.push(...opened);

  let seq = 0;
  const send = (end: End) => {
    const spec = job.pairs[end.pair]!;
    const frame = {
      type: 'signal',
      sessionId: spec.sessionId,
      to: spec.users[1 - end.side],
      media: 'video',
      kind: 'candidate',
      payload: { candidate: `candidate:${seq++} 1 udp 2122260223 10.0.0.1 54321 typ host`, fill: PAYLOAD_FILL, t: performance.now() },
    };
    end.inFlight++;
    end.credit--;
    end.ws.send(JSON.stringify(frame));
  };

  // One pacing tick for all sockets: each earns `rate` credits a second (at most 1 banked,
  // so the token bucket on the server never sees a burst) and spends them while its window allows.
  const TICK_MS = 5;
  let last = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    const earned = ((now - last) / 1000) * job.rate;
    last = now;
    for (const end of ends) {
      end.credit = Math.min(1, end.credit + earned);
      while (end.credit >= 1 && end.inFlight < job.window && end.ws.readyState === WebSocket.OPEN) send(end);
    }
  }, TICK_MS);

  await sleep(job.warmup * 1000);
  measuring = true;
  const started = performance.now();
  await sleep(job.seconds * 1000);
  measuring = false;
  const elapsed = (performance.now() - started) / 1000;
  clearInterval(ticker);

  const sorted = latencies.subarray(0, samples).sort();
  const pct = (p: number) => round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0, 2);
  const result: RelayResult = {
    received,
    elapsed,
    latencies: sorted.slice(),
    perSecond: round(received / elapsed, 0),
    p50ms: pct(0.5),
    p99ms: pct(0.99),
    errors,
    firstError,
    closed,
  };
  for (const end of ends) end.ws.terminate();
  parentPort!.postMessage(result);
}

// ============================================================ idle clients (child process)

function runIdleClients(job: IdleJob): Promise<{ opened: number; kill(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['idle-clients'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`idle clients exited with ${code}`)));
    child.once('message', (message: { opened?: number; error?: string }) => {
      if (message.error) return reject(new Error(message.error));
      resolve({
        opened: message.opened!,
        kill: () =>
          new Promise<void>((done) => {
            child.removeAllListeners('exit');
            child.once('exit', () => done());
            child.kill();
          }),
      });
    });
    child.send(job);
  });
}

async function idleClients(job: IdleJob): Promise<void> {
  const sockets: WebSocket[] = [];
  try {
    await parallel(job.sockets.length, 100, async (i) => {
      const { sessionId, token } = job.sockets[i]!;
      const ws = new WebSocket(`${job.base}/signalling?access_token=${encodeURIComponent(token)}`, { perMessageDeflate: false });
      sockets.push(ws);
      await new Promise<void>((resolve, reject) => {
        ws.once('error', reject);
        ws.once('close', (code) => reject(new Error(`socket ${i} closed with ${code}`)));
        ws.once('open', () => ws.send(JSON.stringify({ type: 'join', sessionId })));
        ws.once('message', (data) => {
          const frame = JSON.parse(data.toString());
          if (frame.type === 'joined') resolve();
          else reject(new Error(`socket ${i}: ${data.toString()}`));
        });
      });
      ws.removeAllListeners('close');
    });
    process.send!({ opened: sockets.length });
  } catch (error) {
    process.send!({ error: (error as Error).message });
  }
  // Stays connected until killed.
}

// ============================================================ main

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** A forced full GC (the flag set at run time, the function fetched from a fresh context). */
function collector(): () => void {
  const global = globalThis as { gc?: () => void };
  if (global.gc) return global.gc;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

async function settledMemory(gc: () => void): Promise<NodeJS.MemoryUsage> {
  for (let i = 0; i < 3; i++) {
    await sleep(500);
    gc();
  }
  return process.memoryUsage();
}

async function main(): Promise<void> {
  const duration = seconds(15);
  const socketCount = positive(process.env.BENCH_SOCKETS, 1000);
  const idleCount = positive(process.env.BENCH_IDLE_SOCKETS, 10_000);
  const rate = positive(process.env.BENCH_RATE, 40);
  const window = positive(process.env.BENCH_WINDOW, 4);
  const rounds = positive(process.env.BENCH_ROUNDS, 3);
  // At least the gateway's watch-learning time (3 s after a session's first join, frames also go
  // to the bus): the windows measure the steady relay.
  const warmup = 3;
  const pairCount = Math.ceil(socketCount / 2);
  const idleSessions = Math.ceil(idleCount / (2 * SOCKETS_PER_USER));
  const gc = collector();

  const db = await benchDatabase('signalling');
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-bench-signalling-'));
  // Every customer joins by number from this one address: the per-address lookup limit is not what is measured.
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', JWT_SECRET, LOG_LEVEL: 'warn', DATA_DIR: dataDir, DB_POOL_SIZE: '20', NUMBER_LOOKUP_RATE_PER_MINUTE: '100000' });
  const app = await createApp(config, db.url);
  await app.listen(0, '127.0.0.1');
  const httpBase = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const endpoint = `${httpBase}/graphql`;
  const wsBase = httpBase.replace(/^http/, 'ws');

  // ---- set-up: sessions for the relay (video started) and for the idle sockets
  let t0 = performance.now();
  const pairs = await sessions(endpoint, 'relay', pairCount, true);
  const idle = await sessions(endpoint, 'idle', idleSessions, false);
  console.error(`set-up: ${pairCount} relay sessions (video started) + ${idleSessions} idle sessions in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // ---- idle-socket memory, first: the relay phase would leave garbage that makes the delta meaningless.
  // Clients in a child process, so only the server's memory is measured.
  await sleep(2000); // the set-up's work settled
  const before = await settledMemory(gc);
  t0 = performance.now();
  const clients = await runIdleClients({
    base: wsBase,
    sockets: Array.from({ length: idleCount }, (_, i) => {
      const s = idle[Math.floor(i / (2 * SOCKETS_PER_USER))]!;
      return { sessionId: s.sessionId, token: s.tokens[i % 2]! };
    }),
  });
  console.error(`idle: ${clients.opened} sockets connected and joined in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const after = await settledMemory(gc);
  await clients.kill();
  const per = (k: keyof NodeJS.MemoryUsage) => round((after[k] - before[k]) / clients.opened, 0);
  console.error(
    `memory before/after (MiB): heapUsed ${mib(before.heapUsed)} -> ${mib(after.heapUsed)}, rss ${mib(before.rss)} -> ${mib(after.rss)}, external ${mib(before.external)} -> ${mib(after.external)}`,
  );
  const heap = per('heapUsed');
  report({
    bench: 'signalling',
    case: 'idle-socket-memory',
    sockets: clients.opened,
    value: heap,
    unit: 'bytes/socket',
    limit: TARGET_BYTES_PER_SOCKET,
    limitCase: 'the target (20 KiB per idle socket), not a measured limit; value = main isolate heapUsed delta after forced GC, clients in a child process',
    rssBytesPerSocket: per('rss'),
    externalBytesPerSocket: per('external'),
    heapPlusExternalBytesPerSocket: round(heap + per('external'), 0),
    met: heap >= 0 && heap < TARGET_BYTES_PER_SOCKET, // a negative delta is a failed measurement, not a small one
  });

  await sleep(2000); // the idle sockets' close handshakes done on the server

  // ---- relay: the bare ws relay and the app take turns in BENCH_ROUNDS windows (the other idle
  // meanwhile), so that a shared machine's load falls on both alike; each figure is over all its windows.
  const bare = await bareRelay();
  const relayJob: RelayJob = { mode: 'relay', kind: 'app', base: wsBase, pairs, rate, window, warmup, seconds: duration / rounds };
  const bareWindows: RelayResult[] = [];
  const appWindows: RelayResult[] = [];
  for (let r = 0; r < rounds; r++) {
    const b = await runRelayWorker({ ...relayJob, kind: 'bare', base: bare.base });
    bareWindows.push(b);
    console.error(`round ${r + 1}: bare ws relay ${b.perSecond}/s p50 ${b.p50ms} ms p99 ${b.p99ms} ms`);
    const a = await runRelayWorker(relayJob);
    appWindows.push(a);
    console.error(`round ${r + 1}: app signalling relay ${a.perSecond}/s p50 ${a.p50ms} ms p99 ${a.p99ms} ms errors ${a.errors} closed ${a.closed}`);
    await sleep(1000); // the worker's sockets closed on the server
  }
  await bare.close();
  const limit = combined(bareWindows);
  const relay = combined(appWindows);
  console.error(`bare ws relay, ${pairCount * 2} sockets: ${limit.perSecond}/s p50 ${limit.p50ms} ms p99 ${limit.p99ms} ms`);
  if (relay.firstError) console.error(`first error frame: ${relay.firstError}`);
  console.error(`app signalling relay, ${pairCount * 2} sockets: ${relay.perSecond}/s p50 ${relay.p50ms} ms p99 ${relay.p99ms} ms errors ${relay.errors} closed ${relay.closed}`);
  const missed = relay.perSecond < TARGET_RATIO * limit.perSecond;
  if (missed || process.env.BENCH_PROFILE === '1') {
    const profileSeconds = Math.min(duration, 10);
    console.error(`${missed ? 'target missed' : 'BENCH_PROFILE=1'}: profiling the server for ${profileSeconds} s`);
    const profile = await profiled(() => runRelayWorker({ ...relayJob, seconds: profileSeconds, warmup: 1 }));
    console.error(`profiled window: ${profile.result.perSecond}/s p50 ${profile.result.p50ms} ms p99 ${profile.result.p99ms} ms`);
    console.error(summarise(profile.profile, 20));
  }
  report({
    bench: 'signalling',
    case: 'relay',
    sockets: pairCount * 2,
    value: relay.perSecond,
    unit: 'messages/s',
    limit: limit.perSecond,
    limitCase: `bare ws relay (WebSocketServer forwarding each frame to the pair's other socket), same clients, same thread`,
    p50ms: relay.p50ms,
    p99ms: relay.p99ms,
    limitP50ms: limit.p50ms,
    limitP99ms: limit.p99ms,
    offered: `${rate} frames/s per socket, window ${window}`,
    errors: relay.errors,
    target: `>= ${TARGET_RATIO} x bare`,
    met: !missed,
  });

  await app.close();
  await db.close();
  rmSync(dataDir, { recursive: true, force: true });
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

/** Windows of one relay as one: frames per second over their total time, percentiles over all their latencies. */
function combined(windows: readonly RelayResult[]): RelayResult {
  const latencies = new Float64Array(windows.reduce((n, w) => n + w.latencies.length, 0));
  let at = 0;
  for (const w of windows) {
    latencies.set(w.latencies, at);
    at += w.latencies.length;
  }
  latencies.sort();
  const pct = (p: number) => round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0, 2);
  const received = windows.reduce((n, w) => n + w.received, 0);
  const elapsed = windows.reduce((n, w) => n + w.elapsed, 0);
  return {
    received,
    elapsed,
    latencies,
    perSecond: round(received / elapsed, 0),
    p50ms: pct(0.5),
    p99ms: pct(0.99),
    errors: windows.reduce((n, w) => n + w.errors, 0),
    firstError: windows.find((w) => w.firstError)?.firstError,
    closed: windows.reduce((n, w) => n + w.closed, 0),
  };
}

// ============================================================ entry

if (!isMainThread) {
  void relayClients(workerData as RelayJob).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else if (process.argv[2] === 'idle-clients') {
  process.once('message', (job: IdleJob) => void idleClients(job));
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
