import { eventIdFor } from '../../../application/command-handling/command-handler.js';
import type { RecordedEvent } from '../../../application/event-store/event-store.port.js';
import { handledTypes } from '../../../application/projections/handled-types.js';
import { type Projection, rowProjection } from '../../projections/projection.js';
import { evolveSession, type HandOverTarget, initialSessionState, type SessionEvent, type SessionState } from '../../../domain/session/index.js';
import { sessionViewOf } from '../../../application/sessions/session-view.js';
import { SessionViewRow } from '../entities/session-view.entity.js';

/** Every session event changes the session's row. */
export const SESSION_EVENT_TYPES = handledTypes<SessionEvent['type']>({
  SessionStarted: true,
  InvitationSent: true,
  CustomerJoined: true,
  HelperJoined: true,
  ParticipantLeft: true,
  ActiveCustomerSelected: true,
  ControlTransferred: true,
  HandedToQueue: true,
  HandOverAccepted: true,
  ShareRequested: true,
  ShareApproved: true,
  ShareDeclined: true,
  ShareEnded: true,
  ChatMessageSent: true,
  ChatClosed: true,
  FilePublished: true,
  FileTransferRequested: true,
  FileTransferApproved: true,
  FileTransferDeclined: true,
  FileTransferEnded: true,
  VideoStarted: true,
  VideoEnded: true,
  VoiceCallStarted: true,
  VoiceCallEnded: true,
  NoteSaved: true,
  RecordingStarted: true,
  RecordingStopped: true,
  DisplayModeChanged: true,
  SessionEnded: true,
  FileSent: true,
  FileExpired: true,
  RecordingDeleted: true,
  InvitationUndelivered: true,
});

/**
 * Pure: the row after an event. The row keeps the folded session state and the stream version it
 * reflects, so an event applied twice changes nothing.
 */
export function evolveSessionView(row: SessionViewRow | null, event: RecordedEvent): SessionViewRow | null {
  if (row && event.version <= row.version) return row;
  const before = (row?.state as SessionState | undefined) ?? initialSessionState();
  const state = evolveSession(before, { type: event.type, data: event.data } as SessionEvent);
  // The same view a mutation answers with, from the same state (answers from the decision).
  const view = sessionViewOf(state, event.version);
  if (!view) return row;
  const { consistencyToken: _none, ...columns } = view;
  const live = state.status === 'active' || state.status === 'queued';
  return Object.assign(new SessionViewRow(), {
    ...columns,
    participantIds: [...new Set([...(row?.participantIds ?? []), ...view.participantIds])],
    csrIds: live ? Object.keys(state.csrs) : [],
    updatedAt: event.recordedAt,
  });
}

export const sessionIdOfStream = (streamId: string) => (streamId.startsWith('session-') ? streamId.slice('session-'.length) : undefined);

/** Queue events that say a session passed through the queue (they change no session row). */
export const SESSION_QUEUE_EVENT_TYPES = ['HandOverEnqueued', 'OfferAccepted'] as const;

/**
 * Pure: the (session, queue) pair an event records, for the supervisors' queue filter.
 * - `HandedToQueue` to a queue: the session's own event names it;
 * - `HandOverEnqueued` on a queue stream: every hand-over, also one to named agents, where
 *   the queue is the agents' queue, known only once it is enqueued;
 * - `OfferAccepted` on a queue stream: an inbound session started from the queue's item (SES-2,
 *   Q-5); its id is the one the acceptance starts it with (reserved, or derived from the item).
 * Undefined for every other event.
 */
export function sessionQueueOf(event: RecordedEvent): { sessionId: string; queueId: string } | undefined {
  const queueId = event.streamId.startsWith('queue-') ? event.streamId.slice('queue-'.length) : undefined;
  switch (event.type) {
    case 'HandedToQueue': {
      const target = (event.data as { target: HandOverTarget }).target;
      const sessionId = sessionIdOfStream(event.streamId);
      return sessionId && target.kind === 'queue' ? { sessionId, queueId: target.queueId } : undefined;
    }
    case 'HandOverEnqueued': {
      const { sessionId } = event.data as { sessionId: string };
      return queueId ? { sessionId, queueId } : undefined;
    }
    case 'OfferAccepted': {
      const data = event.data as { sessionId: string | null; itemId: string };
      return queueId ? { sessionId: data.sessionId ?? eventIdFor('inbound-session', data.itemId, 0), queueId } : undefined;
    }
    default:
      return undefined;
  }
}

export const sessionViewProjection: Projection = rowProjection<SessionViewRow>({
  name: 'session_view',
  entity: SessionViewRow,
  keyColumn: 'id',
  handles: [...SESSION_EVENT_TYPES, ...SESSION_QUEUE_EVENT_TYPES],
  // Queue events have no session row to change (key undefined); `after` records their queue.
  key: (event) => sessionIdOfStream(event.streamId),
  evolve: evolveSessionView,
  async after(tx, events) {
    // The queues each session passed through, in any order, any number of times.
    const passed = events.map(sessionQueueOf).filter((pair) => pair !== undefined);
    if (passed.length > 0)
      await tx.query('INSERT INTO session_queues (session_id, queue_id) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING', [
        passed.map((p) => p.sessionId),
        passed.map((p) => p.queueId),
      ]);
    // A number is unique among live sessions only: free it when the session ends.
    const ended = events
      .filter((e) => e.type === 'SessionEnded')
      .map((e) => sessionIdOfStream(e.streamId))
      .filter(Boolean);
    if (ended.length > 0) await tx.query('DELETE FROM session_numbers WHERE session_id = ANY($1::uuid[])', [ended]);
  },
});
