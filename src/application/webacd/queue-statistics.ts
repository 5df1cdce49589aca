import { estimateWait } from '../../domain/queue/index.js';
import type { QueueOfferView, QueueOutcomes, QueueView } from './webacd.ports.js';

/**
 * A queue's live statistics, as a contact centre's wallboard shows them. Computed from the read
 * model whenever the queue changes (and on request); the window figures cover the items that
 * left the queue in the last `windowMs`.
 */
export interface QueueStatistics {
  /** Items waiting now. */
  readonly waiting: number;
  /** How long the item waiting longest has waited, ms (null: nothing waits). */
  readonly longestWaitMs: number | null;
  /** Estimated wait for a request joining now, ms (null: no history yet). */
  readonly estimatedWaitMs: number | null;
  /** Available and free: no open inbound offer, no live session. */
  readonly agentsAvailable: number;
  /** Available but working: an open offer or at least one live session. */
  readonly agentsBusy: number;
  /** Not available. */
  readonly agentsAway: number;
  /** Open offers (a hand-over broadcast counts one per agent). */
  readonly offersOutstanding: number;
  /** Waiting items no agent of the queue has the skills for (RT-4). */
  readonly unservable: number;
  /** The rolling window the next figures cover, ms. */
  readonly windowMs: number;
  readonly serviceLevelThresholdMs: number;
  /** Items taken by an agent in the window. */
  readonly answered: number;
  /** Items whose customer left, or that were abandoned, in the window. */
  readonly abandoned: number;
  /** Share of the window's answered and abandoned items answered within the threshold, 0..1 (null: none). */
  readonly serviceLevel: number | null;
  /** Average wait of the window's answered items, ms (null: none). */
  readonly averageSpeedOfAnswerMs: number | null;
  /** Share of the window's items that were abandoned, 0..1 (null: none). */
  readonly abandonmentRate: number | null;
}

/**
 * Pure: the statistics from what the read model holds.
 * - Service level = answered within the threshold / (answered + abandoned): an abandoned item
 *   counts against it, whenever it left (the common "abandons count" definition).
 * - Average speed of answer = total wait of answered items / answered.
 * - Abandonment rate = abandoned / (answered + abandoned).
 */
export function queueStatistics(input: {
  readonly queue: QueueView;
  readonly now: Date;
  readonly oldestWaiting: Date | null;
  readonly offers: readonly Pick<QueueOfferView, 'agentId'>[];
  readonly outcomes: QueueOutcomes;
  readonly liveSessions: ReadonlyMap<string, number>;
  readonly unservable: number;
  readonly windowMs: number;
}): QueueStatistics {
  const { queue, now, oldestWaiting, offers, outcomes, liveSessions } = input;
  const offered = new Set(offers.map((o) => o.agentId));
  let agentsAvailable = 0;
  let agentsBusy = 0;
  let agentsAway = 0;
  for (const agent of queue.agents) {
    if (!agent.available) agentsAway++;
    else if (offered.has(agent.agentId) || (liveSessions.get(agent.agentId) ?? 0) > 0) agentsBusy++;
    else agentsAvailable++;
  }
  const closed = outcomes.answered + outcomes.abandoned;
  return {
    waiting: queue.waiting,
    longestWaitMs: oldestWaiting ? Math.max(0, now.getTime() - oldestWaiting.getTime()) : null,
    estimatedWaitMs: estimateWait(queue.recentWaitsMs, queue.waiting + 1, agentsAvailable + agentsBusy),
    agentsAvailable,
    agentsBusy,
    agentsAway,
    offersOutstanding: offers.length,
    unservable: input.unservable,
    windowMs: input.windowMs,
    serviceLevelThresholdMs: queue.serviceLevelThresholdMs,
    answered: outcomes.answered,
    abandoned: outcomes.abandoned,
    serviceLevel: closed > 0 ? outcomes.answeredWithinThreshold / closed : null,
    averageSpeedOfAnswerMs: outcomes.answered > 0 ? Math.round(outcomes.answeredWaitMs / outcomes.answered) : null,
    abandonmentRate: closed > 0 ? outcomes.abandoned / closed : null,
  };
}
