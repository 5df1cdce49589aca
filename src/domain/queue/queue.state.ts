import { own } from '../shared/own.js';
import { assertNever } from '../shared/decider.js';
import type { HandOverTarget, InboundCustomer, QueueEvent, RoutingPolicy } from './queue.events.js';

/** An agent of the queue. `idleSince`: last availability change, offer end or accept (longest-idle routing). */
export interface AgentSlot {
  readonly available: boolean;
  readonly idleSince: string;
}

interface ItemFields {
  readonly itemId: string;
  readonly sessionId: string | null;
  readonly enqueuedAt: string;
  /** Inbound: offers made so far (the next is `${itemId}:${attempts + 1}`). Hand-over: broadcast rounds so far. */
  readonly attempts: number;
  /**
   * Agents offered this item in the current attempt (a hand-over round has several). Optional:
   * states persisted before broadcast lack it; read it with `offeredInRound(item)`.
   */
  readonly offeredInRound?: readonly string[];
  /** Agents who declined or let an offer of this item expire in the current round; skipped until every agent has passed. */
  readonly passedBy: readonly string[];
}

export interface InboundItem extends ItemFields {
  readonly kind: 'inbound';
  readonly customer: InboundCustomer;
  readonly problem: string;
  readonly originUrl: string;
}

export interface HandOverItem extends ItemFields {
  readonly kind: 'hand_over';
  readonly sessionId: string;
  readonly handedBy: string;
  readonly message: string | null;
  readonly target: HandOverTarget;
}

export type WaitingItem = InboundItem | HandOverItem;

export interface OpenOffer {
  readonly offerId: string;
  readonly itemId: string;
  readonly agentId: string;
  readonly offeredAt: string;
  readonly expiresAt: string;
}

export type OfferOutcome = 'accepted' | 'declined' | 'expired' | 'withdrawn';
export type ItemOutcome = 'accepted' | 'left' | 'abandoned';

/** How recent history is kept: enough to answer a late accept, bounded so the state stays small. */
export const CLOSED_HISTORY_SIZE = 200;
/** Wait durations kept for the estimate. */
export const RECENT_WAITS_SIZE = 20;

export interface NoQueue {
  readonly status: 'none';
}

export interface OpenQueue {
  readonly status: 'open';
  readonly queueId: string;
  readonly name: string;
  readonly offerTimeoutMs: number;
  readonly routing: RoutingPolicy;
  /** The queue's agents, in the order the admin added them (ties in routing go to the earlier one). */
  readonly agentIds: readonly string[];
  readonly agents: Readonly<Record<string, AgentSlot>>;
  /** Waiting items, first in first out. */
  readonly waiting: readonly WaitingItem[];
  /**
   * Inbound items: at most one open offer per item and one per agent. Hand-over items (broadcast):
   * one per offered agent of the round; they do not count against the agent's one inbound offer.
   */
  readonly offers: readonly OpenOffer[];
  /** The last CLOSED_HISTORY_SIZE offers answered, expired or withdrawn, newest last. */
  readonly closedOffers: readonly (Omit<OpenOffer, 'offeredAt' | 'expiresAt'> & { readonly outcome: OfferOutcome })[];
  /** The last CLOSED_HISTORY_SIZE items that left the queue, newest last. */
  readonly closedItems: readonly { readonly itemId: string; readonly outcome: ItemOutcome; readonly agentId: string | null }[];
  /** Enqueued-to-accepted durations of the last RECENT_WAITS_SIZE accepted items, newest last. */
  readonly recentWaitsMs: readonly number[];
}

export interface ClosedQueue {
  readonly status: 'closed';
  readonly queueId: string;
  readonly name: string;
  readonly closedBy: string;
  readonly closedAt: string;
}

export type QueueState = NoQueue | OpenQueue | ClosedQueue;
export type QueueStatus = QueueState['status'];

export const initialQueueState = (): QueueState => ({ status: 'none' });

