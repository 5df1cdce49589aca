import type { DataSource } from 'typeorm';
import type { InvitationSent } from '../../domain/session/session.events.js';
import type { InvitationFacts } from '../../application/invitations/invitation-message.js';
import type { InvitationReadModel, SentMailLog } from '../../application/invitations/invitation.ports.js';
import { invitationFacts } from '../../application/invitations/invitations.service.js';
import type { Projection } from '../projections/projection.js';

/**
 * invitation_view: one row per InvitationSent. An invitation never changes once sent, so a row
 * is written once and an event applied again changes nothing (ON CONFLICT DO NOTHING).
 */
export const invitationViewProjection: Projection = {
  name: 'invitation_view',
  handles: new Set(['InvitationSent']),
  async apply(tx, events) {
    for (const event of events) {
      const f = invitationFacts(event);
      if (!f) continue;
      const { by, at } = event.data as InvitationSent['data'];
      await tx.query(
        `INSERT INTO invitation_view (session_id, invitation_id, event_id, invitee, channel, delivery, address, join_link, session_number, site_url, subject, body, sent_by, sent_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT (session_id, invitation_id) DO NOTHING`,
        [f.sessionId, f.invitationId, event.id, f.invitee, f.channel, f.delivery, f.address, f.joinLink, f.sessionNumber, f.siteUrl, f.composed?.subject ?? null, f.composed?.body ?? null, by, at],
      );
    }
  },
};

interface InvitationRow {
  session_id: string;
  invitation_id: string;
  invitee: 'customer' | 'csr';
  channel: InvitationFacts['channel'];
  delivery: InvitationFacts['delivery'];
  address: string | null;
  join_link: string;
  session_number: string;
  site_url: string;
  subject: string | null;
  body: string | null;
}

export class PgInvitationReadModel implements InvitationReadModel {
  constructor(private readonly dataSource: DataSource) {}

  async find(sessionId: string, invitationId: string): Promise<InvitationFacts | undefined> {
    const rows = (await this.dataSource.query('SELECT * FROM invitation_view WHERE session_id = $1 AND invitation_id = $2', [sessionId, invitationId])) as InvitationRow[];
    const r = rows[0];
    if (!r) return undefined;
    return {
      sessionId: r.session_id,
      invitationId: r.invitation_id,
      invitee: r.invitee,
      channel: r.channel,
      delivery: r.delivery,
      address: r.address,
      joinLink: r.join_link,
      sessionNumber: r.session_number,
      siteUrl: r.site_url,
      composed: r.subject !== null && r.body !== null ? { subject: r.subject, body: r.body } : null,
    };
  }
}

export class PgSentMailLog implements SentMailLog {
  constructor(private readonly dataSource: DataSource) {}

  async wasSent(eventId: string): Promise<boolean> {
    const rows = (await this.dataSource.query('SELECT 1 FROM invitation_mail_sent WHERE event_id = $1', [eventId])) as unknown[];
    return rows.length > 0;
  }

  async markSent(eventId: string, facts: InvitationFacts, messageId: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO invitation_mail_sent (event_id, session_id, invitation_id, address, message_id) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (event_id) DO NOTHING`,
      [eventId, facts.sessionId, facts.invitationId, facts.address ?? '', messageId],
    );
  }
}
