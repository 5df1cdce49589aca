/**
 * RPT-2 replay and read-model rebuild against the physical limit of the same database, same run:
 *
 *   (a) limit: a raw scan of every event in global order through a server-side cursor
 *       (FETCH 10,000 at a time; the same columns the event store reads, count and total data size)
 *   (b) rebuilding the session_view projection from START with the real ProjectionRunner until
 *       caught up: events/s and ratio to (a) (targets: >= 0.3x and >= 20,000 events/s)
 *   (c) a 1,000-event session's history with the state after every event through ReplayService,
 *       p50/p99 over 50 fetches, against a raw read of the same stream (target: p99 < 50 ms)
 *
 * The log is loaded in SQL (INSERT ... SELECT FROM generate_series): BENCH_EVENTS events
 * (default 1,000,000) as sessions of 30 valid session events each.
 *
 *   npm run bench:replay            (BENCH_EVENTS=200000 for a quicker run)
 */
import pg from 'pg';
import { DataSource } from 'typeorm';
import { chainHash } from '../src/application/command-handling/hash-chain.js';
import type { Principal } from '../src/application/identity/principal.js';
import { ProjectionRunner } from '../src/infrastructure/projections/projection-runner.js';
import { ReplayService } from '../src/application/replay/replay.service.js';
import { PostgresEventStore } from '../src/infrastructure/event-store/postgres-event-store.js';
import { v7 as uuidv7 } from 'uuid';
import { sessionViewProjection } from '../src/infrastructure/persistence/projections/session-view.projection.js';
import { READ_MODEL_ENTITIES } from '../src/infrastructure/persistence/read-model-entities.js';
import { benchDatabase, report, round } from './support.js';

const EVENTS = positive(process.env.BENCH_EVENTS, 1_000_000);
const PER_SESSION = 30;
const SESSIONS = Math.ceil(EVENTS / PER_SESSION);
const SESSIONS_PER_INSERT = 2000;
const SCAN_BATCH = 10_000;
const HISTORY_EVENTS = 1000;
const HISTORY_FETCHES = 50;
const SUPERVISOR: Principal = { userId: 'bench-supervisor', roles: ['supervisor'], flags: {} };

function positive(raw: string | undefined, fallback: number): number {
  const n = Number(raw);
  return Number.isSafeInteger(n) && n > 0 ? n : fallback;
}

/**
 * One session's 30 events, v0..v29, in SQL: started, a customer and a helper join, chat, a
 * desktop share requested/approved/ended, a recording started and stopped, a note, the end.
 * The data follows src/domain/session/session.events.ts so the projection folds it for real.
 */
const LOAD_SQL = `
INSERT INTO es_events (event_id, stream_id, stream_version, type, schema_version, data, metadata, recorded_at)
SELECT gen_random_uuid(), 'session-' || s.sid, v.v, t.type, 1, t.data || jsonb_build_object('by', t.by, 'at', to_char((s.ts + v.v * interval '7 seconds') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
       jsonb_build_object('userId', t.by, 'commandId', null, 'commandType', 'Bench', 'at', to_char((s.ts + v.v * interval '7 seconds') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
       s.ts + v.v * interval '7 seconds'
  FROM (SELECT i, md5('bench-session-' || i)::uuid AS sid, lpad(i::text, 9, '0') AS number, 'csr-' || (i % 5000) AS csr,
               'helper-' || ((i + 1) % 5000) AS helper, 'cust-' || i AS cust, md5('bench-share-' || i)::uuid AS share,
               md5('bench-rec-' || i)::uuid AS rec, timestamptz '2026-01-01' + i * interval '13 seconds' AS ts
          FROM generate_series($1::int, $2::int) AS i) s
 CROSS JOIN generate_series(0, ${PER_SESSION - 1}) AS v(v)
 CROSS JOIN LATERAL (SELECT * FROM (VALUES
   (0, 'SessionStarted', s.csr, jsonb_build_object('sessionId', s.sid, 'number', s.number, 'kind', 'outbound', 'mode', 'single',
       'joinLink', 'https://bench.tandem.local/join/' || s.number, 'siteUrl', 'https://bench.tandem.local', 'originUrl', null,
       'settings', jsonb_build_object('maxCustomers', 5, 'autoRecord', false, 'coBrowsingAvailable', false))),
   (1, 'CustomerJoined', s.cust, jsonb_build_object('customerId', s.cust, 'displayName', 'Customer ' || s.i)),
   (2, 'HelperJoined', s.helper, jsonb_build_object('helperId', s.helper, 'displayName', null)),
   (10, 'ShareRequested', s.csr, jsonb_build_object('shareId', s.share, 'kind', 'desktop', 'mode', 'view', 'customerId', s.cust, 'startUrl', null)),
   (11, 'ShareApproved', s.cust, jsonb_build_object('shareId', s.share, 'applicationName', null)),
   (12, 'ShareEnded', s.csr, jsonb_build_object('shareId', s.share, 'reason', 'stopped')),
   (13, 'RecordingStarted', s.csr, jsonb_build_object('recordingId', s.rec, 'automatic', false)),
   (20, 'RecordingStopped', s.csr, jsonb_build_object('recordingId', s.rec, 'reason', 'stopped')),
   (28, 'NoteSaved', s.csr, jsonb_build_object('noteId', md5('bench-note-' || s.i)::uuid, 'text', 'Printer driver reinstalled; customer confirmed it prints.')),
   (29, 'SessionEnded', s.csr, jsonb_build_object('reason', 'ended_by_csr'))
 ) AS fixed(v, type, by, data) WHERE fixed.v = v.v
   UNION ALL
   SELECT v.v, 'ChatMessageSent', CASE WHEN v.v % 3 = 0 THEN s.cust ELSE s.csr END,
          jsonb_build_object('messageId', md5('bench-msg-' || s.i || '-' || v.v)::uuid, 'text', 'Message ' || v.v || ' of session ' || s.i || ': could you open the printer settings for me?', 'to', null)
    WHERE v.v NOT IN (0, 1, 2, 10, 11, 12, 13, 20, 28, 29)) AS t
 WHERE s.i * ${PER_SESSION} + v.v < $3::bigint
 ORDER BY s.i, v.v`;

