/** What the session use cases need from the read side; TypeORM implements it. */
export interface SessionView {
  readonly id: string;
  readonly number: string;
  readonly status: string;
  readonly kind: string;
  readonly mode: string | null;
  readonly controllerId: string | null;
  readonly participantIds: readonly string[];
  readonly state: Record<string, unknown>;
  readonly version: number;
  readonly startedAt: Date;
  readonly endedAt: Date | null;
  /**
   * On a mutation's answer: the global checkpoint of the session's last event. A query given it
   * as `after` waits until the read model has reached it (read-your-writes across requests).
   */
  readonly consistencyToken?: string;
}

export interface SessionFilter {
  readonly status?: string;
  readonly participantId?: string;
  /** A CSR who took part (supervisors' filter). */
  readonly csrId?: string;
  /** A customer who took part. */
  readonly customerId?: string;
  /** A queue the session passed through: handed over to it or started from its inbound item (SES-2, Q-5). */
  readonly queueId?: string;
  /** Started at or after `from`, and before `to`. */
  readonly from?: Date;
  readonly to?: Date;
}

export interface SessionReadModel {
  byId(id: string): Promise<SessionView | undefined>;
  byIds(ids: readonly string[]): Promise<SessionView[]>;
  list(filter: SessionFilter, page: { offset: number; limit: number }): Promise<{ items: SessionView[]; total: number }>;
  /** Ids of the live sessions this CSR is in, as far as the read model knows (it lags; SES-3 re-checks each on the event store). */
  liveSessionIdsOf(userId: string): Promise<string[]>;
}

/** Live session numbers: allocated without a race, freed when the session ends. */
export interface SessionNumbers {
  allocate(sessionId: string, candidate: () => string): Promise<string>;
  sessionIdOf(number: string): Promise<string | undefined>;
  release(sessionId: string): Promise<void>;
}

/** How far the read models have followed the global log. */
export interface ReadModelProgress {
  /**
   * Resolves true once every read model has projected the log up to `checkpoint` (inclusive),
   * false when `timeoutMs` passed first.
   * @throws DomainError INVALID_CONSISTENCY_TOKEN when `checkpoint` is not one the store wrote
   */
  reached(checkpoint: string, timeoutMs: number): Promise<boolean>;
}

export const SESSION_READ_MODEL = Symbol('SessionReadModel');
export const SESSION_NUMBERS = Symbol('SessionNumbers');
