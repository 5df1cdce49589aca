import { graphemeLength } from '../shared/text.js';
import { assertNever, type CommandMetadata } from '../shared/decider.js';
import { forbidden, illegalState, notFound, validationError } from '../shared/domain-error.js';
import type {
  AbandonItem,
  AcceptOffer,
  ConfigureQueue,
  CreateQueue,
  DeclineOffer,
  EnqueueHandOver,
  EnqueueInbound,
  ExpireOffer,
  LeaveQueue,
  QueueCommand,
  QueueContext,
  RouteWaitingItems,
  SetAgentAvailability,
} from './queue.commands.js';
import * as E from './queue.errors.js';
import { validRequiredSkills } from '../shared/skills.js';
import { type HandOverTarget, type QueueEvent, type QueueTopic, ROUTING_POLICIES, type RoutingPolicy, type WithdrawReason } from './queue.events.js';
import { evolveQueue, findItem, type OpenOffer, type OpenQueue, openOffersOfAgent, openOffersOfItem, type QueueState } from './queue.state.js';
import { planOffers } from './routing.js';

export const QUEUE_NAME_MAX_LENGTH = 100;
export const OFFER_TIMEOUT_MIN_MS = 5_000;
export const OFFER_TIMEOUT_MAX_MS = 600_000;
export const PROBLEM_MAX_LENGTH = 2000;
export const HANDOVER_MESSAGE_MAX_LENGTH = 345;
/** At most 100 help-form topics per queue (each with at most 20 skills, see shared/skills). */
export const TOPICS_MAX = 100;
export const SERVICE_LEVEL_THRESHOLD_MIN_MS = 1_000;
export const SERVICE_LEVEL_THRESHOLD_MAX_MS = 3_600_000;

/** The user id routing decisions and timer outcomes are recorded under. */
export const SYSTEM = 'system';

export function decideQueue(command: QueueCommand, state: QueueState, context: QueueContext): readonly QueueEvent[] {
  switch (command.type) {
    case 'CreateQueue':
      return createQueue(command, state);
    case 'ConfigureQueue':
      return configureQueue(command, state, context);
    case 'CloseQueue':
      return closeQueue(command.metadata, state);
    case 'SetAgentAvailability':
      return setAgentAvailability(command, state, context);
    case 'EnqueueInbound':
      return enqueueInbound(command, state, context);
    case 'EnqueueHandOver':
      return enqueueHandOver(command, state, context);
    case 'RouteWaitingItems':
      return routeWaitingItems(command, state, context);
    case 'AcceptOffer':
      return acceptOffer(command, state, context);
    case 'DeclineOffer':
      return declineOffer(command, state, context);
    case 'ExpireOffer':
      return expireOffer(command, state, context);
    case 'LeaveQueue':
      return leaveQueue(command, state, context);
    case 'AbandonItem':
      return abandonItem(command, state, context);
    default:
      return assertNever(command);
  }
}

// ============================================================ guards

type Stamp = { readonly by: string; readonly at: string };
const stampOf = (metadata: CommandMetadata): Stamp => ({ by: metadata.userId, at: metadata.now.toISOString() });
const hasRole = (metadata: CommandMetadata, role: string) => metadata.roles.includes(role);

function assertAdmin(metadata: CommandMetadata): void {
  if (!hasRole(metadata, 'admin')) throw forbidden(E.NOT_AN_ADMIN, 'Only an admin may do this');
}

function assertSystem(metadata: CommandMetadata): void {
  if (!hasRole(metadata, 'system')) throw forbidden(E.SYSTEM_ONLY, 'Only the system may do this');
}

function assertOpen(state: QueueState): OpenQueue {
  switch (state.status) {
    case 'none':
      throw notFound(E.QUEUE_NOT_FOUND, 'There is no such queue');
    case 'closed':
      throw illegalState(E.QUEUE_CLOSED, 'The queue is closed', { closedAt: state.closedAt });
    case 'open':
      return state;
    default:
      return assertNever(state);
  }
}

/** SES-2: inbound requests and hand-overs need WebACD on the site. */
function assertWebacdEnabled(context: QueueContext): void {
  if (!context.webacdEnabled) throw illegalState(E.WEBACD_DISABLED, 'WebACD is not enabled for this site');
}