async function load(pool: pg.Pool): Promise<number> {
  const started = performance.now();
  for (let from = 0; from < SESSIONS; from += SESSIONS_PER_INSERT) {
    const to = Math.min(SESSIONS, from + SESSIONS_PER_INSERT) - 1;
    await pool.query(LOAD_SQL, [from, to, EVENTS]);
    process.stderr.write(`\rloading: ${Math.min(EVENTS, (to + 1) * PER_SESSION)}/${EVENTS} events`);
  }
  await pool.query('VACUUM ANALYZE es_events');
  const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM es_events');
  process.stderr.write(`\rloaded ${rows[0]!.n} events (${SESSIONS} sessions) in ${round((performance.now() - started) / 1000, 1)} s\n`);
  return Number(rows[0]!.n);
}

/** (a) The limit: every event, in global order, through a cursor. */
async function rawScan(pool: pg.Pool): Promise<{ events: number; bytes: number; seconds: number }> {
  const client = await pool.connect();
  const started = performance.now();
  let events = 0;
  let bytes = 0;
  try {
    await client.query('BEGIN READ ONLY');
    await client.query(`DECLARE scan NO SCROLL CURSOR FOR
      SELECT event_id, stream_id, stream_version, type, schema_version, data, metadata, recorded_at, global_position, tx_id::text AS tx_text,
             length(data::text) AS len
        FROM es_events ORDER BY tx_id, global_position`);
    for (;;) {
      const { rows } = await client.query<{ len: number }>(`FETCH ${SCAN_BATCH} FROM scan`);
      if (rows.length === 0) break;
      events += rows.length;
      for (const row of rows) bytes += row.len;
    }
    await client.query('COMMIT');
  } finally {
    client.release();
  }
  return { events, bytes, seconds: (performance.now() - started) / 1000 };
}

/** (b) The real runner, from START, until it has caught up with the log. */
async function rebuild(store: PostgresEventStore, url: string): Promise<{ seconds: number; rows: number }> {
  const dataSource = new DataSource({ type: 'postgres', url, entities: READ_MODEL_ENTITIES, extra: { max: 4 } });
  await dataSource.initialize();
  await dataSource.query('TRUNCATE session_view');
  await dataSource.query('DELETE FROM projection_checkpoints WHERE name = $1', [sessionViewProjection.name]);
  const runner = new ProjectionRunner(store, dataSource, [sessionViewProjection], (message, error) => console.error(message, error));
  const started = performance.now();
  await runner.start();
  await runner.caughtUp();
  const seconds = (performance.now() - started) / 1000;
  await runner.stop();
  const rows = Number((await dataSource.query('SELECT count(*) AS n FROM session_view'))[0].n);
  await dataSource.destroy();
  return { seconds, rows };
}

