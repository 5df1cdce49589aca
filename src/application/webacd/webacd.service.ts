import { randomUUID } from 'node:crypto';
import { DomainError, notFound, validationError } from '../../domain/shared/domain-error.js';
import type { CommandMetadata } from '../../domain/shared/decider.js';
import { type AgentFacts, estimateWait, findItem, positionInLine, type QueueCommand, type QueueContext, queueDecider, type QueueState } from '../../domain/queue/index.js';
import { effectiveSettings, isWebacdAgent, type SettingsState, skillLevels } from '../../domain/settings/index.js';
import { type Aggregate, type BatchOutcome, CommandHandler, eventIdFor, type Handled, type StoredEvent } from '../command-handling/command-handler.js';
import type { SessionState } from '../../domain/session/index.js';
import { hasRole, type Principal, SYSTEM } from '../identity/principal.js';
import type { SessionService } from '../sessions/session.service.js';
import type { SessionView } from '../sessions/session-read.port.js';
import type { ChangeFeed } from '../projections/change-feed.js';
import { type CountedLoad, PendingLoad } from './pending-load.js';
import { queueStatistics, type QueueStatistics } from './queue-statistics.js';
import { itemViewOf, queueViewOfState } from './queue-view.js';
import type { AgentLoad, GuestTokens, QueueItemView, QueueOfferView, QueueReadModel, QueueView } from './webacd.ports.js';

export const queueAggregate: Aggregate<QueueCommand, never, QueueState, QueueContext> = {
  decider: queueDecider as never,
  streamId: (id) => `queue-${id}`,
};
/** The queue id of a queue stream's name, or undefined for other streams. */
export const queueIdOf = (streamId: string): string | undefined => (streamId.startsWith('queue-') ? streamId.slice('queue-'.length) : undefined);

/**
 * WebACD's timer jobs. `expireDue` / `abandonDue` (one job per queue and due moment, shared by
 * every offer or item due then) are what the reactions schedule; `expireOffer` / `abandonItem`
 * (one job per offer or item) are still handled, for jobs scheduled before them.
 */
export const JOBS = {
  expireOffer: 'webacd.expire-offer',
  abandonItem: 'webacd.abandon-item',
  expireDue: 'webacd.expire-due',
  abandonDue: 'webacd.abandon-due',
} as const;

export type QueueCommandType = QueueCommand['type'];
export type QueueCommandData<T extends QueueCommandType> = Extract<QueueCommand, { type: T }>['data'];

export interface InboundRequest {
  readonly queueId: string;
  readonly name: string;
  readonly email: string;
  readonly problem: string;
  readonly originUrl: string;
  /** One of the queue's help-form topics (RT-3). */
  readonly topic?: string;
}

/** What one queue command did: the state after it and the events it stored. */
export interface QueueOutcome {
  readonly state: QueueState;
  readonly events: readonly StoredEvent[];
  /** The stream's version after the command (undefined: the queue has no events). */
  readonly version: number | undefined;
  /** The global checkpoint of the stream's last event after the command: the consistency token. */
  readonly checkpoint: string | undefined;
}

/** What a principal may see of a queue (issue 10): its agents, supervisors and admins see its items and offers. */
export interface QueueDetails {
  readonly queue: QueueView;
  readonly statistics: QueueStatistics;
  /** Null for a CSR outside the queue: name and statistics only. */
  readonly items: readonly (QueueItemView & { readonly servable: boolean })[] | null;
  readonly offers: readonly QueueOfferView[] | null;
}

interface Pending {
  readonly principal: Principal;
  readonly command: QueueCommand;
  resolve(outcome: QueueOutcome): void;
  reject(error: unknown): void;
}

/** Most commands decided in one turn of a queue (one append). */
const MAX_BATCH = 256;
/** Waiting items listed in a queue's view (the statistics count them all). */
export const LISTED_ITEMS = 100;

/**
 * The WebACD use cases (Q-1..Q-6, SES-2, RT-1..RT-5), in the session's shape: one `execute`
 * path for every queue command. The queue decider decides who is offered what and who may
 * accept; this gathers its context (settings, skills, live load) and runs commands.
 *
 * Commands on one queue are decided in batches: while one batch is being appended, the commands
 * that arrive wait in the queue's line, and the next turn decides all of them, each on the state
 * the one before left, with one context and one append (CommandHandler.handleMany). A busy queue
 * so pays one round trip for many commands instead of one each; an idle one answers at once.
 */
