import type { RecordedEvent } from '../../../application/event-store/event-store.port.js';
import { type Projection, rowProjection } from '../../../application/projections/projection.js';
import { evolveSession, initialSessionState, type SessionEvent, type SessionState } from '../../../domain/session/index.js';
import { SessionViewRow } from '../entities/session-view.entity.js';

export const SESSION_EVENT_TYPES = [
  'SessionStarted', 'InvitationSent', 'CustomerJoined', 'HelperJoined', 'ParticipantLeft', 'ActiveCustomerSelected',
  'ControlTransferred', 'HandedToQueue', 'HandOverAccepted', 'ShareRequested', 'ShareApproved', 'ShareDeclined', 'ShareEnded',
  'ChatMessageSent', 'ChatClosed', 'FilePublished', 'FileTransferRequested', 'FileTransferApproved', 'FileTransferDeclined',
  'FileTransferEnded', 'VideoStarted', 'VideoEnded', 'VoiceCallStarted', 'VoiceCallEnded', 'NoteSaved', 'RecordingStarted',
  'RecordingStopped', 'DisplayModeChanged', 'SessionEnded', 'FileSent', 'FileExpired', 'RecordingDeleted',
] as const;

/**
 * Pure: the row after an event. The row keeps the folded session state and the stream version it
 * reflects, so an event applied twice changes nothing.
 */
export function evolveSessionView(row: SessionViewRow | null, event: RecordedEvent): SessionViewRow | null {
  if (row && event.version <= row.version) return row;
  const before = (row?.state as SessionState | undefined) ?? initialSessionState();
  const state = evolveSession(before, { type: event.type, data: event.data } as SessionEvent);
  if (state.status === 'none') return row;
  const live = state.status === 'active' || state.status === 'queued';
  const present = live ? [...Object.keys(state.csrs), ...state.customers.map((c) => c.customerId)] : [];
  const next = new SessionViewRow();
  Object.assign(next, {
    id: state.sessionId,
    number: state.number,
    status: state.status,
    kind: live ? state.kind : (row?.kind ?? 'outbound'),
    mode: live ? state.mode : (row?.mode ?? null),
    controllerId: state.status === 'active' ? state.controllerId : null,
    participantIds: [...new Set([...(row?.participantIds ?? []), ...present])],
    csrIds: live ? Object.keys(state.csrs) : [],
    state: state as unknown as Record<string, unknown>,
    version: event.version,
    startedAt: row?.startedAt ?? event.recordedAt,
    endedAt: state.status === 'ended' ? new Date(state.endedAt) : null,
    updatedAt: event.recordedAt,
  });
  return next;
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
    const ended = events.filter((e) => e.type === 'SessionEnded').map((e) => sessionIdOfStream(e.streamId)).filter(Boolean);
    if (ended.length > 0) await tx.query('DELETE FROM session_numbers WHERE session_id = ANY($1::uuid[])', [ended]);
  },
});