export function evolveQueue(state: QueueState, event: QueueEvent): QueueState {
  switch (event.type) {
    case 'QueueCreated': {
      const { queueId, name, agentIds, offerTimeoutMs, routing, at } = event.data;
      return {
        status: 'open',
        queueId,
        name,
        offerTimeoutMs,
        routing,
        agentIds,
        agents: Object.fromEntries(agentIds.map((id) => [id, { available: false, idleSince: at }])),
        waiting: [],
        offers: [],
        closedOffers: [],
        closedItems: [],
        recentWaitsMs: [],
      };
    }
    case 'QueueConfigured':
      return open(state, (q) => {
        const { name, offerTimeoutMs, routing, agentsAdded, agentsRemoved, at } = event.data;
        // Built from entries: an id such as `__proto__` stays an own key, never the prototype.
        const agents: Record<string, AgentSlot> = Object.fromEntries([
          ...Object.entries(q.agents).filter(([id]) => !agentsRemoved.includes(id)),
          ...agentsAdded.map((id) => [id, { available: false, idleSince: at }] as const),
        ]);
        return {
          ...q,
          name: name ?? q.name,
          offerTimeoutMs: offerTimeoutMs ?? q.offerTimeoutMs,
          routing: routing ?? q.routing,
          agentIds: [...q.agentIds.filter((id) => !agentsRemoved.includes(id)), ...agentsAdded],
          agents,
        };
      });
    case 'QueueClosed':
      if (state.status !== 'open') return state;
      return { status: 'closed', queueId: state.queueId, name: state.name, closedBy: event.data.by, closedAt: event.data.at };
    case 'AgentAvailabilityChanged': {
      const { agentId, available, at } = event.data;
      return open(state, (q) => (own(q.agents, agentId) ? withAgent(q, agentId, { available, idleSince: at }) : q));
    }
    case 'InboundRequestEnqueued': {
      const { itemId, sessionId, customer, problem, originUrl, at } = event.data;
      const item: InboundItem = { kind: 'inbound', itemId, sessionId, customer, problem, originUrl, enqueuedAt: at, attempts: 0, passedBy: [] };
      return open(state, (q) => ({ ...q, waiting: [...q.waiting, item] }));
    }
    case 'HandOverEnqueued': {
      const { itemId, sessionId, handedBy, message, target, at } = event.data;
      const item: HandOverItem = { kind: 'hand_over', itemId, sessionId, handedBy, message, target, enqueuedAt: at, attempts: 0, passedBy: [] };
      return open(state, (q) => ({ ...q, waiting: [...q.waiting, item] }));
    }
    case 'ItemOffered': {
      const { offerId, itemId, agentId, attempt, expiresAt, at } = event.data;
      return open(state, (q) => ({
        ...q,
        offers: [...q.offers, { offerId, itemId, agentId, offeredAt: at, expiresAt }],
        waiting: q.waiting.map((i) =>
          // Offering again to an agent who passed starts a new round (every agent has passed once).
          // A hand-over round offers several agents under one attempt; a new attempt starts a new list.
          i.itemId === itemId
            ? {
                ...i,
                attempts: attempt,
                passedBy: i.passedBy.includes(agentId) ? [] : i.passedBy,
                offeredInRound: attempt === i.attempts ? [...offeredInRound(i), agentId] : [agentId],
              }
            : i,
        ),
      }));
    }
    case 'OfferAccepted': {
      const { offerId, itemId, agentId, waitedMs, at } = event.data;
      return open(state, (q) => {
        const closed = closeOffer(q, offerId, 'accepted');
        const agent = own(closed.agents, agentId);
        return {
          ...(agent ? withAgent(closed, agentId, { ...agent, idleSince: at }) : closed),
          waiting: closed.waiting.filter((i) => i.itemId !== itemId),
          closedItems: bounded([...closed.closedItems, { itemId, outcome: 'accepted' as const, agentId }], CLOSED_HISTORY_SIZE),
          recentWaitsMs: bounded([...closed.recentWaitsMs, waitedMs], RECENT_WAITS_SIZE),
        };
      });
    }
    case 'OfferDeclined':
    case 'OfferExpired': {
      const { offerId, itemId, agentId, at } = event.data;
      const outcome: OfferOutcome = event.type === 'OfferDeclined' ? 'declined' : 'expired';
      return open(state, (q) => {
        const closed = closeOffer(q, offerId, outcome);
        const agent = own(closed.agents, agentId);
        return {
          // The agent stays as available as they were, but goes to the back of the idle order.
          ...(agent ? withAgent(closed, agentId, { ...agent, idleSince: at }) : closed),
          waiting: closed.waiting.map((i) =>
            i.itemId === itemId && !i.passedBy.includes(agentId) ? { ...i, passedBy: [...i.passedBy, agentId] } : i,
          ),
        };
      });
    }
    case 'OfferWithdrawn': {
      const { offerId, agentId, at } = event.data;
      return open(state, (q) => {
        const closed = closeOffer(q, offerId, 'withdrawn');
        const agent = own(closed.agents, agentId);
        return agent ? withAgent(closed, agentId, { ...agent, idleSince: at }) : closed;
      });
    }
    case 'ItemLeft':
    case 'ItemAbandoned': {
      const { itemId } = event.data;
      const outcome: ItemOutcome = event.type === 'ItemLeft' ? 'left' : 'abandoned';
      return open(state, (q) => ({
        ...q,
        waiting: q.waiting.filter((i) => i.itemId !== itemId),
        closedItems: bounded([...q.closedItems, { itemId, outcome, agentId: null }], CLOSED_HISTORY_SIZE),
      }));
    }
    default:
      return assertNever(event);
  }
}