export class WebAcdService {
  private readonly lines = new Map<string, Pending[]>();
  /** Per settings state: the agents' skill maps (settings change rarely; queues decide often). */
  private skillCache = new WeakMap<SettingsState, Map<string, ReadonlyMap<string, number>>>();
  /**
   * Per settings state and queue membership (the queue state's `agentIds` array, kept by identity
   * until the agents change): each member's facts apart from the live load. Both change rarely,
   * and a batch at 1,000 agents otherwise resolved 1,000 users' settings again.
   */
  private memberFactsCache = new WeakMap<SettingsState, WeakMap<readonly string[], ReadonlyMap<string, MemberFacts>>>();
  /** Sessions accepted on this node that the sessions' read model does not count yet (SES-3). */
  private readonly pending = new PendingLoad();
  /** The read model's last count of live sessions, and the sessions feed's generation it was read at. */
  private counted?: { readonly generation: number; readonly load: Promise<CountedLoad> };

  constructor(
    private readonly handler: CommandHandler,
    private readonly sessions: SessionService,
    private readonly queues: QueueReadModel,
    private readonly load: AgentLoad,
    /** The sessions' change feed: a new generation means the live load may have changed. */
    private readonly sessionChanges: Pick<ChangeFeed, 'generation'>,
    private readonly guests: GuestTokens,
    private readonly options: { maxWaitMs: number; statsWindowMs: number },
  ) {}

  // ============================================================ commands

  /**
   * Runs one queue command as `principal` (the decider checks who may). `commandId` makes a retry
   * (or a re-run timer) harmless. Resolves with the state after it and the events it stored.
   */
  execute<T extends QueueCommandType>(principal: Principal, queueId: string, type: T, data: QueueCommandData<T>, commandId?: string): Promise<QueueOutcome> {
    if (typeof queueId !== 'string' || !queueId.trim()) throw validationError('INVALID_QUEUE_ID', 'queueId', 'queueId is required');
    const metadata: CommandMetadata = { userId: principal.userId, roles: principal.roles, now: new Date(), commandId, userName: principal.name };
    const command = { type, data, metadata } as QueueCommand;
    return new Promise<QueueOutcome>((resolve, reject) => {
      const line = this.lines.get(queueId);
      if (line) {
        line.push({ principal, command, resolve, reject });
        return;
      }
      const fresh: Pending[] = [{ principal, command, resolve, reject }];
      this.lines.set(queueId, fresh);
      void this.drain(queueId, fresh);
    });
  }

  /** Decides what waits in the queue's line, a batch per turn, until the line is empty. */
  private async drain(queueId: string, line: Pending[]): Promise<void> {
    while (line.length > 0) {
      const batch = line.splice(0, MAX_BATCH);
      // The time of a command is when it is decided: a timer is never decided before it is due.
      const now = new Date();
      const commands = batch.map((p) => ({ ...p.command, metadata: { ...p.command.metadata, now } }) as QueueCommand);
      let outcomes: BatchOutcome<QueueState>[];
      try {
        outcomes = await this.handler.handleMany(queueAggregate, queueId, commands, (state) =>
          this.context(
            state,
            batch.map((p) => p.principal),
          ),
        );
      } catch (error) {
        for (const p of batch) p.reject(error);
        continue;
      }
      outcomes.forEach((outcome, i) =>
        outcome.ok
          ? batch[i]!.resolve({ state: outcome.state, events: outcome.events, version: outcome.version, checkpoint: outcome.checkpoint })
          : batch[i]!.reject(outcome.error),
      );
    }
    this.lines.delete(queueId);
  }

