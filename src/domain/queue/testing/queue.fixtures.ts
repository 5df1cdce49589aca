/** Fixed people, clock and event builders for the queue unit specs. Tests only. */
import type { CommandMetadata } from '../../shared/decider.js';
import { deciderSpec } from '../../shared/testing/decider-spec.js';
import { fold } from '../../shared/decider.js';
import { queueDecider } from '../index.js';
import type { AgentFacts, QueueCommand, QueueContext } from '../queue.commands.js';
import type * as Ev from '../queue.events.js';

export const QUEUE_ID = 'q-support';
export const TIMEOUT_MS = 30_000;

/** The queue was created at T0; agents come and go in the seconds after; commands are decided at NOW. */
export const T0 = new Date('2025-03-01T09:00:00.000Z');
export const t = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
export const iso = (seconds: number) => t(seconds).toISOString();
export const NOW_S = 60;
export const NOW = t(NOW_S);
export const EXPIRES_S = NOW_S + TIMEOUT_MS / 1000;

export const ADMIN = 'adm-alice';
export const ANN = 'agent-ann';
export const BOB = 'agent-bob';
export const CID = 'agent-cid';
export const STRANGER = 'csr-zed';
export const CUSTOMER = 'cust-carla';
export const GIVER = 'agent-gus';
export const SESSION_ID = 'ses-1';

export const meta = (userId: string, roles: readonly string[], now: Date = NOW): CommandMetadata => ({ userId, roles, now });
export const asAdmin = (now?: Date) => meta(ADMIN, ['admin'], now);
export const asAgent = (userId: string, now?: Date) => meta(userId, ['csr'], now);
export const asCustomer = (userId: string = CUSTOMER, now?: Date) => meta(userId, ['customer'], now);
export const asSystem = (now?: Date) => meta('system', ['system'], now);

const agentFacts = (over: Partial<AgentFacts> = {}): AgentFacts => ({ webacdAgent: true, liveLoad: 0, maxLoad: 1, ...over });

/** Skills as the application resolves them from user settings (RT-3). */
export const skills = (levels: Record<string, number>): ReadonlyMap<string, number> => new Map(Object.entries(levels));

/** WebACD on; ANN, BOB, CID (and GIVER) are WebACD agents with room for one session each, unless told. */
export const context = (agents: Record<string, Partial<AgentFacts>> = {}, webacdEnabled = true): QueueContext => ({
  webacdEnabled,
  agents: new Map([ANN, BOB, CID, GIVER, ...Object.keys(agents)].map((id) => [id, agentFacts(agents[id])])),
});

/**
 * The queue decider with the routing reason (RT-5) left out of offers, so the Q-n specs read
 * as before; the RT-5 specs check the reason with `queueDecider` itself.
 */
export const withoutReasons: typeof queueDecider = {
  ...queueDecider,
  decide: (command, state, ctx) =>
    queueDecider.decide(command, state, ctx).map((e) => {
      if (e.type !== 'ItemOffered') return e;
      const { why: _why, ...data } = e.data;
      return { ...e, data };
    }),
};

export const spec = deciderSpec(withoutReasons, context());
export const specWithReasons = deciderSpec(queueDecider, context());

export const cmd = <T extends QueueCommand['type']>(type: T, data: Extract<QueueCommand, { type: T }>['data'], metadata: CommandMetadata) =>
  ({ type, data, metadata }) as Extract<QueueCommand, { type: T }>;

export const CUSTOMER_DETAILS: Ev.InboundCustomer = { customerId: CUSTOMER, name: 'Carla', email: 'carla@example.com' };
export const ORIGIN_URL = 'https://shop.example.com/checkout';

export const enqueueInbound = (itemId = 'item-1', over: Partial<Extract<QueueCommand, { type: 'EnqueueInbound' }>['data']> = {}) =>
  cmd('EnqueueInbound', { itemId, customer: CUSTOMER_DETAILS, problem: 'My printer is on fire', originUrl: ORIGIN_URL, ...over }, asCustomer());

export const enqueueHandOver = (itemId: string, target: Ev.HandOverTarget, message?: string) =>
  cmd('EnqueueHandOver', { itemId, sessionId: SESSION_ID, handedBy: GIVER, target, ...(message === undefined ? {} : { message }) }, asSystem());

export const accept = (offerId: string, agentId: string, now?: Date) => cmd('AcceptOffer', { offerId, agentId }, asAgent(agentId, now));
export const decline = (offerId: string, agentId: string, now?: Date) => cmd('DeclineOffer', { offerId, agentId }, asAgent(agentId, now));
export const expire = (offerId: string, now: Date = t(EXPIRES_S)) => cmd('ExpireOffer', { offerId }, asSystem(now));

// ---- event builders (at second `s` after T0)

/** The id of a hand-over broadcast offer to `agentId` in round `attempt`. */
export const bid = (itemId: string, attempt: number, agentId: string) => `${itemId}:${attempt}:${agentId}`;

