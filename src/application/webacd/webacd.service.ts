import { own } from '../../domain/shared/own.js';
import { randomUUID } from 'node:crypto';
import { forbidden, notFound, validationError } from '../../domain/shared/domain-error.js';
import type { CommandMetadata } from '../../domain/shared/decider.js';
import {
  estimatedWait,
  NOT_WEBACD_AGENT,
  type OpenQueue,
  type QueueCommand,
  type QueueContext,
  queueDecider,
  type QueueState,
  type RoutingPolicy,
} from '../../domain/queue/index.js';
import type { SessionState } from '../../domain/session/index.js';
import { effectiveSettings } from '../../domain/settings/index.js';
import { type Aggregate, CommandHandler, eventIdFor, type Handled } from '../command-handling/command-handler.js';
import type { RecordedEvent } from '../event-store/event-store.port.js';
import { hasRole, type Principal, SYSTEM } from '../identity/principal.js';
import type { JobScheduler } from '../jobs/job-scheduler.port.js';
import type { SessionService } from '../sessions/session.service.js';
import type { SessionView } from '../sessions/session-read.port.js';
import type { AgentLoad, GuestTokens, QueueReadModel, QueueView } from './webacd.ports.js';
import { queueViewOf } from './queue-view.js';

export const queueAggregate: Aggregate<QueueCommand, never, QueueState, QueueContext> = {
  decider: queueDecider as never,
  streamId: (id) => `queue-${id}`,
};

export const JOBS = { expireOffer: 'webacd.expire-offer', abandonItem: 'webacd.abandon-item' } as const;

export interface InboundRequest {
  readonly queueId: string;
  readonly name: string;
  readonly email: string;
  readonly problem: string;
  readonly originUrl: string;
}

/**
 * The WebACD use cases (Q-1..Q-6, inbound SES-2). The queue decider decides who is offered what
 * and who may accept; this gathers its context (settings, agents' live load) and turns its
 * outcomes into session commands and timers. Every side effect has an id derived from what
 * caused it, so the reactions that back these calls up after a crash repeat nothing.
 */
export class WebAcdService {
  constructor(
    private readonly handler: CommandHandler,
    private readonly sessions: SessionService,
    private readonly queues: QueueReadModel,
    private readonly load: AgentLoad,
    private readonly jobs: JobScheduler,
    private readonly guests: GuestTokens,
    private readonly options: { maxWaitMs: number },
  ) {}

  // ---- admin (the decider refuses non-admins)

  async createQueue(principal: Principal, input: { queueId?: string; name: string; agentIds: string[]; offerTimeoutMs: number; routing?: RoutingPolicy }) {
    const queueId = input.queueId ?? randomUUID();
    return this.run(principal, queueId, { type: 'CreateQueue', data: { queueId, name: input.name, agentIds: input.agentIds, offerTimeoutMs: input.offerTimeoutMs, routing: input.routing ?? 'longest_idle' } });
  }

  configureQueue(principal: Principal, queueId: string, changes: { name?: string; addAgentIds?: string[]; removeAgentIds?: string[]; offerTimeoutMs?: number; routing?: RoutingPolicy }) {
    return this.run(principal, queueId, { type: 'ConfigureQueue', data: changes });
  }

  closeQueue(principal: Principal, queueId: string) {
    return this.run(principal, queueId, { type: 'CloseQueue', data: {} });
  }

  // ---- agents

  async setAvailability(principal: Principal, queueId: string, available: boolean, agentId = principal.userId) {
    // a CSR who is no WebACD agent (not flagged, not set by the admin, not in this queue) is
    // refused as such (403), before the queue's own checks answer "not an agent of this queue".
    if (agentId === principal.userId && !hasRole(principal, 'admin')) {
      const { state } = await this.handler.load(queueAggregate, queueId);
      const context = state.status === 'open' ? await this.context(state, principal) : undefined;
      // (WebACD off: the queue answers WEBACD_DISABLED / the unknown queue NOT_FOUND itself.)
      if (context?.webacdEnabled && !own(context.agents, agentId)?.webacdAgent) {
        throw forbidden(NOT_WEBACD_AGENT, 'Only a WebACD agent may take part in a queue');
      }
    }
    return this.run(principal, queueId, { type: 'SetAgentAvailability', data: { agentId, available } });
  }

