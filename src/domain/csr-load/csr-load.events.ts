/**
 * Events of a CSR's load: the sessions a CSR has been admitted to run (SES-3). One stream per
 * CSR, appended with an expected version, so two starts racing each other are decided one after
 * the other against what the event store holds, never against a lagging read model.
 * Stored contract: never rename a type; evolve through a new version and an upcaster.
 */
import type { Event } from '../shared/decider.js';

/** The CSR was admitted to run the session (before its start or hand-over acceptance is stored). */
export type SessionSlotClaimed = Event<'SessionSlotClaimed', { readonly sessionId: string; readonly by: string; readonly at: string }>;

/** The sessions no longer hold a place in the CSR's load: ended, left, or never started. */
export type SessionSlotsReleased = Event<'SessionSlotsReleased', { readonly sessionIds: readonly string[]; readonly by: string; readonly at: string }>;

export type CsrLoadEvent = SessionSlotClaimed | SessionSlotsReleased;