/** only a WebACD agent takes, declines or is offered queued work. */
function assertWebacdAgent(context: QueueContext, userId: string): void {
  assertWebacdEnabled(context);
  if (context.agents.get(userId)?.webacdAgent !== true) throw forbidden(E.NOT_WEBACD_AGENT, 'Only a WebACD agent may do this');
}

function assertQueueAgent(q: OpenQueue, agentId: string): void {
  if (!q.agents.has(agentId)) throw validationError(E.AGENT_NOT_IN_QUEUE, 'agentId', `${agentId} is not an agent of this queue`);
}

/** Length in characters as a person counts them (code points), not UTF-16 units. */

const waitedMs = (enqueuedAt: string, now: Date) => Math.max(0, now.getTime() - Date.parse(enqueuedAt));

function validName(name: unknown): string {
  const trimmed = typeof name === 'string' ? name.trim() : '';
  if (!trimmed || graphemeLength(trimmed) > QUEUE_NAME_MAX_LENGTH) {
    throw validationError(E.INVALID_QUEUE_NAME, 'name', `A queue name has 1 to ${QUEUE_NAME_MAX_LENGTH} characters`);
  }
  return trimmed;
}

function validTimeout(ms: unknown): number {
  if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < OFFER_TIMEOUT_MIN_MS || ms > OFFER_TIMEOUT_MAX_MS) {
    throw validationError(E.INVALID_OFFER_TIMEOUT, 'offerTimeoutMs', 'The offer timeout is from 5 seconds to 10 minutes, in milliseconds', {
      min: OFFER_TIMEOUT_MIN_MS,
      max: OFFER_TIMEOUT_MAX_MS,
    });
  }
  return ms;
}

function validRouting(routing: unknown): RoutingPolicy {
  const policy = ROUTING_POLICIES.find((p) => p === routing);
  if (!policy) throw validationError(E.INVALID_ROUTING, 'routing', `Routing is one of ${ROUTING_POLICIES.join(', ')}`);
  return policy;
}

function validAgentIds(ids: readonly string[] | undefined, field: string): readonly string[] {
  const list = ids ?? [];
  if (list.some((id) => typeof id !== 'string' || !id.trim()) || new Set(list).size !== list.length) {
    throw validationError(E.INVALID_AGENT_LIST, field, 'Agent ids are non-empty and listed once');
  }
  return list;
}

function validTopics(topics: unknown): readonly QueueTopic[] {
  if (!Array.isArray(topics) || topics.length > TOPICS_MAX) throw validationError(E.INVALID_TOPICS, 'topics', `At most ${TOPICS_MAX} topics, as a list`);
  const seen = new Set<string>();
  return topics.map((t: unknown, i) => {
    const { topic, requiredSkills } = (typeof t === 'object' && t !== null ? t : {}) as { topic?: unknown; requiredSkills?: unknown };
    const name = typeof topic === 'string' ? topic.trim() : '';
    if (!name || graphemeLength(name) > QUEUE_NAME_MAX_LENGTH || seen.has(name)) {
      throw validationError(E.INVALID_TOPICS, `topics[${i}].topic`, `A topic has 1 to ${QUEUE_NAME_MAX_LENGTH} characters and is listed once`);
    }
    seen.add(name);
    return { topic: name, requiredSkills: validRequiredSkills(requiredSkills, `topics[${i}].requiredSkills`) };
  });
}

function validThreshold(ms: unknown): number {
  if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < SERVICE_LEVEL_THRESHOLD_MIN_MS || ms > SERVICE_LEVEL_THRESHOLD_MAX_MS) {
    throw validationError(E.INVALID_SERVICE_LEVEL_THRESHOLD, 'serviceLevelThresholdMs', 'The service level threshold is from 1 second to 1 hour, in milliseconds', {
      min: SERVICE_LEVEL_THRESHOLD_MIN_MS,
      max: SERVICE_LEVEL_THRESHOLD_MAX_MS,
    });
  }
  return ms;
}

// ============================================================ routing after every change

