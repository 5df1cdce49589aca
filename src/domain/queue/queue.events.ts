/**
 * Events of one WebACD queue stream (one stream per queue). They are a stored contract: never
 * rename a `type` or change a field's meaning; evolve through a new version and an upcaster.
 * Every event says who caused it (`by`: a user id, or 'system' for the queue's own routing
 * decisions and timer jobs) and when (`at`, ISO-8601, from the command's metadata).
 */
import type { Event } from '../shared/decider.js';
import type { HandOverTarget } from '../session/session.events.js';

export type { HandOverTarget };

/** How a queue chooses among available agents. Only one policy so far; the switches over it are exhaustive. */
export type RoutingPolicy = 'longest_idle';
export const ROUTING_POLICIES: readonly RoutingPolicy[] = ['longest_idle'];

/** The customer of an inbound request, as the web form gave them (SES-2). */
import type { RequiredSkill } from '../shared/skills.js';

export type { RequiredSkill };

/** A help-form topic of the queue and the skills a request about it needs (RT-3). */
export interface QueueTopic {
  readonly topic: string;
  readonly requiredSkills: readonly RequiredSkill[];
}

/** Service level threshold when the admin sets none: answered within 20 s. */
export const DEFAULT_SERVICE_LEVEL_THRESHOLD_MS = 20_000;

export interface InboundCustomer {
  readonly customerId: string;
  readonly name: string;
  readonly email: string;
}

/**
 * Why an open offer was taken back before the agent answered it. `taken`: another agent accepted
 * the same handed-over item first (Q-5 broadcast). `agent_at_capacity`: the agent's accept of
 * another item filled their maximum load (SES-3), so their other open offers go.
 */
export type WithdrawReason = 'item_left' | 'item_abandoned' | 'agent_away' | 'agent_removed' | 'queue_closed' | 'taken' | 'agent_at_capacity';
/** Why the queue gave up on a waiting item. */
export type AbandonReason = 'max_wait' | 'queue_closed';

interface Stamp {
  /** The user who caused the event, or 'system'. */
  readonly by: string;
  /** ISO-8601 instant, from the command's metadata. */
  readonly at: string;
}

/** An admin created the queue. Its agents start away until each says they are available. */
export type QueueCreated = Event<
  'QueueCreated',
  Stamp & {
    readonly queueId: string;
    readonly name: string;
    /** In the order the admin listed them; it breaks ties between equally idle agents. */
    readonly agentIds: readonly string[];
    readonly offerTimeoutMs: number;
    readonly routing: RoutingPolicy;
    /** Help-form topics and the skills each needs (absent on queues created before skills: none). */
    readonly topics?: readonly QueueTopic[];
    /** Statistics: an item answered within this many ms counts as within service level (absent: 20 s). */
    readonly serviceLevelThresholdMs?: number;
  }
>;

/**
 * An admin changed the queue. Only the fields present changed. Added agents start away;
 * open offers to removed agents are withdrawn by an `OfferWithdrawn` before this event.
 */
export type QueueConfigured = Event<
  'QueueConfigured',
  Stamp & {
    readonly name?: string;
    readonly offerTimeoutMs?: number;
    readonly routing?: RoutingPolicy;
    /** The whole new list of topics, when it changed. */
    readonly topics?: readonly QueueTopic[];
    readonly serviceLevelThresholdMs?: number;
    readonly agentsAdded: readonly string[];
    readonly agentsRemoved: readonly string[];
  }
>;

/** An admin closed the queue. Waiting items were abandoned and open offers withdrawn just before. */
export type QueueClosed = Event<'QueueClosed', Stamp>;

/**
 * An agent became available for offers, or went away (themselves or an admin). Either way the
 * agent's idle time starts again from `at` (longest-idle routing).
 */
export type AgentAvailabilityChanged = Event<'AgentAvailabilityChanged', Stamp & { readonly agentId: string; readonly available: boolean }>;

/**
 * A customer's inbound request entered the queue and waits, first in first out (SES-2, Q-6).
 * `sessionId`: when the application already reserved the session the agent will start.
 */
export type InboundRequestEnqueued = Event<
  'InboundRequestEnqueued',
  Stamp & {
    readonly itemId: string;
    readonly sessionId: string | null;
    readonly customer: InboundCustomer;
    /** The customer's description of the problem, at most 2000 characters. */
    readonly problem: string;
    /** The web page the customer came from. */
    readonly originUrl: string;
    /** The help-form topic the customer chose, if any. */
    readonly topic?: string;
    /** Skills an agent needs to be offered this request (RT-3); absent on older events: none. */
    readonly requiredSkills?: readonly RequiredSkill[];
  }
>;

/**
 * A session handed over by a WebACD agent (session `HandedToQueue`) waits here.
 * `target` says who may take it: anyone of this queue, or only the named agents.
 */
