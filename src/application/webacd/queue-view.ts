import type { QueueState, WaitingItem } from '../../domain/queue/index.js';
import type { QueueItemView, QueueView } from './webacd.ports.js';

/**
 * Pure: the summary of a queue from its folded state, as a mutation answers it (the read model's
 * `queue_view` row holds the same fields). Agents in the order the admin listed them.
 *
 * @param version the stream version the state reflects
 * @param consistencyToken the global checkpoint a query may wait for to see at least this state
 * @throws nothing; a queue never created has no view: call it with an open or closed state
 */
export function queueViewOfState(state: Exclude<QueueState, { status: 'none' }>, version: number, consistencyToken?: string): QueueView {
  if (state.status === 'closed') {
    return {
      id: state.queueId,
      name: state.name,
      status: 'closed',
      agentIds: [],
      agents: [],
      offerTimeoutMs: 0,
      topics: [],
      serviceLevelThresholdMs: 0,
      waiting: 0,
      recentWaitsMs: [],
      version,
      consistencyToken,
    };
  }
  return {
    id: state.queueId,
    name: state.name,
    status: state.status,
    agentIds: [...state.agentIds],
    agents: state.agentIds.map((agentId) => {
      const slot = state.agents.get(agentId);
      return { agentId, available: slot?.available ?? false, idleSince: slot?.idleSince ?? '' };
    }),
    offerTimeoutMs: state.offerTimeoutMs,
    topics: state.topics,
    serviceLevelThresholdMs: state.serviceLevelThresholdMs,
    waiting: state.waiting.size,
    recentWaitsMs: state.recentWaitsMs,
    version,
    consistencyToken,
  };
}

/** Pure: a waiting item as the queue's agents see it (the same fields as a `queue_items` row). */
export function itemViewOf(queueId: string, item: WaitingItem): QueueItemView {
  const inbound = item.kind === 'inbound';
  return {
    queueId,
    itemId: item.itemId,
    kind: item.kind,
    enqueuedAt: new Date(item.enqueuedAt),
    sessionId: item.sessionId,
    customerId: inbound ? item.customer.customerId : null,
    customerName: inbound ? item.customer.name : null,
    problem: inbound ? item.problem : null,
    originUrl: inbound ? item.originUrl : null,
    message: inbound ? null : item.message,
    topic: inbound ? item.topic : null,
    requiredSkills: item.requiredSkills,
  };
}
