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

/** Live load from the csr_live_load read model (a view over session_view). */
export class PgAgentLoad implements AgentLoad {
  constructor(private readonly dataSource: DataSource) {}

  async liveSessions(agentIds: readonly string[]): Promise<Record<string, number>> {
    if (agentIds.length === 0) return {};
    const rows = (await this.dataSource.query('SELECT csr_id, live_sessions FROM csr_live_load WHERE csr_id = ANY($1::text[])', [agentIds])) as {
      csr_id: string;
      live_sessions: number;
    }[];
    return Object.fromEntries(rows.map((r) => [r.csr_id, r.live_sessions]));
  }
}