/** Applies `change` to an open queue; events never reach other states from a valid history. */
function open(state: QueueState, change: (q: OpenQueue) => OpenQueue): QueueState {
  switch (state.status) {
    case 'open':
      return change(state);
    case 'none':
    case 'closed':
      return state;
    default:
      return assertNever(state);
  }
}

function withAgent(q: OpenQueue, agentId: string, slot: AgentSlot): OpenQueue {
  return { ...q, agents: { ...q.agents, [agentId]: slot } };
}

function closeOffer(q: OpenQueue, offerId: string, outcome: OfferOutcome): OpenQueue {
  const offer = q.offers.find((o) => o.offerId === offerId);
  if (!offer) return q;
  const { offeredAt: _offeredAt, expiresAt: _expiresAt, ...rest } = offer;
  return {
    ...q,
    offers: q.offers.filter((o) => o.offerId !== offerId),
    closedOffers: bounded([...q.closedOffers, { ...rest, outcome }], CLOSED_HISTORY_SIZE),
  };
}

const bounded = <T>(list: readonly T[], size: number): readonly T[] => (list.length > size ? list.slice(list.length - size) : list);

// ---- queries over state, shared by the decider and by readers

export const findItem = (q: OpenQueue, itemId: string): WaitingItem | undefined => q.waiting.find((i) => i.itemId === itemId);
export const offeredInRound = (item: WaitingItem): readonly string[] => item.offeredInRound ?? [];
/** The first open offer of the item. A hand-over may have several: see `openOffersOfItem`. */
export const openOfferOfItem = (q: OpenQueue, itemId: string): OpenOffer | undefined => q.offers.find((o) => o.itemId === itemId);
/** The first open offer to the agent. An agent may hold several hand-over offers: see `openOffersOfAgent`. */
export const openOfferOfAgent = (q: OpenQueue, agentId: string): OpenOffer | undefined => q.offers.find((o) => o.agentId === agentId);
export const openOffersOfItem = (q: OpenQueue, itemId: string): readonly OpenOffer[] => q.offers.filter((o) => o.itemId === itemId);
export const openOffersOfAgent = (q: OpenQueue, agentId: string): readonly OpenOffer[] => q.offers.filter((o) => o.agentId === agentId);
/** A hand-over's offers are broadcast (several open at once, Q-5); an inbound item's go one at a time. */
export const isBroadcastOffer = (q: OpenQueue, offer: Pick<OpenOffer, 'itemId'>): boolean => findItem(q, offer.itemId)?.kind === 'hand_over';

/** The agents an item may go to: the named agents of a hand-over that are still in the queue, else every agent. */
export function eligibleAgentsOf(q: OpenQueue, item: WaitingItem): readonly string[] {
  switch (item.kind) {
    case 'inbound':
      return q.agentIds;
    case 'hand_over': {
      const { target } = item;
      switch (target.kind) {
        case 'queue':
          return q.agentIds;
        case 'agents':
          return q.agentIds.filter((id) => target.agentIds.includes(id));
        default:
          return assertNever(target);
      }
    }
    default:
      return assertNever(item);
  }
}