/**
 * The events of a decision, followed by the offers routing makes on the state they lead to.
 * `extraLoad`: sessions this decision gave an agent that `context.agents` does not count yet.
 */
function withRouting(
  state: QueueState,
  primary: readonly QueueEvent[],
  context: QueueContext,
  now: Date,
  extraLoad: ReadonlyMap<string, number> = new Map(),
): readonly QueueEvent[] {
  const after = primary.reduce(evolveQueue, state);
  if (after.status !== 'open') return primary;
  const at = now.toISOString();
  const expiresAt = new Date(now.getTime() + after.offerTimeoutMs).toISOString();
  const offers: QueueEvent[] = planOffers(after, context.agents, extraLoad).map(({ offerId, itemId, agentId, attempt, why }) => {
    const item = findItem(after, itemId);
    // every agent offered a hand-over sees the giver's message with the offer.
    const message = item?.kind === 'hand_over' ? { message: item.message } : {};
    return { type: 'ItemOffered', data: { offerId, itemId, agentId, attempt, expiresAt, ...message, why, by: SYSTEM, at } };
  });
  return [...primary, ...offers];
}

const withdrawn = (offer: OpenOffer, reason: WithdrawReason, at: string): QueueEvent => ({
  type: 'OfferWithdrawn',
  data: { offerId: offer.offerId, itemId: offer.itemId, agentId: offer.agentId, reason, by: SYSTEM, at },
});

// ============================================================ admin

function createQueue({ data, metadata }: CreateQueue, state: QueueState): readonly QueueEvent[] {
  assertAdmin(metadata);
  if (state.status !== 'none') throw illegalState(E.QUEUE_ALREADY_EXISTS, 'This queue already exists');
  const queueId = data.queueId?.trim();
  if (!queueId) throw validationError(E.INVALID_QUEUE_ID, 'queueId', 'A queue id is required');
  return [
    {
      type: 'QueueCreated',
      data: {
        queueId,
        name: validName(data.name),
        agentIds: validAgentIds(data.agentIds, 'agentIds'),
        offerTimeoutMs: validTimeout(data.offerTimeoutMs),
        routing: validRouting(data.routing),
        ...(data.topics === undefined ? {} : { topics: validTopics(data.topics) }),
        ...(data.serviceLevelThresholdMs === undefined ? {} : { serviceLevelThresholdMs: validThreshold(data.serviceLevelThresholdMs) }),
        ...stampOf(metadata),
      },
    },
  ];
}

function configureQueue({ data, metadata }: ConfigureQueue, state: QueueState, context: QueueContext): readonly QueueEvent[] {
  assertAdmin(metadata);
  const q = assertOpen(state);
  const add = validAgentIds(data.addAgentIds, 'addAgentIds');
  const remove = validAgentIds(data.removeAgentIds, 'removeAgentIds');
  if (add.some((id) => remove.includes(id))) throw validationError(E.INVALID_AGENT_LIST, 'addAgentIds', 'An agent is either added or removed');
  for (const id of remove) if (!q.agents.has(id)) throw validationError(E.AGENT_NOT_IN_QUEUE, 'removeAgentIds', `${id} is not an agent of this queue`);
  const agentsAdded = add.filter((id) => !q.agents.has(id));
  const name = data.name === undefined ? undefined : validName(data.name);
  const offerTimeoutMs = data.offerTimeoutMs === undefined ? undefined : validTimeout(data.offerTimeoutMs);
  const routing = data.routing === undefined ? undefined : validRouting(data.routing);
  const topics = data.topics === undefined ? undefined : validTopics(data.topics);
  const threshold = data.serviceLevelThresholdMs === undefined ? undefined : validThreshold(data.serviceLevelThresholdMs);
  const changes = {
    ...(name !== undefined && name !== q.name ? { name } : {}),
    ...(offerTimeoutMs !== undefined && offerTimeoutMs !== q.offerTimeoutMs ? { offerTimeoutMs } : {}),
    ...(routing !== undefined && routing !== q.routing ? { routing } : {}),
    ...(topics !== undefined && JSON.stringify(topics) !== JSON.stringify(q.topics) ? { topics } : {}),
    ...(threshold !== undefined && threshold !== q.serviceLevelThresholdMs ? { serviceLevelThresholdMs: threshold } : {}),
  };
  if (Object.keys(changes).length === 0 && agentsAdded.length === 0 && remove.length === 0) return [];
  const stamp = stampOf(metadata);
  return withRouting(
    state,
    [
      ...remove.flatMap((id) => openOffersOfAgent(q, id)).map((o) => withdrawn(o, 'agent_removed', stamp.at)),
      { type: 'QueueConfigured', data: { ...changes, agentsAdded, agentsRemoved: remove, ...stamp } },
    ],
    context,
    metadata.now,
  );
}