  /**
   * A queue mutation's answer, from the state its own decision produced (never waiting for a read
   * model), with the consistency token. The window figures of the statistics (service level,
   * speed of answer, abandonment) and the agents' live sessions come from the read models as
   * they stand; everything the command itself changed is in the state.
   */
  async answer(principal: Principal, queueId: string, outcome: QueueOutcome): Promise<QueueDetails> {
    const { state } = outcome;
    if (state.status === 'none') throw notFound('QUEUE_NOT_FOUND', `no queue ${queueId}`);
    const queue = queueViewOfState(state, outcome.version ?? -1, outcome.checkpoint);
    if (state.status !== 'open') return this.detailsOf(principal, queue);
    const inspect = this.mayInspect(principal, queue);
    const now = new Date();
    const since = new Date(now.getTime() - this.options.statsWindowMs);
    const [outcomes, live, settings] = await Promise.all([this.queues.outcomes(queue.id, since, queue.serviceLevelThresholdMs), this.liveLoad(), this.sessions.settings()]);
    const items: QueueItemView[] = [];
    for (const item of state.waiting.values()) {
      if (items.length >= LISTED_ITEMS) break;
      items.push(itemViewOf(queue.id, item));
    }
    const offers: QueueOfferView[] = [...state.offers.values()].map((o) => {
      const item = state.waiting.get(o.itemId);
      return {
        offerId: o.offerId,
        queueId: queue.id,
        queueName: queue.name,
        itemId: o.itemId,
        agentId: o.agentId,
        offeredAt: new Date(o.offeredAt),
        expiresAt: new Date(o.expiresAt),
        item: item ? itemViewOf(queue.id, item) : null,
      };
    });
    // RT-4: items of a skill set nobody in the queue holds (one check per skill set, not per item).
    let unservable = 0;
    for (const ids of state.inboundBySkills.values()) {
      const first = state.waiting.get(ids.keySeq().first()!);
      if (first && !this.servable(settings, queue, first.requiredSkills)) unservable += ids.size;
    }
    for (const id of state.handOvers.keys()) {
      const item = state.waiting.get(id);
      if (item && !this.servable(settings, queue, item.requiredSkills)) unservable++;
    }
    const oldest = state.waiting.first();
    const statistics = queueStatistics({
      queue,
      now,
      oldestWaiting: oldest ? new Date(oldest.enqueuedAt) : null,
      offers,
      outcomes,
      liveSessions: live,
      unservable,
      windowMs: this.options.statsWindowMs,
    });
    const servable = (item: QueueItemView) => this.servable(settings, queue, item.requiredSkills);
    return { queue, statistics, items: inspect ? items.map((item) => ({ ...item, servable: servable(item) })) : null, offers: inspect ? offers : null };
  }

  /** Admin: a new queue (the id is generated when not given). */
  async createQueue(principal: Principal, input: Omit<QueueCommandData<'CreateQueue'>, 'queueId' | 'routing'> & { queueId?: string; routing?: 'longest_idle' }) {
    const queueId = input.queueId ?? randomUUID();
    const outcome = await this.execute(principal, queueId, 'CreateQueue', { ...input, queueId, routing: input.routing ?? 'longest_idle' });
    return { queueId, ...outcome };
  }

  /**
   * Q-5: the agent takes the offered item; the session starts (inbound) or passes to them (hand-over).
   * Answered from the decision once the session is stored, without waiting for the read models:
   * until the sessions' read model counts the new session, this node's routing adds it to the
   * agent's load (SES-3, PendingLoad), so the next offer does not exceed the agent's maximum.
   */
  async accept(principal: Principal, queueId: string, offerId: string): Promise<SessionView> {
    const { events } = await this.execute(principal, queueId, 'AcceptOffer', { offerId, agentId: principal.userId });
    const accepted = events.find((e) => e.type === 'OfferAccepted');
    if (!accepted) throw notFound('OFFER_NOT_FOUND', `offer ${offerId} was not accepted`);
    const data = accepted.data as AcceptedData;
    const sessionId = acceptedSessionId(data);
    this.pending.add(sessionId, principal.userId);
    try {
      // The queue decided they are a WebACD agent (flag, user setting or membership, Q-1): the session
      // is told so, as the OfferAccepted reaction does, or a member-only agent's accept would be refused
      // after the queue recorded it.
      const { handled } = await this.completeAcceptance(data, { ...principal, flags: { ...principal.flags, webacdAgent: true } });
      this.pending.opened(sessionId, handled.checkpoint);
      return this.sessions.answer(sessionId, handled);
    } catch (error) {
      this.pending.forget(sessionId);
      throw error;
    }
  }

