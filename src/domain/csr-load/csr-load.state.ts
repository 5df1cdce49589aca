import { assertNever } from '../shared/decider.js';
import type { CsrLoadEvent } from './csr-load.events.js';

/** A session the CSR was admitted to, and when (ISO time). */
export interface SlotClaim {
  readonly sessionId: string;
  readonly at: string;
}

/** The sessions a CSR holds a place for; the claims not yet released. */
export interface CsrLoadState {
  readonly claims: readonly SlotClaim[];
}

export const initialCsrLoadState = (): CsrLoadState => ({ claims: [] });

export function evolveCsrLoad(state: CsrLoadState, event: CsrLoadEvent): CsrLoadState {
  switch (event.type) {
    case 'SessionSlotClaimed':
      return { claims: [...state.claims, { sessionId: event.data.sessionId, at: event.data.at }] };
    case 'SessionSlotsReleased':
      return { claims: state.claims.filter((claim) => !event.data.sessionIds.includes(claim.sessionId)) };
    default:
      return assertNever(event);
  }
}
