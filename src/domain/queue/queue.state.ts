import { Map as IMap, OrderedMap } from 'immutable';
import { assertNever } from '../shared/decider.js';
import {
  DEFAULT_SERVICE_LEVEL_THRESHOLD_MS,
  type HandOverTarget,
  type InboundCustomer,
  type QueueEvent,
  type QueueTopic,
  type RequiredSkill,
  type RoutingPolicy,
} from './queue.events.js';

/**
 * The queue's state, shaped so that one command costs the same with 20 or 20,000 waiting items:
 * every collection that grows with the queue is a persistent (structurally shared) Immutable.js
 * map, so evolving an event touches O(log n) nodes instead of copying the line, and the indexes
 * below let routing start from the few items and agents that can match instead of scanning them.
 * `JSON.stringify(state)` gives plain JSON (replay shows it as is).
 */

/** An agent of the queue. `idleSince`: last availability change, offer end or accept (longest-idle routing). */
export interface AgentSlot {
  readonly available: boolean;
  readonly idleSince: string;
}

interface ItemFields {
  readonly itemId: string;
  readonly sessionId: string | null;
  readonly enqueuedAt: string;
  /** Place in the line: the nth item enqueued in this queue (first in, first out). */
  readonly seq: number;
  /** Inbound: offers made so far (the next is `${itemId}:${attempts + 1}`). Hand-over: broadcast rounds so far. */
  readonly attempts: number;
  /**
   * Agents offered this item in the current attempt (a hand-over round has several). Optional:
   * states persisted before broadcast lack it; read it with `offeredInRound(item)`.
   */
  readonly offeredInRound?: readonly string[];
  /** Agents who declined or let an offer of this item expire in the current round; skipped until every agent has passed. */
  readonly passedBy: readonly string[];
  /** Skills an agent needs to be offered the item (RT-3); [] for none. */
  readonly requiredSkills: readonly RequiredSkill[];
}

export interface InboundItem extends ItemFields {
  readonly kind: 'inbound';
  readonly customer: InboundCustomer;
  readonly problem: string;
  readonly originUrl: string;
  readonly topic: string | null;
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
  /** A hand-over's offer (one of a broadcast round, Q-5); it does not make the agent busy for inbound requests. */
  readonly broadcast: boolean;
}

export type OfferOutcome = 'accepted' | 'declined' | 'expired' | 'withdrawn';
export type ItemOutcome = 'accepted' | 'left' | 'abandoned';

/** How recent history is kept: enough to answer a late accept, bounded so the state stays small. */
export const CLOSED_HISTORY_SIZE = 200;
/** Wait durations kept for the estimate. */
export const RECENT_WAITS_SIZE = 20;

/** A set of ids, in the order they were added. */
export type IdSet = OrderedMap<string, true>;

export interface NoQueue {
  readonly status: 'none';
}

