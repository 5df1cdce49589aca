import { randomInt, randomUUID } from 'node:crypto';
import type { CommandMetadata } from '../../domain/shared/decider.js';
import { DomainError, forbidden, notFound } from '../../domain/shared/domain-error.js';
import {
  authorizeSessionRepeat,
  NOT_A_CSR,
  NOT_A_CUSTOMER,
  parseSessionNumber,
  type SessionCommand,
  type SessionContext,
  sessionDecider,
  type SessionState,
  type StartSession,
} from '../../domain/session/index.js';
import { effectiveSettings, isWebacdAgent, settingsDecider, type SettingsCommand, type SettingsState } from '../../domain/settings/index.js';
import { type CsrLoadCommand, type CsrLoadContext, csrLoadDecider, type CsrLoadState } from '../../domain/csr-load/index.js';
import { type Aggregate, CommandHandler, commandKey, eventIdFor, type Handled } from '../command-handling/command-handler.js';
import type { EventStore } from '../event-store/event-store.port.js';
import { hasRole, type Principal } from '../identity/principal.js';
import { compareCheckpoints } from '../event-store/checkpoint-order.js';
import type { ConsentSink } from '../signalling/consent-view.js';
import type { SessionVersions } from '../signalling/signalling-bus.port.js';
import type { ChangeFeed } from '../projections/change-feed.js';
import type { ReadModelProgress, SessionFilter, SessionNumbers, SessionReadModel, SessionView } from './session-read.port.js';
import { sessionViewOf } from './session-view.js';

export const sessionAggregate: Aggregate<SessionCommand, never, ReturnType<typeof sessionDecider.initialState>, SessionContext> = {
  decider: sessionDecider as never,
  streamId: (id) => `session-${id}`,
  authorizeRepeat: authorizeSessionRepeat,
};
const settingsAggregate = { decider: settingsDecider, streamId: () => 'settings-site' };

/** One stream per CSR: the sessions they were admitted to run (SES-3), appended with an expected version. */
export const csrLoadAggregate: Aggregate<CsrLoadCommand, never, CsrLoadState, CsrLoadContext> = {
  decider: csrLoadDecider as never,
  streamId: (userId) => `csr-load-${userId}`,
};

/**
 * The id of the session a principal's start with `commandId` opens: the same principal and id
 * always name the same session (a retry, concurrent or after a restart, finds it), and no other
 * principal can name it (a UUID v5 of the sender and the id).
 */
export function sessionIdFor(userId: string, commandId: string): string {
  return eventIdFor('start-session', commandKey(userId, commandId), 0);
}

/** Ids of activities a client may leave out; the service fills them in. */
const GENERATED_IDS: Partial<Record<SessionCommand['type'], string>> = {
  RequestShare: 'shareId',
  SendChatMessage: 'messageId',
  PublishFile: 'fileId',
  RequestFileTransfer: 'transferId',
  StartVideo: 'videoId',
  StartVoiceCall: 'callId',
  SaveNote: 'noteId',
  StartRecording: 'recordingId',
};

/** What a number that is not live, or not the caller's to see, answers (no id, no hint). */
const NO_SUCH_NUMBER = 'No live session you may join or see has this number (INV-6)';
/** A principal scoped to one session (a customer's join credential) asking about another. */
const outOfScope = (principal: Principal, sessionId: string) => principal.sessionId !== undefined && principal.sessionId !== sessionId;

/**
 * What the session needs from the recording store (issue 16): when a command is about to stop
 * the running recording (REC-1, CTL-4, the session's end), `seal` stores the bytes uploaded so
 * far and returns their size and SHA-256, which RecordingStopped then carries; `sealed` frees the
 * staging once the stop is stored.
 */
export interface RecordingSeal {
  seal(sessionId: string, recordingId: string): Promise<{ recordingId: string; sizeBytes: number; sha256: string } | null>;
  sealed(sessionId: string, recordingId: string): Promise<void>;
}

export type StartInput = Omit<StartSession['data'], 'number' | 'sessionId'> & { sessionId?: string };

export interface ExecuteOptions {
  /** Client-supplied id: a retry with the same id does nothing new and returns the same result. */
  readonly commandId?: string;
}

export interface QueryOptions {
  /**
   * A consistency token from a mutation's answer: the query waits (up to `readModelWaitMs`)
   * until the read model has reached it, so it shows that mutation's effects.
   */
  readonly after?: string;
}