/** A long session appended through the store, hash-chained like the command handler does. */
async function longSession(store: PostgresEventStore): Promise<string> {
  const sessionId = '11111111-2222-4333-8444-555555555555';
  const streamId = `session-${sessionId}`;
  const at = (v: number) => new Date(Date.UTC(2026, 5, 1) + v * 1000).toISOString();
  const csr = 'long-csr';
  const cust = 'long-cust';
  const eventAt = (v: number): { type: string; data: Record<string, unknown>; by: string } => {
    if (v === 0)
      return {
        type: 'SessionStarted',
        by: csr,
        data: {
          sessionId,
          number: '999999999',
          kind: 'outbound',
          mode: 'single',
          joinLink: 'https://bench.tandem.local/join/999999999',
          siteUrl: 'https://bench.tandem.local',
          originUrl: null,
          settings: { maxCustomers: 5, autoRecord: false, coBrowsingAvailable: false },
        },
      };
    if (v === 1) return { type: 'CustomerJoined', by: cust, data: { customerId: cust, displayName: 'Long Customer' } };
    if (v === 2) return { type: 'HelperJoined', by: 'long-helper', data: { helperId: 'long-helper', displayName: null } };
    if (v === HISTORY_EVENTS - 1) return { type: 'SessionEnded', by: csr, data: { reason: 'ended_by_csr' } };
    const shareId = `00000000-0000-4000-8000-${String(Math.floor(v / 50)).padStart(12, '0')}`;
    switch (v % 50) {
      case 10:
        return { type: 'ShareRequested', by: csr, data: { shareId, kind: 'desktop', mode: 'view', customerId: cust, startUrl: null } };
      case 11:
        return { type: 'ShareApproved', by: cust, data: { shareId, applicationName: null } };
      case 30:
        return { type: 'ShareEnded', by: csr, data: { shareId, reason: 'stopped' } };
      case 40:
        return { type: 'NoteSaved', by: csr, data: { noteId: uuidv7(), text: `Note at ${v}` } };
      default:
        return { type: 'ChatMessageSent', by: v % 2 ? csr : cust, data: { messageId: uuidv7(), text: `Message ${v}: please try printing a test page`, to: null } };
    }
  };
  let prev: string | null = null;
  for (let from = 0; from < HISTORY_EVENTS; from += 100) {
    const events = [];
    for (let v = from; v < Math.min(HISTORY_EVENTS, from + 100); v++) {
      const e = eventAt(v);
      const data = { ...e.data, by: e.by, at: at(v) };
      const metadata = { commandId: null, commandType: 'Bench', userId: e.by, at: at(v) };
      const hash = chainHash(prev, { streamId, version: v, type: e.type, data, metadata });
      events.push({ id: uuidv7(), type: e.type, data, metadata: { ...metadata, chain: { prev, hash } } });
      prev = hash;
    }
    await store.appendToStream(streamId, events, { expectedVersion: from === 0 ? 'no_stream' : from - 1 });
  }
  return sessionId;
}

function percentiles(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const pct = (p: number) => round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0, 2);
  return { p50: pct(0.5), p99: pct(0.99) };
}

async function main(): Promise<void> {
  const db = await benchDatabase('replay');
  const pool = new pg.Pool({ connectionString: db.url, max: 8 });
  pool.on('error', () => undefined);
  const store = new PostgresEventStore({ pool, listen: false });
  const results: Parameters<typeof report>[0][] = [];
  try {
    const loaded = await load(pool);
    await rawScan(pool); // warm the cache: both runs then read from memory
    const scan = await rawScan(pool);
    const scanRate = scan.events / scan.seconds;
    console.error(`raw cursor scan: ${scan.events} events, ${round(scan.bytes / 1e6, 1)} MB of data in ${round(scan.seconds, 2)} s = ${round(scanRate, 0)} events/s`);

    const built = await rebuild(store, db.url);
    const rebuildRate = loaded / built.seconds;
    console.error(`session_view rebuild: ${loaded} events -> ${built.rows} rows in ${round(built.seconds, 2)} s = ${round(rebuildRate, 0)} events/s`);
    results.push({
      bench: 'replay',
      case: 'rebuild-session-view',
      value: round(rebuildRate, 0),
      unit: 'events/s',
      limit: round(scanRate, 0),
      limitCase: `raw cursor scan (FETCH ${SCAN_BATCH})`,
      events: loaded,
      rows: built.rows,
      seconds: round(built.seconds, 2),
      scanSeconds: round(scan.seconds, 2),
      target: '>= 0.3x and >= 20000 events/s',
      meetsTarget: rebuildRate >= 0.3 * scanRate && rebuildRate >= 20_000,
    });

    const sessionId = await longSession(store);
    const replay = new ReplayService(store, { byNumber: () => Promise.reject(new Error('not used')) });
    const raw: number[] = [];
    const fetched: number[] = [];
    for (let i = 0; i < 5; i++) await replay.sessionHistory(SUPERVISOR, sessionId, { limit: HISTORY_EVENTS }); // warm-up
    for (let i = 0; i < HISTORY_FETCHES; i++) {
      let t0 = performance.now();
      await store.readStream(`session-${sessionId}`);
      raw.push(performance.now() - t0);
      t0 = performance.now();
      const history = await replay.sessionHistory(SUPERVISOR, sessionId, { limit: HISTORY_EVENTS });
      fetched.push(performance.now() - t0);
      if (history.items.length !== HISTORY_EVENTS || !history.chain.intact) throw new Error(`history: ${history.items.length} items, chain ${JSON.stringify(history.chain)}`);
    }
    const r = percentiles(raw);
    const f = percentiles(fetched);
    console.error(`history of ${HISTORY_EVENTS} events with states: p50 ${f.p50} ms p99 ${f.p99} ms (raw stream read p50 ${r.p50} ms p99 ${r.p99} ms)`);
    results.push({
      bench: 'replay',
      case: `session-history-${HISTORY_EVENTS}`,
      value: f.p99,
      unit: 'ms p99',
      limit: r.p99,
      limitCase: 'raw readStream of the same 1,000 events, p99',
      p50ms: f.p50,
      limitP50ms: r.p50,
      fetches: HISTORY_FETCHES,
      target: 'p99 < 50 ms',
      meetsTarget: f.p99 < 50,
    });
  } finally {
    await store.close();
    await pool.end();
    await db.close();
  }
  for (const line of results) report(line);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
