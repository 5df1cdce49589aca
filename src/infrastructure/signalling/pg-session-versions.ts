import type pg from 'pg';
import type { EventStore } from '../../application/event-store/event-store.port.js';
import type { SessionVersions } from '../../application/signalling/signalling-bus.port.js';

/**
 * Which session streams moved on, from the PostgreSQL event store, for many sessions in one
 * statement (an index probe per stream on `es_events (stream_id, stream_version)`; only the
 * moved ones come back, usually none). A statement sees every append committed before it
 * started: that is the fence ConsentView relies on.
 */
export class PgSessionVersions implements SessionVersions {
  constructor(private readonly pool: pg.Pool) {}

  async newer(known: ReadonlyMap<string, number>): Promise<readonly string[]> {
    if (known.size === 0) return [];
    const { rows } = await this.pool.query<{ id: string }>({
      name: 'signalling_sessions_moved',
      text: `SELECT substr(s.stream_id, 9) AS id FROM unnest($1::text[], $2::bigint[]) AS s(stream_id, known)
              WHERE EXISTS (SELECT 1 FROM es_events e WHERE e.stream_id = s.stream_id AND e.stream_version > s.known)`,
      values: [[...known.keys()].map((id) => `session-${id}`), [...known.values()]],
    });
    return rows.map((r) => r.id);
  }
}

/** The same through the event store port, one read per session (EventStoreDB deployments). */
export class StoreSessionVersions implements SessionVersions {
  constructor(private readonly store: Pick<EventStore, 'readStream'>) {}

  async newer(known: ReadonlyMap<string, number>): Promise<readonly string[]> {
    const moved = await Promise.all(
      [...known].map(async ([id, version]) => ((await this.store.readStream(`session-${id}`, { direction: 'backwards', maxCount: 1 }))[0]?.version ?? -1) > version),
    );
    return [...known.keys()].filter((_, i) => moved[i]);
  }
}