/** How long a query given a consistency token waits for the read model, by default. */
export const READ_MODEL_WAIT_MS = 5000;
/** How long a node uses its kept settings without reading their stream, when no change was seen (ms): the default of SETTINGS_MAX_AGE_MS. */
export const SETTINGS_MAX_AGE_MS = 1000;

/**
 * The session use cases: each builds a command from the caller and the input, and runs it
 * through the one command handler. Rules live in the decider; this only gathers context.
 */
export class SessionService {
  private readonly handler: CommandHandler;
  /** When the settings stream was last read, and the settings feed's generation then. */
  private settingsRead?: { readonly generation: number; readonly at: number };
  private recordings?: RecordingSeal;

  constructor(
    private readonly store: EventStore,
    private readonly read: SessionReadModel,
    private readonly numbers: SessionNumbers,
    private readonly progress: ReadModelProgress,
    private readonly siteUrl: string,
    handler?: CommandHandler,
    /** Told each command's resulting state before the command answers (SHR-4, CTL-4, MC-3, SES-7). */
    private readonly consent?: ConsentSink,
    private readonly readModelWaitMs = READ_MODEL_WAIT_MS,
    /** Which kept session folds are behind the store, for many sessions in one read (SES-3 counts); without it, one read each. */
    private readonly versions?: SessionVersions,
    /**
     * Changes of the settings stream as this node's log reader sees them: settings are read from
     * their stream only after one (or once `settingsMaxAgeMs` passed), not per command. Without
     * it, every call reads the stream's tail.
     */
    private readonly settingsChanges?: Pick<ChangeFeed, 'generation'>,
    private readonly settingsMaxAgeMs = SETTINGS_MAX_AGE_MS,
  ) {
    this.handler = handler ?? new CommandHandler(store);
  }

  /** SES-1: starts a session; the answer is the state the start produced, with its consistency token. */
  async start(principal: Principal, input: StartInput, options: ExecuteOptions = {}): Promise<SessionView> {
    const { sessionId, handled } = await this.open(principal, input, options);
    return this.answer(sessionId, handled);
  }

  /**
   * Starts a session without waiting for the read model (reactions, timers). Idempotent: with a
   * `commandId` the session id derives from the principal and the id (`sessionIdFor`), so a retry
   * answers with the first session. SES-3 holds under concurrency: the CSR's place is claimed on
   * their own load stream (an append with an expected version) before the start is stored, and
   * given back if the start is refused.
   */
  async open(
    principal: Principal,
    input: StartInput,
    options: ExecuteOptions = {},
  ): Promise<{ sessionId: string; lastEventId: string | undefined; handled: Handled<SessionState> }> {
    const derived = input.sessionId ?? (options.commandId ? sessionIdFor(principal.userId, options.commandId) : undefined);
    const sessionId = derived ?? randomUUID();
    const allocate = () => this.numbers.allocate(sessionId, () => String(randomInt(0, 1_000_000_000)).padStart(9, '0'));
    // Only a derived id can name a session that exists already (a fresh random one cannot). The
    // number is allocated meanwhile: a retried start gets the number it has (it is keyed by the
    // session), and the empty stream's fold is kept, so the start does not read it again.
    const [before, number] = derived
      ? await Promise.all([this.handler.load(sessionAggregate, sessionId, { keepEmpty: true }).then((loaded) => loaded.state), allocate()])
      : [{ status: 'none' } as const, await allocate()];
    if (before.status !== 'none') {
      // An ended session's number was freed: the allocation just made gave it another, freed again.
      if (before.status === 'ended') await this.numbers.release(sessionId);
      // Started already: a repeat for its sender (the handler authorises it), a refusal for anyone else.
      const handled = await this.command(principal, sessionId, 'StartSession', { ...input, sessionId, number: before.number }, options);
      return { sessionId, lastEventId: handled.lastEventId, handled };
    }
    try {
      const actorLiveSessions = hasRole(principal, 'csr') ? await this.claimSlot(principal, sessionId) : undefined;
      const handled = await this.command(principal, sessionId, 'StartSession', { ...input, sessionId, number }, { ...options, actorLiveSessions });
      return { sessionId, lastEventId: handled.lastEventId, handled };
    } catch (error) {
      // Nothing was started (a twin that did start keeps both: its state is no longer 'none').
      if ((await this.handler.load(sessionAggregate, sessionId)).state.status === 'none') {
        await this.numbers.release(sessionId);
        if (hasRole(principal, 'csr')) await this.releaseSlot(principal, sessionId);
      }
      throw error;
    }
  }

