/**
 * WebACD routing (Q-6): 200 agents, 2,000 customers asking for help, all in one queue. Customers
 * arrive from 32 concurrent clients (the public help form's use case, in process); agents take
 * every offer as soon as they see it (an accepted offer starts the inbound session, SES-2).
 * Agents run multi-session with room for 50 customers each, so capacity never runs out and
 * what is measured is the router.
 *
 * Reported: inbound requests routed per second (customers who got an offer / time from the
 * first request to the last first offer) and time from request to offer, p50/p99, taken from
 * the stored events' own timestamps. Beside them, raw single-row INSERT transactions/s with 32
 * writers on the same database in the same run.
 *
 *   npm run bench:queue   (BENCH_AGENTS=200, BENCH_CUSTOMERS=2000 by default)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { INestApplication } from '@nestjs/common';
import { createApp } from '../src/app.factory.js';
import type { Principal } from '../src/application/identity/principal.js';
import { SessionService } from '../src/application/sessions/session.service.js';
import { WebAcdService } from '../src/application/webacd/webacd.service.js';
import { QueueChangeFeed } from '../src/application/projections/change-feed.js';
import { loadConfig } from '../src/infrastructure/config/app-config.js';
import { benchDatabase, rawInsertLimit, report, round } from './support.js';

const AGENTS = positive(process.env.BENCH_AGENTS, 200);
const CUSTOMERS = positive(process.env.BENCH_CUSTOMERS, 2000);
const CLIENTS = 32;
const QUEUE = 'bench-queue';

async function main(): Promise<void> {
  const db = await benchDatabase('queue');
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-bench-queue-'));
  const pool = new pg.Pool({ connectionString: db.url, max: CLIENTS });
  pool.on('error', () => undefined); // idle clients cut when the benchmark's server stops

  const raw = await rawInsertLimit(pool, CLIENTS, 5, { queueId: QUEUE, name: 'Customer', problem: 'My printer is on fire' });

  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', DATA_DIR: dataDir, DB_POOL_SIZE: '40', JWT_SECRET: 'bench-secret-that-is-long-enough-for-hs256-0123456789' });
  const app: INestApplication = await createApp(config, db.url);
  await app.init();
  const webacd = app.get(WebAcdService);
  const sessions = app.get(SessionService);
  const admin: Principal = { userId: 'bench-admin', roles: ['admin'], flags: {} };
  const agentIds = Array.from({ length: AGENTS }, (_, i) => `agent-${i}`);

  await sessions.changeSettings(admin, { type: 'ChangeSiteSettings', data: { webacdEnabled: true, multiSessionAllowed: true, maxCustomers: 50 } });
  for (const agentId of agentIds) await sessions.changeSettings(admin, { type: 'ChangeUserSettings', data: { userId: agentId, multiSession: true, webacdAgent: true } });
  await webacd.createQueue(admin, { queueId: QUEUE, name: 'Benchmark', agentIds, offerTimeoutMs: 600_000 });
  for (const agentId of agentIds) await webacd.setAvailability({ userId: agentId, roles: ['csr'], flags: { webacdAgent: true } }, QUEUE, true);
  await until(async () => (await webacd.queue(QUEUE))?.state !== undefined);

  // Agents: like their consoles (the myOffersChanged subscription), they look when the queue
  // changes, and each offered agent takes its offer.
  let stop = false;
  let accepted = 0;
  const taking = new Set<string>();
  const changes = app.get(QueueChangeFeed).changes((id) => id === QUEUE);
  const agentsLoop = (async () => {
    while (!stop) {
      const state = (await webacd.queue(QUEUE))?.state as { offers?: { offerId: string; agentId: string }[] } | undefined;
      const fresh = (state?.offers ?? []).filter((o) => !taking.has(o.offerId));
      await Promise.all(
        fresh.map(async (offer) => {
          taking.add(offer.offerId);
          try {
            await webacd.accept({ userId: offer.agentId, roles: ['csr'], flags: { webacdAgent: true } }, QUEUE, offer.offerId);
            accepted++;
          } catch {
            taking.delete(offer.offerId); // withdrawn or raced: the next look decides
          }
        }),
      );
      if (fresh.length === 0) await Promise.race([changes.next(), new Promise((resolve) => setTimeout(resolve, 250))]);
    }
  })();

  // Customers: CUSTOMERS help requests from CLIENTS concurrent clients.
  let next = 0;
  const requestedAt = new Map<string, number>();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (let i = next++; i < CUSTOMERS; i = next++) {
        const at = Date.now();
        const ticket = await webacd.requestHelp({ queueId: QUEUE, name: `Customer ${i}`, email: `c${i}@example.com`, problem: 'My printer is on fire', originUrl: 'https://shop.example.com/help' });
        requestedAt.set(ticket.itemId, at);
      }
    }),
  );
  const enqueueSeconds = (performance.now() - started) / 1000;
  console.error(`${CUSTOMERS} requests enqueued in ${round(enqueueSeconds, 1)} s`);
  await until(async () => accepted >= CUSTOMERS, 300_000);
  stop = true;
  await changes.return?.();
  await agentsLoop;

  // Timings from the stored events.
  const { rows } = await pool.query<{ type: string; item: string; at: Date }>(
    `SELECT type, data->>'itemId' AS item, recorded_at AS at FROM es_events WHERE stream_id = $1 AND type IN ('InboundRequestEnqueued', 'ItemOffered') ORDER BY stream_version`,
    [`queue-${QUEUE}`],
  );
  const offeredAt = new Map<string, number>();
  for (const row of rows) if (row.type === 'ItemOffered' && !offeredAt.has(row.item)) offeredAt.set(row.item, row.at.getTime());
  // From the customer's request (when the client sent it) to the item's first offer (when it was stored).
  const waits = [...requestedAt].filter(([item]) => offeredAt.has(item)).map(([item, at]) => Math.max(0, offeredAt.get(item)! - at)).sort((a, b) => a - b);
  const first = Math.min(...requestedAt.values());
  const last = Math.max(...offeredAt.values());
  const routedPerSecond = round(waits.length / ((last - first) / 1000), 0);
  const pct = (p: number) => waits[Math.min(waits.length - 1, Math.floor(waits.length * p))] ?? 0;
  console.error(`routed ${waits.length} of ${CUSTOMERS}: ${routedPerSecond}/s; request to offer p50 ${pct(0.5)} ms p99 ${pct(0.99)} ms; queue stream ${rows.length} routing events`);

  await app.close();
  if (process.env.BENCH_DEBUG_CONNECTIONS) console.error((await pool.query(`SELECT application_name, state, left(query, 80) AS query FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`)).rows);
  await pool.end();
  report({
    bench: 'queue',
    case: 'inbound-routing',
    clients: CLIENTS,
    value: routedPerSecond,
    unit: 'requests routed/s',
    limit: raw.perSecond,
    limitCase: 'raw single-row INSERT tx/s',
    agents: AGENTS,
    customers: CUSTOMERS,
    p50ms: pct(0.5),
    p99ms: pct(0.99),
    enqueuedPerSecond: round(CUSTOMERS / enqueueSeconds, 0),
  });
  await db.close();
  rmSync(dataDir, { recursive: true, force: true });
}

async function until(check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('benchmark condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
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
