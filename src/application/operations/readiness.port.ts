/** How far one projection or reaction stands behind the head of the global log. */
export interface ProjectionLag {
  /** The checkpoint row's name (a projection such as `session_view`, or a reaction runner). */
  readonly name: string;
  /** Events it handles committed after its checkpoint (counted over a bounded look-ahead, so large values are "at least"). */
  readonly events: number;
  /** Age in seconds of the oldest event it has not yet processed; 0 when it is caught up. */
  readonly seconds: number;
}

/** What readiness (`/health/ready`) is decided from. */
export interface ReadinessReport {
  /** Migrations the code knows that the database has not applied. */
  readonly pendingMigrations: readonly string[];
  /** One entry per stored checkpoint; empty where the event store keeps no checkpoints here (KurrentDB). */
  readonly projections: readonly ProjectionLag[];
}

/**
 * Port for the readiness check. Throws when the database cannot be asked at all (that is
 * itself "not ready").
 */
export interface ReadinessProbe {
  report(): Promise<ReadinessReport>;
}

export const READINESS_PROBE = Symbol('ReadinessProbe');