  async execute<T extends SessionCommand['type']>(
    principal: Principal,
    sessionId: string,
    type: T,
    data: Extract<SessionCommand, { type: T }>['data'],
    options: ExecuteOptions = {},
  ): Promise<SessionView> {
    return this.answer(sessionId, await this.command(principal, sessionId, type, data as never, options));
  }

  /** Runs a command and returns what the handler stored, without waiting for the read model. */
  async command<T extends SessionCommand['type']>(
    principal: Principal,
    sessionId: string,
    type: T,
    data: Extract<SessionCommand, { type: T }>['data'],
    options: Pick<ExecuteOptions, 'commandId'> & {
      /** SES-3: the CSR's other live sessions, as the claim just counted them. */ actorLiveSessions?: number;
      readonly now?: Date;
    } = {},
  ): Promise<Handled<SessionState>> {
    // A customer's join credential acts in its one session only.
    if (outOfScope(principal, sessionId)) throw notFound('SESSION_NOT_FOUND', 'There is no such session');
    const idField = GENERATED_IDS[type];
    const input = data as Record<string, unknown>;
    const filled = idField && !input[idField] ? { ...input, [idField]: randomUUID() } : input;
    const command = { type, data: filled, metadata: { ...this.metadata(principal, options.commandId), ...(options.now ? { now: options.now } : {}) } } as SessionCommand;
    const run = async (actorLiveSessions?: number) => {
      let sealed: string | undefined;
      let before: SessionState | undefined;
      const result = await this.handler.handle(sessionAggregate, sessionId, command, {
        context: async (state) => {
          before = state; // the last call's state is the one decided on (a retry after a conflict calls again)
          const context = await this.context(principal, sessionId, type, actorLiveSessions);
          const recordingId = this.recordingStoppedBy(command, state, context);
          if (!recordingId || !this.recordings) return context;
          sealed = recordingId;
          return { ...context, recordingBytes: await this.recordings.seal(sessionId, recordingId) };
        },
      });
      // Before anyone hears the answer, the signalling gateway stops relaying what it withdrew, on
      // every node. A command that stored nothing (a repeat, or one another command made moot)
      // confirms the state as it is: the change it reports may still be waiting for confirmation.
      const confirmed = this.consent?.apply(sessionId, result.version, result.state, result.stored > 0 ? before : undefined);
      try {
        // The stop is stored: the recording's staged chunks are in the blob store now.
        if (sealed && result.stored > 0) await this.recordings?.sealed(sessionId, sealed);
      } finally {
        await confirmed; // an error answer, too, comes only once the change is confirmed
      }
      return result;
    };
    if (type !== 'AcceptHandOver' || !hasRole(principal, 'csr')) return run(options.actorLiveSessions);
    // SES-3: taking a session over takes a place in the agent's load, claimed first (see `open`).
    const actorLiveSessions = await this.claimSlot(principal, sessionId);
    try {
      return await run(actorLiveSessions);
    } catch (error) {
      await this.releaseSlot(principal, sessionId);
      throw error;
    }
  }

  /**
   * SES-3, atomically: the CSR's load stream admits the session or refuses it
   * (CSR_ALREADY_IN_SESSION, CSR_SESSION_LIMIT_REACHED). Resolves to the CSR's other live sessions
   * as counted for the admission, which the session's own decision then uses.
   */
  private async claimSlot(principal: Principal, sessionId: string): Promise<number> {
    const command = { type: 'ClaimSessionSlot', data: { sessionId }, metadata: this.metadata(principal) } as const;
    let others = 0;
    await this.handler.handle(csrLoadAggregate, principal.userId, command, {
      context: async (state) => {
        const context = await this.loadContext(principal, state, sessionId);
        others = context.liveSessionIds.length;
        return context;
      },
    });
    return others;
  }

  private async releaseSlot(principal: Principal, sessionId: string): Promise<void> {
    const command = { type: 'ReleaseSessionSlot', data: { sessionId }, metadata: this.metadata(principal) } as const;
    await this.handler.handle(csrLoadAggregate, principal.userId, command, { context: (state) => this.loadContext(principal, state, sessionId) });
  }

