import type { EntityManager } from 'typeorm';
import type { Projection } from '../../projections/projection.js';
import { queueIdOf } from '../../../application/webacd/webacd.service.js';
import {
  DEFAULT_SERVICE_LEVEL_THRESHOLD_MS,
  type QueueEvent,
  type QueueEventType,
  type QueueTopic,
  RECENT_WAITS_SIZE,
  type RequiredSkill,
  skillKey,
} from '../../../domain/queue/index.js';

/** Every queue event type, checked against the union by the compiler (a new event must be listed). */
const HANDLED: Record<QueueEventType, true> = {
  QueueCreated: true,
  QueueConfigured: true,
  QueueClosed: true,
  AgentAvailabilityChanged: true,
  InboundRequestEnqueued: true,
  HandOverEnqueued: true,
  ItemOffered: true,
  OfferAccepted: true,
  OfferDeclined: true,
  OfferExpired: true,
  OfferWithdrawn: true,
  ItemLeft: true,
  ItemAbandoned: true,
};
export const QUEUE_EVENT_TYPES = Object.keys(HANDLED) as QueueEventType[];

/** What `queue_view.state` holds now: the queue's summary, small whatever the length of its line. */
export interface QueueSummary {
  readonly queueId: string;
  readonly name: string;
  readonly status: 'open' | 'closed';
  readonly agentIds: readonly string[];
  readonly agents: readonly { readonly agentId: string; readonly available: boolean; readonly idleSince: string }[];
  readonly offerTimeoutMs: number;
  readonly topics: readonly QueueTopic[];
  readonly serviceLevelThresholdMs: number;
  readonly waiting: number;
  /** Items enqueued so far: the next item's place (`seq`) in the line. */
  readonly enqueued: number;
  readonly recentWaitsMs: readonly number[];
}

interface ItemRow {
  queue_id: string;
  item_id: string;
  seq: number;
  kind: string;
  enqueued_at: string;
  session_id: string | null;
  customer_id: string | null;
  customer_name: string | null;
  problem: string | null;
  origin_url: string | null;
  message: string | null;
  topic: string | null;
  required_skills: readonly RequiredSkill[];
  skill_key: string;
}

interface OfferRow {
  queue_id: string;
  offer_id: string;
  item_id: string;
  agent_id: string;
  offered_at: string;
  expires_at: string;
}

/** The row changes of one batch, netted in memory: a row written and deleted in the batch costs nothing. */
class Changes {
  readonly items = new Map<string, ItemRow | null>();
  readonly offers = new Map<string, OfferRow | null>();
  readonly outcomes: { queue_id: string; item_id: string; outcome: string; waited_ms: number; at: string }[] = [];
  readonly reportOffers: { queue_id: string; offer_id: string; item_id: string; agent_id: string; offered_at: string }[] = [];
  readonly answers: { queue_id: string; offer_id: string; outcome: string; at: string }[] = [];
  /** Skill-set counts: +1 per enqueued, -1 per item gone (known here, or found when deleted). */
  readonly skillDeltas = new Map<string, { queue_id: string; skill_key: string; required_skills: readonly RequiredSkill[]; delta: number }>();
  readonly closed = new Set<string>();

  put<T>(map: Map<string, T | null>, key: string, row: T): void {
    map.set(key, row);
  }

  /** Deletes a row; one added in this batch just disappears. Returns the row when it was added here. */
  drop<T>(map: Map<string, T | null>, key: string): T | undefined {
    const here = map.get(key);
    if (here) {
      map.delete(key);
      return here;
    }
    map.set(key, null);
    return undefined;
  }

  skill(queueId: string, required: readonly RequiredSkill[], delta: number): void {
    const key = skillKey(required);
    const id = `${queueId}\u0000${key}`;
    const entry = this.skillDeltas.get(id) ?? { queue_id: queueId, skill_key: key, required_skills: required, delta: 0 };
    entry.delta += delta;
    this.skillDeltas.set(id, entry);
  }
}

const rowKey = (queueId: string, id: string) => `${queueId}\u0000${id}`;