  /** SES-2 / Q-6: a customer asks for help from a web page: they join the queue and get a customer token. */
  async requestHelp(input: InboundRequest, now = new Date()) {
    const itemId = randomUUID();
    const customerId = `guest-${itemId}`;
    const guest: Principal = { userId: customerId, name: input.name, roles: ['customer'], flags: {} };
    // The queue decides on its stream, not on the read model (a queue created a moment ago is
    // open); to the public, a closed queue is one that does not exist.
    const { state } = await this.execute(guest, input.queueId, 'EnqueueInbound', {
      itemId,
      customer: { customerId, name: input.name, email: input.email },
      problem: input.problem,
      originUrl: input.originUrl,
      ...(input.topic === undefined ? {} : { topic: input.topic }),
    }).catch((error: unknown) => {
      if (error instanceof DomainError && error.code === 'QUEUE_CLOSED') throw notFound('QUEUE_NOT_FOUND', `no open queue ${input.queueId}`);
      throw error;
    });
    let position = 0;
    let estimatedWaitMs: number | null = null;
    if (state.status === 'open') {
      const item = findItem(state, itemId);
      if (item) {
        position = positionInLine(state, item);
        const available = [...state.agents.values()].filter((a) => a.available).length;
        estimatedWaitMs = estimateWait(state.recentWaitsMs, position, available, now.getTime() - Date.parse(item.enqueuedAt));
      }
    }
    return { itemId, customerId, token: await this.guests.issue(customerId, input.name), position, estimatedWaitMs };
  }

  // ============================================================ reads

  /** A queue as `principal` may see it (issue 10): items and offers only for its agents, supervisors and admins. */
  async details(principal: Principal, queueId: string): Promise<QueueDetails> {
    const queue = await this.queues.byId(queueId);
    if (!queue) throw notFound('QUEUE_NOT_FOUND', `no queue ${queueId}`);
    return this.detailsOf(principal, queue);
  }

  /**
   * The queue for a caller who watches it from now on (`queueChanged`): from the read model, or,
   * when the read model does not show it yet, from its stream, so a queue just created (its answer
   * came from the decision) may be watched at once; the updates that follow come after the read
   * model has them.
   * @throws DomainError QUEUE_NOT_FOUND (not found) when the stream has no queue either
   */
  async current(principal: Principal, queueId: string): Promise<QueueDetails> {
    const queue = await this.queues.byId(queueId);
    if (queue) return this.detailsOf(principal, queue);
    const loaded = await this.handler.load(queueAggregate, queueId);
    return this.answer(principal, queueId, { state: loaded.state, events: [], version: loaded.version, checkpoint: loaded.checkpoint });
  }

  async list(principal: Principal): Promise<QueueDetails[]> {
    return Promise.all((await this.queues.list()).map((queue) => this.detailsOf(principal, queue)));
  }

  /** Agents of the queue, supervisors and admins see its items, offers and ids. */
  mayInspect(principal: Principal, queue: Pick<QueueView, 'agentIds'>): boolean {
    return hasRole(principal, 'supervisor', 'admin') || queue.agentIds.includes(principal.userId);
  }

  /** The open offers made to this agent, across queues. */
  offersFor(agentId: string): Promise<QueueOfferView[]> {
    return this.queues.offersOf(agentId);
  }

  /** Live statistics of a queue (waiting, longest and estimated wait, agents, offers, service level...). */
  async statistics(queueId: string, now = new Date()): Promise<QueueStatistics> {
    const queue = await this.queues.byId(queueId);
    if (!queue) throw notFound('QUEUE_NOT_FOUND', `no queue ${queueId}`);
    return this.statisticsOf(queue, now);
  }

  private async detailsOf(principal: Principal, queue: QueueView): Promise<QueueDetails> {
    const inspect = this.mayInspect(principal, queue);
    const [statistics, items, offers, settings] = await Promise.all([
      this.statisticsOf(queue),
      inspect ? this.queues.items(queue.id, LISTED_ITEMS) : null,
      inspect ? this.queues.offers(queue.id) : null,
      this.sessions.settings(),
    ]);
    const servable = (item: QueueItemView) => this.servable(settings, queue, item.requiredSkills);
    return { queue, statistics, items: items?.map((item) => ({ ...item, servable: servable(item) })) ?? null, offers };
  }

  private async statisticsOf(queue: QueueView, now = new Date()): Promise<QueueStatistics> {
    const since = new Date(now.getTime() - this.options.statsWindowMs);
    const [oldest, offers, outcomes, live, bySkills, settings] = await Promise.all([
      this.queues.oldestWaiting(queue.id),
      this.queues.offers(queue.id),
      this.queues.outcomes(queue.id, since, queue.serviceLevelThresholdMs),
      this.liveLoad(),
      this.queues.waitingBySkills(queue.id),
      this.sessions.settings(),
    ]);
    const unservable = bySkills.filter((s) => !this.servable(settings, queue, s.requiredSkills)).reduce((sum, s) => sum + s.count, 0);
    return queueStatistics({ queue, now, oldestWaiting: oldest, offers, outcomes, liveSessions: live, unservable, windowMs: this.options.statsWindowMs });
  }

