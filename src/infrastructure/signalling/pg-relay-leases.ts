import type pg from 'pg';
import type { PeerLease, RelayLeases } from '../../application/signalling/signalling-bus.port.js';

/**
 * Relay leases in PostgreSQL: one row per node in `signalling_leases`, its end set by the
 * database's clock (`clock_timestamp()`, the time the statement runs). The table is created here
 * on first use (CREATE TABLE IF NOT EXISTS), like the relay mailbox: it is coordination between
 * live nodes, not part of the read or event model. It is a logged table on purpose: after a crash
 * of the database a node may still believe its lease current, so the others must still see it.
 */
export class PgRelayLeases implements RelayLeases {
  private ready?: Promise<void>;
  private renewals = 0;

  constructor(private readonly pool: pg.Pool) {}

  async renew(node: string, ms: number): Promise<void> {
    await this.query({
      name: 'signalling_lease_renew',
      text: `INSERT INTO signalling_leases (node, expires_at) VALUES ($1, clock_timestamp() + make_interval(secs => $2::float8 / 1000))
             ON CONFLICT (node) DO UPDATE SET expires_at = excluded.expires_at`,
      values: [node, ms],
    });
    // Leases of nodes that died without releasing: gone a minute after they ran out.
    if (++this.renewals % 60 === 1) await this.query({ text: `DELETE FROM signalling_leases WHERE expires_at < clock_timestamp() - interval '1 minute'` });
  }

  async others(node: string, recentMs: number): Promise<readonly PeerLease[]> {
    const { rows } = await this.query<{ node: string; remaining_ms: number }>({
      name: 'signalling_lease_others',
      text: `SELECT node, (extract(epoch FROM expires_at - clock_timestamp()) * 1000)::float8 AS remaining_ms
               FROM signalling_leases WHERE node <> $1 AND expires_at > clock_timestamp() - make_interval(secs => $2::float8 / 1000)`,
      values: [node, recentMs],
    });
    return rows.map((r) => ({ node: r.node, remainingMs: Number(r.remaining_ms) }));
  }

  async release(node: string): Promise<void> {
    await this.query({ text: 'DELETE FROM signalling_leases WHERE node = $1', values: [node] });
  }

  /** Runs the statement once the table exists; a table dropped meanwhile (42P01) is made again on the next call. */
  private async query<R extends pg.QueryResultRow>(config: pg.QueryConfig): Promise<pg.QueryResult<R>> {
    await this.table();
    try {
      return await this.pool.query<R>(config);
    } catch (error) {
      if ((error as { code?: string }).code === '42P01') this.ready = undefined;
      throw error;
    }
  }

  private table(): Promise<void> {
    this.ready ??= this.pool.query(`CREATE TABLE IF NOT EXISTS signalling_leases (node text PRIMARY KEY, expires_at timestamptz NOT NULL)`).then(
      () => undefined,
      (error: unknown) => {
        // Two nodes starting at once on a fresh database: IF NOT EXISTS is not atomic; the other one made it.
        if (['23505', '42P07'].includes((error as { code?: string }).code ?? '')) return;
        this.ready = undefined;
        throw error;
      },
    );
    return this.ready;
  }
}
