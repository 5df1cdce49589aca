import { type EntityManager, type EntityTarget, In, type ObjectLiteral } from 'typeorm';
import type { RecordedEvent } from '../../application/event-store/event-store.port.js';

/**
 * A read model fed from the global log. `apply` gets a batch of the events it handles, in
 * order, inside the runner's transaction, beside the checkpoint: a batch's rows and its
 * checkpoint commit together or not at all.
 */
export interface Projection {
  readonly name: string;
  readonly handles: ReadonlySet<string>;
  apply(tx: EntityManager, events: readonly RecordedEvent[]): Promise<void>;
}

/**
 * The usual shape: one row per key, `evolve(row | null, event) => row | null` pure, and the
 * runner doing the I/O once per batch: one query loads every row the batch touches, the events
 * are folded in memory, one upsert writes the rows that changed. Returning null deletes the row.
 */
export function rowProjection<Row extends ObjectLiteral>(spec: {
  name: string;
  entity: EntityTarget<Row>;
  /** The row's primary key column (property name). */
  keyColumn: keyof Row & string;
  handles: readonly string[];
  key(event: RecordedEvent): string | undefined;
  evolve(row: Row | null, event: RecordedEvent): Row | null;
  /** Side effects beside the rows, in the same transaction (e.g. freeing a session number). */
  after?(tx: EntityManager, events: readonly RecordedEvent[]): Promise<void>;
}): Projection {
  return {
    name: spec.name,
    handles: new Set(spec.handles),
    async apply(tx, events) {
      const keyed = events.map((event) => [spec.key(event), event] as const).filter((pair): pair is [string, RecordedEvent] => pair[0] !== undefined);
      const keys = [...new Set(keyed.map(([key]) => key))];
      if (keys.length > 0) {
        const repo = tx.getRepository(spec.entity);
        const loaded = await repo.findBy({ [spec.keyColumn]: In(keys) } as never);
        const before = new Map<string, Row | null>(loaded.map((row) => [String(row[spec.keyColumn]), row]));
        const after = new Map(before);
        for (const [key, event] of keyed) after.set(key, spec.evolve(after.get(key) ?? null, event));
        const changed = keys.filter((key) => after.get(key) !== (before.get(key) ?? null));
        const upserts = changed.map((key) => after.get(key)).filter((row): row is Row => row !== null && row !== undefined);
        const deletes = changed.filter((key) => after.get(key) === null && before.has(key));
        if (upserts.length > 0) await repo.upsert(upserts as never, [spec.keyColumn]);
        if (deletes.length > 0) await repo.delete({ [spec.keyColumn]: In(deletes) } as never);
      }
      await spec.after?.(tx, events);
    },
  };
}
