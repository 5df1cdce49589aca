/** What the WebACD use cases need from the read side and from identity; infrastructure implements them. */
export interface QueueView {
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly agentIds: readonly string[];
  readonly waiting: number;
  readonly state: Record<string, unknown>;
  readonly version: number;
  /** On a mutation's answer: the global checkpoint of the queue's last event (see SessionView). */
  readonly consistencyToken?: string;
}

export interface QueueReadModel {
  byId(id: string): Promise<QueueView | undefined>;
  list(): Promise<QueueView[]>;
  /** Open queues an agent belongs to or holds an offer of. */
  ofAgent(agentId: string): Promise<QueueView[]>;
}

export interface AgentLoad {
  /** Live sessions each agent is in now (SES-3 capacity). */
  liveSessions(agentIds: readonly string[]): Promise<Record<string, number>>;
}

/** Tokens for customers who ask for help from a web page (SES-2): customer role only. */
export interface GuestTokens {
  issue(customerId: string, name: string): Promise<string>;
}

export const QUEUE_READ_MODEL = Symbol('QueueReadModel');