  /** RT-4: some agent of the queue holds every skill the item needs (whether available now or not). */
  private servable(settings: SettingsState, queue: QueueView, required: QueueItemView['requiredSkills']): boolean {
    if (required.length === 0) return queue.agentIds.length > 0;
    return queue.agentIds.some((id) => {
      const skills = this.skillsOf(settings, id);
      return required.every((r) => (skills.get(r.skill) ?? 0) >= r.minLevel);
    });
  }

  // ============================================================ reactions' helpers (system)

  /** Q-5 / SES-2: the accepted item becomes the agent's session. Idempotent: the command id is the offer's. */
  async completeAcceptance(data: AcceptedData, agent: Principal): Promise<{ sessionId: string; handled: Handled<SessionState> }> {
    const options = { commandId: `offer:${data.offerId}` };
    if (data.kind === 'hand_over') {
      const handled = await this.sessions.command(agent, data.sessionId!, 'AcceptHandOver', {}, options);
      return { sessionId: data.sessionId!, handled };
    }
    // The inbound session starts with the customer already in it, its id fixed by the item.
    const sessionId = acceptedSessionId(data);
    return this.sessions.open(
      agent,
      { sessionId, kind: 'inbound', customer: { customerId: data.customer!.customerId, displayName: data.customer!.name }, originUrl: data.originUrl ?? undefined },
      options,
    );
  }

  /**
   * The OfferAccepted reaction: completes an acceptance its accept left undone (the node died
   * between the queue's decision and the session's, or the session refused). An inbound session
   * the accept already started is left alone (this node's kept fold, or one stream read): repeating
   * its start would only find the same command id stored. Hand-overs are repeated (idempotent by command id).
   */
  async completeAcceptanceLeftOpen(data: AcceptedData, agent: Principal): Promise<void> {
    if (data.kind === 'inbound') {
      const sessionId = acceptedSessionId(data);
      if (this.sessions.startedHere(sessionId) || (await this.sessions.state(sessionId)).status !== 'none') return;
    }
    await this.completeAcceptance(data, agent);
  }

  /**
   * Timer: every open offer of the queue whose time is up expires (Q-5: the item passes on), each
   * with the command id of its own timer (`expire:<offer id>`), so a repeat, or a per-offer job of
   * before, is harmless. Resolves with the offers expired.
   */
  async expireDue(queueId: string, now = new Date()): Promise<number> {
    const { state } = await this.handler.load(queueAggregate, queueId);
    if (state.status !== 'open') return 0;
    const due = [...state.offers.values()].filter((o) => Date.parse(o.expiresAt) <= now.getTime());
    await Promise.all(due.map((o) => this.execute(SYSTEM, queueId, 'ExpireOffer', { offerId: o.offerId }, `expire:${o.offerId}`)));
    return due.length;
  }

  /**
   * Timer: every item that has waited the longest allowed (WEBACD_MAX_WAIT_MS) is abandoned, oldest
   * first, each with the command id of its own timer (`abandon:<item id>`). The line is in the
   * order items came, so the walk stops at the first item not yet due. Resolves with the items abandoned.
   */
  async abandonDue(queueId: string, now = new Date()): Promise<number> {
    const { state } = await this.handler.load(queueAggregate, queueId);
    if (state.status !== 'open') return 0;
    const due: string[] = [];
    for (const item of state.waiting.values()) {
      if (Date.parse(item.enqueuedAt) + this.options.maxWaitMs > now.getTime()) break;
      due.push(item.itemId);
    }
    await Promise.all(due.map((itemId) => this.execute(SYSTEM, queueId, 'AbandonItem', { itemId }, `abandon:${itemId}`)));
    return due.length;
  }

  /** An open queue all the named agents belong to (a hand-over to agents, Q-2). */
  async queueOfAgents(agentIds: readonly string[]): Promise<string | undefined> {
    const queues = await this.queues.list();
    return queues.find((q) => q.status === 'open' && agentIds.every((id) => q.agentIds.includes(id)))?.id;
  }

