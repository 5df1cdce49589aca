/**
 * WebACD routing at two sizes in one run (issue 14): 200 agents with 2,000 requests waiting, and
 * 1,000 agents with 20,000 waiting. The waiting requests need a skill no agent has (RT-4), so
 * they stay in the line for the whole case: routing must pass over them at no cost.
 *
 * Measured per size: customers ask for help (the public form's use case, in process) from
 * BENCH_CLIENTS concurrent clients, each waiting until an agent has taken its request before
 * asking again; agents look at the queue's open offers whenever the queue changes (as their
 * consoles do on the change feed) and take each offer at once (the inbound session starts,
 * SES-2). Agents run multi-session with room for 50 customers, so capacity never runs out and
 * what is measured is the router.
 *
 * Reported per size: requests routed per second (stored -> offered -> accepted, over the
 * measured phase) and time from request to offer, p50/p99 (the offer's stored time). Beside them,
 * in the same run: raw single-row INSERT transactions/s (32 writers), and the event store's own
 * append rate for as many events as the measured phase stored (same concurrency), expressed as
 * "routed/s if routing cost only its writes".
 *
 *   npm run bench:queue   (BENCH_SIZES=200x2000,1000x20000 BENCH_ROUTED=3000 BENCH_CLIENTS=64)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { INestApplication } from '@nestjs/common';
import { createApp } from '../src/app.factory.js';
import { EVENT_STORE, type EventStore } from '../src/application/event-store/event-store.port.js';
import type { Principal } from '../src/application/identity/principal.js';
import { QueueChangeFeed } from '../src/application/projections/change-feed.js';
import { ProjectionRunner } from '../src/infrastructure/projections/projection-runner.js';
import { SessionService } from '../src/application/sessions/session.service.js';
import { WebAcdService } from '../src/application/webacd/webacd.service.js';
import { loadConfig } from '../src/infrastructure/config/app-config.js';
import { benchDatabase, cpuMeter, rawInsertLimit, report, round, statementsOf } from './support.js';
import { profiled, summarise } from './profile.js';

const SIZES = (process.env.BENCH_SIZES ?? '200x2000,1000x20000').split(',').map((s) => {
  const [agents, waiting] = s.split('x').map(Number);
  return { agents: agents!, waiting: waiting! };
});
const ROUTED = positive(process.env.BENCH_ROUTED, 3000);
const CLIENTS = positive(process.env.BENCH_CLIENTS, 64);
const QUEUE = 'bench-queue';
const admin: Principal = { userId: 'bench-admin', roles: ['admin'], flags: {} };

async function runSize(agents: number, waiting: number): Promise<Record<string, unknown>> {
  const label = `${agents} agents x ${waiting} waiting`;
  const db = await benchDatabase(`queue-${agents}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-bench-queue-'));
  const pool = new pg.Pool({ connectionString: db.url, max: 32 });
  pool.on('error', () => undefined); // idle clients cut when the benchmark's server stops
  const raw = await rawInsertLimit(pool, 32, 3, { queueId: QUEUE, name: 'Customer', problem: 'My printer is on fire' });

  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    DB_POOL_SIZE: '40',
    JWT_SECRET: 'bench-secret-that-is-long-enough-for-hs256-0123456789',
  });
  const app: INestApplication = await createApp(config, db.url);
  await app.init();
  const webacd = app.get(WebAcdService);
  const sessions = app.get(SessionService);
  const store = app.get<EventStore>(EVENT_STORE);
  const agentIds = Array.from({ length: agents }, (_, i) => `agent-${i}`);
  const agent = (agentId: string): Principal => ({ userId: agentId, roles: ['csr'], flags: { webacdAgent: true } });

  // ---- setup: settings, skills, the queue, agents available, the unservable backlog
  let t0 = performance.now();
  await sessions.changeSettings(admin, { type: 'ChangeSiteSettings', data: { webacdEnabled: true, multiSessionAllowed: true, maxCustomers: 50 } });
  for (const agentId of agentIds) {
    await sessions.changeSettings(admin, {
      type: 'ChangeUserSettings',
      data: { userId: agentId, multiSession: true, webacdAgent: true, skills: [{ skill: 'printers', level: 5 }] },
    });
  }
  await webacd.createQueue(admin, {
    queueId: QUEUE,
    name: 'Benchmark',
    agentIds,
    offerTimeoutMs: 600_000,
    topics: [
      { topic: 'printers', requiredSkills: [{ skill: 'printers', minLevel: 1 }] },
      { topic: 'mainframe', requiredSkills: [{ skill: 'cobol', minLevel: 3 }] },
    ],
  });
  await Promise.all(agentIds.map((agentId) => webacd.execute(agent(agentId), QUEUE, 'SetAgentAvailability', { agentId, available: true })));
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      for (let i = next++; i < waiting; i = next++) {
        const customerId = `backlog-${i}`;
        const customer: Principal = { userId: customerId, roles: ['customer'], flags: {} };
        await webacd.execute(customer, QUEUE, 'EnqueueInbound', {
          itemId: `backlog-${i}`,
          topic: 'mainframe',
          customer: { customerId, name: `Backlog ${i}`, email: `b${i}@example.com` },
          problem: 'Our mainframe batch job fails',
          originUrl: 'https://shop.example.com/help',
        });
      }
    }),
  );
  await app.get(ProjectionRunner).caughtUp();
  const backlog = (await webacd.statistics(QUEUE)).waiting;
  console.error(`${label}: set up in ${round((performance.now() - t0) / 1000, 1)} s; ${backlog} waiting nobody can serve`);

  // ---- agents: on every queue change, take each new open offer
  let stop = false;
  const taking = new Set<string>();
  const acceptedItems = new Map<string, () => void>();
  const changes = app.get(QueueChangeFeed).changes((id) => id === QUEUE);
  const agentsLoop = (async () => {
    while (!stop) {
      const { rows } = await pool.query<{ offer_id: string; agent_id: string; item_id: string }>('SELECT offer_id, agent_id, item_id FROM queue_offers WHERE queue_id = $1', [
        QUEUE,
      ]);
      const fresh = rows.filter((o) => !taking.has(o.offer_id));
      for (const offer of fresh) {
        taking.add(offer.offer_id);
        void webacd.accept(agent(offer.agent_id), QUEUE, offer.offer_id).then(
          () => acceptedItems.get(offer.item_id)?.(),
          () => taking.delete(offer.offer_id), // withdrawn or raced: the next look decides
        );
      }
      await Promise.race([changes.next(), new Promise((resolve) => setTimeout(resolve, 100))]);
    }
  })();

  // ---- the measured phase
  const before = (await pool.query<{ n: string; max: string | null }>('SELECT count(*) AS n, max(global_position)::text AS max FROM es_events')).rows[0]!;
  const requestedAt = new Map<string, number>();
  let served = 0;
  let issued = 0;
  const statements = await statementsOf(pool);
  await statements.reset();
  t0 = performance.now();
  const routingCpu = cpuMeter(db.postmasterPid);
  const phase = Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (issued < ROUTED) {
        const i = issued++;
        const at = Date.now();
        const ticket = await webacd.requestHelp({
          queueId: QUEUE,
          name: `Customer ${i}`,
          email: `c${i}@example.com`,
          problem: 'My printer is on fire',
          originUrl: 'https://shop.example.com/help',
          topic: 'printers',
        });
        requestedAt.set(ticket.itemId, at);
        await new Promise<void>((resolve) => acceptedItems.set(ticket.itemId, resolve));
        served++;
      }
    }),
  );
  // BENCH_PROFILE=1: the measured phase under V8's sampling profiler (its figures then include the profiler's cost).
  if (process.env.BENCH_PROFILE === '1') console.error(summarise((await profiled(() => phase)).profile, 25));
  else await phase;
  const seconds = (performance.now() - t0) / 1000;
  const cpu = routingCpu.per(served);
  await statements.report(served, `${label}, per routed request`);
  stop = true;
  await changes.return?.();
  await agentsLoop;
  const after = (await pool.query<{ n: string }>('SELECT count(*) AS n FROM es_events')).rows[0]!;
  const events = Number(after.n) - Number(before.n);

  const { rows } = await pool.query<{ item: string; at: Date }>(
    `SELECT data->>'itemId' AS item, min(recorded_at) AS at FROM es_events WHERE stream_id = $1 AND type = 'ItemOffered' AND global_position > $2 GROUP BY 1`,
    [`queue-${QUEUE}`, before.max ?? '0'],
  );
  const offeredAt = new Map(rows.map((r) => [r.item, r.at.getTime()]));
  const waits = [...requestedAt]
    .filter(([item]) => offeredAt.has(item))
    .map(([item, at]) => Math.max(0, offeredAt.get(item)! - at))
    .sort((a, b) => a - b);
  const pct = (p: number) => waits[Math.min(waits.length - 1, Math.floor(waits.length * p))] ?? 0;
  const routedPerSecond = round(served / seconds, 0);
  await app.get(ProjectionRunner).caughtUp(); // the statistics come from the read model, which follows the answers
  const stillWaiting = (await webacd.statistics(QUEUE)).waiting;
  console.error(
    `${label}: routed ${served} in ${round(seconds, 1)} s = ${routedPerSecond}/s; request to offer p50 ${pct(0.5)} ms p99 ${pct(0.99)} ms; ${events} events stored (${round(events / served, 1)} per request); ${stillWaiting} still waiting`,
  );
  // CPU per routed request, this process (the app, the customers and the agents) and PostgreSQL.
  console.error(`${label}: CPU per routed request: ${cpu.node} ms in Node, ${cpu.pg ?? '?'} ms in PostgreSQL`);

  // ---- second limit: the store appending as many events, one per append, from as many writers
  const payload = { itemId: 'x', customer: { customerId: 'c', name: 'Customer', email: 'c@example.com' }, problem: 'My printer is on fire', at: new Date().toISOString() };
  let appended = 0;
  const appendStarted = performance.now();
  const appendCpu = cpuMeter(db.postmasterPid);
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (appended < events) {
        const n = appended++;
        await store.appendToStream(`bench-append-${n}`, [{ type: 'BenchEvent', data: payload }], { expectedVersion: 'no_stream' });
      }
    }),
  );
  const appendSeconds = (performance.now() - appendStarted) / 1000;
  const appendPerSecond = round(appended / appendSeconds, 0);
  const writesOnly = round(appendPerSecond / (events / served), 0);
  console.error(`${label}: the store appends ${appendPerSecond} events/s (${appended} events, ${CLIENTS} writers): ${writesOnly} routed/s if routing cost only its writes`);
  // The same events' CPU appended alone, per routed request's worth (appended / served events each).
  const alone = appendCpu.per(served);
  console.error(`${label}: CPU of the same events appended alone, per routed request's worth: ${alone.node} ms in Node, ${alone.pg ?? '?'} ms in PostgreSQL`);

  await app.close();
  await pool.end();
  await db.close();
  rmSync(dataDir, { recursive: true, force: true });
  return {
    agents,
    waiting: backlog,
    value: routedPerSecond,
    limit: raw.perSecond,
    p50ms: pct(0.5),
    p99ms: pct(0.99),
    routed: served,
    eventsPerRequest: round(events / served, 1),
    storeAppendEventsPerSecond: appendPerSecond,
    writesOnlyRoutedPerSecond: writesOnly,
    ratioToWritesOnly: round(routedPerSecond / writesOnly, 2),
    nodeCpuMsPerRouted: cpu.node,
    ...(cpu.pg === undefined ? {} : { pgCpuMsPerRouted: cpu.pg }),
  };
}

async function main(): Promise<void> {
  const results: Record<string, unknown>[] = [];
  for (const { agents, waiting } of SIZES) {
    const r = await runSize(agents, waiting);
    results.push(r);
    const { value, limit, ...rest } = r as { value: number; limit: number };
    report({
      bench: 'queue',
      case: `inbound-routing-${agents}x${waiting}`,
      clients: CLIENTS,
      value,
      unit: 'requests routed/s',
      limit,
      limitCase: 'raw single-row INSERT tx/s, 32 writers',
      ...rest,
    });
  }
  if (results.length >= 2) {
    const values = results.map((r) => r.value as number);
    const spread = round(Math.min(...values) / Math.max(...values), 2);
    console.error(`throughput at the smallest size / the largest: ${values.join(' / ')} routed/s: the slower is ${spread} of the faster (target >= 0.8)`);
  }
}

function positive(raw: string | undefined, fallback: number): number {
  const n = Number(raw);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
