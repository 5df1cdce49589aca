import { Mutex } from 'async-mutex';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { compareCheckpoints } from '../../application/event-store/checkpoint-order.js';
import { type EventStore, type RecordedEvent, START, type Subscription } from '../../application/event-store/event-store.port.js';
import type { Projection } from './projection.js';
import { inSpanContinuing, traceContextIn } from '../../application/operations/tracing.js';

/** The stored checkpoint is not where this node stood: a rebuild swapped it, or another node moved it. */
class CheckpointMoved extends Error {
  constructor(readonly stored: string) {
    super(`checkpoint moved to ${stored}`);
  }
}

/**
 * A read model answers queries (consistency tokens and `caughtUp` wait for it, and its committed
 * batches feed the change feeds); a reaction only has side effects.
 */
export type ConsumerKind = 'read-model' | 'reaction';

interface Consumer {
  readonly projection: Projection;
  readonly kind: ConsumerKind;
  /** This node holds the consumer's lease and applies its batches; otherwise it follows the leader's checkpoint. */
  leading: boolean;
  /** Where this consumer is known to be projected: by this node when leading, by the leader's stored checkpoint otherwise. */
  position: string;
  /** The checkpoint this node last stored; its next write must find this one (the fence). */
  stored: string;
  /** Following: events of its types that the leader has not yet been seen to project (for change feeds and tokens). */
  pending: RecordedEvent[];
}

export interface ProjectionRunnerOptions {
  /**
   * Projection leadership: each consumer runs on one node at a time, the holder of a PostgreSQL
   * advisory lock on a connection of its own to `connectionString`. When that node dies its
   * connection drops, the lock frees, and another node takes the consumer over from its stored
   * checkpoint within `leaseRetryMs`. Without it, this runner leads every consumer (tools, tests,
   * benchmarks); the checkpoint fence still keeps two runners from applying a batch twice.
   */
  readonly leadership?: { readonly connectionString: string; readonly leaseRetryMs?: number; readonly node?: string };
  /** How often a follower looks at the leader's checkpoints while it has events the leader has not shown yet. */
  readonly followPollMs?: number;
  /** Told when this node starts or stops leading a consumer. */
  readonly onLeadership?: (consumer: string, leading: boolean) => void;
  /** Told how many events of a consumer's types this node applied, after each commit. */
  readonly countApplied?: (consumer: string, events: number) => void;
  /** Told of every batch this node's reader reads, before any consumer applies it (on every node, leading or not). */
  readonly onRead?: (events: readonly RecordedEvent[]) => void;
}

const LOCK_SPACE = 0x7a6e_6401; // advisory lock namespace: "projection leases"

/**
 * One reader of the global log per node. A single subscription reads each event once and hands
 * every consumer (read-model projections and reactions) the events of its own types after its
 * own checkpoint; consumers are applied side by side and each keeps its own checkpoint, stored in
 * the same transaction as its rows (a crash loses and repeats nothing). With leadership on, a
 * consumer is applied only by the node holding its lease; the others follow its stored
 * checkpoint, so their change feeds and consistency tokens still see its progress.
 */
export class ProjectionRunner {
  private readonly consumers: Consumer[] = [];
  private subscription?: Subscription;
  /** The checkpoint of the last batch the reader finished (every consumer has seen it). */
  private readerPosition = START;
  private started = false;
  private stopped = false;
  /** Batches, catch-ups and lease changes take turns (FIFO). */
  private readonly turn = new Mutex();
  private checkpointWaiters: { checkpoint: string; resolve: (reached: boolean) => void }[] = [];
  private lockClient?: pg.Client;
  private leaseTimer?: NodeJS.Timeout;
  private followTimer?: NodeJS.Timeout;
  private readonly appliedCount = new Map<string, number>();

  constructor(
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
    projections: readonly Projection[] = [],
    private readonly log: (message: string, error?: unknown) => void = () => undefined,
    /** Told of each batch once a read model's rows are committed, by this node or by the leader (change feeds listen here). */
    private readonly onApplied: (projection: string, events: readonly RecordedEvent[]) => void = () => undefined,
    private readonly options: ProjectionRunnerOptions = {},
  ) {
    for (const projection of projections) this.add(projection, 'read-model');
  }