  /** Open queues with items waiting (freed capacity is offered there). */
  async queuesWithWaiting(): Promise<string[]> {
    return (await this.queues.list()).filter((q) => q.status === 'open' && q.waiting > 0).map((q) => q.id);
  }

  // ============================================================ context

  /**
   * What the decider needs, once per batch: WebACD on, and for every agent of the queue and
   * every acting user whether they are a WebACD agent (Q-1, one rule for sessions and queues),
   * their live load and maximum (SES-3) and their skills (RT-3).
   */
  private async context(state: QueueState, principals: readonly Principal[]): Promise<QueueContext> {
    const settings = await this.sessions.settings();
    const webacdEnabled = settings.site.webacdEnabled;
    const members = this.memberFacts(settings, state.status === 'open' ? state.agentIds : NO_AGENTS);
    const live = await this.liveLoad();
    const agents = new Map<string, AgentFacts>();
    for (const [id, facts] of members) agents.set(id, { ...facts, liveLoad: live.get(id) ?? 0 });
    // Acting users who are not members: their identity provider's flag counts too.
    const flagged = new Set(principals.filter((p) => p.flags.webacdAgent === true).map((p) => p.userId));
    for (const { userId } of principals) {
      if (agents.has(userId)) continue;
      agents.set(userId, { ...this.factsOf(settings, userId, flagged.has(userId), false), liveLoad: live.get(userId) ?? 0 });
    }
    return { webacdEnabled, agents };
  }

  /** The queue members' facts apart from the live load, kept per settings state and membership. */
  private memberFacts(settings: SettingsState, agentIds: readonly string[]): ReadonlyMap<string, MemberFacts> {
    let bySettings = this.memberFactsCache.get(settings);
    if (!bySettings) this.memberFactsCache.set(settings, (bySettings = new WeakMap()));
    let facts = bySettings.get(agentIds);
    if (!facts) bySettings.set(agentIds, (facts = new Map(agentIds.map((id) => [id, this.factsOf(settings, id, false, true)]))));
    return facts;
  }

  /** Q-1 (one rule for sessions and queues), SES-3's maximum and RT-3's skills of one user. */
  private factsOf(settings: SettingsState, userId: string, flagged: boolean, member: boolean): MemberFacts {
    const own = effectiveSettings(settings, userId);
    return {
      webacdAgent: isWebacdAgent(settings, userId, { webacdAgent: flagged }, member),
      maxLoad: own.sessionMode === 'multi' ? own.maxCustomers : 1,
      skills: this.skillsOf(settings, userId),
    };
  }

  /**
   * Live sessions per agent: the read model's count plus this node's accepts it does not show yet
   * (SES-3). The count is read once per batch the sessions' read model commits, not per decision:
   * between two batches it cannot change, and callers meanwhile share one read.
   */
  private async liveLoad(): Promise<ReadonlyMap<string, number>> {
    const generation = this.sessionChanges.generation;
    let cached = this.counted;
    if (!cached || cached.generation !== generation) {
      const load = this.load.liveSessions();
      const entry = (cached = this.counted = { generation, load });
      load.catch(() => {
        if (this.counted === entry) this.counted = undefined; // the next caller asks again
      });
    }
    return this.pending.over(await cached.load);
  }

  private skillsOf(settings: SettingsState, userId: string): ReadonlyMap<string, number> {
    let cache = this.skillCache.get(settings);
    if (!cache) this.skillCache.set(settings, (cache = new Map()));
    let skills = cache.get(userId);
    if (!skills) cache.set(userId, (skills = skillLevels(settings, userId)));
    return skills;
  }
}

/** What routing knows of an agent apart from their live load. */
type MemberFacts = Omit<AgentFacts, 'liveLoad'>;
const NO_AGENTS: readonly string[] = [];

/** The data of an `OfferAccepted` event, as the acceptance needs it. */
export interface AcceptedData {
  readonly offerId: string;
  readonly itemId: string;
  readonly kind: 'inbound' | 'hand_over';
  readonly sessionId: string | null;
  readonly customer?: { readonly customerId: string; readonly name: string } | null;
  readonly originUrl?: string | null;
}

/** The session an accepted offer gives the agent: the handed-over session, or the inbound one, its id fixed by the item. */
export const acceptedSessionId = (data: AcceptedData): string => data.sessionId ?? eventIdFor('inbound-session', data.itemId, 0);