/** Pure: the summary after an event (null: no queue yet). */
export function evolveQueueSummary(summary: QueueSummary | null, event: QueueEvent): QueueSummary | null {
  const at = (event.data as { at: string }).at;
  const moved = (s: QueueSummary, agentId: string, change: { available?: boolean }): QueueSummary => ({
    ...s,
    agents: s.agents.map((a) => (a.agentId === agentId ? { ...a, ...change, idleSince: at } : a)),
  });
  switch (event.type) {
    case 'QueueCreated': {
      const d = event.data;
      return {
        queueId: d.queueId,
        name: d.name,
        status: 'open',
        agentIds: d.agentIds,
        agents: d.agentIds.map((agentId) => ({ agentId, available: false, idleSince: d.at })),
        offerTimeoutMs: d.offerTimeoutMs,
        topics: d.topics ?? [],
        serviceLevelThresholdMs: d.serviceLevelThresholdMs ?? DEFAULT_SERVICE_LEVEL_THRESHOLD_MS,
        waiting: 0,
        enqueued: 0,
        recentWaitsMs: [],
      };
    }
    case 'QueueConfigured': {
      if (!summary) return summary;
      const d = event.data;
      const removed = new Set(d.agentsRemoved);
      return {
        ...summary,
        name: d.name ?? summary.name,
        offerTimeoutMs: d.offerTimeoutMs ?? summary.offerTimeoutMs,
        topics: d.topics ?? summary.topics,
        serviceLevelThresholdMs: d.serviceLevelThresholdMs ?? summary.serviceLevelThresholdMs,
        agentIds: [...summary.agentIds.filter((id) => !removed.has(id)), ...d.agentsAdded],
        agents: [...summary.agents.filter((a) => !removed.has(a.agentId)), ...d.agentsAdded.map((agentId) => ({ agentId, available: false, idleSince: at }))],
      };
    }
    case 'QueueClosed':
      return summary && { ...summary, status: 'closed', waiting: 0, agents: summary.agents.map((a) => ({ ...a, available: false })) };
    case 'AgentAvailabilityChanged':
      return summary && moved(summary, event.data.agentId, { available: event.data.available });
    case 'InboundRequestEnqueued':
    case 'HandOverEnqueued':
      return summary && { ...summary, waiting: summary.waiting + 1, enqueued: summary.enqueued + 1 };
    case 'ItemOffered':
      return summary;
    case 'OfferAccepted': {
      if (!summary) return summary;
      const after = moved(summary, event.data.agentId, {});
      return { ...after, waiting: Math.max(0, after.waiting - 1), recentWaitsMs: [...after.recentWaitsMs, event.data.waitedMs].slice(-RECENT_WAITS_SIZE) };
    }
    case 'OfferDeclined':
    case 'OfferExpired':
    case 'OfferWithdrawn':
      return summary && moved(summary, event.data.agentId, {});
    case 'ItemLeft':
    case 'ItemAbandoned':
      return summary && { ...summary, waiting: Math.max(0, summary.waiting - 1) };
    default: {
      const never: never = event;
      return never;
    }
  }
}

/** The item and offer rows an event adds or removes. */
function rowChanges(changes: Changes, summary: QueueSummary, event: QueueEvent, itemsBefore: number): void {
  const queueId = summary.queueId;
  const at = (event.data as { at: string }).at;
  switch (event.type) {
    case 'InboundRequestEnqueued':
    case 'HandOverEnqueued': {
      const d = event.data;
      const inbound = event.type === 'InboundRequestEnqueued' ? event.data : null;
      const handOver = event.type === 'HandOverEnqueued' ? event.data : null;
      const required = d.requiredSkills ?? [];
      changes.put(changes.items, rowKey(queueId, d.itemId), {
        queue_id: queueId,
        item_id: d.itemId,
        seq: itemsBefore,
        kind: inbound ? 'inbound' : 'hand_over',
        enqueued_at: at,
        session_id: d.sessionId,
        customer_id: inbound?.customer.customerId ?? null,
        customer_name: inbound?.customer.name ?? null,
        problem: inbound?.problem ?? null,
        origin_url: inbound?.originUrl ?? null,
        message: handOver?.message ?? null,
        topic: inbound?.topic ?? null,
        required_skills: required,
        skill_key: skillKey(required),
      });
      changes.skill(queueId, required, +1);
      return;
    }
    case 'ItemOffered': {
      const d = event.data;
      changes.put(changes.offers, rowKey(queueId, d.offerId), {
        queue_id: queueId,
        offer_id: d.offerId,
        item_id: d.itemId,
        agent_id: d.agentId,
        offered_at: at,
        expires_at: d.expiresAt,
      });
      changes.reportOffers.push({ queue_id: queueId, offer_id: d.offerId, item_id: d.itemId, agent_id: d.agentId, offered_at: at });
      return;
    }
    case 'OfferAccepted':
    case 'OfferDeclined':
    case 'OfferExpired':
    case 'OfferWithdrawn': {
      const d = event.data;
      changes.drop(changes.offers, rowKey(queueId, d.offerId));
      const outcome = { OfferAccepted: 'accepted', OfferDeclined: 'declined', OfferExpired: 'expired', OfferWithdrawn: 'withdrawn' }[event.type];
      changes.answers.push({ queue_id: queueId, offer_id: d.offerId, outcome, at });
      if (event.type === 'OfferAccepted') {
        dropItem(changes, queueId, d.itemId);
        changes.outcomes.push({ queue_id: queueId, item_id: d.itemId, outcome: 'answered', waited_ms: event.data.waitedMs, at });
      }
      return;
    }
    case 'ItemLeft':
    case 'ItemAbandoned': {
      const d = event.data;
      dropItem(changes, queueId, d.itemId);
      changes.outcomes.push({ queue_id: queueId, item_id: d.itemId, outcome: event.type === 'ItemLeft' ? 'left' : 'abandoned', waited_ms: d.waitedMs, at });
      return;
    }
    case 'QueueClosed':
      changes.closed.add(queueId);
      return;
    case 'QueueCreated':
    case 'QueueConfigured':
    case 'AgentAvailabilityChanged':
      return;
    default: {
      const never: never = event;
      return never;
    }
  }
}

