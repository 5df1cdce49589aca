import { compareCheckpoints } from '../event-store/checkpoint-order.js';

/** Live sessions per agent as the sessions' read model counted them, and where it stood for that count. */
export interface CountedLoad {
  /** Agent id -> live sessions (absent: none). */
  readonly counts: ReadonlyMap<string, number>;
  /** The read model's checkpoint for exactly these counts (same snapshot): sessions started after it are not in them. */
  readonly checkpoint: string;
}

interface Pending {
  readonly agentId: string;
  /** The checkpoint of the accept's session events; undefined while the session is being opened. */
  checkpoint?: string;
}

/**
 * Sessions this node just gave agents by an accept (Q-5), until the sessions' read model counts
 * them (SES-3). Routing adds them to the read model's count, so an accept is answered as soon as
 * its session is stored (no wait for the projection) and the next offer still sees the agent's
 * real load.
 *
 * Node-local: a queue decided on another node meanwhile counts from the read model alone, as every
 * routing decision did before this overlay (the read model follows within a batch).
 */
export class PendingLoad {
  private readonly sessions = new Map<string, Pending>();

  /** The agent has taken `sessionId` (the queue stored the accept); its session is being opened. */
  add(sessionId: string, agentId: string): void {
    this.sessions.set(sessionId, { agentId });
  }

  /** The session is stored up to `checkpoint`: counted here until the read model has reached it. */
  opened(sessionId: string, checkpoint: string | undefined): void {
    const entry = this.sessions.get(sessionId);
    if (!entry) return;
    if (checkpoint === undefined) this.sessions.delete(sessionId);
    else entry.checkpoint = checkpoint;
  }

  /** The session was not opened here (the accept failed): the reaction to the accept opens it, and the read model counts it then. */
  forget(sessionId: string): void {
    this.sessions.delete(sessionId);
  }

  /**
   * The read model's counts plus the sessions it does not show yet, per agent. Sessions the read
   * model has reached (their checkpoint at or before `load.checkpoint`) are forgotten: it counts them.
   * @throws DomainError INVALID_CONSISTENCY_TOKEN when a checkpoint is not one the store wrote (a bug)
   */
  over(load: CountedLoad): Map<string, number> {
    const counts = new Map(load.counts);
    for (const [sessionId, { agentId, checkpoint }] of this.sessions) {
      if (checkpoint !== undefined && compareCheckpoints(checkpoint, load.checkpoint) <= 0) {
        this.sessions.delete(sessionId);
        continue;
      }
      counts.set(agentId, (counts.get(agentId) ?? 0) + 1);
    }
    return counts;
  }

  /** Sessions waiting to be counted (for tests and metrics). */
  get size(): number {
    return this.sessions.size;
  }
}