export const ev = {
  created: (agentIds: readonly string[] = [ANN, BOB, CID]): Ev.QueueCreated => ({
    type: 'QueueCreated',
    data: { queueId: QUEUE_ID, name: 'Support', agentIds, offerTimeoutMs: TIMEOUT_MS, routing: 'longest_idle', by: ADMIN, at: iso(0) },
  }),
  availability: (agentId: string, s: number, available = true): Ev.AgentAvailabilityChanged => ({
    type: 'AgentAvailabilityChanged',
    data: { agentId, available, by: agentId, at: iso(s) },
  }),
  inbound: (itemId: string, s: number = NOW_S): Ev.InboundRequestEnqueued => ({
    type: 'InboundRequestEnqueued',
    data: { itemId, sessionId: null, customer: CUSTOMER_DETAILS, problem: 'My printer is on fire', originUrl: ORIGIN_URL, by: CUSTOMER, at: iso(s) },
  }),
  handOver: (itemId: string, target: Ev.HandOverTarget, s: number = NOW_S, message: string | null = null): Ev.HandOverEnqueued => ({
    type: 'HandOverEnqueued',
    data: { itemId, sessionId: SESSION_ID, handedBy: GIVER, message, target, by: 'system', at: iso(s) },
  }),
  offered: (itemId: string, agentId: string, attempt = 1, s: number = NOW_S): Ev.ItemOffered => ({
    type: 'ItemOffered',
    data: { offerId: `${itemId}:${attempt}`, itemId, agentId, attempt, expiresAt: iso(s + TIMEOUT_MS / 1000), by: 'system', at: iso(s) },
  }),
  declined: (itemId: string, agentId: string, attempt = 1, s: number = NOW_S): Ev.OfferDeclined => ({
    type: 'OfferDeclined',
    data: { offerId: `${itemId}:${attempt}`, itemId, agentId, by: agentId, at: iso(s) },
  }),
  expired: (itemId: string, agentId: string, attempt = 1, s: number = EXPIRES_S): Ev.OfferExpired => ({
    type: 'OfferExpired',
    data: { offerId: `${itemId}:${attempt}`, itemId, agentId, by: 'system', at: iso(s) },
  }),
  withdrawn: (itemId: string, agentId: string, reason: Ev.WithdrawReason, attempt = 1, s: number = NOW_S): Ev.OfferWithdrawn => ({
    type: 'OfferWithdrawn',
    data: { offerId: `${itemId}:${attempt}`, itemId, agentId, reason, by: 'system', at: iso(s) },
  }),
  /** A hand-over broadcast offer: id `${itemId}:${attempt}:${agentId}`, carrying the giver's message. */
  broadcast: (itemId: string, agentId: string, attempt = 1, s: number = NOW_S, message: string | null = null): Ev.ItemOffered => ({
    type: 'ItemOffered',
    data: { offerId: bid(itemId, attempt, agentId), itemId, agentId, attempt, expiresAt: iso(s + TIMEOUT_MS / 1000), message, by: 'system', at: iso(s) },
  }),
  /** Decline, expiry or withdrawal of the broadcast offer `bid(itemId, attempt, agentId)`. */
  bDeclined: (itemId: string, agentId: string, attempt = 1, s: number = NOW_S): Ev.OfferDeclined => ({
    type: 'OfferDeclined',
    data: { offerId: bid(itemId, attempt, agentId), itemId, agentId, by: agentId, at: iso(s) },
  }),
  bExpired: (itemId: string, agentId: string, attempt = 1, s: number = EXPIRES_S): Ev.OfferExpired => ({
    type: 'OfferExpired',
    data: { offerId: bid(itemId, attempt, agentId), itemId, agentId, by: 'system', at: iso(s) },
  }),
  bWithdrawn: (itemId: string, agentId: string, reason: Ev.WithdrawReason, attempt = 1, s: number = NOW_S): Ev.OfferWithdrawn => ({
    type: 'OfferWithdrawn',
    data: { offerId: bid(itemId, attempt, agentId), itemId, agentId, reason, by: 'system', at: iso(s) },
  }),
  acceptedHandOver: (itemId: string, agentId: string, attempt = 1, s: number = NOW_S, enqueuedS: number = NOW_S, message: string | null = null): Ev.OfferAccepted => ({
    type: 'OfferAccepted',
    data: {
      offerId: bid(itemId, attempt, agentId),
      itemId,
      agentId,
      kind: 'hand_over',
      sessionId: SESSION_ID,
      message,
      customer: null,
      originUrl: null,
      waitedMs: (s - enqueuedS) * 1000,
      by: agentId,
      at: iso(s),
    },
  }),
  acceptedInbound: (itemId: string, agentId: string, attempt = 1, s: number = NOW_S, enqueuedS: number = NOW_S): Ev.OfferAccepted => ({
    type: 'OfferAccepted',
    data: {
      offerId: `${itemId}:${attempt}`,
      itemId,
      agentId,
      kind: 'inbound',
      sessionId: null,
      message: null,
      customer: CUSTOMER_DETAILS,
      originUrl: ORIGIN_URL,
      waitedMs: (s - enqueuedS) * 1000,
      by: agentId,
      at: iso(s),
    },
  }),
};

/** The queue with ANN available since second 1 and BOB since second 2 (ANN idle longest); CID away. */
export const withAnnAndBob = () => [ev.created(), ev.availability(ANN, 1), ev.availability(BOB, 2)];

export const stateAfter = (events: readonly Ev.QueueEvent[]) => fold(queueDecider, events);
