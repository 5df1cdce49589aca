import { randomInt, randomUUID } from 'node:crypto';
import type { CommandMetadata } from '../../domain/shared/decider.js';
import { notFound } from '../../domain/shared/domain-error.js';
import {
  parseSessionNumber,
  type SessionCommand,
  type SessionContext,
  sessionDecider,
  type StartSession,
} from '../../domain/session/index.js';
import { effectiveSettings, settingsDecider, type SettingsCommand } from '../../domain/settings/index.js';
import { type Aggregate, CommandHandler } from '../command-handling/command-handler.js';
import type { EventStore } from '../event-store/event-store.port.js';
import { hasRole, type Principal } from '../identity/principal.js';
import type { ProjectionRunner } from '../projections/projection-runner.js';
import type { SessionFilter, SessionNumbers, SessionReadModel, SessionView } from './session-read.port.js';

export const sessionAggregate: Aggregate<SessionCommand, never, ReturnType<typeof sessionDecider.initialState>, SessionContext> = {
  decider: sessionDecider as never,
  streamId: (id) => `session-${id}`,
};
const settingsAggregate = { decider: settingsDecider, streamId: () => 'settings-site' };

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

export type StartInput = Omit<StartSession['data'], 'number' | 'sessionId'> & { sessionId?: string };

export interface ExecuteOptions {
  /** Client-supplied id: a retry with the same id does nothing new and returns the same result. */
  readonly commandId?: string;
  /** Wait until the read model shows this command's events (read-your-writes). Default true. */
  readonly waitForProjection?: boolean;
}

/**
 * The session use cases: each builds a command from the caller and the input, and runs it
 * through the one command handler. Rules live in the decider; this only gathers context.
 */
export class SessionService {
  private readonly handler: CommandHandler;

  constructor(
    private readonly store: EventStore,
    private readonly read: SessionReadModel,
    private readonly numbers: SessionNumbers,
    private readonly projections: Pick<ProjectionRunner, 'waitForEvent'>,
    private readonly siteUrl: string,
    handler?: CommandHandler,
    /** Told when a mutation's events were not in the read model within the wait (its view may be stale). */
    private readonly onProjectionLag?: (sessionId: string) => void,
  ) {
    this.handler = handler ?? new CommandHandler(store);
  }

  async start(principal: Principal, input: StartInput, options: ExecuteOptions = {}): Promise<SessionView> {
    const { sessionId, lastEventId } = await this.open(principal, input, options);
    return this.viewAfter(sessionId, lastEventId, options);
  }