  /** the agent takes the offered item; the session starts (inbound) or passes to them (hand-over). */
  async accept(principal: Principal, queueId: string, offerId: string): Promise<SessionView> {
    const { events } = await this.run(principal, queueId, { type: 'AcceptOffer', data: { offerId, agentId: principal.userId } });
    const accepted = events.find((e) => e.type === 'OfferAccepted');
    if (!accepted) throw notFound('OFFER_NOT_FOUND', `offer ${offerId} was not accepted`);
    // The queue decided they are a WebACD agent (flag, user setting or membership, Q-1): the session
    // is told so, as the OfferAccepted reaction does, or a member-only agent's accept would be refused
    // after the queue recorded it.
    const { sessionId, handled } = await this.completeAcceptance(accepted, { ...principal, flags: { ...principal.flags, webacdAgent: true } });
    return this.sessions.answer(sessionId, handled);
  }

  async decline(principal: Principal, queueId: string, offerId: string) {
    return this.run(principal, queueId, { type: 'DeclineOffer', data: { offerId, agentId: principal.userId } });
  }

  /** The open offers made to this agent, across queues. */
  async offersFor(agentId: string) {
    const queues = await this.queues.ofAgent(agentId);
    return queues.flatMap((queue) => {
      const state = queue.state as unknown as QueueState;
      if (state.status !== 'open') return [];
      return state.offers
        .filter((offer) => offer.agentId === agentId)
        .map((offer) => ({ queueId: queue.id, queueName: queue.name, offer, item: state.waiting.find((item) => item.itemId === offer.itemId)! }));
    });
  }

  // ---- customers (SES-2, Q-6)

  /** A customer asks for help from a web page: they join the queue and get a customer token. */
  async requestHelp(input: InboundRequest, now = new Date()) {
    // The queue as its stream says now, not the read model: a queue created a moment ago is open.
    const { state: queue } = await this.handler.load(queueAggregate, input.queueId);
    if (queue.status !== 'open') throw notFound('QUEUE_NOT_FOUND', `no open queue ${input.queueId}`);
    const itemId = randomUUID();
    const customerId = `guest-${itemId}`;
    const guest: Principal = { userId: customerId, name: input.name, roles: ['customer'], flags: {} };
    const { state } = await this.run(guest, input.queueId, {
      type: 'EnqueueInbound',
      data: { itemId, customer: { customerId, name: input.name, email: input.email }, problem: input.problem, originUrl: input.originUrl },
    });
    const open = state as OpenQueue;
    const position = open.waiting.findIndex((item) => item.itemId === itemId) + 1;
    return { itemId, customerId, token: await this.guests.issue(customerId, input.name), position, estimatedWaitMs: estimatedWait(state, now, itemId) };
  }

  leaveQueue(principal: Principal, queueId: string, itemId: string) {
    return this.run(principal, queueId, { type: 'LeaveQueue', data: { itemId } });
  }

  // ---- timers and reactions (system)

  async expireOffer(queueId: string, offerId: string) {
    await this.run(SYSTEM, queueId, { type: 'ExpireOffer', data: { offerId } }, `expire:${offerId}`);
  }

  async abandonItem(queueId: string, itemId: string) {
    await this.run(SYSTEM, queueId, { type: 'AbandonItem', data: { itemId } }, `abandon:${itemId}`);
  }

  /**
   * Reacts to stored events (run from a checkpointed subscription): timers for offers and
   * waits, hand-overs into queues, freed capacity re-routed, accepted offers completed.
   */
  async react(event: RecordedEvent): Promise<void> {
    const data = event.data as Record<string, any>;
    const queueId = event.streamId.startsWith('queue-') ? event.streamId.slice('queue-'.length) : undefined;
    switch (event.type) {
      case 'ItemOffered':
        await this.jobs.schedule(JOBS.expireOffer, { queueId, offerId: data.offerId }, { jobId: `expire:${data.offerId}`, delayMs: Date.parse(data.expiresAt) - Date.now() });
        return;
      case 'InboundRequestEnqueued':
      case 'HandOverEnqueued':
        await this.jobs.schedule(JOBS.abandonItem, { queueId, itemId: data.itemId }, { jobId: `abandon:${data.itemId}`, delayMs: this.options.maxWaitMs });
        return;
      case 'OfferAccepted':
        await this.completeAcceptance(event, { userId: data.agentId, roles: ['csr'], flags: { webacdAgent: true } });
        return;
      case 'HandedToQueue':
        await this.enqueueHandOver(event);
        return;
      case 'SessionEnded':
        for (const queue of await this.queues.list()) if (queue.status === 'open' && queue.waiting > 0) await this.run(SYSTEM, queue.id, { type: 'RouteWaitingItems', data: {} });
        return;
      default:
        return;
    }
  }

  static readonly REACTS_TO = ['ItemOffered', 'InboundRequestEnqueued', 'HandOverEnqueued', 'OfferAccepted', 'HandedToQueue', 'SessionEnded'];

  queue(id: string): Promise<QueueView | undefined> {
    return this.queues.byId(id);
  }