function dropItem(changes: Changes, queueId: string, itemId: string): void {
  const here = changes.drop(changes.items, rowKey(queueId, itemId));
  if (here) changes.skill(queueId, here.required_skills, -1); // else counted when the row is deleted (RETURNING)
}

/**
 * The WebACD queue read model: `queue_view` (one summary row per queue), `queue_items` (the
 * line), `queue_offers` (open offers), `queue_skill_counts` (waiting per skill set),
 * `queue_outcomes` (for the statistics' window) and `report_offers` (RPT-1). A batch loads the
 * summaries it touches, nets its row changes in memory and writes each table once; an event at or
 * below a queue's stored version changes nothing (a repeated batch is harmless).
 */
export const queueViewProjection: Projection = {
  name: 'queue_view',
  handles: new Set(QUEUE_EVENT_TYPES),
  async apply(tx, events) {
    const queueIds = [...new Set(events.map((e) => queueIdOf(e.streamId)).filter((id): id is string => !!id))];
    if (queueIds.length === 0) return;
    const rows = (await tx.query('SELECT id, state, version FROM queue_view WHERE id = ANY($1::text[])', [queueIds])) as { id: string; state: QueueSummary; version: number }[];
    const summaries = new Map<string, { summary: QueueSummary | null; version: number; changed: boolean; updatedAt: Date }>(
      rows.map((r) => [r.id, { summary: r.state, version: r.version, changed: false, updatedAt: new Date(0) }]),
    );
    const changes = new Changes();
    for (const event of events) {
      const queueId = queueIdOf(event.streamId);
      if (!queueId) continue;
      const entry = summaries.get(queueId) ?? { summary: null, version: -1, changed: false, updatedAt: new Date(0) };
      if (event.version <= entry.version) continue;
      const before = entry.summary;
      const after = evolveQueueSummary(before, { type: event.type, data: event.data } as QueueEvent);
      if (after) rowChanges(changes, after, { type: event.type, data: event.data } as QueueEvent, before?.enqueued ?? 0);
      summaries.set(queueId, { summary: after, version: event.version, changed: true, updatedAt: event.recordedAt });
    }
    await write(tx, changes);
    const changed = [...summaries].filter(([, e]) => e.changed && e.summary);
    if (changed.length > 0) {
      await tx.query(
        `INSERT INTO queue_view (id, name, status, agent_ids, offered_agent_ids, waiting, state, version, updated_at)
         SELECT v.id, v.state->>'name', v.state->>'status', ARRAY(SELECT jsonb_array_elements_text(v.state->'agentIds')), '{}',
                (v.state->>'waiting')::int, v.state, v.version, v.updated_at
           FROM jsonb_to_recordset($1::jsonb) AS v(id text, state jsonb, version int, updated_at timestamptz)
         ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, status = EXCLUDED.status, agent_ids = EXCLUDED.agent_ids,
                waiting = EXCLUDED.waiting, state = EXCLUDED.state, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at`,
        [JSON.stringify(changed.map(([id, e]) => ({ id, state: e.summary, version: e.version, updated_at: e.updatedAt })))],
      );
    }
  },
};