  /**
   * The CSR's sessions as the event store holds them now: those they hold a claim for, and those
   * the read model knows them in (joined as helper), each checked against its own stream.
   */
  private async loadContext(principal: Principal, state: CsrLoadState, except?: string): Promise<CsrLoadContext> {
    const settings = effectiveSettings(await this.settings(), principal.userId);
    const { live, unstarted } = await this.sessionsOf(principal.userId, state, except);
    return { sessionMode: settings.sessionMode, maxCustomers: settings.maxCustomers, liveSessionIds: live, unstartedSessionIds: unstarted };
  }

  private async sessionsOf(userId: string, load: CsrLoadState, except?: string): Promise<{ live: string[]; unstarted: string[] }> {
    const candidates = new Set([...load.claims.map((claim) => claim.sessionId), ...(await this.read.liveSessionIdsOf(userId))]);
    if (except) candidates.delete(except);
    const live: string[] = [];
    const unstarted: string[] = [];
    // The folds this node keeps are checked in one read (which of them moved); the others, and the
    // moved ones, are read side by side: an agent with many live sessions waits for two reads at most.
    const ids = [...candidates];
    const kept = new Map(
      ids.flatMap((id) => {
        const loaded = this.handler.kept(sessionAggregate, id);
        return loaded?.version === undefined ? [] : [[id, loaded] as const];
      }),
    );
    const moved = new Set(this.versions && kept.size > 0 ? await this.versions.newer(new Map([...kept].map(([id, loaded]) => [id, loaded.version!]))) : kept.keys());
    const states = await Promise.all(
      ids.map(async (id) => ({ id, state: kept.has(id) && !moved.has(id) ? kept.get(id)!.state : (await this.handler.load(sessionAggregate, id)).state })),
    );
    for (const { id, state } of states) {
      if (state.status === 'none') unstarted.push(id);
      else if ((state.status === 'active' || state.status === 'queued') && Object.hasOwn(state.csrs, userId)) live.push(id);
    }
    return { live, unstarted };
  }

  /** Plugs in the recording store (issue 16); without one, RecordingStopped carries no bytes. */
  useRecordings(recordings: RecordingSeal): void {
    this.recordings = recordings;
  }

  /**
   * The recording this command would stop, asked of the decider itself (pure, so deciding twice
   * is harmless): the rules for what stops a recording stay in the domain.
   */
  private recordingStoppedBy(command: SessionCommand, state: SessionState, context: SessionContext): string | undefined {
    if ((state.status !== 'active' && state.status !== 'queued') || !state.activities.recording) return undefined;
    try {
      const stop = sessionDecider.decide(command, state, context).find((e) => e.type === 'RecordingStopped');
      return stop?.type === 'RecordingStopped' ? stop.data.recordingId : undefined;
    } catch {
      return undefined; // refused: the handler's own decide throws it
    }
  }

  /**
   * True when this node has seen the session started (its kept fold, no read): a started session
   * never returns to 'none'. False means "not known here", not "not started".
   */
  startedHere(sessionId: string): boolean {
    const kept = this.handler.kept(sessionAggregate, sessionId);
    return kept !== undefined && kept.state.status !== 'none';
  }

  /** The session's current state from its stream (uploads and downloads check rules on it). */
  async state(sessionId: string): Promise<SessionState> {
    return (await this.handler.load(sessionAggregate, sessionId)).state;
  }

  /**
   * Decides `type` without storing anything: the session's rules for an upload are checked before
   * any byte is accepted (REC-1, TL-3, TL-4). Throws the decider's error; returns the state.
   */
  async check<T extends SessionCommand['type']>(principal: Principal, sessionId: string, type: T, data: Extract<SessionCommand, { type: T }>['data']): Promise<SessionState> {
    const state = await this.state(sessionId);
    const command = { type, data, metadata: this.metadata(principal) } as SessionCommand;
    sessionDecider.decide(command, state, await this.context(principal, sessionId, type));
    return state;
  }

  /**
   * A mutation's answer: the view of the state its own decision produced (or, for a repeated
   * command id, the stream's state now), never read from the read model, so it does not depend on
   * how far the projections got. It carries the consistency token for later queries.
   */
  answer(sessionId: string, handled: Handled<SessionState>): SessionView {
    const view = sessionViewOf(handled.state, handled.version ?? -1, handled.checkpoint);
    if (!view) throw notFound('SESSION_NOT_FOUND', 'There is no such session');
    return view;
  }

