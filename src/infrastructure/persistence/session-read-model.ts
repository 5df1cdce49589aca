import { DataSource, In } from 'typeorm';
import type { SessionFilter, SessionNumbers, SessionReadModel, SessionView } from '../../application/sessions/session-read.port.js';
import { SessionViewRow } from './entities/session-view.entity.js';

export class TypeOrmSessionReadModel implements SessionReadModel {
  constructor(private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(SessionViewRow);
  }

  async byId(id: string): Promise<SessionView | undefined> {
    return (await this.repo.findOneBy({ id })) ?? undefined;
  }

  byIds(ids: readonly string[]): Promise<SessionView[]> {
    return ids.length === 0 ? Promise.resolve([]) : this.repo.findBy({ id: In([...ids]) });
  }

  async list(filter: SessionFilter, page: { offset: number; limit: number }) {
    const query = this.repo.createQueryBuilder('s').orderBy('s.started_at', 'DESC').addOrderBy('s.id').skip(page.offset).take(page.limit);
    if (filter.status) query.andWhere('s.status = :status', { status: filter.status });
    if (filter.participantId) query.andWhere('s.participant_ids @> ARRAY[:participant]::text[]', { participant: filter.participantId });
    if (filter.csrId) query.andWhere('s.csr_ids @> ARRAY[:csr]::text[]', { csr: filter.csrId });
    if (filter.customerId) query.andWhere('s.participant_ids @> ARRAY[:customer]::text[] AND NOT (s.csr_ids @> ARRAY[:customer]::text[])', { customer: filter.customerId });
    if (filter.queueId) query.andWhere('EXISTS (SELECT 1 FROM session_queues q WHERE q.queue_id = :queue AND q.session_id = s.id::text)', { queue: filter.queueId });
    if (filter.from) query.andWhere('s.started_at >= :from', { from: filter.from });
    if (filter.to) query.andWhere('s.started_at < :to', { to: filter.to });
    const [items, total] = await query.getManyAndCount();
    return { items, total };
  }

  async liveSessionIdsOf(userId: string): Promise<string[]> {
    const rows = (await this.dataSource.query(`SELECT id FROM session_view WHERE status <> 'ended' AND csr_ids @> ARRAY[$1]::text[]`, [userId])) as { id: string }[];
    return rows.map((row) => row.id);
  }
}

export class PgSessionNumbers implements SessionNumbers {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * One round trip in the common case: the insert itself tells a free number (a row returned)
   * from a taken one or a session that has its number already (nothing returned: session_id is
   * unique too), and only then is the session's own number looked up.
   */
  async allocate(sessionId: string, candidate: () => string): Promise<string> {
    // Not p-retry: a taken number is no failure to back off from; the next try draws another at once.
    for (let attempt = 0; attempt < 20; attempt++) {
      const number = candidate();
      const rows = (await this.dataSource.query('INSERT INTO session_numbers (number, session_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING number', [
        number,
        sessionId,
      ])) as { number: string }[];
      if (rows.length > 0) return number;
      // A retried start (or the same start, concurrently) keeps the number it was given.
      const existing = await this.numberOf(sessionId);
      if (existing) return existing;
    }
    throw new Error('could not allocate a free session number in 20 attempts');
  }

  private async numberOf(sessionId: string): Promise<string | undefined> {
    const rows = (await this.dataSource.query('SELECT number FROM session_numbers WHERE session_id = $1', [sessionId])) as { number: string }[];
    return rows[0]?.number;
  }

  async sessionIdOf(number: string): Promise<string | undefined> {
    const rows = (await this.dataSource.query('SELECT session_id FROM session_numbers WHERE number = $1', [number])) as { session_id: string }[];
    return rows[0]?.session_id;
  }

  async release(sessionId: string): Promise<void> {
    await this.dataSource.query('DELETE FROM session_numbers WHERE session_id = $1', [sessionId]);
  }
}
