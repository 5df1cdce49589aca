import type { RecordedEvent } from '../../../application/event-store/event-store.port.js';
import { handledTypes } from '../../../application/projections/handled-types.js';
import { type Projection, rowProjection } from '../../projections/projection.js';
import { evolveQueue, initialQueueState, type QueueEvent, type QueueState } from '../../../domain/queue/index.js';
import { queueViewOf } from '../../../application/webacd/queue-view.js';
import { QueueViewRow } from '../entities/queue-view.entity.js';

/** Every queue event changes the queue's row. */
export const QUEUE_EVENT_TYPES = handledTypes<QueueEvent['type']>({
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
});

export const queueIdOfStream = (streamId: string) => (streamId.startsWith('queue-') ? streamId.slice('queue-'.length) : undefined);

/** Pure: the row after an event; an event at or below the row's version changes nothing. */
export function evolveQueueView(row: QueueViewRow | null, event: RecordedEvent): QueueViewRow | null {
  if (row && event.version <= row.version) return row;
  const state = evolveQueue((row?.state as QueueState | undefined) ?? initialQueueState(), { type: event.type, data: event.data } as QueueEvent);
  // The same view a queue mutation answers with, from the same state.
  const view = queueViewOf(state, event.version);
  if (!view) return row;
  const { consistencyToken: _none, ...columns } = view;
  return Object.assign(new QueueViewRow(), { ...columns, updatedAt: event.recordedAt });
}

export const queueViewProjection: Projection = rowProjection<QueueViewRow>({
  name: 'queue_view',
  entity: QueueViewRow,
  keyColumn: 'id',
  handles: QUEUE_EVENT_TYPES,
  key: (event) => queueIdOfStream(event.streamId),
  evolve: evolveQueueView,
});
