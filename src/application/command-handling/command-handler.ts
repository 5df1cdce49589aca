import { createHash } from 'node:crypto';
import { type Command, type Decider, type Event, fold } from '../../domain/shared/decider.js';
import { WrongExpectedVersionError } from '../event-store/event-store.errors.js';
import type { EventStore, RecordedEvent } from '../event-store/event-store.port.js';

/** An aggregate the handler can drive: its decider and where its events live. */
export interface Aggregate<C extends Command, E extends Event, S, Ctx> {
  readonly decider: Decider<C, E, S, Ctx>;
  streamId(id: string): string;
}

export interface Handled<E extends Event, S> {
  /** The events this command produced (or, for a repeated command id, produced the first time). */
  readonly events: readonly RecordedEvent<E['data']>[];
  readonly state: S;
  readonly version: number | undefined;
  /** The global checkpoint of the last event, for read-your-writes waits. */
  readonly checkpoint: string | undefined;
  /** True when the command id had been handled before and nothing new was decided. */
  readonly duplicate: boolean;
}

export interface HandleOptions<S, Ctx> {
  /** What `decide` gets besides the command and state; may depend on the state (e.g. settings captured at start). */
  readonly context: Ctx | ((state: S) => Promise<Ctx> | Ctx);
}

/**
 * The one command handler: load the stream, fold it, decide, append with the expected version.
 * A version conflict (someone appended in between) reloads and decides again, with backoff.
 * A command id seen before in the stream returns the original events instead of deciding again,
 * and event ids derive from the command id, so even two identical requests racing each other
 * store the events once.
 */
export class CommandHandler {
  constructor(
    private readonly store: EventStore,
    private readonly options: { maxAttempts?: number; onConflictRetry?: () => void } = {},
  ) {}

  async handle<C extends Command, E extends Event, S, Ctx>(aggregate: Aggregate<C, E, S, Ctx>, id: string, command: C, options: HandleOptions<S, Ctx>): Promise<Handled<E, S>> {
    const streamId = aggregate.streamId(id);
    const attempts = this.options.maxAttempts ?? 8;
    for (let attempt = 1; ; attempt++) {
      const history = await this.store.readStream(streamId);
      const state = fold(aggregate.decider, history.map(toDomainEvent) as E[]);
      const version = history.at(-1)?.version;
      const commandId = command.metadata.commandId;
      if (commandId) {
        const earlier = history.filter((e) => e.metadata.commandId === commandId);
        if (earlier.length > 0) return { events: earlier as RecordedEvent<E['data']>[], state, version, checkpoint: earlier.at(-1)?.checkpoint, duplicate: true };
      }
      const context = typeof options.context === 'function' ? await (options.context as (s: S) => Promise<Ctx> | Ctx)(state) : options.context;
      const decided = aggregate.decider.decide(command, state, context);
      if (decided.length === 0) return { events: [], state, version, checkpoint: history.at(-1)?.checkpoint, duplicate: false };
      const metadata = {
        commandId: commandId ?? null,
        commandType: command.type,
        userId: command.metadata.userId,
        at: command.metadata.now.toISOString(),
      };
      const toAppend = decided.map((event, i) => ({
        id: commandId ? eventIdFor(streamId, commandId, i) : undefined,
        type: event.type,
        data: event.data,
        metadata,
      }));
      try {
        const result = await this.store.appendToStream(streamId, toAppend, { expectedVersion: version ?? 'no_stream' });
        const recorded: RecordedEvent<E['data']>[] = decided.map((event, i) => ({
          id: result.positions[i]!.id,
          streamId,
          version: result.positions[i]!.version,
          type: event.type,
          data: event.data,
          metadata,
          schemaVersion: 1,
          recordedAt: command.metadata.now,
          position: 0n,
          checkpoint: result.positions[i]!.checkpoint,
        }));
        const newState = decided.reduce(aggregate.decider.evolve, state);
        return { events: recorded, state: newState, version: result.nextExpectedVersion, checkpoint: result.positions.at(-1)?.checkpoint, duplicate: result.replayed };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError) || attempt >= attempts) throw error;
        this.options.onConflictRetry?.();
        await new Promise((resolve) => setTimeout(resolve, Math.min(100, 2 ** attempt) * (0.5 + Math.random())));
      }
    }
  }
}

const toDomainEvent = (e: RecordedEvent): Event => ({ type: e.type, data: e.data });

/** A UUID (name-based, SHA-1 as in RFC 9562 v5) for the i-th event of a command on a stream. */
export function eventIdFor(streamId: string, commandId: string, index: number): string {
  const hash = createHash('sha1').update(`${streamId}\u0000${commandId}\u0000${index}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
