import type { RecordedEvent, Subscription, SubscriptionHandlerContext } from '../../application/event-store/event-store.port.js';
import type { WakeUp } from './wake-up.js';

export interface PollingSubscriptionOptions {
  from: string;
  read(from: string, max: number): Promise<RecordedEvent[]>;
  head(): Promise<string | undefined>;
  compare(a: string, b: string): number;
  handler(events: readonly RecordedEvent[], context: SubscriptionHandlerContext): Promise<void>;
  wakeUp: WakeUp;
  batchSize: number;
  pollIntervalMs: number;
  onError?: (error: unknown) => void;
  onClose(): void;
}

/**
 * Catch-up, then live: reads batches after its checkpoint and hands them to the handler one at
 * a time. When the log is drained it sleeps until woken (an append here, a NOTIFY from another
 * node) or the poll interval passes. Right after a wake-up it looks again quickly: a commit can
 * stay hidden for a moment behind an older transaction that is still running.
 */
export class PollingSubscription implements Subscription {
  private checkpoint: string;
  private running = true;
  private readonly done: Promise<void>;
  private caughtUpWaiters: { target: string; resolve: () => void }[] = [];

  constructor(private readonly options: PollingSubscriptionOptions) {
    this.checkpoint = options.from;
    this.done = this.loop();
  }

  async close(): Promise<void> {
    this.running = false;
    this.options.wakeUp.signal();
    await this.done;
    this.options.onClose();
  }

  async caughtUp(): Promise<void> {
    const target = await this.options.head();
    if (target === undefined || this.options.compare(this.checkpoint, target) >= 0) return;
    await new Promise<void>((resolve) => this.caughtUpWaiters.push({ target, resolve }));
  }

  private async loop(): Promise<void> {
    let idleDelay = 2;
    // While the database is away: 250 ms, doubling to 5 s, back to 250 ms after a good read.
    let failureDelay = 250;
    while (this.running) {
      let batch: RecordedEvent[];
      try {
        batch = await this.options.read(this.checkpoint, this.options.batchSize);
        failureDelay = 250;
      } catch (error) {
        if (!this.running) break;
        this.options.onError?.(error);
        // Our backoff, not p-retry's: it waits on the wake-up, so an append or a NOTIFY (the
        // database is back) ends the wait early, and a consumer loop never runs out of retries.
        await this.options.wakeUp.wait(failureDelay);
        failureDelay = Math.min(failureDelay * 2, 5000);
        continue;
      }
      if (batch.length > 0) {
        const checkpoint = batch[batch.length - 1]!.checkpoint;
        try {
          await this.options.handler(batch, { checkpoint });
        } catch (error) {
          if (!this.running) break;
          this.options.onError?.(error);
          await this.options.wakeUp.wait(failureDelay);
          failureDelay = Math.min(failureDelay * 2, 5000);
          continue;
        }
        this.checkpoint = checkpoint;
        this.releaseCaughtUp();
        idleDelay = 2;
        continue;
      }
      this.releaseCaughtUp();
      if (!this.running) break;
      // Short waits after activity, back to the poll interval when nothing comes.
      const woken = await this.options.wakeUp.wait(Math.min(idleDelay, this.options.pollIntervalMs));
      idleDelay = woken ? 2 : Math.min(idleDelay * 2, this.options.pollIntervalMs);
    }
    for (const waiter of this.caughtUpWaiters) waiter.resolve();
  }

  private releaseCaughtUp(): void {
    if (this.caughtUpWaiters.length === 0) return;
    const still: typeof this.caughtUpWaiters = [];
    for (const waiter of this.caughtUpWaiters) {
      if (this.options.compare(this.checkpoint, waiter.target) >= 0) waiter.resolve();
      else still.push(waiter);
    }
    this.caughtUpWaiters = still;
  }
}
