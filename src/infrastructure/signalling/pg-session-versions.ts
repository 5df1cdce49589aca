import type pg from 'pg';
import type { EventStore } from '../../application/event-store/event-store.port.js';
import type { SessionVersions } from '../../application/signalling/signalling-bus.port.js';

/**
 * Session streams' current versions from the PostgreSQL event store, for many sessions in one
 * statement (an index lookup per stream on `es_events (stream_id, stream_version)`). A statement
 * sees every append committed before it started: that is the fence ConsentView relies on.
 */
export class PgSessionVersions implements SessionVersions {
  constructor(private readonly pool: pg.Pool) {}

  async of(sessionIds: readonly string[]): Promise<ReadonlyMap<string, number>> {
    if (sessionIds.length === 0) return new Map();
    const { rows } = await this.pool.query<{ id: string; v: string }>({
      name: 'signalling_session_versions',
      text: `SELECT substr(s.stream_id, 9) AS id, (SELECT max(e.stream_version) FROM es_events e WHERE e.stream_id = s.stream_id) AS v
               FROM unnest($1::text[]) AS s(stream_id)`,
      values: [sessionIds.map((id) => `session-${id}`)],
    });
    return new Map(rows.filter((r) => r.v !== null).map((r) => [r.id, Number(r.v)]));
  }
}

/** The same through the event store port, one read per session (EventStoreDB deployments). */
export class StoreSessionVersions implements SessionVersions {
  constructor(private readonly store: Pick<EventStore, 'readStream'>) {}

  async of(sessionIds: readonly string[]): Promise<ReadonlyMap<string, number>> {
    const found = await Promise.all(
      sessionIds.map(async (id) => [id, (await this.store.readStream(`session-${id}`, { direction: 'backwards', maxCount: 1 }))[0]?.version] as const),
    );
    return new Map(found.filter((f): f is readonly [string, number] => f[1] !== undefined));
  }
}