/** Closing abandons what waits (the application tells those customers and sessions) and withdraws open offers. */
function closeQueue(metadata: CommandMetadata, state: QueueState): readonly QueueEvent[] {
  assertAdmin(metadata);
  const q = assertOpen(state);
  const stamp = stampOf(metadata);
  return [
    ...[...q.offers.values()].map((o) => withdrawn(o, 'queue_closed', stamp.at)),
    ...[...q.waiting.values()].map((i): QueueEvent => ({
      type: 'ItemAbandoned',
      data: { itemId: i.itemId, sessionId: i.sessionId, reason: 'queue_closed', waitedMs: waitedMs(i.enqueuedAt, metadata.now), ...stamp },
    })),
    { type: 'QueueClosed', data: stamp },
  ];
}

// ============================================================ agents

function setAgentAvailability({ data, metadata }: SetAgentAvailability, state: QueueState, context: QueueContext): readonly QueueEvent[] {
  const q = assertOpen(state);
  const { agentId, available } = data;
  if (metadata.userId !== agentId && !hasRole(metadata, 'admin')) {
    throw forbidden(E.NOT_YOUR_AVAILABILITY, 'An agent sets only their own availability');
  }
  // a CSR who is no WebACD agent (not flagged, not set by the admin, not in this queue) is
  // refused as such, before "not an agent of this queue".
  if (metadata.userId === agentId && !hasRole(metadata, 'admin') && context.webacdEnabled && context.agents.get(agentId)?.webacdAgent !== true) {
    throw forbidden(E.NOT_WEBACD_AGENT, 'Only a WebACD agent may take part in a queue');
  }
  assertQueueAgent(q, agentId);
  if (available) assertWebacdAgent(context, agentId); // nobody else is offered work
  if (q.agents.get(agentId)?.available === available) return [];
  const stamp = stampOf(metadata);
  const offers = available ? [] : openOffersOfAgent(q, agentId);
  return withRouting(
    state,
    [...offers.map((o) => withdrawn(o, 'agent_away', stamp.at)), { type: 'AgentAvailabilityChanged', data: { agentId, available, ...stamp } }],
    context,
    metadata.now,
  );
}

// ============================================================ work items

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function isWebUrl(url: unknown): boolean {
  if (typeof url !== 'string') return false;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:';
  } catch {
    return false;
  }
}

function assertNewItem(q: OpenQueue, itemId: unknown): string {
  if (typeof itemId !== 'string' || !itemId.trim()) throw validationError(E.INVALID_ITEM_ID, 'itemId', 'An item id is required');
  if (q.waiting.has(itemId) || q.closedItems.some((i) => i.itemId === itemId)) {
    throw illegalState(E.DUPLICATE_ITEM, `Item ${itemId} is already in this queue`);
  }
  return itemId;
}

