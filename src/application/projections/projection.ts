import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { RecordedEvent } from '../event-store/event-store.port.js';

/**
 * A read model fed from the global log. `apply` runs inside the runner's transaction, beside
 * the checkpoint, so a batch's rows and its checkpoint commit together or not at all.
 */
export interface Projection {
  readonly name: string;
  readonly handles: ReadonlySet<string>;
  apply(tx: EntityManager, event: RecordedEvent): Promise<void>;
}

/**
 * The usual shape: one row per key, `evolve(row | null, event) => row | null` pure, the runner
 * loading and saving. Returning null deletes the row.
 */
export function rowProjection<Row extends ObjectLiteral>(spec: {
  name: string;
  entity: EntityTarget<Row>;
  handles: readonly string[];
  key(event: RecordedEvent): Partial<Row> | undefined;
  evolve(row: Row | null, event: RecordedEvent): Row | null;
}): Projection {
  return {
    name: spec.name,
    handles: new Set(spec.handles),
    async apply(tx, event) {
      const key = spec.key(event);
      if (!key) return;
      const repo = tx.getRepository(spec.entity);
      const row = await repo.findOneBy(key as never);
      const next = spec.evolve(row, event);
      if (next) await repo.save(next);
      else if (row) await repo.delete(key as never);
    },
  };
}