  list(): Promise<QueueView[]> {
    return this.queues.list();
  }

  // ---- internals

  /** the session was handed over; its item waits in the target queue (or, for named agents, a queue they share). */
  private async enqueueHandOver(event: RecordedEvent): Promise<void> {
    const data = event.data as { target: { kind: 'queue'; queueId: string } | { kind: 'agents'; agentIds: string[] }; message: string | null; by: string };
    const sessionId = event.streamId.slice('session-'.length);
    const queueId = data.target.kind === 'queue' ? data.target.queueId : await this.queueOfAgents(data.target.agentIds);
    if (!queueId) return; // refused before HandToQueue was issued; nothing to route
    await this.run(
      SYSTEM,
      queueId,
      { type: 'EnqueueHandOver', data: { itemId: `handover:${sessionId}:${event.version}`, sessionId, handedBy: data.by, message: data.message, target: data.target } },
      `enqueue:${event.id}`,
    );
  }

  /** An open queue all the named agents belong to. */
  async queueOfAgents(agentIds: readonly string[]): Promise<string | undefined> {
    const queues = await this.queues.list();
    return queues.find((q) => q.status === 'open' && agentIds.every((id) => q.agentIds.includes(id)))?.id;
  }

  /** Q-5 / SES-2: the accepted item becomes the agent's session. Idempotent: the command id is the offer's. */
  private async completeAcceptance(accepted: RecordedEvent, agent: Principal): Promise<{ sessionId: string; handled: Handled<SessionState> }> {
    const data = accepted.data as { offerId: string; itemId: string; kind: 'inbound' | 'hand_over'; sessionId: string | null; customer?: { customerId: string; name: string }; originUrl?: string };
    const options = { commandId: `offer:${data.offerId}` };
    if (data.kind === 'hand_over') {
      const handled = await this.sessions.command(agent, data.sessionId!, 'AcceptHandOver', {}, options);
      return { sessionId: data.sessionId!, handled };
    }
    // The inbound session starts with the customer already in it, its id fixed by the item.
    const sessionId = data.sessionId ?? eventIdFor('inbound-session', data.itemId, 0);
    return this.sessions.open(agent, { sessionId, kind: 'inbound', customer: { customerId: data.customer!.customerId, displayName: data.customer!.name }, originUrl: data.originUrl }, options);
  }

  private async run(principal: Principal, queueId: string, command: Omit<QueueCommand, 'metadata'>, commandId?: string) {
    if (!queueId) throw validationError('INVALID_QUEUE_ID', 'queueId', 'queueId is required');
    const metadata: CommandMetadata = { userId: principal.userId, roles: principal.roles, now: new Date(), commandId, userName: principal.name };
    const result = await this.handler.handle(queueAggregate, queueId, { ...command, metadata } as QueueCommand, {
      context: (state) => this.context(state, principal),
    });
    const events = result.lastEventId ? await this.storedEvents(queueId, result.version, result.stored) : [];
    // The answer is the state this command's decision produced, never the read model's.
    const view = queueViewOf(result.state, result.version ?? -1, result.checkpoint);
    if (!view) throw notFound('QUEUE_NOT_FOUND', `no queue ${queueId}`);
    return { state: result.state, events, view };
  }

  /** The events a call just stored, as recorded (ids, versions), for follow-up work. */
  private async storedEvents(queueId: string, version: number | undefined, count: number): Promise<RecordedEvent[]> {
    if (version === undefined || count === 0) return [];
    return this.handler.recent(queueAggregate.streamId(queueId), version - count + 1);
  }

  private async context(state: QueueState, principal: Principal): Promise<QueueContext> {
    const settings = await this.sessions.settings();
    const webacdEnabled = effectiveSettings(settings, principal.userId).webacdEnabled;
    const members = state.status === 'open' ? state.agentIds : [];
    const ids = [...new Set([...members, principal.userId])];
    const live = await this.load.liveSessions(ids);
    const agents: QueueContext['agents'] = Object.fromEntries(
      ids.map((id) => {
        const own = effectiveSettings(settings, id);
        // a WebACD agent by the admin's user setting, by the identity provider's flag, or by
        // the admin having put them in this queue; and only while WebACD is on.
        const flagged = id === principal.userId && principal.flags.webacdAgent === true;
        const webacdAgent = webacdEnabled && (own.webacdAgent || flagged || members.includes(id));
        return [id, { webacdAgent, liveLoad: (Object.hasOwn(live, id) ? live[id] : undefined) ?? 0, maxLoad: own.sessionMode === 'multi' ? own.maxCustomers : 1 }];
      }),
    );
    return { webacdEnabled, agents };
  }
}