/** SES-2, Q-6: a customer's request from a web page waits for an agent. */
function enqueueInbound({ data, metadata }: EnqueueInbound, state: QueueState, context: QueueContext): readonly QueueEvent[] {
  const q = assertOpen(state);
  assertWebacdEnabled(context); // SES-2
  const itemId = assertNewItem(q, data.itemId);
  const c = data.customer;
  const customerId = c?.customerId?.trim();
  const name = c?.name?.trim();
  const email = c?.email?.trim();
  if (!customerId || !name) throw validationError(E.INVALID_INBOUND_REQUEST, 'customer', 'The customer needs an id and a name');
  if (!email || !EMAIL.test(email)) throw validationError(E.INVALID_INBOUND_REQUEST, 'customer.email', 'The customer needs a valid email address');
  if (!isWebUrl(data.originUrl)) throw validationError(E.INVALID_INBOUND_REQUEST, 'originUrl', 'The page the customer came from is required');
  const problem = (data.problem ?? '').trim();
  if (graphemeLength(problem) > PROBLEM_MAX_LENGTH) {
    throw validationError(E.PROBLEM_TOO_LONG, 'problem', `The problem may be at most ${PROBLEM_MAX_LENGTH} characters`, { max: PROBLEM_MAX_LENGTH });
  }
  const sessionId = data.sessionId?.trim() || null;
  // RT-3: the help form's topic decides the skills the request needs.
  const topic = data.topic === undefined || data.topic === null ? undefined : q.topics.find((t) => t.topic === data.topic);
  if (data.topic !== undefined && data.topic !== null && !topic) {
    throw validationError(E.UNKNOWN_TOPIC, 'topic', `This queue has no topic ${String(data.topic)}`, { topics: q.topics.map((t) => t.topic) });
  }
  const skills = topic ? { topic: topic.topic, requiredSkills: topic.requiredSkills } : {};
  return withRouting(
    state,
    [
      {
        type: 'InboundRequestEnqueued',
        data: { itemId, sessionId, customer: { customerId, name, email }, problem, originUrl: data.originUrl, ...skills, ...stampOf(metadata) },
      },
    ],
    context,
    metadata.now,
  );
}

/** a handed-over session waits for this queue's agents, or for the named ones. */
function enqueueHandOver({ data, metadata }: EnqueueHandOver, state: QueueState, context: QueueContext): readonly QueueEvent[] {
  const q = assertOpen(state);
  assertWebacdEnabled(context);
  if (!hasRole(metadata, 'system')) {
    if (metadata.userId !== data.handedBy) throw forbidden(E.SYSTEM_ONLY, 'Only the system or the giver enqueues a hand-over');
    assertWebacdAgent(context, metadata.userId);
  }
  const itemId = assertNewItem(q, data.itemId);
  const sessionId = data.sessionId?.trim();
  if (!sessionId) throw validationError(E.INVALID_HANDOVER_TARGET, 'sessionId', 'A hand-over names its session');
  const target = handOverTarget(q, data.target, data.handedBy);
  const message = data.message?.trim() || null;
  if (message !== null && graphemeLength(message) > HANDOVER_MESSAGE_MAX_LENGTH) {
    throw validationError(E.HANDOVER_MESSAGE_TOO_LONG, 'message', `The message may be at most ${HANDOVER_MESSAGE_MAX_LENGTH} characters`, {
      max: HANDOVER_MESSAGE_MAX_LENGTH,
    });
  }
  const requiredSkills = validRequiredSkills(data.requiredSkills, 'requiredSkills'); // RT-3
  return withRouting(
    state,
    [
      {
        type: 'HandOverEnqueued',
        data: { itemId, sessionId, handedBy: data.handedBy, message, target, ...(requiredSkills.length > 0 ? { requiredSkills } : {}), ...stampOf(metadata) },
      },
    ],
    context,
    metadata.now,
  );
}

/**
 * exactly this queue, or one or more of its agents (other than the giver), never both.
 * A hand-over to named agents is held by a queue they belong to (e.g. a site-wide direct queue).
 */
function handOverTarget(q: OpenQueue, target: HandOverTarget | undefined, giverId: string): HandOverTarget {
  const invalid = (field: string) => validationError(E.INVALID_HANDOVER_TARGET, field, 'Hand over to exactly one queue, or to one or more agents');
  if (!target || typeof target !== 'object') throw invalid('target');
  if (target.kind === 'queue') {
    if ('agentIds' in target) throw invalid('target.agentIds');
    if (target.queueId !== q.queueId) throw invalid('target.queueId');
    return { kind: 'queue', queueId: q.queueId };
  }
  if (target.kind === 'agents') {
    if ('queueId' in target) throw invalid('target.queueId');
    const agentIds = Array.isArray(target.agentIds) ? target.agentIds : [];
    const unique = [...new Set(agentIds)];
    if (unique.length === 0 || unique.some((id) => typeof id !== 'string' || !id || id === giverId)) throw invalid('target.agentIds');
    for (const id of unique) {
      if (!q.agents.has(id)) throw validationError(E.AGENT_NOT_IN_QUEUE, 'target.agentIds', `${id} is not an agent of this queue`);
    }
    return { kind: 'agents', agentIds: unique };
  }
  throw invalid('target.kind');
}

