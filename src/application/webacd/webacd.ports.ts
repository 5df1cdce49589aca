/** What the WebACD use cases need from the read side and from identity; infrastructure implements them. */
import type { QueueTopic, RequiredSkill } from '../../domain/queue/index.js';
import type { CountedLoad } from './pending-load.js';

/** A queue's summary row: small whatever the length of its line (items and offers have rows of their own). */
export interface QueueView {
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly agentIds: readonly string[];
  /** Each agent of the queue: available or away, and since when idle (longest-idle routing). */
  readonly agents: readonly { readonly agentId: string; readonly available: boolean; readonly idleSince: string }[];
  readonly offerTimeoutMs: number;
  readonly topics: readonly QueueTopic[];
  readonly serviceLevelThresholdMs: number;
  /** Items waiting now. */
  readonly waiting: number;
  /** Enqueued-to-accepted durations of the last 20 accepted items (wait estimate). */
  readonly recentWaitsMs: readonly number[];
  readonly version: number;
  /** On a mutation's answer: the global checkpoint of the queue's last event (see SessionView). */
  readonly consistencyToken?: string;
}

/** A waiting item, as the queue's agents see it. */
export interface QueueItemView {
  readonly queueId: string;
  readonly itemId: string;
  readonly kind: 'inbound' | 'hand_over';
  readonly enqueuedAt: Date;
  readonly sessionId: string | null;
  readonly customerId: string | null;
  readonly customerName: string | null;
  readonly problem: string | null;
  readonly originUrl: string | null;
  readonly message: string | null;
  readonly topic: string | null;
  readonly requiredSkills: readonly RequiredSkill[];
}

/** An open offer, with what the agent needs to decide (the item's details and the queue's name). */
export interface QueueOfferView {
  readonly offerId: string;
  readonly queueId: string;
  readonly queueName: string;
  readonly itemId: string;
  readonly agentId: string;
  readonly offeredAt: Date;
  readonly expiresAt: Date;
  readonly item: QueueItemView | null;
}

/** Outcomes of the items that left the queue within a window (statistics). */
export interface QueueOutcomes {
  /** Items an agent took. */
  readonly answered: number;
  /** Of those, taken within the service level threshold. */
  readonly answeredWithinThreshold: number;
  /** Items whose customer left, or that were abandoned (too long a wait, queue closed). */
  readonly abandoned: number;
  /** Sum of the answered items' waits, ms. */
  readonly answeredWaitMs: number;
}

export interface QueueReadModel {
  byId(id: string): Promise<QueueView | undefined>;
  list(): Promise<QueueView[]>;
  /** Open queues the agent belongs to. */
  ofAgent(agentId: string): Promise<QueueView[]>;
  /** The first `limit` waiting items, first in first out. */
  items(queueId: string, limit: number): Promise<QueueItemView[]>;
  /** The open offers of a queue. */
  offers(queueId: string): Promise<QueueOfferView[]>;
  /** The open offers made to an agent, across queues. */
  offersOf(agentId: string): Promise<QueueOfferView[]>;
  /** Waiting items counted by the skills they need (a few rows: one per skill set). */
  waitingBySkills(queueId: string): Promise<{ readonly requiredSkills: readonly RequiredSkill[]; readonly count: number }[]>;
  /** When the item waiting longest was enqueued, or null when none waits. */
  oldestWaiting(queueId: string): Promise<Date | null>;
  /** What became of the items that left the queue since `since`. */
  outcomes(queueId: string, since: Date, thresholdMs: number): Promise<QueueOutcomes>;
}

export interface AgentLoad {
  /**
   * Live sessions of every CSR who has any (SES-3 capacity), as the sessions' read model counts
   * them, with the checkpoint that read model stood at for these counts (one snapshot).
   */
  liveSessions(): Promise<CountedLoad>;
}

/** Tokens for customers who ask for help from a web page (SES-2): customer role only. */
export interface GuestTokens {
  issue(customerId: string, name: string): Promise<string>;
}

export const QUEUE_READ_MODEL = Symbol('QueueReadModel');