  /** Starts a session without waiting for the read model (reactions, timers). */
  async open(principal: Principal, input: StartInput, options: ExecuteOptions = {}): Promise<{ sessionId: string; lastEventId: string | undefined }> {
    const sessionId = input.sessionId ?? randomUUID();
    const number = await this.numbers.allocate(sessionId, () => String(randomInt(0, 1_000_000_000)).padStart(9, '0'));
    try {
      const { lastEventId } = await this.command(principal, sessionId, 'StartSession', { ...input, sessionId, number }, options);
      return { sessionId, lastEventId };
    } catch (error) {
      await this.numbers.release(sessionId);
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
    const { lastEventId } = await this.command(principal, sessionId, type, data as never, options);
    return this.viewAfter(sessionId, lastEventId, options);
  }

  /** Runs a command and returns what the handler stored, without waiting for the read model. */
  async command<T extends SessionCommand['type']>(
    principal: Principal,
    sessionId: string,
    type: T,
    data: Extract<SessionCommand, { type: T }>['data'],
    options: Pick<ExecuteOptions, 'commandId'> = {},
  ) {
    const idField = GENERATED_IDS[type];
    const input = data as Record<string, unknown>;
    const filled = idField && !input[idField] ? { ...input, [idField]: randomUUID() } : input;
    const command = { type, data: filled, metadata: this.metadata(principal, options.commandId) } as SessionCommand;
    return this.handler.handle(sessionAggregate, sessionId, command, {
      context: async () => this.context(principal, sessionId, type),
    });
  }

  /** The session's view once its event `lastEventId` is projected (read-your-writes). */
  async viewAfter(sessionId: string, lastEventId: string | undefined, options: ExecuteOptions = {}): Promise<SessionView> {
    if (lastEventId && options.waitForProjection !== false) {
      const shown = await this.projections.waitForEvent(lastEventId);
      if (!shown) this.onProjectionLag?.(sessionId);
    }
    const view = await this.read.byId(sessionId);
    if (!view) throw notFound('SESSION_NOT_FOUND', `session ${sessionId} not found`);
    return view;
  }

  /** INV-4 / AST-1: join with the number alone. */
  async joinByNumber(principal: Principal, typedNumber: string, as: 'customer' | 'helper', displayName?: string, options: ExecuteOptions = {}): Promise<SessionView> {
    const number = parseSessionNumber(typedNumber);
    const sessionId = await this.numbers.sessionIdOf(number);
    if (!sessionId) throw notFound('SESSION_NOT_FOUND', `no live session has the number ${typedNumber} (INV-6)`);
    return this.execute(principal, sessionId, 'JoinSession', { number, as, displayName }, options);
  }

  /** A non-participant sees nothing of a session; supervisors and admins see all. */
  async get(principal: Principal, sessionId: string): Promise<SessionView> {
    const view = await this.read.byId(sessionId);
    if (!view || !this.maySee(principal, view)) throw notFound('SESSION_NOT_FOUND', `session ${sessionId} not found`);
    return view;
  }

  async byNumber(principal: Principal, typedNumber: string): Promise<SessionView> {
    const sessionId = await this.numbers.sessionIdOf(parseSessionNumber(typedNumber));
    if (!sessionId) throw notFound('SESSION_NOT_FOUND', `no live session has the number ${typedNumber}`);
    return this.get(principal, sessionId);
  }

  list(principal: Principal, filter: SessionFilter, page: { offset: number; limit: number }) {
    const seesAll = hasRole(principal, 'supervisor', 'admin');
    return this.read.list(seesAll ? filter : { ...filter, participantId: principal.userId }, page);
  }

  maySee(principal: Principal, view: SessionView): boolean {
    return hasRole(principal, 'supervisor', 'admin') || view.participantIds.includes(principal.userId);
  }

  /** ADM-1: admin-only changes of site and user settings. */
  async changeSettings(principal: Principal, command: Omit<SettingsCommand, 'metadata'>, options: ExecuteOptions = {}) {
    const result = await this.handler.handle(settingsAggregate, 'site', { ...command, metadata: this.metadata(principal, options.commandId) } as SettingsCommand, { context: undefined });
    return result.state;
  }

  async settings() {
    return (await this.handler.load(settingsAggregate, 'site')).state;
  }

  /** Only starting a session and taking a handed-over one are bounded by the CSR's live load (SES-3). */
  private async context(principal: Principal, sessionId: string, type: SessionCommand['type']): Promise<SessionContext> {
    const settings = effectiveSettings(await this.settings(), principal.userId);
    // The identity provider's WebACD-agent flag counts like the admin's user setting.
    const webacdAgent = settings.webacdAgent || (settings.webacdEnabled && principal.flags.webacdAgent === true);
    return {
      settings: { ...settings, webacdAgent },
      actorLiveSessions: (type === 'StartSession' || type === 'AcceptHandOver') && hasRole(principal, 'csr') ? await this.read.liveSessionsOf(principal.userId, sessionId) : 0,
      siteUrl: this.siteUrl,
    };
  }

  private metadata(principal: Principal, commandId?: string): CommandMetadata {
    return { userId: principal.userId, roles: principal.roles, now: new Date(), commandId, userName: principal.name };
  }
}
