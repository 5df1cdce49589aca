import { notFound, validationError } from '../../domain/shared/domain-error.js';
import { evolveQueue, initialQueueState, type QueueState } from '../../domain/queue/index.js';
import { evolveSession, initialSessionState, type SessionState } from '../../domain/session/index.js';
import { type ChainCheck, verifyChain } from '../command-handling/hash-chain.js';
import type { EventStore, RecordedEvent } from '../event-store/event-store.port.js';
import { hasRole, type Principal } from '../identity/principal.js';
import type { SessionView } from '../sessions/session-read.port.js';
import type { SessionService } from '../sessions/session.service.js';

/**
 * RPT-2: a supervisor replays a session's (or a queue's) history event by event and sees the
 * state after each one. This reads the event stream on purpose (STYLE 6): the read models keep
 * only the latest state. Every answer carries the stream's hash-chain verdict, so an edited
 * stored event shows up, named by version and id.
 */
export interface ReplayItem<S> {
  readonly version: number;
  readonly id: string;
  readonly type: string;
  /** When the event was stored. */
  readonly at: Date;
  /** Who caused it: the command's user (metadata.userId), else the event's `by`. */
  readonly by: string | null;
  readonly data: unknown;
  /** The aggregate's state right after this event. */
  readonly state: S;
}

/** A session item also carries the state as the session read model would show it then. */
export interface SessionReplayItem extends ReplayItem<SessionState> {
  readonly view: SessionView;
}

export interface History<I> {
  readonly items: readonly I[];
  /** Events in the stream. */
  readonly total: number;
  readonly chain: ChainCheck;
}

export interface StateAt<S> {
  readonly version: number;
  readonly at: Date;
  readonly state: S;
}

export interface SessionStateAt extends StateAt<SessionState> {
  readonly view: SessionView;
}

export interface Page {
  readonly offset?: number;
  readonly limit?: number;
}

/** Either a stream version or an instant (the state after the last event stored at or before it). */
export type PointInTime = { readonly version: number; readonly at?: undefined } | { readonly at: Date; readonly version?: undefined };

export const HISTORY_MAX_LIMIT = 1000;
const DEFAULT_LIMIT = 100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TYPED_NUMBER = /^[\d\s-]{9,15}$/;

export class ReplayService {
  constructor(
    private readonly store: EventStore,
    /** Resolves a typed session number to its (live) session. */
    private readonly sessions: Pick<SessionService, 'byNumber'>,
  ) {}

  // ============================================================ sessions

  /** `sessionId` may also be a live session's nine-digit number. */
  async sessionHistory(principal: Principal, sessionId: string, page: Page = {}): Promise<History<SessionReplayItem>> {
    const { offset, limit } = pageOf(page);
    const events = await this.visibleSessionEvents(principal, sessionId);
    const items: SessionReplayItem[] = [];
    const end = Math.min(events.length, offset + limit);
    const fold = new SessionFold();
    for (let i = 0; i < end; i++) {
      const event = events[i]!;
      fold.apply(event);
      if (i >= offset) items.push({ ...itemOf(event, fold.state), view: fold.view() });
    }
    return { items, total: events.length, chain: verifyChain(events) };
  }

  async sessionStateAt(principal: Principal, sessionId: string, point: PointInTime): Promise<SessionStateAt & { chain: ChainCheck }> {
    const events = await this.visibleSessionEvents(principal, sessionId);
    const last = lastIndexAt(events, point);
    const fold = new SessionFold();
    for (let i = 0; i <= last; i++) fold.apply(events[i]!);
    const event = events[last]!;
    return { version: event.version, at: event.recordedAt, state: fold.state, view: fold.view(), chain: verifyChain(events) };
  }

  // ============================================================ queues

  async queueHistory(principal: Principal, queueId: string, page: Page = {}): Promise<History<ReplayItem<QueueState>>> {
    const { offset, limit } = pageOf(page);
    const events = await this.queueEvents(principal, queueId);
    const items: ReplayItem<QueueState>[] = [];
    const end = Math.min(events.length, offset + limit);
    let state = initialQueueState();
    for (let i = 0; i < end; i++) {
      const event = events[i]!;
      state = tolerant(evolveQueue, state, event);
      if (i >= offset) items.push(itemOf(event, state));
    }
    return { items, total: events.length, chain: verifyChain(events) };
  }

  async queueStateAt(principal: Principal, queueId: string, point: PointInTime): Promise<StateAt<QueueState> & { chain: ChainCheck }> {
    const events = await this.queueEvents(principal, queueId);
    const last = lastIndexAt(events, point);
    let state = initialQueueState();
    for (let i = 0; i <= last; i++) state = tolerant(evolveQueue, state, events[i]!);
    return { version: events[last]!.version, at: events[last]!.recordedAt, state, chain: verifyChain(events) };
  }

  // ============================================================ who may replay what

  /**
   * Supervisors and admins replay any session; a CSR the sessions they were a CSR in at any
   * point (started it, helped, observed, took a hand-over). Customers, the reporting role and
   * strangers learn nothing, not even that the session exists.
   */
  private async visibleSessionEvents(principal: Principal, idOrNumber: string): Promise<RecordedEvent[]> {
    const sessionId = await this.sessionIdOf(principal, idOrNumber);
    const hidden = () => notFound('SESSION_NOT_FOUND', `session ${idOrNumber} not found`);
    if (!sessionId) throw hidden();
    const events = await this.store.readStream(`session-${sessionId}`);
    if (events.length === 0) throw hidden();
    if (hasRole(principal, 'supervisor', 'admin')) return events;
    if (!hasRole(principal, 'csr') || !csrsOf(events).has(principal.userId)) throw hidden();
    return events;
  }

