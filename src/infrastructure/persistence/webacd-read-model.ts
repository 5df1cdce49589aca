import type { DataSource } from 'typeorm';
import type { AgentLoad, QueueReadModel, QueueView } from '../../application/webacd/webacd.ports.js';
import { QueueViewRow } from './entities/queue-view.entity.js';

export class TypeOrmQueueReadModel implements QueueReadModel {
  constructor(private readonly dataSource: DataSource) {}

  async byId(id: string): Promise<QueueView | undefined> {
    return (await this.dataSource.getRepository(QueueViewRow).findOneBy({ id })) ?? undefined;
  }

  list(): Promise<QueueView[]> {
    return this.dataSource.getRepository(QueueViewRow).find({ order: { name: 'ASC' } });
  }

  ofAgent(agentId: string): Promise<QueueView[]> {
    return this.dataSource
      .getRepository(QueueViewRow)
      .createQueryBuilder('q')
      .where(`q.status = 'open'`)
      .andWhere('(:agent = ANY(q.agent_ids) OR :agent = ANY(q.offered_agent_ids))', { agent: agentId })
      .orderBy('q.name')
      .getMany();
  }
}

/**
 * Live load per agent (SES-3), from session_view's csr_ids alone: every queue command asks, so
 * it must not open the sessions' state documents (the csr_live_load view does, for customers).
 */
export class PgAgentLoad implements AgentLoad {
  constructor(private readonly dataSource: DataSource) {}

  async liveSessions(agentIds: readonly string[]): Promise<Record<string, number>> {
    if (agentIds.length === 0) return {};
    const rows = (await this.dataSource.query(
      `SELECT csr_id, count(*)::int AS live_sessions
         FROM session_view s, unnest(s.csr_ids) AS csr_id
        WHERE s.status <> 'ended' AND s.csr_ids && $1::text[] AND csr_id = ANY($1::text[])
        GROUP BY csr_id`,
      [agentIds],
    )) as {
      csr_id: string;
      live_sessions: number;
    }[];
    return Object.fromEntries(rows.map((r) => [r.csr_id, r.live_sessions]));
  }
}
