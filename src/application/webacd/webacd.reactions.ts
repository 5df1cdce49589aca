import type { RecordedEvent } from '../event-store/event-store.port.js';
import { SYSTEM } from '../identity/principal.js';
import type { JobScheduler } from '../jobs/job-scheduler.port.js';
import { type AcceptedData, JOBS, queueIdOf, type WebAcdService } from './webacd.service.js';

/** The events WebACD reacts to, with what it does (the compiler keeps the list and the switch together). */
const REACTS_TO = {
  ItemOffered: 'a timer for the offer (ExpireOffer at expiresAt)',
  InboundRequestEnqueued: 'a timer for the longest wait (AbandonItem)',
  HandOverEnqueued: 'a timer for the longest wait (AbandonItem)',
  OfferAccepted: 'the agent becomes the controller (inbound session started / hand-over accepted)',
  HandedToQueue: "the session's hand-over enters its queue",
  SessionEnded: 'freed capacity: queues with waiting items route again',
} as const;
type ReactionType = keyof typeof REACTS_TO;
/** The event types the reactions consume (the runner hands them only these). */
export const WEBACD_REACTION_TYPES: readonly string[] = Object.keys(REACTS_TO);

/** Sessions started or handed over at once by one reaction batch. */
const CONCURRENCY = 16;

/**
 * WebACD's reactions, run from a checkpointed subscription of their own (never an in-process
 * bus): every side effect has an id derived from what caused it (job ids, command ids), so a
 * batch repeated after a crash repeats nothing. Timers of a batch are scheduled in one call.
 */
export class WebAcdReactions {
  constructor(
    private readonly webacd: WebAcdService,
    private readonly jobs: JobScheduler,
    private readonly options: { maxWaitMs: number },
  ) {}

  /**
   * The batch's reactions. Accepted offers are completed, and hand-overs enqueued, CONCURRENCY at a
   * time (each session is its own stream; every one's command id is derived, so a repeat is harmless).
   * `keepAlive` runs between chunks: the runner holds its checkpoint transaction open while the
   * batch runs, and a statement keeps it from idling out (DB_IDLE_IN_TRANSACTION_TIMEOUT_MS).
   */
  async reactToBatch(events: readonly RecordedEvent[], keepAlive: () => Promise<unknown> = async () => undefined): Promise<void> {
    const timers: { name: string; data: Record<string, unknown>; jobId: string; delayMs: number }[] = [];
    const work: (() => Promise<unknown>)[] = [];
    let routeAgain = false;
    for (const event of events) {
      const type = event.type as ReactionType;
      const data = event.data as Record<string, any>;
      const queueId = queueIdOf(event.streamId);
      switch (type) {
        case 'ItemOffered':
          timers.push({ name: JOBS.expireOffer, data: { queueId, offerId: data.offerId }, jobId: `expire:${data.offerId}`, delayMs: Date.parse(data.expiresAt) - Date.now() });
          break;
        case 'InboundRequestEnqueued':
        case 'HandOverEnqueued':
          timers.push({ name: JOBS.abandonItem, data: { queueId, itemId: data.itemId }, jobId: `abandon:${data.itemId}`, delayMs: this.options.maxWaitMs });
          break;
        case 'OfferAccepted':
          work.push(() => this.webacd.completeAcceptanceLeftOpen(data as AcceptedData, { userId: data.agentId, roles: ['csr'], flags: { webacdAgent: true } }));
          break;
        case 'HandedToQueue':
          work.push(() => this.enqueueHandOver(event));
          break;
        case 'SessionEnded':
          routeAgain = true;
          break;
        default:
          break;
      }
    }
    for (let i = 0; i < work.length; i += CONCURRENCY) {
      await Promise.all(work.slice(i, i + CONCURRENCY).map((run) => run()));
      await keepAlive();
    }
    if (timers.length > 0) await this.jobs.scheduleMany(timers);
    if (routeAgain) await Promise.all((await this.webacd.queuesWithWaiting()).map((id) => this.webacd.execute(SYSTEM, id, 'RouteWaitingItems', {})));
  }

  /** Timer: the offer's time is up (harmless when it was answered, or when the job runs twice). */
  async expireOffer(queueId: string, offerId: string): Promise<void> {
    await this.webacd.execute(SYSTEM, queueId, 'ExpireOffer', { offerId }, `expire:${offerId}`);
  }

  /** Timer: the item waited the longest allowed (harmless once it left). */
  async abandonItem(queueId: string, itemId: string): Promise<void> {
    await this.webacd.execute(SYSTEM, queueId, 'AbandonItem', { itemId }, `abandon:${itemId}`);
  }

  /** the session was handed over; its item waits in the target queue (or, for named agents, a queue they share). */
  private async enqueueHandOver(event: RecordedEvent): Promise<void> {
    const data = event.data as {
      target: { kind: 'queue'; queueId: string } | { kind: 'agents'; agentIds: string[] };
      message: string | null;
      by: string;
      requiredSkills?: { skill: string; minLevel: number }[];
    };
    const sessionId = event.streamId.slice('session-'.length);
    const queueId = data.target.kind === 'queue' ? data.target.queueId : await this.webacd.queueOfAgents(data.target.agentIds);
    if (!queueId) return; // refused before HandToQueue was issued; nothing to route
    await this.webacd.execute(
      SYSTEM,
      queueId,
      'EnqueueHandOver',
      {
        itemId: `handover:${sessionId}:${event.version}`,
        sessionId,
        handedBy: data.by,
        message: data.message,
        target: data.target,
        ...(data.requiredSkills?.length ? { requiredSkills: data.requiredSkills } : {}),
      },
      `enqueue:${event.id}`,
    );
  }
}
