import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The session read model: the folded session state as JSON (what the API returns) plus the
 * columns queries filter on. Written only by the session projection.
 */
@Entity('session_view')
export class SessionViewRow {
  @PrimaryColumn('uuid') id: string;
  @Index() @Column('text') number: string;
  @Index() @Column('text') status: string;
  @Column('text') kind: string;
  @Column('text', { nullable: true }) mode: string | null;
  @Column('text', { name: 'controller_id', nullable: true }) controllerId: string | null;
  /** Every CSR and customer ever in the session (for "my sessions" and visibility). */
  @Column('text', { array: true, name: 'participant_ids' }) participantIds: string[];
  /** CSRs in the session now (for per-CSR live load). */
  @Column('text', { array: true, name: 'csr_ids' }) csrIds: string[];
  @Column('jsonb') state: Record<string, unknown>;
  /** The stream version last applied: applying an event again changes nothing. */
  @Column('integer') version: number;
  @Column('timestamptz', { name: 'started_at' }) startedAt: Date;
  @Column('timestamptz', { name: 'ended_at', nullable: true }) endedAt: Date | null;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}
