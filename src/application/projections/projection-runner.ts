import type { DataSource } from 'typeorm';
import { type EventStore, type RecordedEvent, START, type Subscription } from '../event-store/event-store.port.js';
import type { Projection } from './projection.js';

/**
 * Runs projections from the global log, each from the checkpoint it stored with its own rows.
 * A crash between batches loses nothing and repeats nothing: rows and checkpoint commit in one
 * transaction. `waitForEvent` gives mutations read-your-writes.
 */
/** The stored checkpoint is not where this runner stood: a rebuild swapped it, or another node moved it. */
class CheckpointMoved extends Error {
  constructor(readonly stored: string) {
    super(`checkpoint moved to ${stored}`);
  }
}

interface Running {
  readonly projection: Projection;
  subscription: Subscription;
  /** Where this runner stands in the log. */
  position: string;
  /** The checkpoint it last stored; its next write must find this one (the fence). Lags `position` over batches it had nothing to do for. */
  stored: string;
  resyncing: boolean;
}

export class ProjectionRunner {
  private readonly running: Running[] = [];
  private readonly projected = new Map<string, Set<string>>();
  private readonly waiters = new Map<string, { projection: string; resolve: () => void }[]>();

  constructor(
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
    private readonly projections: readonly Projection[],
    private readonly log: (message: string, error?: unknown) => void = () => undefined,
    /** Told of each batch once its rows are committed (live subscriptions listen here). */
    private readonly onApplied: (projection: string, events: readonly RecordedEvent[]) => void = () => undefined,
  ) {}

  async start(): Promise<void> {
    for (const projection of this.projections) {
      this.projected.set(projection.name, new Set());
      const position = await this.checkpointOf(projection.name);
      const entry = { projection, position, stored: position, resyncing: false } as Running;
      entry.subscription = this.follow(entry);
      this.running.push(entry);
    }
  }

  private follow(entry: Running): Subscription {
    return this.store.subscribe(entry.position, (events, { checkpoint }) => this.applyBatch(entry, events, checkpoint), {
      onError: (error) => this.log(`projection ${entry.projection.name} failed; retrying`, error),
    });
  }

  async stop(): Promise<void> {
    await Promise.all(this.running.splice(0).map((r) => r.subscription.close()));
    for (const list of this.waiters.values()) for (const w of list) w.resolve();
    this.waiters.clear();
  }

  /** Resolves once every running projection has passed this event (or after `timeoutMs`). */
  async waitForEvent(eventId: string, timeoutMs = 5000): Promise<boolean> {
    const pending = this.projections.filter((p) => !this.projected.get(p.name)?.has(eventId));
    if (pending.length === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const all = Promise.all(
      pending.map(
        (p) =>
          new Promise<void>((resolve) => {
            const list = this.waiters.get(eventId) ?? [];
            list.push({ projection: p.name, resolve });
            this.waiters.set(eventId, list);
          }),
      ),
    ).then(() => true);
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const done = await Promise.race([all, timeout]);
    clearTimeout(timer);
    return done;
  }

  /** Resolves when every projection has caught up with the log as it is now. */
  async caughtUp(): Promise<void> {
    await Promise.all(this.running.map((r) => r.subscription.caughtUp()));
  }

  /** Where each projection stands (the checkpoint of the last batch it committed). */
  positions(): Record<string, string> {
    return Object.fromEntries(this.running.map((r) => [r.projection.name, r.position]));
  }

  private async applyBatch(entry: Running, events: readonly RecordedEvent[], checkpoint: string): Promise<void> {
    if (entry.resyncing) return; // a superseded subscription draining; its successor reads from the stored checkpoint
    const { projection } = entry;
    const handled = events.filter((event) => projection.handles.has(event.type));
    if (handled.length === 0) {
      // Nothing for this read model: no transaction, no fsync. The stored checkpoint lags until
      // the next batch it has work in (a restart re-reads a few events it ignores anyway).
      entry.position = checkpoint;
      this.markProjected(projection.name, events);
      return;
    }
    try {
      await this.dataSource.transaction(async (tx) => {
        // The fence: the stored checkpoint must be the one this runner last wrote, and stays locked until commit.
        const rows = (await tx.query('SELECT checkpoint FROM projection_checkpoints WHERE name = $1 FOR UPDATE', [projection.name])) as { checkpoint: string }[];
        const stored = rows[0]?.checkpoint ?? START;
        if (stored !== entry.stored) throw new CheckpointMoved(stored);
        await projection.apply(tx, handled);
        await tx.query(
          `INSERT INTO projection_checkpoints (name, checkpoint, updated_at) VALUES ($1, $2, now())
           ON CONFLICT (name) DO UPDATE SET checkpoint = EXCLUDED.checkpoint, updated_at = now()`,
          [projection.name, checkpoint],
        );
      });
    } catch (error) {
      if (!(error instanceof CheckpointMoved)) throw error;
      entry.resyncing = true;
      void this.resync(entry, error.stored);
      return;
    }
    entry.position = checkpoint;
    entry.stored = checkpoint;
    this.onApplied(projection.name, events);
    this.markProjected(projection.name, events);
  }

  /** Releases the mutations waiting for these events; remembers recent ids only. */
  private markProjected(name: string, events: readonly RecordedEvent[]): void {
    const seen = this.projected.get(name)!;
    for (const event of events) {
      seen.add(event.id);
      const list = this.waiters.get(event.id);
      if (!list) continue;
      const still = list.filter((w) => (w.projection === name ? (w.resolve(), false) : true));
      if (still.length > 0) this.waiters.set(event.id, still);
      else this.waiters.delete(event.id);
    }
    if (seen.size > 50_000) for (const id of [...seen].slice(0, seen.size - 25_000)) seen.delete(id);
  }

  /** Follows the log again from the stored checkpoint (after a swap, or another node's progress). */
  private async resync(entry: Running, from: string): Promise<void> {
    await entry.subscription.close();
    if (!this.running.includes(entry)) return;
    // What lies between where this runner stood and the stored checkpoint was projected by
    // someone else (another node, a rebuild): waiters for those events may go on.
    let cursor = entry.stored;
    let pages = 0; // bounded: a checkpoint moved far (or back) is not worth a long scan; waiters then time out
    for (let page = await this.store.readAll(cursor, { maxCount: 1000 }); page.length > 0 && pages++ < 20; page = await this.store.readAll(cursor, { maxCount: 1000 })) {
      const end = page.findIndex((event) => event.checkpoint === from);
      const projectedElsewhere = end >= 0 ? page.slice(0, end + 1) : page;
      // Live subscribers of this node hear of those changes too (change feeds, close-media).
      this.onApplied(entry.projection.name, projectedElsewhere);
      this.markProjected(entry.projection.name, projectedElsewhere);
      if (end >= 0) break;
      cursor = page.at(-1)!.checkpoint;
    }
    entry.position = from;
    entry.stored = from;
    entry.resyncing = false;
    entry.subscription = this.follow(entry);
  }

  /** The stored checkpoint, creating the row so that even the first batch is fenced. */
  private async checkpointOf(name: string): Promise<string> {
    await this.dataSource.query(`INSERT INTO projection_checkpoints (name, checkpoint) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, [name, START]);
    const rows = (await this.dataSource.query('SELECT checkpoint FROM projection_checkpoints WHERE name = $1', [name])) as { checkpoint: string }[];
    return rows[0]?.checkpoint ?? START;
  }

}