  /**
   * The session as its stream says now (the folded state, not the read model), for decisions
   * that must not lag behind a command just answered: reading an invitation, relaying media.
   */
  async currentView(sessionId: string): Promise<SessionView> {
    const loaded = await this.handler.load(sessionAggregate, sessionId);
    const view = sessionViewOf(loaded.state, loaded.version ?? -1, loaded.checkpoint);
    if (!view) throw notFound('SESSION_NOT_FOUND', 'There is no such session');
    return view;
  }

  /** `currentView` for a caller who must take part in the session (or supervise): others get not found. */
  async current(principal: Principal, sessionId: string): Promise<SessionView> {
    if (outOfScope(principal, sessionId)) throw notFound('SESSION_NOT_FOUND', 'There is no such session');
    const view = await this.currentView(sessionId);
    if (!this.maySee(principal, view)) throw notFound('SESSION_NOT_FOUND', 'There is no such session');
    return view;
  }

  /**
   * Waits until the read model has reached the consistency token, if one was given.
   * @throws DomainError INVALID_CONSISTENCY_TOKEN (validation) for a token no mutation returned
   * @throws DomainError READ_MODEL_BEHIND (concurrency, 409) when it has not within the wait: retry
   */
  async readModelAt(after: string | undefined): Promise<void> {
    if (after === undefined) return;
    compareCheckpoints(after, after); // validates before waiting
    if (await this.progress.reached(after, this.readModelWaitMs)) return;
    throw new DomainError('concurrency', 'READ_MODEL_BEHIND', `the read model has not reached ${after} within ${this.readModelWaitMs} ms; retry`, 'after', { retryAfterMs: 1000 });
  }

  /**
   * INV-4 / AST-1: join with the number alone. Nothing to enumerate: what a caller may not do with
   * any session (the role a place needs) is refused before the number is looked up, and an absent
   * number answers SESSION_NOT_FOUND with no id, so the answer does not tell a live number from an
   * absent one. The API limits how often a principal and an address may try (LookupLimiter).
   */
  async joinByNumber(principal: Principal, typedNumber: string, as: 'customer' | 'helper', displayName?: string, options: ExecuteOptions = {}): Promise<SessionView> {
    const number = parseSessionNumber(typedNumber);
    if (as === 'helper' && !hasRole(principal, 'csr')) throw forbidden(NOT_A_CSR, 'Only a CSR joins as helper');
    if (as === 'customer' && !hasRole(principal, 'customer')) throw forbidden(NOT_A_CUSTOMER, 'Joining as customer needs the customer role');
    const sessionId = await this.numbers.sessionIdOf(number);
    if (!sessionId) throw notFound('SESSION_NOT_FOUND', NO_SUCH_NUMBER);
    return this.execute(principal, sessionId, 'JoinSession', { number, as, displayName }, options);
  }

  /** Joins a session known by its id (a redeemed invitation, INV-3) as if its number were typed. */
  async joinById(principal: Principal, sessionId: string, as: 'customer' | 'helper', displayName?: string, options: ExecuteOptions = {}): Promise<SessionView> {
    // The stream, not the read model: an invitation redeemed right after it was sent must find its session.
    const view = await this.currentView(sessionId).catch(absentSession);
    if (!view || view.status === 'ended') throw notFound('SESSION_NOT_FOUND', `no live session ${sessionId} (INV-6)`);
    return this.execute(principal, sessionId, 'JoinSession', { number: view.number, as, displayName }, options);
  }

  /**
   * A non-participant sees nothing of a session; supervisors and admins see all. The read model
   * answers; when it does not (yet) show the caller in the session, the stream decides, so whoever
   * just joined or started (a customer's credential used at once, INV-4) sees it without a token.
   * @throws DomainError SESSION_NOT_FOUND (404) for a session the caller may not see, or none
   */
  async get(principal: Principal, sessionId: string, options: QueryOptions = {}): Promise<SessionView> {
    if (outOfScope(principal, sessionId)) throw notFound('SESSION_NOT_FOUND', 'There is no such session');
    await this.readModelAt(options.after);
    const view = await this.read.byId(sessionId);
    if (view && this.maySee(principal, view)) return view;
    const current = await this.currentView(sessionId).catch(absentSession);
    if (!current || !this.maySee(principal, current)) throw notFound('SESSION_NOT_FOUND', 'There is no such session');
    return current;
  }

