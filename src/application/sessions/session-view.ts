import { participantIds, type SessionState } from '../../domain/session/index.js';
import type { SessionView } from './session-read.port.js';

/**
 * Pure: the view of a session from its folded state, as a mutation answers it and as the
 * `session_view` projection stores it. `participantIds` are everyone who ever took part.
 * Undefined for a session that never started.
 *
 * @param version the stream version the state reflects
 * @param consistencyToken the global checkpoint a query may pass as `after` to see at least this state
 */
export function sessionViewOf(state: SessionState, version: number, consistencyToken?: string): SessionView | undefined {
  switch (state.status) {
    case 'none':
      return undefined;
    case 'active':
    case 'queued':
      return {
        id: state.sessionId,
        number: state.number,
        status: state.status,
        kind: state.kind,
        mode: state.mode,
        controllerId: state.status === 'active' ? state.controllerId : null,
        participantIds: state.everParticipantIds ?? participantIds(state),
        state: state as unknown as Record<string, unknown>,
        version,
        startedAt: new Date(state.startedAt),
        endedAt: null,
        consistencyToken,
      };
    case 'ended':
      return {
        id: state.sessionId,
        number: state.number,
        status: state.status,
        kind: state.kind,
        mode: state.mode,
        controllerId: null,
        participantIds: state.everParticipantIds ?? [],
        state: state as unknown as Record<string, unknown>,
        version,
        startedAt: new Date(state.startedAt),
        endedAt: new Date(state.endedAt),
        consistencyToken,
      };
  }
}
