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
}

export interface SessionFilter {
  readonly status?: string;
  readonly participantId?: string;
  /** A CSR who took part (supervisors' filter). */
  readonly csrId?: string;
  /** A customer who took part. */
  readonly customerId?: string;
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

export const SESSION_READ_MODEL = Symbol('SessionReadModel');
export const SESSION_NUMBERS = Symbol('SessionNumbers');
