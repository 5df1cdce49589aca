import type { DataSource } from 'typeorm';
import type { ProjectionLag, ReadinessProbe, ReadinessReport } from '../../application/operations/readiness.port.js';
import type { Projection } from '../projections/projection.js';
import { parsePgCheckpoint } from '../event-store/checkpoint.js';
import { MIGRATIONS } from '../persistence/migrations/index.js';

/** How many log entries after a checkpoint are looked at: readiness needs "more than the threshold", not a census. */
const LAG_SCAN_CAP = 100_000;

/**
 * Readiness read straight from PostgreSQL: which of the code's migrations are applied (TypeORM's
 * `migrations` table), and how far each projection's stored checkpoint stands behind the log.
 * Only events the projection handles count: a runner stores no checkpoint for a batch it has
 * nothing to do in, so its checkpoint may trail over events it ignores without being late.
 * The query walks the `(tx_id, global_position)` primary key from the checkpoint and looks at
 * most at LAG_SCAN_CAP entries, so it costs the lag, not the log's length.
 */
export class PgReadinessProbe implements ReadinessProbe {
  constructor(
    private readonly dataSource: DataSource,
    private readonly projections: readonly Pick<Projection, 'name' | 'handles'>[],
  ) {}

  async report(): Promise<ReadinessReport> {
    const applied = new Set(((await this.dataSource.query('SELECT name FROM migrations')) as { name: string }[]).map((r) => r.name));
    const pendingMigrations = MIGRATIONS.map((m) => m.name).filter((name) => !applied.has(name));
    const rows = (await this.dataSource.query('SELECT name, checkpoint FROM projection_checkpoints WHERE name = ANY($1) ORDER BY name', [this.projections.map((p) => p.name)])) as {
      name: string;
      checkpoint: string;
    }[];
    const projections: ProjectionLag[] = [];
    for (const row of rows) {
      const handles = [...(this.projections.find((p) => p.name === row.name)?.handles ?? [])];
      let at;
      try {
        at = parsePgCheckpoint(row.checkpoint);
      } catch {
        continue; // not a PostgreSQL log position (another store's checkpoint): nothing to measure here
      }
      const [lag] = (await this.dataSource.query(
        `SELECT count(*)::int AS events,
                COALESCE(EXTRACT(EPOCH FROM now() - min(recorded_at)), 0)::float8 AS seconds
           FROM (SELECT type, recorded_at FROM es_events
                  WHERE (tx_id, global_position) > ($1::xid8, $2::bigint)
                  ORDER BY tx_id, global_position LIMIT $3) behind
          WHERE type = ANY($4)`,
        [at.txId, at.position, LAG_SCAN_CAP, handles],
      )) as { events: number; seconds: number }[];
      projections.push({ name: row.name, events: lag!.events, seconds: Math.max(0, lag!.seconds) });
    }
    return { pendingMigrations, projections };
  }
}