export type HandOverEnqueued = Event<
  'HandOverEnqueued',
  Stamp & {
    readonly itemId: string;
    readonly sessionId: string;
    readonly handedBy: string;
    /** The giver's personal message, at most 345 characters. */
    readonly message: string | null;
    readonly target: HandOverTarget;
    /** Skills the giver asked for (RT-3); absent on older events: none. */
    readonly requiredSkills?: readonly RequiredSkill[];
  }
>;

/**
 * The queue offered a waiting item to one agent until `expiresAt`. The application
 * notifies the agent and schedules `ExpireOffer { offerId }` at `expiresAt` (one timer per offer).
 * - Inbound request: one agent at a time; `offerId` is `${itemId}:${attempt}`, `attempt` counts
 *   the offers of this item from 1.
 * - Hand-over: broadcast, one `ItemOffered` per agent of a round, all open at once;
 *   `offerId` is `${itemId}:${attempt}:${agentId}`, `attempt` counts the rounds from 1 (every
 *   offer of a round shares it). Hand-over offers recorded before broadcast have the inbound id form.
 */
export type ItemOffered = Event<
  'ItemOffered',
  Stamp & {
    readonly offerId: string;
    readonly itemId: string;
    readonly agentId: string;
    readonly attempt: number;
    readonly expiresAt: string;
    /**
     * Hand-over offers only: the giver's personal message, so every agent offered sees it.
     * Absent on inbound offers (and on hand-over offers recorded before broadcast).
     */
    readonly message?: string | null;
    /** Why this agent was chosen (RPT-2, RT-5); absent on offers recorded before skills routing. */
    readonly why?: OfferReason;
  }
>;

/**
 * Why routing chose an agent (RT-5), kept with the offer so a replay shows it.
 * `longest_idle`: the agent idle longest (`idleSince`) of the `candidates` agents who were available,
 * below their maximum load, not answering another request and holding every required skill.
 * `broadcast`: a hand-over round, offered to every eligible agent at once.
 */
export interface OfferReason {
  readonly rule: 'longest_idle' | 'broadcast';
  readonly idleSince: string;
  /** How many agents could have been chosen. */
  readonly candidates: number;
  readonly requiredSkills: readonly RequiredSkill[];
  /** The chosen agent's levels in the required skills. */
  readonly agentSkills: readonly { readonly skill: string; readonly level: number }[];
}

/**
 * The offered agent took the item; it left the queue. For a hand-over, `OfferWithdrawn`
 * (`taken`) events for the item's other open offers follow in the same decision. The application
 * now has the agent become the controller: `AcceptHandOver` on the session of a hand-over,
 * `StartSession` (inbound, with the customer in) for an inbound request.
 */
export type OfferAccepted = Event<
  'OfferAccepted',
  Stamp & {
    readonly offerId: string;
    readonly itemId: string;
    readonly agentId: string;
    readonly kind: 'inbound' | 'hand_over';
    readonly sessionId: string | null;
    /** The hand-over giver's message; null for inbound requests. */
    readonly message: string | null;
    /** The inbound customer and their page; null for hand-overs. */
    readonly customer: InboundCustomer | null;
    readonly originUrl: string | null;
    /** From enqueued to accepted; feeds the wait estimate. */
    readonly waitedMs: number;
  }
>;

/**
 * The offered agent said no. Inbound: the item is offered to the next agent. Hand-over: only this
 * agent's offer closes; the others of the round stay open (a new round when none is left).
 */
export type OfferDeclined = Event<'OfferDeclined', Stamp & { readonly offerId: string; readonly itemId: string; readonly agentId: string }>;

/**
 * Nobody answered the offer by its `expiresAt`; the agent stays available. Inbound: the item is
 * offered again. Hand-over: as a decline, a new round once no offer of the item is open.
 */
export type OfferExpired = Event<'OfferExpired', Stamp & { readonly offerId: string; readonly itemId: string; readonly agentId: string }>;

/** The queue took an open offer back before it was answered. */
export type OfferWithdrawn = Event<'OfferWithdrawn', Stamp & { readonly offerId: string; readonly itemId: string; readonly agentId: string; readonly reason: WithdrawReason }>;

/** The customer of an inbound request (or the system for them) left the queue before an agent took it. */
export type ItemLeft = Event<'ItemLeft', Stamp & { readonly itemId: string; readonly sessionId: string | null; readonly waitedMs: number }>;

/** The queue gave up on a waiting item: it waited too long, or the queue closed. */
export type ItemAbandoned = Event<
  'ItemAbandoned',
  Stamp & { readonly itemId: string; readonly sessionId: string | null; readonly reason: AbandonReason; readonly waitedMs: number }
>;

export type QueueEvent =
  | QueueCreated
  | QueueConfigured
  | QueueClosed
  | AgentAvailabilityChanged
  | InboundRequestEnqueued
  | HandOverEnqueued
  | ItemOffered
  | OfferAccepted
  | OfferDeclined
  | OfferExpired
  | OfferWithdrawn
  | ItemLeft
  | ItemAbandoned;

export type QueueEventType = QueueEvent['type'];
