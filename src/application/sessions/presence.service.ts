import { DomainError, forbidden } from '../../domain/shared/domain-error.js';
import { hasRole, type Principal, SYSTEM } from '../identity/principal.js';
import type { SessionService } from './session.service.js';

/** Where consoles' heartbeats are kept, shared by every node. */
export interface PresenceStore {
  beat(sessionId: string, userId: string): Promise<void>;
  /** Live sessions whose controlling CSR's console has not reported since `graceMs` ago. */
  lostControllers(graceMs: number): Promise<{ sessionId: string; userId: string }[]>;
  forgetEnded(): Promise<void>;
}

export const PRESENCE_STORE = Symbol('PresenceStore');

/**
 * SES-5: the CSR's console must stay open for the whole session. A console reports in (a
 * heartbeat over GraphQL, REST or the signalling socket); when the controlling CSR's console has
 * been silent longer than the grace period, the session ends with reason `console_lost`. A page
 * reload within the grace period is not an end. A session whose console never reported is not
 * watched (a client that does not use presence).
 *
 * The sweep runs on a timer in every node; heartbeats live in PostgreSQL, so any node can end a
 * session whose console talked to another, and the end command's id is derived from the session,
 * so two nodes ending it at once store one end.
 */
export class PresenceService {
  constructor(
    private readonly store: PresenceStore,
    private readonly sessions: SessionService,
    private readonly graceMs: number,
    private readonly log: (message: string, error?: unknown) => void = () => undefined,
  ) {}

  async heartbeat(principal: Principal, sessionId: string): Promise<void> {
    if (!hasRole(principal, 'csr')) throw forbidden('NOT_A_CSR', 'Only a CSR console reports presence');
    const view = await this.sessions.get(principal, sessionId);
    if (!view.participantIds.includes(principal.userId)) throw forbidden('NOT_A_PARTICIPANT', 'This console is not in the session');
    await this.store.beat(sessionId, principal.userId);
  }

  /** Ends every session whose controller's console is gone; returns the ids it ended. */
  async sweep(): Promise<string[]> {
    const ended: string[] = [];
    for (const { sessionId } of await this.store.lostControllers(this.graceMs)) {
      try {
        await this.sessions.execute(SYSTEM, sessionId, 'EndSession', { reason: 'console_lost' }, { commandId: `console-lost:${sessionId}` });
        ended.push(sessionId);
      } catch (error) {
        // Ended meanwhile, or by another node: nothing to do. Anything else is worth a log line.
        if (!(error instanceof DomainError)) this.log(`could not end session ${sessionId} after its console was lost`, error);
      }
    }
    await this.store.forgetEnded();
    return ended;
  }
}
