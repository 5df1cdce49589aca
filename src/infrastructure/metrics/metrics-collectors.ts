import { Gauge } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { ReadinessProbe } from '../../application/operations/readiness.port.js';
import type { Metrics } from './metrics.js';

/**
 * Gauges read from the database when Prometheus scrapes: projection lag (events and seconds
 * behind the head of the log, per projection), live sessions, and queue depth per queue. A query
 * that fails (the database away) leaves the gauge empty for that scrape rather than failing it.
 */
export function registerDatabaseGauges(metrics: Metrics, dataSource: DataSource, probe: ReadinessProbe): void {
  const registers = [metrics.registry];
  const lagEvents = new Gauge({
    name: 'tandem_projection_lag_events',
    help: 'Events a projection handles that are committed after its checkpoint',
    labelNames: ['projection'],
    registers,
  });
  const lagSeconds = new Gauge({
    name: 'tandem_projection_lag_seconds',
    help: "Age of a projection's oldest unprocessed event, in seconds (0 when caught up)",
    labelNames: ['projection'],
    registers,
    async collect() {
      lagEvents.reset();
      this.reset();
      const report = await probe.report().catch(() => undefined);
      for (const p of report?.projections ?? []) {
        lagEvents.set({ projection: p.name }, p.events);
        this.set({ projection: p.name }, p.seconds);
      }
    },
  });
  void lagSeconds;
  new Gauge({
    name: 'tandem_live_sessions',
    help: 'Sessions that have not ended, by status, as the read model sees them',
    labelNames: ['status'],
    registers,
    async collect() {
      this.reset();
      const rows = (await dataSource.query(`SELECT status, count(*)::int AS n FROM session_view WHERE status <> 'ended' GROUP BY status`).catch(() => [])) as {
        status: string;
        n: number;
      }[];
      for (const row of rows) this.set({ status: row.status }, row.n);
    },
  });
  new Gauge({
    name: 'tandem_queue_waiting',
    help: 'Requests and hand-overs waiting in each WebACD queue',
    labelNames: ['queue'],
    registers,
    async collect() {
      this.reset();
      const rows = (await dataSource.query(`SELECT id, waiting FROM queue_view`).catch(() => [])) as { id: string; waiting: number }[];
      for (const row of rows) this.set({ queue: row.id }, Number(row.waiting));
    },
  });
}