function routeWaitingItems({ metadata }: RouteWaitingItems, state: QueueState, context: QueueContext): readonly QueueEvent[] {
  if (!hasRole(metadata, 'system') && !hasRole(metadata, 'admin')) throw forbidden(E.SYSTEM_ONLY, 'Only the system may route');
  assertOpen(state);
  return withRouting(state, [], context, metadata.now);
}

/** The waiting customer of an inbound request, or the system for them, takes it out of the queue. */
function leaveQueue({ data, metadata }: LeaveQueue, state: QueueState, context: QueueContext): readonly QueueEvent[] {
  const q = assertOpen(state);
  const item = findItem(q, data.itemId);
  if (!item) throw notFound(E.ITEM_NOT_FOUND, 'Nothing with this id waits in the queue');
  const isCustomer = item.kind === 'inbound' && item.customer.customerId === metadata.userId;
  if (!isCustomer && !hasRole(metadata, 'system')) throw forbidden(E.NOT_ITEM_CUSTOMER, 'Only the waiting customer may leave the queue');
  const stamp = stampOf(metadata);
  return withRouting(
    state,
    [
      ...openOffersOfItem(q, item.itemId).map((o) => withdrawn(o, 'item_left', stamp.at)),
      { type: 'ItemLeft', data: { itemId: item.itemId, sessionId: item.sessionId, waitedMs: waitedMs(item.enqueuedAt, metadata.now), ...stamp } },
    ],
    context,
    metadata.now,
  );
}

/** Timer job at the maximum wait; harmless once the item is gone (accepted, left). */
function abandonItem({ data, metadata }: AbandonItem, state: QueueState, context: QueueContext): readonly QueueEvent[] {
  assertSystem(metadata);
  if (state.status === 'closed') return [];
  const q = assertOpen(state);
  const item = findItem(q, data.itemId);
  if (!item) return [];
  const stamp = stampOf(metadata);
  return withRouting(
    state,
    [
      ...openOffersOfItem(q, item.itemId).map((o) => withdrawn(o, 'item_abandoned', stamp.at)),
      {
        type: 'ItemAbandoned',
        data: { itemId: item.itemId, sessionId: item.sessionId, reason: 'max_wait', waitedMs: waitedMs(item.enqueuedAt, metadata.now), ...stamp },
      },
    ],
    context,
    metadata.now,
  );
}

// ============================================================ offers

/** The offer the acting agent answers: open, theirs. Otherwise the error that says why not. */
function offerToAnswer(q: OpenQueue, offerId: string, agentId: string, metadata: CommandMetadata): OpenOffer {
  if (agentId !== metadata.userId) throw forbidden(E.NOT_OFFERED_AGENT, 'An agent answers only offers made to them');
  const offer = q.offers.get(offerId);
  if (offer) {
    if (offer.agentId !== agentId) throw forbidden(E.NOT_OFFERED_AGENT, 'This offer was made to another agent');
    if (metadata.now.getTime() >= Date.parse(offer.expiresAt)) throw illegalState(E.OFFER_EXPIRED, 'The offer has expired', { expiresAt: offer.expiresAt });
    return offer;
  }
  const closed = q.closedOffers.findLast((o) => o.offerId === offerId);
  if (!closed) throw notFound(E.OFFER_NOT_FOUND, 'There is no such offer');
  const item = q.closedItems.findLast((i) => i.itemId === closed.itemId);
  if (closed.outcome === 'accepted' || item?.outcome === 'accepted') throw illegalState(E.OFFER_ALREADY_TAKEN, 'Already taken');
  if (closed.outcome === 'expired') throw illegalState(E.OFFER_EXPIRED, 'The offer has expired');
  throw illegalState(E.OFFER_NOT_OPEN, 'The offer is no longer open', { outcome: closed.outcome, itemOutcome: item?.outcome ?? null });
}

