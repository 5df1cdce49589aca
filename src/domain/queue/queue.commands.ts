/**
 * Commands on one WebACD queue. Ids of new things (queue, item) come in the data; offer ids are
 * derived (`${itemId}:${attempt}`), so a re-run decides the same ids. Who acts and when come in
 * the metadata. The API validates shapes; the decider checks them again where a rule depends on them.
 */
import type { Command } from '../shared/decider.js';
import type { HandOverTarget, InboundCustomer, QueueTopic, RequiredSkill, RoutingPolicy } from './queue.events.js';

/** Admin: a new queue on this stream. */
export type CreateQueue = Command<
  'CreateQueue',
  {
    readonly queueId: string;
    readonly name: string;
    readonly agentIds: readonly string[];
    /** 5 000 .. 600 000 ms. */
    readonly offerTimeoutMs: number;
    readonly routing: RoutingPolicy;
    /** Help-form topics and the skills each needs (RT-3). */
    readonly topics?: readonly QueueTopic[];
    /** 1 000 .. 3 600 000 ms; default 20 s. */
    readonly serviceLevelThresholdMs?: number;
  }
>;

/** Admin: change what is given; absent fields stay as they are. */
export type ConfigureQueue = Command<
  'ConfigureQueue',
  {
    readonly name?: string;
    readonly addAgentIds?: readonly string[];
    readonly removeAgentIds?: readonly string[];
    readonly offerTimeoutMs?: number;
    readonly routing?: RoutingPolicy;
    /** Replaces the whole list of topics. */
    readonly topics?: readonly QueueTopic[];
    readonly serviceLevelThresholdMs?: number;
  }
>;

/** Admin: close the queue; waiting items are abandoned. */
export type CloseQueue = Command<'CloseQueue', Record<string, never>>;

/** The agent themselves, or an admin: available for offers, or away. */
export type SetAgentAvailability = Command<'SetAgentAvailability', { readonly agentId: string; readonly available: boolean }>;

/** A customer's inbound request enters the queue (SES-2, Q-6). By the customer or the system. */
export type EnqueueInbound = Command<
  'EnqueueInbound',
  {
    readonly itemId: string;
    readonly sessionId?: string;
    readonly customer: InboundCustomer;
    readonly problem: string;
    readonly originUrl: string;
    /** One of the queue's help-form topics; its skills are required of the agent (RT-3). */
    readonly topic?: string;
  }
>;

/**
 * A handed-over session enters the queue: the application's reaction to the
 * session's `HandedToQueue`, copying its target and message. By the system or the giving agent.
 */
export type EnqueueHandOver = Command<
  'EnqueueHandOver',
  {
    readonly itemId: string;
    readonly sessionId: string;
    readonly handedBy: string;
    readonly message?: string | null;
    readonly target: HandOverTarget;
    /** Skills the giver asks of the taker (RT-3). */
    readonly requiredSkills?: readonly RequiredSkill[];
  }
>;

/** Offer waiting items to free agents now (after loads changed outside the queue). Every other command routes too. */
export type RouteWaitingItems = Command<'RouteWaitingItems', Record<string, never>>;

/** The offered agent takes the item. `agentId` must be the acting user. */
export type AcceptOffer = Command<'AcceptOffer', { readonly offerId: string; readonly agentId: string }>;

/** The offered agent passes; the item goes to the next agent. */
export type DeclineOffer = Command<'DeclineOffer', { readonly offerId: string; readonly agentId: string }>;

/** Timer job at the offer's `expiresAt`. Harmless when re-run or when the offer was already answered. */
export type ExpireOffer = Command<'ExpireOffer', { readonly offerId: string }>;

/** The waiting customer gives up (or the system for them, e.g. their page closed). */
export type LeaveQueue = Command<'LeaveQueue', { readonly itemId: string }>;

/** The system gives up on an item after the maximum wait. */
export type AbandonItem = Command<'AbandonItem', { readonly itemId: string }>;

export type QueueCommand =
  | CreateQueue
  | ConfigureQueue
  | CloseQueue
  | SetAgentAvailability
  | EnqueueInbound
  | EnqueueHandOver
  | RouteWaitingItems
  | AcceptOffer
  | DeclineOffer
  | ExpireOffer
  | LeaveQueue
  | AbandonItem;

export type QueueCommandType = QueueCommand['type'];

/** What the application knows of one agent right now (settings aggregate and a live-sessions read model). */
export interface AgentFacts {
  /** The user holds the WebACD agent privilege on a site with WebACD on (effectiveSettings.webacdAgent, Q-1). */
  readonly webacdAgent: boolean;
  /**
   * Live sessions the agent runs now, counting items they accepted (`OfferAccepted`) whose
   * session has not started yet (SES-3).
   */
  readonly liveLoad: number;
  /** Most sessions the agent may run at once: 1 in single-session mode, the admin's maximum in multi-session mode (SES-3). */
  readonly maxLoad: number;
  /** The agent's skills and levels (1..10), from the admin's user settings (RT-3). Absent: none. */
  readonly skills?: ReadonlyMap<string, number>;
}

/**
 * What the application resolves before deciding: plain data, no callbacks.
 * `agents` covers every agent of the queue and the acting user; anyone missing counts as no
 * WebACD agent with no capacity, so routing never offers them anything.
 */
export interface QueueContext {
  /** WebACD is on for the site (SES-2). */
  readonly webacdEnabled: boolean;
  readonly agents: ReadonlyMap<string, AgentFacts>;
}