export interface OpenQueue {
  readonly status: 'open';
  readonly queueId: string;
  readonly name: string;
  readonly offerTimeoutMs: number;
  readonly routing: RoutingPolicy;
  readonly topics: readonly QueueTopic[];
  readonly serviceLevelThresholdMs: number;
  /** The queue's agents, in the order the admin added them (ties in routing go to the earlier one). */
  readonly agentIds: readonly string[];
  /**
   * The queue's agents in idle order: every event that resets an agent's `idleSince` moves them to
   * the end, so the first agents are the ones idle longest (routing reads from the front).
   */
  readonly agents: OrderedMap<string, AgentSlot>;
  /** Waiting items, first in first out. */
  readonly waiting: OrderedMap<string, WaitingItem>;
  /** Inbound items by the skills they need (`skillKey`), each first in first out: routing's index. */
  readonly inboundBySkills: IMap<string, IdSet>;
  /** Waiting hand-overs, first in first out (they are broadcast, Q-5). */
  readonly handOvers: IdSet;
  /**
   * Inbound items: at most one open offer per item and one per agent. Hand-over items (broadcast):
   * one per offered agent of the round; they do not count against the agent's one inbound offer.
   */
  readonly offers: OrderedMap<string, OpenOffer>;
  readonly offersOfItem: IMap<string, IdSet>;
  readonly offersOfAgent: IMap<string, IdSet>;
  /** The one open inbound offer of each agent who holds one. */
  readonly inboundOfferOf: IMap<string, string>;
  /** Items enqueued so far (the next gets `seq` = this). */
  readonly enqueued: number;
  /** The last CLOSED_HISTORY_SIZE offers answered, expired or withdrawn, newest last. */
  readonly closedOffers: readonly (Omit<OpenOffer, 'offeredAt' | 'expiresAt' | 'broadcast'> & { readonly outcome: OfferOutcome })[];
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

/** The canonical key of a set of required skills: equal sets, equal keys ('' for none). */
export const skillKey = (skills: readonly RequiredSkill[]): string =>
  skills
    .map((s) => `${s.skill}:${s.minLevel}`)
    .sort()
    .join(',');

const EMPTY_IDS: IdSet = OrderedMap<string, true>();

export function evolveQueue(state: QueueState, event: QueueEvent): QueueState {
  switch (event.type) {
    case 'QueueCreated': {
      const { queueId, name, agentIds, offerTimeoutMs, routing, topics, serviceLevelThresholdMs, at } = event.data;
      return {
        status: 'open',
        queueId,
        name,
        offerTimeoutMs,
        routing,
        topics: topics ?? [],
        serviceLevelThresholdMs: serviceLevelThresholdMs ?? DEFAULT_SERVICE_LEVEL_THRESHOLD_MS,
        agentIds,
        agents: OrderedMap(agentIds.map((id) => [id, { available: false, idleSince: at }] as const)),
        waiting: OrderedMap(),
        inboundBySkills: IMap(),
        handOvers: EMPTY_IDS,
        offers: OrderedMap(),
        offersOfItem: IMap(),
        offersOfAgent: IMap(),
        inboundOfferOf: IMap(),
        enqueued: 0,
        closedOffers: [],
        closedItems: [],
        recentWaitsMs: [],
      };
    }
    case 'QueueConfigured':
      return open(state, (q) => {
        const { name, offerTimeoutMs, routing, topics, serviceLevelThresholdMs, agentsAdded, agentsRemoved, at } = event.data;
        const removed = new Set(agentsRemoved);
        let agents = q.agents.deleteAll(agentsRemoved);
        for (const id of agentsAdded) agents = agents.set(id, { available: false, idleSince: at });
        return {
          ...q,
          name: name ?? q.name,
          offerTimeoutMs: offerTimeoutMs ?? q.offerTimeoutMs,
          routing: routing ?? q.routing,
          topics: topics ?? q.topics,
          serviceLevelThresholdMs: serviceLevelThresholdMs ?? q.serviceLevelThresholdMs,
          agentIds: [...q.agentIds.filter((id) => !removed.has(id)), ...agentsAdded],
          agents,
        };
      });
    case 'QueueClosed':
      if (state.status !== 'open') return state;
      return { status: 'closed', queueId: state.queueId, name: state.name, closedBy: event.data.by, closedAt: event.data.at };
    case 'AgentAvailabilityChanged': {
      const { agentId, available, at } = event.data;
      return open(state, (q) => (q.agents.has(agentId) ? withAgent(q, agentId, { available, idleSince: at }) : q));
    }
    case 'InboundRequestEnqueued': {
      const { itemId, sessionId, customer, problem, originUrl, topic, requiredSkills, at } = event.data;
      return open(state, (q) => {
        const skills = requiredSkills ?? [];
        const item: InboundItem = {
          kind: 'inbound',
          itemId,
          sessionId,
          customer,
          problem,
          originUrl,
          topic: topic ?? null,
          requiredSkills: skills,
          enqueuedAt: at,
          seq: q.enqueued,
          attempts: 0,
          passedBy: [],
        };
        const key = skillKey(skills);
        return {
          ...q,
          enqueued: q.enqueued + 1,
          waiting: q.waiting.set(itemId, item),
          inboundBySkills: q.inboundBySkills.set(key, (q.inboundBySkills.get(key) ?? EMPTY_IDS).set(itemId, true)),
        };
      });
    }
    case 'HandOverEnqueued': {
      const { itemId, sessionId, handedBy, message, target, requiredSkills, at } = event.data;
      return open(state, (q) => {
        const item: HandOverItem = {
          kind: 'hand_over',
          itemId,
          sessionId,
          handedBy,
          message,
          target,
          requiredSkills: requiredSkills ?? [],
          enqueuedAt: at,
          seq: q.enqueued,
          attempts: 0,
          passedBy: [],
        };
        return { ...q, enqueued: q.enqueued + 1, waiting: q.waiting.set(itemId, item), handOvers: q.handOvers.set(itemId, true) };
      });
    }
    case 'ItemOffered': {
      const { offerId, itemId, agentId, attempt, expiresAt, at } = event.data;
      return open(state, (q) => {
        const item = q.waiting.get(itemId);
        const broadcast = item?.kind === 'hand_over';
        const offer: OpenOffer = { offerId, itemId, agentId, offeredAt: at, expiresAt, broadcast };
        const next = {
          ...q,
          offers: q.offers.set(offerId, offer),
          offersOfItem: addTo(q.offersOfItem, itemId, offerId),
          offersOfAgent: addTo(q.offersOfAgent, agentId, offerId),
          inboundOfferOf: broadcast ? q.inboundOfferOf : q.inboundOfferOf.set(agentId, offerId),
        };
        if (!item) return next;
        // Offering again to an agent who passed starts a new round (every agent has passed once).
        // A hand-over round offers several agents under one attempt; a new attempt starts a new list.
        const updated: WaitingItem = {
          ...item,
          attempts: attempt,
          passedBy: item.passedBy.includes(agentId) ? [] : item.passedBy,
          offeredInRound: attempt === item.attempts ? [...offeredInRound(item), agentId] : [agentId],
        };
        return { ...next, waiting: next.waiting.set(itemId, updated) };
      });
    }
    case 'OfferAccepted': {
      const { offerId, itemId, agentId, waitedMs, at } = event.data;
      return open(state, (q) => {
        const closed = closeOffer(q, offerId, 'accepted');
        const agent = closed.agents.get(agentId);
        const moved = agent ? withAgent(closed, agentId, { ...agent, idleSince: at }) : closed;
        return {
          ...removeItem(moved, itemId),
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
        const agent = closed.agents.get(agentId);
        // The agent stays as available as they were, but goes to the back of the idle order.
        const moved = agent ? withAgent(closed, agentId, { ...agent, idleSince: at }) : closed;
        const item = moved.waiting.get(itemId);
        if (!item || item.passedBy.includes(agentId)) return moved;
        return { ...moved, waiting: moved.waiting.set(itemId, { ...item, passedBy: [...item.passedBy, agentId] }) };
      });
    }
    case 'OfferWithdrawn': {
      const { offerId, agentId, at } = event.data;
      return open(state, (q) => {
        const closed = closeOffer(q, offerId, 'withdrawn');
        const agent = closed.agents.get(agentId);
        return agent ? withAgent(closed, agentId, { ...agent, idleSince: at }) : closed;
      });
    }
    case 'ItemLeft':
    case 'ItemAbandoned': {
      const { itemId } = event.data;
      const outcome: ItemOutcome = event.type === 'ItemLeft' ? 'left' : 'abandoned';
      return open(state, (q) => ({
        ...removeItem(q, itemId),
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

/** The agent's new slot, moved to the end of the idle order. */
function withAgent(q: OpenQueue, agentId: string, slot: AgentSlot): OpenQueue {
  return { ...q, agents: q.agents.delete(agentId).set(agentId, slot) };
}

const addTo = (index: IMap<string, IdSet>, key: string, id: string) => index.set(key, (index.get(key) ?? EMPTY_IDS).set(id, true));

function removeFrom(index: IMap<string, IdSet>, key: string, id: string): IMap<string, IdSet> {
  const ids = index.get(key)?.delete(id);
  return !ids || ids.size === 0 ? index.delete(key) : index.set(key, ids);
}

function removeItem(q: OpenQueue, itemId: string): OpenQueue {
  const item = q.waiting.get(itemId);
  if (!item) return q;
  return {
    ...q,
    waiting: q.waiting.delete(itemId),
    inboundBySkills: item.kind === 'inbound' ? removeFrom(q.inboundBySkills, skillKey(item.requiredSkills), itemId) : q.inboundBySkills,
    handOvers: item.kind === 'hand_over' ? q.handOvers.delete(itemId) : q.handOvers,
  };
}

function closeOffer(q: OpenQueue, offerId: string, outcome: OfferOutcome): OpenQueue {
  const offer = q.offers.get(offerId);
  if (!offer) return q;
  const { offerId: id, itemId, agentId } = offer;
  return {
    ...q,
    offers: q.offers.delete(offerId),
    offersOfItem: removeFrom(q.offersOfItem, itemId, offerId),
    offersOfAgent: removeFrom(q.offersOfAgent, agentId, offerId),
    inboundOfferOf: q.inboundOfferOf.get(agentId) === offerId ? q.inboundOfferOf.delete(agentId) : q.inboundOfferOf,
    closedOffers: bounded([...q.closedOffers, { offerId: id, itemId, agentId, outcome }], CLOSED_HISTORY_SIZE),
  };
}

const bounded = <T>(list: readonly T[], size: number): readonly T[] => (list.length > size ? list.slice(list.length - size) : list);

// ---- queries over state, shared by the decider and by readers (each O(1) or O(answer))

export const findItem = (q: OpenQueue, itemId: string): WaitingItem | undefined => q.waiting.get(itemId);
export const offeredInRound = (item: WaitingItem): readonly string[] => item.offeredInRound ?? [];
export const openOffersOfItem = (q: OpenQueue, itemId: string): readonly OpenOffer[] => offersByIds(q, q.offersOfItem.get(itemId));
export const openOffersOfAgent = (q: OpenQueue, agentId: string): readonly OpenOffer[] => offersByIds(q, q.offersOfAgent.get(agentId));
/** The first open offer of the item. A hand-over may have several: see `openOffersOfItem`. */
export const openOfferOfItem = (q: OpenQueue, itemId: string): OpenOffer | undefined => openOffersOfItem(q, itemId)[0];
/** The first open offer to the agent. An agent may hold several hand-over offers: see `openOffersOfAgent`. */
export const openOfferOfAgent = (q: OpenQueue, agentId: string): OpenOffer | undefined => openOffersOfAgent(q, agentId)[0];
/** A hand-over's offers are broadcast (several open at once, Q-5); an inbound item's go one at a time. */
export const isBroadcastOffer = (q: OpenQueue, offer: Pick<OpenOffer, 'itemId'>): boolean => findItem(q, offer.itemId)?.kind === 'hand_over';

function offersByIds(q: OpenQueue, ids: IdSet | undefined): readonly OpenOffer[] {
  if (!ids) return [];
  const offers: OpenOffer[] = [];
  for (const id of ids.keys()) {
    const offer = q.offers.get(id);
    if (offer) offers.push(offer);
  }
  return offers;
}

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
