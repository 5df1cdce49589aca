import type { DataSource } from 'typeorm';
import type { SessionVersions } from '../../application/signalling/signalling-bus.port.js';

export class PgSessionVersions implements SessionVersions {
  constructor(private readonly dataSource: DataSource) {}

  async of(sessionIds: readonly string[]): Promise<ReadonlyMap<string, number>> {
    if (sessionIds.length === 0) return new Map();
    const rows = (await this.dataSource.query('SELECT id, version FROM session_view WHERE id = ANY($1::uuid[])', [sessionIds])) as { id: string; version: number }[];
    return new Map(rows.map((r) => [r.id, Number(r.version)]));
  }
}
