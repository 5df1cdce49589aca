import type { DataSource } from 'typeorm';
import type { ActivityFilter, ActivityReports, CsrActivity, ReportExport, ReportExports } from '../../application/reports/activity-report.js';

/** RPT-1 from the report_sessions read model: one query per report, grouped per CSR. */
export class PgActivityReports implements ActivityReports {
  constructor(private readonly dataSource: DataSource) {}

  async csrActivity(filter: ActivityFilter): Promise<CsrActivity[]> {
    const rows = (await this.dataSource.query(
      `WITH parts AS (
         SELECT c.key AS csr_id, c.value AS part, s.*
           FROM report_sessions s, jsonb_each(s.csrs) AS c
          WHERE s.started_at >= $1 AND s.started_at < $2
            AND ($3::text IS NULL OR c.key = $3)
            AND ($4::text IS NULL OR s.queue_id = $4)
       )
       SELECT csr_id,
              count(*)::int AS sessions,
              count(*) FILTER (WHERE kind = 'inbound')::int AS inbound,
              count(*) FILTER (WHERE kind = 'outbound')::int AS outbound,
              count(*) FILTER (WHERE mode = 'single')::int AS single,
              count(*) FILTER (WHERE mode = 'multi')::int AS multi,
              (SELECT count(DISTINCT customer)::int FROM parts p2, unnest(p2.customers) AS customer WHERE p2.csr_id = parts.csr_id) AS customers,
              coalesce(sum(greatest(extract(epoch FROM ended_at - started_at), 0) * 1000) FILTER (WHERE ended_at IS NOT NULL), 0)::float8 AS handle_total,
              avg(greatest(extract(epoch FROM ended_at - started_at), 0) * 1000) FILTER (WHERE ended_at IS NOT NULL)::float8 AS handle_average,
              count(*) FILTER (WHERE picked_up_by = csr_id)::int AS picked_up,
              avg(queue_wait_ms) FILTER (WHERE picked_up_by = csr_id)::float8 AS queue_wait_average,
              sum((part ->> 'transfersGiven')::int)::int AS transfers_given,
              sum((part ->> 'transfersReceived')::int)::int AS transfers_received,
              sum((part ->> 'handOvers')::int)::int AS hand_overs,
              sum((part ->> 'recordings')::int)::int AS recordings,
              jsonb_agg(jsonb_build_object('sessionId', session_id, 'notes', part -> 'notes') ORDER BY started_at) AS notes
         FROM parts
        GROUP BY csr_id
        ORDER BY csr_id`,
      [filter.from, filter.to, filter.csrId ?? null, filter.queueId ?? null],
    )) as Record<string, any>[];
    const round = (n: number | null) => (n === null ? null : Math.round(n));
    const offers = await this.offersIn(filter);
    const none = { received: 0, accepted: 0, declined: 0, timedOut: 0 };
    const activity: CsrActivity[] = rows.map((r) => ({
      csrId: r.csr_id,
      sessions: r.sessions,
      byKind: { inbound: r.inbound, outbound: r.outbound },
      byMode: { single: r.single, multi: r.multi },
      customersHelped: r.customers,
      handleTimeMs: { total: Math.round(r.handle_total), average: round(r.handle_average) },
      pickedUpFromQueue: r.picked_up,
      averageQueueWaitMs: round(r.queue_wait_average),
      transfersGiven: r.transfers_given,
      transfersReceived: r.transfers_received,
      handOvers: r.hand_overs,
      recordings: r.recordings,
      notes: (r.notes as { sessionId: string; notes: { noteId: string; text: string; at: string }[] }[]).flatMap((s) => s.notes.map((n) => ({ sessionId: s.sessionId, ...n }))),
      offers: offers.get(r.csr_id) ?? none,
    }));
    // Agents who were offered work but ran no session in the period are listed too.
    const listed = new Set(activity.map((a) => a.csrId));
    for (const [csrId, counts] of offers) {
      if (listed.has(csrId)) continue;
      activity.push({
        csrId,
        sessions: 0,
        byKind: { inbound: 0, outbound: 0 },
        byMode: { single: 0, multi: 0 },
        customersHelped: 0,
        handleTimeMs: { total: 0, average: null },
        pickedUpFromQueue: 0,
        averageQueueWaitMs: null,
        transfersGiven: 0,
        transfersReceived: 0,
        handOvers: 0,
        recordings: 0,
        notes: [],
        offers: counts,
      });
    }
    return activity.sort((a, b) => (a.csrId < b.csrId ? -1 : a.csrId > b.csrId ? 1 : 0));
  }