  /** Adds a consumer; only before `start`. Names are unique: they key the checkpoint and the lease. */
  add(projection: Projection, kind: ConsumerKind): void {
    if (this.started) throw new Error(`projection ${projection.name} added after the runner started`);
    if (this.consumers.some((c) => c.projection.name === projection.name)) throw new Error(`projection ${projection.name} added twice`);
    this.consumers.push({ projection, kind, leading: !this.options.leadership, position: START, stored: START, pending: [] });
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    for (const c of this.consumers) {
      c.stored = await this.checkpointOf(c.projection.name);
      c.position = c.stored;
    }
    if (this.options.leadership) await this.claimLeases();
    const positions = this.consumers.map((c) => c.position);
    this.readerPosition = positions.reduce((min, p) => (compareCheckpoints(p, min) < 0 ? p : min), positions[0] ?? START);
    this.subscription = this.store.subscribe(this.readerPosition, (events, { checkpoint }) => this.inTurn(() => this.onBatch(events, checkpoint)), {
      onError: (error) => this.log('projection batch failed; retrying', error),
    });
    if (this.options.leadership) this.scheduleLeases();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.leaseTimer);
    clearTimeout(this.followTimer);
    await this.subscription?.close();
    await this.turn.waitForUnlock();
    await this.reactionsDrained.catch(() => undefined);
    const client = this.lockClient;
    this.lockClient = undefined;
    await client?.end().catch(() => undefined); // frees the leases at once
    for (const w of this.checkpointWaiters.splice(0)) w.resolve(false);
  }

  /**
   * Resolves true once every read model has been projected up to `checkpoint` (a consistency
   * token), by this node or by the node leading it; false after `timeoutMs`.
   * @throws DomainError INVALID_CONSISTENCY_TOKEN when `checkpoint` is not one the store wrote
   */
  reached(checkpoint: string, timeoutMs: number): Promise<boolean> {
    compareCheckpoints(checkpoint, checkpoint);
    if (this.hasReached(checkpoint)) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const waiter = {
        checkpoint,
        resolve: (reached: boolean) => {
          clearTimeout(timer);
          resolve(reached);
        },
      };
      const timer = setTimeout(() => {
        this.checkpointWaiters = this.checkpointWaiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
      this.checkpointWaiters.push(waiter);
    });
  }

  /** Resolves when every read model has been projected up to the log's end at call time (or after 30 s). */
  async caughtUp(): Promise<void> {
    await this.subscription?.caughtUp();
    await this.reached(this.readerPosition, 30_000);
  }

  /** Where each read model stands (the checkpoint up to which it is known to be projected). */
  positions(): Record<string, string> {
    return Object.fromEntries(this.consumers.filter((c) => c.kind === 'read-model').map((c) => [c.projection.name, c.position]));
  }

  /** The consumers this node leads now. */
  leading(): string[] {
    return this.consumers.filter((c) => c.leading).map((c) => c.projection.name);
  }

  /** Events this node has applied per consumer since it started (for metrics and the leadership test). */
  applied(): Record<string, number> {
    return Object.fromEntries(this.appliedCount);
  }

  // ---- the batch path

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    return this.turn.runExclusive(work);
  }

  /**
   * Read models first, side by side; then reactions, which may read them: a reaction to an event
   * sees every read model at least as new as that event (by this node or by their leader).
   */
  private async onBatch(events: readonly RecordedEvent[], checkpoint: string): Promise<void> {
    this.options.onRead?.(events);
    const readModels = this.consumers.filter((c) => c.kind === 'read-model');
    const reactions = this.consumers.filter((c) => c.kind === 'reaction');
    await Promise.all(readModels.map((c) => (c.leading ? this.lead(c, events, checkpoint, this.readerPosition) : this.follow(c, events))));
    const previous = this.readerPosition;
    this.readerPosition = checkpoint;
    this.releaseCheckpointWaiters();
    if (!reactions.some((c) => c.leading)) return;
    // Reactions run behind the reader, in order, on a line of their own: slow side effects do not
    // hold up the read models (the reader waits only when that line is long).
    this.reactionLine.push({ events, from: previous, checkpoint });
    this.drainReactions();
    if (this.reactionLine.length > 20) await this.reactionsDrained;
  }

  private readonly reactionLine: { events: readonly RecordedEvent[]; from: string; checkpoint: string }[] = [];
  private reactionsDrained: Promise<void> = Promise.resolve();
  private draining = false;

  private drainReactions(): void {
    if (this.draining) return;
    this.draining = true;
    this.reactionsDrained = (async () => {
      while (!this.stopped && this.reactionLine.length > 0) {
        const { events, from, checkpoint } = this.reactionLine[0]!;
        try {
          if (!this.hasReached(checkpoint) && !(await this.reachedWithin(checkpoint, 10_000)))
            throw new Error(`read models followed from other nodes have not reached ${checkpoint}; reactions wait`);
          await Promise.all(this.consumers.filter((c) => c.kind === 'reaction' && c.leading).map((c) => this.lead(c, events, checkpoint, from)));
          this.reactionLine.shift();
        } catch (error) {
          // A consumer's loop, not a call to retry (no budget: the line waits until the batch passes).
          this.log('reaction batch failed; retrying', error);
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
      }
      this.draining = false;
    })();
  }

  /** `reached` from inside the batch path: follower polling runs outside the turn, so it cannot deadlock. */
  private reachedWithin(checkpoint: string, timeoutMs: number): Promise<boolean> {
    this.scheduleFollow(0);
    return this.reached(checkpoint, timeoutMs);
  }

  /** Applies the events of the consumer's types after its position, with the fence. */
  private async lead(c: Consumer, events: readonly RecordedEvent[], checkpoint: string, from = this.readerPosition): Promise<void> {
    if (compareCheckpoints(checkpoint, c.position) <= 0) return; // its checkpoint is past this batch
    // Behind where this batch starts (it just became leader, or a checkpoint moved back): read the gap.
    if (compareCheckpoints(c.position, from) < 0) await this.catchUp(c, from);
    const fresh = events.filter((e) => compareCheckpoints(e.checkpoint, c.position) > 0);
    await this.applyFenced(c, fresh, checkpoint);
  }

  /**
   * Applies `events` (already after the consumer's position) and stores `checkpoint` in one
   * transaction; a batch without events of its types only moves the position (no transaction,
   * the stored checkpoint lags until the next batch it has work in).
   */
  private async applyFenced(c: Consumer, events: readonly RecordedEvent[], checkpoint: string): Promise<void> {
    const { projection } = c;
    const handled = events.filter((e) => projection.handles.has(e.type));
    if (handled.length === 0) {
      c.position = checkpoint;
      return;
    }
    try {
      // A span per batch in the trace of the request that wrote its first event (linked to the others').
      const span = `${c.kind === 'reaction' ? 'reaction' : 'projection'} ${projection.name}`;
      const attributes = { 'tandem.projection': projection.name, 'tandem.events': handled.length, 'tandem.checkpoint': checkpoint };
      await inSpanContinuing(
        span,
        attributes,
        handled.map((e) => traceContextIn(e.metadata)),
        () =>
          this.dataSource.transaction(async (tx) => {
            // The fence: the stored checkpoint must be the one this node last wrote, and stays locked until commit.
            const rows = (await tx.query('SELECT checkpoint FROM projection_checkpoints WHERE name = $1 FOR UPDATE', [projection.name])) as { checkpoint: string }[];
            const stored = rows[0]?.checkpoint ?? START;
            if (stored !== c.stored) throw new CheckpointMoved(stored);
            await projection.apply(tx, handled);
            await tx.query(
              `INSERT INTO projection_checkpoints (name, checkpoint, updated_at) VALUES ($1, $2, now())
           ON CONFLICT (name) DO UPDATE SET checkpoint = EXCLUDED.checkpoint, updated_at = now()`,
              [projection.name, checkpoint],
            );
          }),
      );
    } catch (error) {
      if (!(error instanceof CheckpointMoved)) throw error;
      await this.moved(c, error.stored, events, checkpoint);
      return;
    }
    c.position = checkpoint;
    c.stored = checkpoint;
    this.appliedCount.set(projection.name, (this.appliedCount.get(projection.name) ?? 0) + handled.length);
    this.options.countApplied?.(projection.name, handled.length);
    if (c.kind === 'read-model') this.onApplied(projection.name, events);
  }

  /**
   * Someone else (a rebuild's swap, a node that also believed it led) stored another checkpoint:
   * what lies up to it was projected there; this node goes on from it.
   */
  private async moved(c: Consumer, stored: string, events: readonly RecordedEvent[], checkpoint: string): Promise<void> {
    this.log(`projection ${c.projection.name}: checkpoint moved to ${stored}; going on from there`);
    const elsewhere = events.filter((e) => compareCheckpoints(e.checkpoint, stored) <= 0);
    if (c.kind === 'read-model' && elsewhere.length > 0) this.onApplied(c.projection.name, elsewhere);
    c.stored = stored;
    c.position = stored;
    if (compareCheckpoints(stored, checkpoint) >= 0) return;
    // Behind this batch's end (a rebuild swapped in an older checkpoint): read the gap from the store.
    await this.catchUp(c, checkpoint);
  }

  /** Applies the consumer's events from its position up to `target`, read from the store page by page. */
  private async catchUp(c: Consumer, target: string): Promise<void> {
    while (!this.stopped && compareCheckpoints(c.position, target) < 0) {
      const page = (await this.store.readAll(c.position, { maxCount: 1000 })).filter((e) => compareCheckpoints(e.checkpoint, target) <= 0);
      if (page.length === 0) {
        c.position = target;
        return;
      }
      await this.applyFenced(c, page, page.at(-1)!.checkpoint);
    }
  }

  // ---- following a consumer another node leads

  private async follow(c: Consumer, events: readonly RecordedEvent[]): Promise<void> {
    if (c.kind !== 'read-model') return;
    const after = c.pending.at(-1)?.checkpoint ?? c.position; // a retried batch adds nothing twice
    for (const e of events) if (c.projection.handles.has(e.type) && compareCheckpoints(e.checkpoint, after) > 0) c.pending.push(e);
    if (c.pending.length > 10_000) c.pending.splice(0, c.pending.length - 10_000);
    if (c.pending.length > 0) this.scheduleFollow(0);
  }

  private scheduleFollow(delayMs: number): void {
    if (this.followTimer || this.stopped) return;
    this.followTimer = setTimeout(() => {
      this.followTimer = undefined;
      // Not in the turn: a batch may be waiting for exactly this (reactions after followed read models).
      void this.readLeaderCheckpoints().catch((error: unknown) => this.log('reading projection checkpoints failed; retrying', error));
      if (this.consumers.some((c) => !c.leading && c.pending.length > 0)) this.scheduleFollow(this.options.followPollMs ?? 20);
    }, delayMs);
    this.followTimer.unref?.();
  }

  /** Releases the followers' events that the leaders have stored checkpoints past. */
  private async readLeaderCheckpoints(): Promise<void> {
    const waiting = this.consumers.filter((c) => !c.leading && c.pending.length > 0);
    if (waiting.length === 0) return;
    const rows = (await this.dataSource.query('SELECT name, checkpoint FROM projection_checkpoints WHERE name = ANY($1)', [waiting.map((c) => c.projection.name)])) as {
      name: string;
      checkpoint: string;
    }[];
    const stored = new Map(rows.map((r) => [r.name, r.checkpoint]));
    for (const c of waiting) {
      const at = stored.get(c.projection.name);
      if (c.leading || !at || compareCheckpoints(at, c.position) <= 0) continue;
      c.position = at;
      const done = c.pending.filter((e) => compareCheckpoints(e.checkpoint, at) <= 0);
      c.pending = c.pending.filter((e) => compareCheckpoints(e.checkpoint, at) > 0);
      if (done.length > 0) this.onApplied(c.projection.name, done);
    }
    this.releaseCheckpointWaiters();
  }

  // ---- leases

  private scheduleLeases(): void {
    if (this.stopped) return;
    this.leaseTimer = setTimeout(() => {
      void this.inTurn(() => this.claimLeases())
        .catch((error: unknown) => this.log('projection leases: the lock connection failed; retrying', error))
        .finally(() => this.scheduleLeases());
    }, this.options.leadership?.leaseRetryMs ?? 1000);
    this.leaseTimer.unref?.();
  }

  /** Tries to take the lease of every consumer this node does not lead; a lost lock connection gives all of them up. */
  private async claimLeases(): Promise<void> {
    if (this.stopped) return;
    const client = await this.lockConnection();
    if (!client) return;
    for (const c of this.consumers) {
      if (c.leading) continue;
      const rows = (await client.query('SELECT pg_try_advisory_lock($1, hashtext($2)) AS won', [LOCK_SPACE, c.projection.name])).rows as { won: boolean }[];
      if (!rows[0]?.won) continue;
      // Leading from the checkpoint the last leader stored: nothing it committed is applied again,
      // nothing after it is skipped.
      c.stored = await this.checkpointOf(c.projection.name);
      const done = c.pending.filter((e) => compareCheckpoints(e.checkpoint, c.stored) <= 0);
      if (done.length > 0 && c.kind === 'read-model') this.onApplied(c.projection.name, done);
      c.pending = [];
      c.position = c.stored;
      c.leading = true;
      this.options.onLeadership?.(c.projection.name, true);
      if (this.subscription && compareCheckpoints(c.position, this.readerPosition) < 0) await this.catchUp(c, this.readerPosition);
    }
    this.releaseCheckpointWaiters();
  }

  private async lockConnection(): Promise<pg.Client | undefined> {
    if (this.lockClient) return this.lockClient;
    const client = new pg.Client({
      connectionString: this.options.leadership!.connectionString,
      application_name: `tandem-leases${this.options.leadership!.node ? ` ${this.options.leadership!.node}` : ''}`,
    });
    const lost = (error?: unknown) => {
      // The connection is gone, and the locks with it: another node may lead now.
      if (this.lockClient !== client) return;
      this.lockClient = undefined;
      this.log('projection leases: lock connection lost; following until it is back', error);
      for (const c of this.consumers) {
        if (!c.leading) continue;
        c.leading = false;
        this.options.onLeadership?.(c.projection.name, false);
      }
    };
    client.on('error', lost);
    client.on('end', () => lost());
    await client.connect();
    if (this.stopped) {
      await client.end();
      return undefined;
    }
    this.lockClient = client;
    return client;
  }

  // ---- consistency tokens

  private reachedBy(c: Consumer, checkpoint: string): boolean {
    if (c.leading) return compareCheckpoints(c.position, checkpoint) >= 0;
    // Following: the reader has passed it, and the leader has shown every event of its types up to it.
    if (compareCheckpoints(this.readerPosition, checkpoint) < 0) return compareCheckpoints(c.position, checkpoint) >= 0;
    return !(c.pending[0] && compareCheckpoints(c.pending[0].checkpoint, checkpoint) <= 0);
  }

  private hasReached(checkpoint: string): boolean {
    return this.started && this.consumers.every((c) => c.kind !== 'read-model' || this.reachedBy(c, checkpoint));
  }

  private releaseCheckpointWaiters(): void {
    if (this.checkpointWaiters.length === 0) return;
    const still: typeof this.checkpointWaiters = [];
    for (const w of this.checkpointWaiters) {
      if (this.hasReached(w.checkpoint)) w.resolve(true);
      else still.push(w);
    }
    this.checkpointWaiters = still;
  }

  /** The stored checkpoint, creating the row so that even the first batch is fenced. */
  private async checkpointOf(name: string): Promise<string> {
    await this.dataSource.query(`INSERT INTO projection_checkpoints (name, checkpoint) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, [name, START]);
    const rows = (await this.dataSource.query('SELECT checkpoint FROM projection_checkpoints WHERE name = $1', [name])) as { checkpoint: string }[];
    return rows[0]?.checkpoint ?? START;
  }
}
