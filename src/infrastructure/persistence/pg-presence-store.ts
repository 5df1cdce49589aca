import type { DataSource } from 'typeorm';
import type { PresenceStore } from '../../application/sessions/presence.service.js';

export class PgPresenceStore implements PresenceStore {
  constructor(private readonly dataSource: DataSource) {}

  async beat(sessionId: string, userId: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO console_presence (session_id, user_id, last_seen) VALUES ($1, $2, now())
       ON CONFLICT (session_id, user_id) DO UPDATE SET last_seen = now()`,
      [sessionId, userId],
    );
  }

  async lostControllers(graceMs: number): Promise<{ sessionId: string; userId: string }[]> {
    const rows = (await this.dataSource.query(
      `SELECT p.session_id, p.user_id FROM console_presence p
         JOIN session_view s ON s.id = p.session_id AND s.controller_id = p.user_id AND s.status = 'active'
        WHERE p.last_seen < now() - make_interval(secs => $1::double precision / 1000)`,
      [graceMs],
    )) as { session_id: string; user_id: string }[];
    return rows.map((r) => ({ sessionId: r.session_id, userId: r.user_id }));
  }

  async forgetEnded(): Promise<void> {
    await this.dataSource.query(`DELETE FROM console_presence p USING session_view s WHERE s.id = p.session_id AND s.status = 'ended'`);
  }
}
