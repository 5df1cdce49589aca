import type { Decider } from '../shared/decider.js';
import type { SessionCommand, SessionContext } from './session.commands.js';
import { decideSession } from './session.decide.js';
import * as SessionErrors from './session.errors.js';
import type { SessionEvent } from './session.events.js';
import { evolveSession, initialSessionState, type SessionState } from './session.state.js';

export * from './session.commands.js';
export * from './session.errors.js';
export * from './session.events.js';
export * from './session.state.js';
export * from './session-number.js';
export { assertMaySee, authorizeSessionRepeat, CHAT_MESSAGE_MAX_LENGTH, HANDOVER_MESSAGE_MAX_LENGTH, NOTE_MAX_LENGTH } from './session.decide.js';
export { joinLinkFor } from './invitation.decide.js';
export { SessionErrors };

/** Every stable error code the session aggregate raises. */
export type SessionErrorCode = (typeof SessionErrors)[keyof typeof SessionErrors];

/** The session aggregate: one stream per remote-support session. */
export const sessionDecider: Decider<SessionCommand, SessionEvent, SessionState, SessionContext> = {
  initialState: initialSessionState,
  decide: decideSession,
  evolve: evolveSession,
};
