import { assertNever, type Command } from '../shared/decider.js';
import { illegalState } from '../shared/domain-error.js';
import { CSR_ALREADY_IN_SESSION, CSR_SESSION_LIMIT_REACHED } from '../session/session.errors.js';
import type { CsrLoadEvent } from './csr-load.events.js';
import type { CsrLoadState, SlotClaim } from './csr-load.state.js';

/** Admit the acting CSR to run a session they start or take over (SES-3). */
export type ClaimSessionSlot = Command<'ClaimSessionSlot', { readonly sessionId: string }>;
/** Give the place back: the start or acceptance it was claimed for was refused. */
export type ReleaseSessionSlot = Command<'ReleaseSessionSlot', { readonly sessionId: string }>;
export type CsrLoadCommand = ClaimSessionSlot | ReleaseSessionSlot;

/**
 * What the application read from the event store (current state, not a read model) about the
 * sessions the CSR holds claims for or takes part in.
 */
export interface CsrLoadContext {
  readonly sessionMode: 'single' | 'multi';
  /** The admin's most customers at once: concurrent sessions in multi-session mode (SES-3). */
  readonly maxCustomers: number;
  /** Sessions that are live now with this CSR in them. */
  readonly liveSessionIds: readonly string[];
  /** Claimed sessions whose start is not stored (yet): a start in flight, or one that crashed. */
  readonly unstartedSessionIds: readonly string[];
}

/**
 * How long a claim whose session never started keeps its place: a start in flight holds it, a
 * start that crashed between the claim and the session's first event gives it back after this.
 */
export const UNSTARTED_CLAIM_MS = 60_000;

export function decideCsrLoad(command: CsrLoadCommand, state: CsrLoadState, context: CsrLoadContext): readonly CsrLoadEvent[] {
  const stamp = { by: command.metadata.userId, at: command.metadata.now.toISOString() };
  const now = command.metadata.now.getTime();
  const holds = (claim: SlotClaim) =>
    context.liveSessionIds.includes(claim.sessionId) || (context.unstartedSessionIds.includes(claim.sessionId) && now - Date.parse(claim.at) < UNSTARTED_CLAIM_MS);
  const { sessionId } = command.data;
  switch (command.type) {
    case 'ClaimSessionSlot': {
      // Claimed before: the same start or acceptance, retried; it was admitted then.
      if (state.claims.some((claim) => claim.sessionId === sessionId)) return [];
      const stale = state.claims.filter((claim) => !holds(claim)).map((claim) => claim.sessionId);
      const occupied = new Set([...context.liveSessionIds, ...state.claims.filter(holds).map((claim) => claim.sessionId)]);
      occupied.delete(sessionId);
      if (context.sessionMode === 'single' && occupied.size > 0) {
        throw illegalState(CSR_ALREADY_IN_SESSION, 'In single-session mode a CSR runs one session at a time');
      }
      if (context.sessionMode === 'multi' && occupied.size >= context.maxCustomers) {
        throw illegalState(CSR_SESSION_LIMIT_REACHED, `A CSR may assist at most ${context.maxCustomers} customers at once`, {
          maxCustomers: context.maxCustomers,
        });
      }
      const events: CsrLoadEvent[] = [];
      if (stale.length > 0) events.push({ type: 'SessionSlotsReleased', data: { sessionIds: stale, ...stamp } });
      events.push({ type: 'SessionSlotClaimed', data: { sessionId, ...stamp } });
      return events;
    }
    case 'ReleaseSessionSlot': {
      const claimed = state.claims.some((claim) => claim.sessionId === sessionId);
      if (!claimed || context.liveSessionIds.includes(sessionId)) return [];
      return [{ type: 'SessionSlotsReleased', data: { sessionIds: [sessionId], ...stamp } }];
    }
    default:
      return assertNever(command);
  }
}
