import type { DataSource } from 'typeorm';
import type { AgentLoad, QueueItemView, QueueOfferView, QueueOutcomes, QueueReadModel, QueueView } from '../../application/webacd/webacd.ports.js';
import type { RequiredSkill } from '../../domain/queue/index.js';
import { START } from '../../application/event-store/event-store.port.js';
import type { CountedLoad } from '../../application/webacd/pending-load.js';
import { sessionViewProjection } from './projections/session-view.projection.js';
import type { QueueSummary } from './projections/queue-view.projection.js';

const toView = (row: { id: string; status: string; state: QueueSummary; version: number }): QueueView => ({
  id: row.id,
  name: row.state.name,
  status: row.status,
  agentIds: row.state.agentIds,
  agents: row.state.agents,
  offerTimeoutMs: row.state.offerTimeoutMs,
  topics: row.state.topics ?? [],
  serviceLevelThresholdMs: row.state.serviceLevelThresholdMs,
  waiting: row.state.waiting,
  recentWaitsMs: row.state.recentWaitsMs,
  version: row.version,
});

const ITEM_COLUMNS = `i.queue_id, i.item_id, i.kind, i.enqueued_at, i.session_id, i.customer_id, i.customer_name, i.problem, i.origin_url, i.message, i.topic, i.required_skills`;

const toItem = (r: Record<string, any>): QueueItemView => ({
  queueId: r.queue_id,
  itemId: r.item_id,
  kind: r.kind,
  enqueuedAt: new Date(r.enqueued_at),
  sessionId: r.session_id,
  customerId: r.customer_id,
  customerName: r.customer_name,
  problem: r.problem,
  originUrl: r.origin_url,
  message: r.message,
  topic: r.topic,
  requiredSkills: r.required_skills ?? [],
});

const toOffer = (r: Record<string, any>): QueueOfferView => ({
  offerId: r.offer_id,
  queueId: r.queue_id,
  queueName: r.queue_name,
  itemId: r.item_id,
  agentId: r.agent_id,
  offeredAt: new Date(r.offered_at),
  expiresAt: new Date(r.expires_at),
  item: r.kind ? toItem(r) : null,
});

const OFFERS = `SELECT o.queue_id, o.offer_id, o.item_id, o.agent_id, o.offered_at, o.expires_at, q.name AS queue_name, ${ITEM_COLUMNS}
                  FROM queue_offers o JOIN queue_view q ON q.id = o.queue_id
                  LEFT JOIN queue_items i ON i.queue_id = o.queue_id AND i.item_id = o.item_id`;

/** The WebACD read model (queue_view and its line tables); every query reads a few rows or an index range. */
export class PgQueueReadModel implements QueueReadModel {
  constructor(private readonly dataSource: DataSource) {}

  async byId(id: string): Promise<QueueView | undefined> {
    const rows = await this.dataSource.query('SELECT id, status, state, version FROM queue_view WHERE id = $1', [id]);
    return rows[0] ? toView(rows[0]) : undefined;
  }

  async list(): Promise<QueueView[]> {
    return (await this.dataSource.query('SELECT id, status, state, version FROM queue_view ORDER BY name, id')).map(toView);
  }

  async ofAgent(agentId: string): Promise<QueueView[]> {
    const rows = await this.dataSource.query(`SELECT id, status, state, version FROM queue_view WHERE status = 'open' AND $1 = ANY(agent_ids) ORDER BY name, id`, [agentId]);
    return rows.map(toView);
  }

  async items(queueId: string, limit: number): Promise<QueueItemView[]> {
    const rows = await this.dataSource.query(`SELECT ${ITEM_COLUMNS} FROM queue_items i WHERE i.queue_id = $1 ORDER BY i.seq LIMIT $2`, [queueId, limit]);
    return rows.map(toItem);
  }

  async offers(queueId: string): Promise<QueueOfferView[]> {
    return (await this.dataSource.query(`${OFFERS} WHERE o.queue_id = $1 ORDER BY o.offered_at, o.offer_id`, [queueId])).map(toOffer);
  }

  async offersOf(agentId: string): Promise<QueueOfferView[]> {
    return (await this.dataSource.query(`${OFFERS} WHERE o.agent_id = $1 AND q.status = 'open' ORDER BY o.offered_at, o.offer_id`, [agentId])).map(toOffer);
  }

  async waitingBySkills(queueId: string): Promise<{ requiredSkills: readonly RequiredSkill[]; count: number }[]> {
    const rows = (await this.dataSource.query('SELECT required_skills, waiting FROM queue_skill_counts WHERE queue_id = $1 AND waiting > 0', [queueId])) as {
      required_skills: RequiredSkill[];
      waiting: number;
    }[];
    return rows.map((r) => ({ requiredSkills: r.required_skills, count: r.waiting }));
  }

  async oldestWaiting(queueId: string): Promise<Date | null> {
    const rows = await this.dataSource.query('SELECT enqueued_at FROM queue_items WHERE queue_id = $1 ORDER BY seq LIMIT 1', [queueId]);
    return rows[0] ? new Date(rows[0].enqueued_at) : null;
  }

  async outcomes(queueId: string, since: Date, thresholdMs: number): Promise<QueueOutcomes> {
    const rows = await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE outcome = 'answered')::int AS answered,
              count(*) FILTER (WHERE outcome = 'answered' AND waited_ms <= $3)::int AS within,
              count(*) FILTER (WHERE outcome <> 'answered')::int AS abandoned,
              coalesce(sum(waited_ms) FILTER (WHERE outcome = 'answered'), 0)::float8 AS waited
         FROM queue_outcomes WHERE queue_id = $1 AND at >= $2`,
      [queueId, since, thresholdMs],
    );
    const r = rows[0] ?? {};
    return { answered: r.answered ?? 0, answeredWithinThreshold: r.within ?? 0, abandoned: r.abandoned ?? 0, answeredWaitMs: r.waited ?? 0 };
  }
}

/**
 * Live load per CSR (SES-3), from session_view's csr_ids alone (never the sessions' state
 * documents), over the live rows only (a partial index): the cost follows what is live, not the
 * history. The counts and the projection's stored checkpoint are read in one statement (one
 * snapshot): the projection commits its rows and its checkpoint together, so the counts are
 * exactly those of the log up to that checkpoint.
 */
export class PgAgentLoad implements AgentLoad {
  constructor(private readonly dataSource: DataSource) {}

  async liveSessions(): Promise<CountedLoad> {
    const rows = (await this.dataSource.query(
      `SELECT (SELECT checkpoint FROM projection_checkpoints WHERE name = $1) AS checkpoint,
              (SELECT coalesce(json_object_agg(csr_id, n), '{}'::json)
                 FROM (SELECT csr_id, count(*)::int AS n
                         FROM session_view s, unnest(s.csr_ids) AS csr_id
                        WHERE s.status <> 'ended'
                        GROUP BY csr_id) AS live) AS counts`,
      [sessionViewProjection.name],
    )) as { checkpoint: string | null; counts: Record<string, number> }[];
    const row = rows[0];
    return { counts: new Map(Object.entries(row?.counts ?? {})), checkpoint: row?.checkpoint ?? START };
  }
}