/**
 * the offered agent takes the item; the application makes them the session's controller.
 * The first accept wins: the item's other open offers (a hand-over broadcast) are withdrawn
 * (`taken`), and a later accept of one of them gets OFFER_ALREADY_TAKEN. When the accept fills the
 * agent's maximum load (SES-3), their other open offers are withdrawn (`agent_at_capacity`).
 */
function acceptOffer({ data, metadata }: AcceptOffer, state: QueueState, context: QueueContext): readonly QueueEvent[] {
  const q = assertOpen(state);
  assertWebacdAgent(context, metadata.userId);
  const offer = offerToAnswer(q, data.offerId, data.agentId, metadata);
  const facts = context.agents.get(offer.agentId);
  if (facts && facts.liveLoad >= facts.maxLoad) {
    throw illegalState(E.AGENT_AT_CAPACITY, `An agent may assist at most ${facts.maxLoad} customers at once`, { maxLoad: facts.maxLoad }); // SES-3
  }
  const item = findItem(q, offer.itemId);
  if (!item) throw illegalState(E.OFFER_ALREADY_TAKEN, 'Already taken'); // unreachable from a valid history: offers close with their item
  const inbound = item.kind === 'inbound' ? item : null;
  const stamp = stampOf(metadata);
  const taken = openOffersOfItem(q, item.itemId).filter((o) => o.offerId !== offer.offerId);
  const full = !!facts && facts.liveLoad + 1 >= facts.maxLoad;
  const atCapacity = full ? openOffersOfAgent(q, offer.agentId).filter((o) => o.itemId !== item.itemId) : [];
  return withRouting(
    state,
    [
      {
        type: 'OfferAccepted',
        data: {
          offerId: offer.offerId,
          itemId: item.itemId,
          agentId: offer.agentId,
          kind: item.kind,
          sessionId: item.sessionId,
          message: item.kind === 'hand_over' ? item.message : null,
          customer: inbound?.customer ?? null,
          originUrl: inbound?.originUrl ?? null,
          waitedMs: waitedMs(item.enqueuedAt, metadata.now),
          ...stamp,
        },
      },
      ...taken.map((o) => withdrawn(o, 'taken', stamp.at)),
      ...atCapacity.map((o) => withdrawn(o, 'agent_at_capacity', stamp.at)),
    ],
    context,
    metadata.now,
    new Map([[offer.agentId, 1]]),
  );
}

/**
 * The offered agent passes. Inbound: routing offers the item to the next agent. Hand-over: only
 * this agent's offer closes; a new round starts once none of the item's offers is open.
 */
function declineOffer({ data, metadata }: DeclineOffer, state: QueueState, context: QueueContext): readonly QueueEvent[] {
  const q = assertOpen(state);
  assertWebacdAgent(context, metadata.userId);
  const offer = offerToAnswer(q, data.offerId, data.agentId, metadata);
  return withRouting(
    state,
    [{ type: 'OfferDeclined', data: { offerId: offer.offerId, itemId: offer.itemId, agentId: offer.agentId, ...stampOf(metadata) } }],
    context,
    metadata.now,
  );
}

/**
 * Timer job at the offer's `expiresAt`. Nothing to do ([]) when the offer is no longer open
 * (answered, withdrawn, expired by an earlier run), when it is not due yet, or the queue closed.
 */
function expireOffer({ data, metadata }: ExpireOffer, state: QueueState, context: QueueContext): readonly QueueEvent[] {
  assertSystem(metadata);
  if (state.status === 'closed') return [];
  const q = assertOpen(state);
  const offer = q.offers.get(data.offerId);
  if (!offer || metadata.now.getTime() < Date.parse(offer.expiresAt)) return [];
  return withRouting(
    state,
    [{ type: 'OfferExpired', data: { offerId: offer.offerId, itemId: offer.itemId, agentId: offer.agentId, ...stampOf(metadata) } }],
    context,
    metadata.now,
  );
}