async function write(tx: EntityManager, changes: Changes): Promise<void> {
  const json = (rows: unknown[]) => JSON.stringify(rows);
  const added = <T>(map: Map<string, T | null>) => [...map.values()].filter((r): r is T => r !== null);
  const removed = (map: Map<string, unknown>) => [...map].filter(([, r]) => r === null).map(([key]) => key.split('\u0000') as [string, string]);

  const items = added(changes.items);
  if (items.length > 0) {
    await tx.query(`INSERT INTO queue_items SELECT * FROM jsonb_populate_recordset(NULL::queue_items, $1::jsonb) ON CONFLICT DO NOTHING`, [json(items)]);
  }
  const goneItems = removed(changes.items);
  if (goneItems.length > 0) {
    const deleted = (await tx.query(
      `DELETE FROM queue_items q USING unnest($1::text[], $2::text[]) AS g(queue_id, item_id)
        WHERE q.queue_id = g.queue_id AND q.item_id = g.item_id RETURNING q.queue_id, q.required_skills`,
      [goneItems.map(([q]) => q), goneItems.map(([, i]) => i)],
    )) as [{ queue_id: string; required_skills: RequiredSkill[] }[], number] | { queue_id: string; required_skills: RequiredSkill[] }[];
    const list = Array.isArray(deleted[0])
      ? (deleted[0] as { queue_id: string; required_skills: RequiredSkill[] }[])
      : (deleted as { queue_id: string; required_skills: RequiredSkill[] }[]);
    for (const row of list) changes.skill(row.queue_id, row.required_skills, -1);
  }
  const offers = added(changes.offers);
  if (offers.length > 0) {
    await tx.query(`INSERT INTO queue_offers SELECT * FROM jsonb_populate_recordset(NULL::queue_offers, $1::jsonb) ON CONFLICT DO NOTHING`, [json(offers)]);
  }
  const goneOffers = removed(changes.offers);
  if (goneOffers.length > 0) {
    await tx.query(`DELETE FROM queue_offers q USING unnest($1::text[], $2::text[]) AS g(queue_id, offer_id) WHERE q.queue_id = g.queue_id AND q.offer_id = g.offer_id`, [
      goneOffers.map(([q]) => q),
      goneOffers.map(([, o]) => o),
    ]);
  }
  if (changes.outcomes.length > 0) {
    await tx.query(`INSERT INTO queue_outcomes SELECT * FROM jsonb_populate_recordset(NULL::queue_outcomes, $1::jsonb) ON CONFLICT DO NOTHING`, [json(changes.outcomes)]);
  }
  if (changes.reportOffers.length > 0) {
    await tx.query(
      `INSERT INTO report_offers (queue_id, offer_id, item_id, agent_id, offered_at)
       SELECT queue_id, offer_id, item_id, agent_id, offered_at FROM jsonb_populate_recordset(NULL::report_offers, $1::jsonb) ON CONFLICT DO NOTHING`,
      [json(changes.reportOffers)],
    );
  }
  if (changes.answers.length > 0) {
    await tx.query(
      `UPDATE report_offers r SET outcome = a.outcome, answered_at = a.at
         FROM jsonb_to_recordset($1::jsonb) AS a(queue_id text, offer_id text, outcome text, at timestamptz)
        WHERE r.queue_id = a.queue_id AND r.offer_id = a.offer_id`,
      [json(changes.answers)],
    );
  }
  const deltas = [...changes.skillDeltas.values()].filter((d) => d.delta !== 0);
  if (deltas.length > 0) {
    await tx.query(
      `INSERT INTO queue_skill_counts (queue_id, skill_key, required_skills, waiting)
       SELECT queue_id, skill_key, required_skills, delta FROM jsonb_to_recordset($1::jsonb) AS d(queue_id text, skill_key text, required_skills jsonb, delta int)
       ON CONFLICT (queue_id, skill_key) DO UPDATE SET waiting = queue_skill_counts.waiting + EXCLUDED.waiting`,
      [json(deltas)],
    );
  }
  if (changes.closed.size > 0) {
    // Closing abandoned every item and withdrew every offer (events of the batch); nothing is left.
    const closed = [...changes.closed];
    await tx.query('DELETE FROM queue_items WHERE queue_id = ANY($1::text[])', [closed]);
    await tx.query('DELETE FROM queue_offers WHERE queue_id = ANY($1::text[])', [closed]);
    await tx.query('DELETE FROM queue_skill_counts WHERE queue_id = ANY($1::text[])', [closed]);
  }
  if (deltas.length > 0) await tx.query('DELETE FROM queue_skill_counts WHERE waiting <= 0 AND queue_id = ANY($1::text[])', [[...new Set(deltas.map((d) => d.queue_id))]]);
}
