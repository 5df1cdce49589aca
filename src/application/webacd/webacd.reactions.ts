import type { RecordedEvent } from '../event-store/event-store.port.js';
import { SYSTEM } from '../identity/principal.js';
import type { JobScheduler } from '../jobs/job-scheduler.port.js';
import { type AcceptedData, JOBS, queueIdOf, type WebAcdService } from './webacd.service.js';

/** The events WebACD reacts to, with what it does (the compiler keeps the list and the switch together). */
const REACTS_TO = {
  ItemOffered: "the queue's timer for offers due then (ExpireOffer each, at expiresAt)",
  InboundRequestEnqueued: "the queue's timer for items that waited the longest allowed (AbandonItem each)",
  HandOverEnqueued: "the queue's timer for items that waited the longest allowed (AbandonItem each)",
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
 * Timers are shared by everything of a queue due in the same slot: offers expire at most this late
 * (ms), items are abandoned at most ABANDON_SLOT_MS late. One job per queue and slot, not one per
 * offer and one per item (each job is a write to the job store: at 150 requests/s that was 300 writes/s).
 */
const EXPIRE_SLOT_MS = 250;
const ABANDON_SLOT_MS = 1000;

/**
 * WebACD's reactions, run from a checkpointed subscription of their own (never an in-process
 * bus): every side effect has an id derived from what caused it (job ids, command ids), so a
 * batch repeated after a crash repeats nothing. Timers of a batch are scheduled in one call.
 */
export class WebAcdReactions {
  /** Slot timers this node scheduled (job id -> the slot's end, ms): a slot is scheduled once, not per event. */
  private readonly scheduled = new Map<string, number>();

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
          this.slot(timers, JOBS.expireDue, 'expire-due', queueId!, Date.parse(data.expiresAt), EXPIRE_SLOT_MS);
          break;
        case 'InboundRequestEnqueued':
        case 'HandOverEnqueued':
          this.slot(timers, JOBS.abandonDue, 'abandon-due', queueId!, Date.parse(data.at ?? event.recordedAt.toISOString()) + this.options.maxWaitMs, ABANDON_SLOT_MS);
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
    if (timers.length > 0) {
      await this.jobs.scheduleMany(timers);
      this.remember(timers);
    }
    if (routeAgain) await Promise.all((await this.webacd.queuesWithWaiting()).map((id) => this.webacd.execute(SYSTEM, id, 'RouteWaitingItems', {})));
  }

  /**
   * The queue's timer for the slot `due` falls in (its end, a multiple of `slotMs`), unless this
   * node scheduled it already. The job id names the queue and the slot: a batch repeated after a
   * crash, or another node, schedules the same job again, which the job store keeps once.
   */
  private slot(
    timers: { name: string; data: Record<string, unknown>; jobId: string; delayMs: number }[],
    name: string,
    kind: string,
    queueId: string,
    due: number,
    slotMs: number,
  ): void {
    const end = Math.ceil(due / slotMs) * slotMs;
    const jobId = `${kind}:${queueId}:${end}`;
    if (this.scheduled.has(jobId) || timers.some((t) => t.jobId === jobId)) return;
    timers.push({ name, data: { queueId }, jobId, delayMs: Math.max(0, end - Date.now()) });
  }

  /** Remembers the slots just stored (only once stored: a batch that failed schedules them again). */
  private remember(timers: readonly { jobId: string; delayMs: number }[]): void {
    const now = Date.now();
    for (const [id, end] of this.scheduled) if (end < now - 60_000) this.scheduled.delete(id);
    for (const t of timers) this.scheduled.set(t.jobId, now + t.delayMs);
  }

  /** Timer: the queue's offers due by now expire (harmless when they were answered, or when the job runs twice). */
  async expireDue(queueId: string): Promise<void> {
    await this.webacd.expireDue(queueId);
  }

  /** Timer: the queue's items that waited the longest allowed are abandoned (harmless once they left). */
  async abandonDue(queueId: string): Promise<void> {
    await this.webacd.abandonDue(queueId);
  }

  /** Timer of before (one per offer): the offer's time is up (harmless when it was answered, or when the job runs twice). */
  async expireOffer(queueId: string, offerId: string): Promise<void> {
    await this.webacd.execute(SYSTEM, queueId, 'ExpireOffer', { offerId }, `expire:${offerId}`);
  }

  /** Timer of before (one per item): the item waited the longest allowed (harmless once it left). */
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
