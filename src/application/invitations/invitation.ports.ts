import type { InvitationFacts, RenderedMail } from './invitation-message.js';

/** Invitations as the read model keeps them (one row per InvitationSent). */
export interface InvitationReadModel {
  find(sessionId: string, invitationId: string): Promise<InvitationFacts | undefined>;
  /** Every invitation of a session, oldest first, with what became of it. */
  list(sessionId: string): Promise<InvitationRecord[]>;
}

/** One invitation of a session as the consoles list it: its facts, who sent it when, and what became of it. */
export interface InvitationRecord extends InvitationFacts {
  readonly sentBy: string;
  readonly sentAt: Date;
  /** When the system's mail left (email with delivery `system`); null before, and for every other kind. */
  readonly mailedAt: Date | null;
  /** INV-3: when its single-use link was exchanged for a session credential; null while unused. */
  readonly redeemedAt: Date | null;
}

/** Sends one mail; throws when the mail server did not accept it (the job then retries). */
export interface MailSender {
  send(mail: RenderedMail): Promise<{ messageId: string }>;
}

/**
 * Which InvitationSent events were mailed already. BullMQ's job id (the event id) keeps a
 * reaction that runs twice from queueing twice while the job is retained; this marker keeps a
 * job that runs twice, or a reaction replayed later, from mailing twice.
 */
export interface SentMailLog {
  wasSent(eventId: string): Promise<boolean>;
  markSent(eventId: string, facts: InvitationFacts, messageId: string): Promise<void>;
}

export interface CaughtMailSummary {
  readonly id: string;
  readonly to: readonly string[];
  readonly from: string | null;
  readonly subject: string;
  /** ISO-8601, when the catcher received it. */
  readonly date: string;
}

export interface CaughtMail extends CaughtMailSummary {
  readonly text: string;
  readonly html: string | null;
  /** The message as received (RFC 5322). */
  readonly raw: string;
}

/** Development only: the local mail catcher that stands in for a real SMTP server. */
export interface DevMailbox {
  list(): Promise<CaughtMailSummary[]>;
  get(id: string): Promise<CaughtMail | undefined>;
}

export const INVITATION_READ_MODEL = Symbol('InvitationReadModel');
/** The DevMailbox when the embedded mail catcher runs, else null. */
export const DEV_MAILBOX = Symbol('DevMailbox');
