import type { DataSource } from 'typeorm';
import type { InvitationSent } from '../../domain/session/session.events.js';
import type { InvitationFacts } from '../../application/invitations/invitation-message.js';
import type { InvitationReadModel, InvitationRecord, SentMailLog } from '../../application/invitations/invitation.ports.js';
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
        [
          f.sessionId,
          f.invitationId,
          event.id,
          f.invitee,
          f.channel,
          f.delivery,
          f.address,
          f.joinLink,
          f.sessionNumber,
          f.siteUrl,
          f.composed?.subject ?? null,
          f.composed?.body ?? null,
          by,
          at,
        ],
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

interface ListedRow extends InvitationRow {
  sent_by: string;
  sent_at: Date;
  mailed_at: Date | null;
  redeemed_at: Date | null;
}

const factsOf = (r: InvitationRow): InvitationFacts => ({
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
});

export class PgInvitationReadModel implements InvitationReadModel {
  constructor(private readonly dataSource: DataSource) {}

  async find(sessionId: string, invitationId: string): Promise<InvitationFacts | undefined> {
    const rows = (await this.dataSource.query('SELECT * FROM invitation_view WHERE session_id = $1 AND invitation_id = $2', [sessionId, invitationId])) as InvitationRow[];
    return rows[0] && factsOf(rows[0]);
  }

  async list(sessionId: string): Promise<InvitationRecord[]> {
    const rows = (await this.dataSource.query(
      `SELECT v.*, m.sent_at AS mailed_at, r.redeemed_at
         FROM invitation_view v
         LEFT JOIN invitation_mail_sent m ON m.event_id = v.event_id
         LEFT JOIN invitation_redemptions r ON r.session_id = v.session_id AND r.invitation_id = v.invitation_id
        WHERE v.session_id = $1
        ORDER BY v.sent_at, v.invitation_id`,
      [sessionId],
    )) as ListedRow[];
    return rows.map((r) => ({
      ...factsOf(r),
      sentBy: r.sent_by,
      sentAt: new Date(r.sent_at),
      mailedAt: r.mailed_at && new Date(r.mailed_at),
      redeemedAt: r.redeemed_at && new Date(r.redeemed_at),
    }));
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
