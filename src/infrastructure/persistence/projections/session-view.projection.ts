import type { RecordedEvent } from '../../../application/event-store/event-store.port.js';
import { handledTypes } from '../../../application/projections/handled-types.js';
import { type Projection, rowProjection } from '../../projections/projection.js';
import { evolveSession, initialSessionState, type SessionEvent, type SessionState } from '../../../domain/session/index.js';
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

export const sessionViewProjection: Projection = rowProjection<SessionViewRow>({
  name: 'session_view',
  entity: SessionViewRow,
  keyColumn: 'id',
  handles: SESSION_EVENT_TYPES,
  key: (event) => sessionIdOfStream(event.streamId),
  evolve: evolveSessionView,
  // A number is unique among live sessions only: free it when the session ends.
  async after(tx, events) {
    const ended = events
      .filter((e) => e.type === 'SessionEnded')
      .map((e) => sessionIdOfStream(e.streamId))
      .filter(Boolean);
    if (ended.length > 0) await tx.query('DELETE FROM session_numbers WHERE session_id = ANY($1::uuid[])', [ended]);
  },
});
