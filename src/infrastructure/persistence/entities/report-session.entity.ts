import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** What one CSR did in one session, for the activity report (RPT-1). */
export interface CsrPart {
  joinedAt: string;
  transfersGiven: number;
  transfersReceived: number;
  handOvers: number;
  recordings: number;
  notes: { noteId: string; text: string; at: string }[];
}

/** One session as the CSR activity report (RPT-1) needs it; CSRs' parts are keyed by CSR id. */
@Entity('report_sessions')
export class ReportSessionRow {
  @PrimaryColumn('uuid', { name: 'session_id' }) sessionId: string;
  @Column('text', { nullable: true }) kind: string | null;
  @Column('text', { nullable: true }) mode: string | null;
  @Index() @Column('timestamptz', { name: 'started_at', nullable: true }) startedAt: Date | null;
  @Column('timestamptz', { name: 'ended_at', nullable: true }) endedAt: Date | null;
  @Column('text', { name: 'started_by', nullable: true }) startedBy: string | null;
  @Column('text', { array: true }) customers: string[];
  @Column('text', { name: 'queue_id', nullable: true }) queueId: string | null;
  @Column('integer', { name: 'queue_wait_ms', nullable: true }) queueWaitMs: number | null;
  @Column('text', { name: 'picked_up_by', nullable: true }) pickedUpBy: string | null;
  @Column('jsonb') csrs: Record<string, CsrPart>;
  /** The session stream's version last applied. */
  @Column('integer') version: number;
}
