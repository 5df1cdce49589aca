import type { RecordedEvent } from '../../../application/event-store/event-store.port.js';
import { type Projection, rowProjection } from '../../../application/projections/projection.js';
import { evolveQueue, initialQueueState, type QueueEvent, type QueueState } from '../../../domain/queue/index.js';
import { QueueViewRow } from '../entities/queue-view.entity.js';

export const QUEUE_EVENT_TYPES = [
  'QueueCreated', 'QueueConfigured', 'QueueClosed', 'AgentAvailabilityChanged', 'InboundRequestEnqueued', 'HandOverEnqueued',
  'ItemOffered', 'OfferAccepted', 'OfferDeclined', 'OfferExpired', 'OfferWithdrawn', 'ItemLeft', 'ItemAbandoned',
] as const;

export const queueIdOfStream = (streamId: string) => (streamId.startsWith('queue-') ? streamId.slice('queue-'.length) : undefined);

/** Pure: the row after an event; an event at or below the row's version changes nothing. */
export function evolveQueueView(row: QueueViewRow | null, event: RecordedEvent): QueueViewRow | null {
  if (row && event.version <= row.version) return row;
  const state = evolveQueue((row?.state as QueueState | undefined) ?? initialQueueState(), { type: event.type, data: event.data } as QueueEvent);
  if (state.status === 'none') return row;
  const next = new QueueViewRow();
  Object.assign(next, {
    id: state.queueId,
    name: state.name,
    status: state.status,
    agentIds: state.status === 'open' ? [...state.agentIds] : [],
    offeredAgentIds: state.status === 'open' ? [...new Set(state.offers.map((o) => o.agentId))] : [],
    waiting: state.status === 'open' ? state.waiting.length : 0,
    state: state as unknown as Record<string, unknown>,
    version: event.version,
    updatedAt: event.recordedAt,
  });
  return next;
}

export const queueViewProjection: Projection = rowProjection<QueueViewRow>({
  name: 'queue_view',
  entity: QueueViewRow,
  keyColumn: 'id',
  handles: QUEUE_EVENT_TYPES,
  key: (event) => queueIdOfStream(event.streamId),
  evolve: evolveQueueView,
});
