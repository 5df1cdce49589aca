import type { DataSource } from 'typeorm';
import type { ChatMessageSent, NoteSaved } from '../../domain/session/session.events.js';
import type { ChatMessage, ConversationReadModel, SessionNote } from '../../application/sessions/conversation.port.js';
import type { Projection } from '../projections/projection.js';
import type { ProjectionRunner } from '../projections/projection-runner.js';

const sessionIdOf = (streamId: string) => (streamId.startsWith('session-') ? streamId.slice('session-'.length) : undefined);

/**
 * session_chat and session_notes: one row per ChatMessageSent / NoteSaved, keyed by the
 * session and the event's version, so a batch applied twice writes nothing new. A batch is one
 * INSERT per table (arrays unnested), not one per event.
 */
export const sessionConversationProjection: Projection = {
  name: 'session_conversation',
  handles: new Set(['ChatMessageSent', 'NoteSaved']),
  async apply(tx, events) {
    const chat: (string | number | null)[][] = [[], [], [], [], [], [], []];
    const notes: (string | number | null)[][] = [[], [], [], [], [], []];
    for (const event of events) {
      const sessionId = sessionIdOf(event.streamId);
      if (!sessionId) continue;
      if (event.type === 'ChatMessageSent') {
        const d = event.data as ChatMessageSent['data'];
        [sessionId, event.version, d.messageId, d.by, d.to ?? null, d.text, d.at].forEach((value, i) => chat[i]!.push(value));
      } else if (event.type === 'NoteSaved') {
        const d = event.data as NoteSaved['data'];
        [sessionId, event.version, d.noteId, d.by, d.text, d.at].forEach((value, i) => notes[i]!.push(value));
      }
    }
    if (chat[0]!.length > 0)
      await tx.query(
        `INSERT INTO session_chat (session_id, version, message_id, from_id, to_id, text, sent_at)
         SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])
         ON CONFLICT (session_id, version) DO NOTHING`,
        chat,
      );
    if (notes[0]!.length > 0)
      await tx.query(
        `INSERT INTO session_notes (session_id, version, note_id, by_id, text, saved_at)
         SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
         ON CONFLICT (session_id, version) DO NOTHING`,
        notes,
      );
  },
};

export class PgConversationReadModel implements ConversationReadModel {
  constructor(
    private readonly dataSource: DataSource,
    private readonly runner: Pick<ProjectionRunner, 'caughtUp'>,
  ) {}

  async messages(sessionId: string, { afterSeq, limit, viewer }: { afterSeq: number; limit: number; viewer?: string }): Promise<ChatMessage[]> {
    const rows = (await this.dataSource.query(
      `SELECT version, message_id, from_id, to_id, text, sent_at FROM session_chat
        WHERE session_id = $1 AND version > $2 AND ($4::text IS NULL OR to_id IS NULL OR to_id = $4 OR from_id = $4)
        ORDER BY version LIMIT $3`,
      [sessionId, afterSeq, limit, viewer ?? null],
    )) as { version: number; message_id: string; from_id: string; to_id: string | null; text: string; sent_at: Date }[];
    return rows.map((r) => ({ seq: r.version, messageId: r.message_id, from: r.from_id, to: r.to_id, text: r.text, sentAt: r.sent_at }));
  }

  async notes(sessionId: string): Promise<SessionNote[]> {
    const rows = (await this.dataSource.query('SELECT version, note_id, by_id, text, saved_at FROM session_notes WHERE session_id = $1 ORDER BY version', [sessionId])) as {
      version: number;
      note_id: string;
      by_id: string;
      text: string;
      saved_at: Date;
    }[];
    return rows.map((r) => ({ seq: r.version, noteId: r.note_id, by: r.by_id, text: r.text, savedAt: r.saved_at }));
  }

  caughtUp(): Promise<void> {
    return this.runner.caughtUp();
  }
}