  /** RPT-1: offers per agent made in the period (report_offers, kept by the queue projection). */
  private async offersIn(filter: ActivityFilter): Promise<Map<string, CsrActivity['offers']>> {
    const rows = (await this.dataSource.query(
      `SELECT agent_id,
              count(*)::int AS received,
              count(*) FILTER (WHERE outcome = 'accepted')::int AS accepted,
              count(*) FILTER (WHERE outcome = 'declined')::int AS declined,
              count(*) FILTER (WHERE outcome = 'expired')::int AS timed_out
         FROM report_offers
        WHERE offered_at >= $1 AND offered_at < $2 AND ($3::text IS NULL OR agent_id = $3) AND ($4::text IS NULL OR queue_id = $4)
        GROUP BY agent_id`,
      [filter.from, filter.to, filter.csrId ?? null, filter.queueId ?? null],
    )) as { agent_id: string; received: number; accepted: number; declined: number; timed_out: number }[];
    return new Map(rows.map((r) => [r.agent_id, { received: r.received, accepted: r.accepted, declined: r.declined, timedOut: r.timed_out }]));
  }
}

export class PgReportExports implements ReportExports {
  constructor(private readonly dataSource: DataSource) {}

  async create(id: string, requestedBy: string, format: 'csv' | 'json', filter: ActivityFilter): Promise<void> {
    await this.dataSource.query(`INSERT INTO report_exports (id, requested_by, format, filter, status) VALUES ($1, $2, $3, $4, 'queued')`, [
      id,
      requestedBy,
      format,
      JSON.stringify(filter),
    ]);
  }

  async progress(id: string, status: ReportExport['status'], progress: number): Promise<void> {
    await this.dataSource.query('UPDATE report_exports SET status = $2, progress = $3 WHERE id = $1', [id, status, progress]);
  }

  async finish(id: string, content: string | null, error: string | null): Promise<void> {
    await this.dataSource.query(
      `UPDATE report_exports SET status = $2, progress = CASE WHEN $2 = 'done' THEN 1 ELSE progress END, content = $3, error = $4, finished_at = now() WHERE id = $1`,
      [id, error ? 'failed' : 'done', content, error],
    );
  }

  async get(id: string, requestedBy?: string) {
    const rows = (await this.dataSource.query(
      `SELECT id, requested_by, format, filter, status, progress, error FROM report_exports WHERE id = $1 AND ($2::text IS NULL OR requested_by = $2)`,
      [id, requestedBy ?? null],
    )) as {
      id: string;
      requested_by: string;
      format: 'csv' | 'json';
      filter: { from: string; to: string; csrId?: string; queueId?: string };
      status: ReportExport['status'];
      progress: number;
      error: string | null;
    }[];
    const r = rows[0];
    if (!r) return undefined;
    return {
      id: r.id,
      requestedBy: r.requested_by,
      format: r.format,
      status: r.status,
      progress: r.progress,
      error: r.error,
      filter: { from: new Date(r.filter.from), to: new Date(r.filter.to), csrId: r.filter.csrId, queueId: r.filter.queueId },
    };
  }

  async content(id: string): Promise<string | undefined> {
    const rows = (await this.dataSource.query('SELECT content FROM report_exports WHERE id = $1', [id])) as { content: string | null }[];
    return rows[0]?.content ?? undefined;
  }
}
