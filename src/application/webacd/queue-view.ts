import type { QueueState } from '../../domain/queue/index.js';
import type { QueueView } from './webacd.ports.js';

/**
 * Pure: the view of a queue from its folded state, as a mutation answers it and as the
 * `queue_view` projection stores it. Undefined for a queue that was never created.
 *
 * @param version the stream version the state reflects
 * @param consistencyToken the global checkpoint a query may wait for to see at least this state
 */
export function queueViewOf(state: QueueState, version: number, consistencyToken?: string): (QueueView & { offeredAgentIds: string[] }) | undefined {
  if (state.status === 'none') return undefined;
  const open = state.status === 'open';
  return {
    id: state.queueId,
    name: state.name,
    status: state.status,
    agentIds: open ? [...state.agentIds] : [],
    offeredAgentIds: open ? [...new Set(state.offers.map((o) => o.agentId))] : [],
    waiting: open ? state.waiting.length : 0,
    state: state as unknown as Record<string, unknown>,
    version,
    consistencyToken,
  };
}