  private async sessionIdOf(principal: Principal, idOrNumber: string): Promise<string | undefined> {
    const trimmed = idOrNumber.trim();
    if (UUID.test(trimmed)) return trimmed.toLowerCase();
    if (!TYPED_NUMBER.test(trimmed)) return undefined;
    // A number names a live session only (INV-6); the lookup applies the read model's visibility.
    return (await this.sessions.byNumber(principal, trimmed)).id;
  }

  private async queueEvents(principal: Principal, queueId: string): Promise<RecordedEvent[]> {
    const hidden = () => notFound('QUEUE_NOT_FOUND', `queue ${queueId} not found`);
    if (!hasRole(principal, 'supervisor', 'admin')) throw hidden();
    const events = await this.store.readStream(`queue-${queueId}`);
    if (events.length === 0) throw hidden();
    return events;
  }
}

// ============================================================ folding

/** The session state and, beside it, the row the session read model would hold at that point. */
class SessionFold {
  state: SessionState = initialSessionState();
  private sessionId = '';
  private number = '';
  private kind = 'outbound';
  private mode: string | null = null;
  private startedAt: Date | undefined;
  private version = -1;
  private readonly participants = new Set<string>();

  apply(event: RecordedEvent): void {
    this.state = tolerant(evolveSession, this.state, event);
    this.version = event.version;
    const s = this.state;
    if (s.status === 'none') return;
    this.startedAt = new Date(s.startedAt); // as the read model and mutation answers show it
    this.sessionId = s.sessionId;
    this.number = s.number;
    if (s.status === 'active' || s.status === 'queued') {
      this.kind = s.kind;
      this.mode = s.mode;
      for (const id of Object.keys(s.csrs)) this.participants.add(id);
      for (const c of s.customers) this.participants.add(c.customerId);
    }
  }

  view(): SessionView {
    const s = this.state;
    return {
      id: this.sessionId,
      number: this.number,
      status: s.status,
      kind: this.kind,
      mode: this.mode,
      controllerId: s.status === 'active' ? s.controllerId : null,
      participantIds: [...this.participants],
      state: s as unknown as Record<string, unknown>,
      version: this.version,
      startedAt: this.startedAt ?? new Date(0),
      endedAt: s.status === 'ended' ? new Date(s.endedAt) : null,
    };
  }
}

/** Everyone who was a CSR of the session at some point of its history. */
function csrsOf(events: readonly RecordedEvent[]): Set<string> {
  const csrs = new Set<string>();
  let state = initialSessionState();
  for (const event of events) {
    state = tolerant(evolveSession, state, event);
    if (state.status === 'active' || state.status === 'queued') {
      csrs.add(state.startedBy);
      for (const id of Object.keys(state.csrs)) csrs.add(id);
    }
  }
  return csrs;
}

/**
 * A stored event the fold cannot apply (a type it does not know, data edited out of shape) leaves
 * the state as it was: the replay goes on and the chain verdict names the event.
 */
function tolerant<S, E>(evolve: (state: S, event: E) => S, state: S, event: RecordedEvent): S {
  try {
    return evolve(state, { type: event.type, data: event.data } as E);
  } catch {
    return state;
  }
}

function itemOf<S>(event: RecordedEvent, state: S): ReplayItem<S> {
  const userId = event.metadata.userId;
  const by = (event.data as { by?: unknown } | null)?.by;
  return {
    version: event.version,
    id: event.id,
    type: event.type,
    at: event.recordedAt,
    by: typeof userId === 'string' ? userId : typeof by === 'string' ? by : null,
    data: event.data,
    state,
  };
}

function pageOf(page: Page): { offset: number; limit: number } {
  const offset = page.offset ?? 0;
  const limit = page.limit ?? DEFAULT_LIMIT;
  if (!Number.isSafeInteger(offset) || offset < 0) throw validationError('INVALID_OFFSET', 'offset', 'offset must be an integer >= 0');
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > HISTORY_MAX_LIMIT)
    throw validationError('INVALID_LIMIT', 'limit', `limit must be an integer from 1 to ${HISTORY_MAX_LIMIT}`);
  return { offset, limit };
}

/** The index of the last event at the point in time; versions are indexes in an unbroken stream. */
function lastIndexAt(events: readonly RecordedEvent[], point: PointInTime): number {
  if (point.version !== undefined) {
    const index = events.findIndex((e) => e.version === point.version);
    if (!Number.isSafeInteger(point.version) || index < 0)
      throw validationError('VERSION_OUT_OF_RANGE', 'version', `version must be from 0 to ${events.at(-1)!.version} (got ${point.version})`);
    return index;
  }
  if (!(point.at instanceof Date) || Number.isNaN(point.at.getTime())) throw validationError('INVALID_TIME', 'at', 'at must be an instant (ISO-8601)');
  let last = -1;
  for (const [i, event] of events.entries()) if (event.recordedAt.getTime() <= point.at.getTime()) last = i;
  if (last < 0)
    throw validationError('BEFORE_FIRST_EVENT', 'at', `nothing had happened yet at ${point.at.toISOString()}: the first event is from ${events[0]!.recordedAt.toISOString()}`);
  return last;
}
