import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A WebACD queue's live view: its folded state (agents, waiting items, open offers) and the columns queries use. */
@Entity('queue_view')
export class QueueViewRow {
  @PrimaryColumn('text') id: string;
  @Column('text') name: string;
  @Column('text') status: string;
  @Column('text', { array: true, name: 'agent_ids' }) agentIds: string[];
  /** Agents holding an open offer of this queue. */
  @Column('text', { array: true, name: 'offered_agent_ids' }) offeredAgentIds: string[];
  @Column('integer') waiting: number;
  @Column('jsonb') state: Record<string, unknown>;
  @Column('integer') version: number;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}