  /** The same answer, without ids, for a number that is not live and a session the caller may not see. */
  async byNumber(principal: Principal, typedNumber: string, options: QueryOptions = {}): Promise<SessionView> {
    await this.readModelAt(options.after);
    const sessionId = await this.numbers.sessionIdOf(parseSessionNumber(typedNumber));
    const view = sessionId ? await this.read.byId(sessionId) : undefined;
    if (!view || !this.maySee(principal, view)) throw notFound('SESSION_NOT_FOUND', NO_SUCH_NUMBER);
    return view;
  }

  async list(principal: Principal, filter: SessionFilter, page: { offset: number; limit: number }, options: QueryOptions = {}) {
    await this.readModelAt(options.after);
    const seesAll = hasRole(principal, 'supervisor', 'admin');
    return this.read.list(seesAll ? filter : { ...filter, participantId: principal.userId }, page);
  }

  maySee(principal: Principal, view: SessionView): boolean {
    return hasRole(principal, 'supervisor', 'admin') || view.participantIds.includes(principal.userId);
  }

  /** ADM-1: admin-only changes of site and user settings. */
  async changeSettings(principal: Principal, command: Omit<SettingsCommand, 'metadata'>, options: ExecuteOptions = {}) {
    const result = await this.handler.handle(settingsAggregate, 'site', { ...command, metadata: this.metadata(principal, options.commandId) } as SettingsCommand, {
      context: undefined,
    });
    return result.state;
  }

  /** ADM-1: how many days recordings and files are kept. */
  async retention(): Promise<{ recordingDays: number; fileDays: number }> {
    const { site } = await this.settings();
    return { recordingDays: site.recordingRetentionDays, fileDays: site.fileRetentionDays };
  }

  /**
   * The site's and users' settings as their stream holds them. Read per command before; now the
   * fold this node keeps is used while no settings event has reached this node's log reader since
   * it was read and it is younger than `settingsMaxAgeMs` (SETTINGS_MAX_AGE_MS). A change made on this node is in the
   * kept fold at once (its append updates it); one made on another node, once this node's reader
   * reads it (as the read models do).
   */
  async settings(): Promise<SettingsState> {
    const feed = this.settingsChanges;
    const kept = this.handler.kept(settingsAggregate, 'site');
    const read = this.settingsRead;
    if (feed && kept && read && read.generation === feed.generation && Date.now() - read.at < this.settingsMaxAgeMs) return kept.state;
    const started = { generation: feed?.generation ?? -1, at: Date.now() };
    // Kept even while the stream is empty (no admin ever saved settings: most sites): else every call reads it again.
    const loaded = await this.handler.load(settingsAggregate, 'site', { keepEmpty: true });
    // Changes read meanwhile moved the generation past `started`: the next call reads again.
    this.settingsRead = started;
    return loaded.state;
  }

  /** Only starting a session and taking a handed-over one are bounded by the CSR's live load (SES-3). */
  private async context(principal: Principal, sessionId: string, type: SessionCommand['type'], counted?: number): Promise<SessionContext> {
    const state = await this.settings();
    const settings = effectiveSettings(state, principal.userId);
    // Q-1, the same rule the queues use: the admin's user setting or the identity provider's flag.
    const webacdAgent = isWebacdAgent(state, principal.userId, principal.flags);
    const bounded = (type === 'StartSession' || type === 'AcceptHandOver') && hasRole(principal, 'csr');
    // SES-3 from the event store (current), not the read model; the load stream's claim is the guard under races.
    const actorLiveSessions = !bounded
      ? 0
      : (counted ?? (await this.sessionsOf(principal.userId, (await this.handler.load(csrLoadAggregate, principal.userId)).state, sessionId)).live.length);
    return {
      settings: { ...settings, webacdAgent },
      actorLiveSessions,
      siteUrl: this.siteUrl,
      retention: type === 'ExpireStoredContent' ? await this.retention() : undefined,
    };
  }

  private metadata(principal: Principal, commandId?: string): CommandMetadata {
    return { userId: principal.userId, roles: principal.roles, now: new Date(), commandId, userName: principal.name };
  }
}

/** A stream with no session in it reads as `undefined`; any other failure (the database) stays a failure. */
function absentSession(error: unknown): undefined {
  if (error instanceof DomainError && error.code === 'SESSION_NOT_FOUND') return undefined;
  throw error;
}
