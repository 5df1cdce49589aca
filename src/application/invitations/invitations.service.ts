import type { InvitationSent } from '../../domain/session/session.events.js';
import { DomainError, forbidden, notFound } from '../../domain/shared/domain-error.js';
import type { RecordedEvent } from '../event-store/event-store.port.js';
import { hasRole, type Principal, SYSTEM } from '../identity/principal.js';
import type { JobRun, JobScheduler } from '../jobs/job-scheduler.port.js';
import type { SessionView } from '../sessions/session-read.port.js';
import { type InvitationFacts, type InvitationMessage, invitationMessage, renderInvitationMail } from './invitation-message.js';
import type { InvitationReadModel, InvitationRecord, MailSender, SentMailLog } from './invitation.ports.js';

export const INVITATION_JOBS = { sendEmail: 'invitation.send-email' } as const;

/** Mail sending is retried this many times, with BullMQ's exponential backoff. */
export const SEND_EMAIL_ATTEMPTS = 5;

export interface InvitationsOptions {
  /**
   * A reaction that first meets an InvitationSent older than this does not mail it: a new
   * deployment reading the log from the start must not mail every invitation ever sent.
   */
  readonly maxInvitationAgeMs: number;
  readonly now?: () => Date;
  /** Resolves once the invitation read model has caught up with the log (read-your-writes). */
  readonly caughtUp?: () => Promise<void>;
  /**
   * INV-3: the link a system-sent customer invitation carries, when it is more than the plain
   * join link (a single-use invitation token in the fragment, so the customer need not type the
   * number). Absent: the join link.
   */
  readonly customerLink?: (facts: InvitationFacts) => Promise<string>;
  readonly log?: (level: 'info' | 'warn', message: string, details?: Record<string, unknown>) => void;
}

/** The facts of an InvitationSent, keyed by its session (stream `session-<id>`). */
export function invitationFacts(event: RecordedEvent): InvitationFacts | undefined {
  if (event.type !== 'InvitationSent' || !event.streamId.startsWith('session-')) return undefined;
  const d = event.data as InvitationSent['data'];
  return {
    sessionId: event.streamId.slice('session-'.length),
    invitationId: d.invitationId,
    invitee: d.invitee,
    channel: d.channel,
    delivery: d.delivery,
    address: d.address,
    joinLink: d.joinLink,
    sessionNumber: d.sessionNumber,
    siteUrl: d.siteUrl,
    composed: d.mail ? { subject: d.mail.subject, body: d.mail.body } : null,
  };
}

/**
 * Invitations that really go out (INV-1..3, SES-4). A reaction, run from a checkpointed
 * subscription, turns each system-sent email invitation into a job; the job renders and sends
 * the mail. The other kinds are handed back to the CSR's console to pass on themselves.
 */
export class InvitationsService {
  static readonly REACTS_TO = ['InvitationSent'] as const;

  constructor(
    private readonly jobs: JobScheduler,
    private readonly invitations: InvitationReadModel,
    private readonly sentMail: SentMailLog,
    private readonly mail: MailSender,
    private readonly sessions: {
      current(principal: Principal, sessionId: string): Promise<SessionView>;
      command(
        principal: Principal,
        sessionId: string,
        type: 'RecordUndeliveredInvitation',
        data: { invitationId: string; reason: string },
        options: { commandId: string },
      ): Promise<unknown>;
    },
    private readonly options: InvitationsOptions,
  ) {}

  // ---- reaction (from the subscription)

  /** InvitationSent by email with delivery 'system' -> one send job, its id the event id. */
  async react(event: RecordedEvent): Promise<void> {
    const facts = invitationFacts(event);
    if (!facts || facts.channel !== 'email' || facts.delivery !== 'system' || !facts.address) return;
    const age = this.now().getTime() - event.recordedAt.getTime();
    if (age > this.options.maxInvitationAgeMs) {
      this.options.log?.('warn', 'invitation too old to mail; skipped', { eventId: event.id, invitationId: facts.invitationId, ageMs: age });
      return;
    }
    await this.jobs.schedule(INVITATION_JOBS.sendEmail, { eventId: event.id, invitation: facts }, { jobId: event.id, attempts: SEND_EMAIL_ATTEMPTS });
  }

  // ---- job processor

  /**
   * Renders and sends one invitation mail. A refusal the server may lift (a 4xx answer, no
   * connection) throws, so the job is retried with backoff; a permanent refusal (5xx) or the
   * last attempt's refusal is recorded as InvitationUndelivered, which the CSR sees (INV-1).
   */
  async sendEmail(data: Record<string, unknown>, run: JobRun): Promise<void> {
    const eventId = String(data.eventId);
    const facts = data.invitation as InvitationFacts;
    // Sent before (a job run twice, a reaction replayed): nothing more to do.
    if (await this.sentMail.wasSent(eventId)) return;
    const link = facts.invitee === 'customer' && this.options.customerLink ? await this.options.customerLink(facts) : facts.joinLink;
    let messageId: string;
    try {
      ({ messageId } = await this.mail.send(renderInvitationMail({ ...facts, joinLink: link })));
    } catch (error) {
      if (!isPermanentRefusal(error) && run.attempt < run.attempts) throw error;
      await this.recordUndelivered(facts, error);
      return;
    }
    await this.sentMail.markSent(eventId, facts, messageId);
    this.options.log?.('info', 'invitation mailed', { eventId, invitationId: facts.invitationId, sessionId: facts.sessionId, messageId });
  }

  private async recordUndelivered(facts: InvitationFacts, error: unknown): Promise<void> {
    const reason = error instanceof Error ? error.message : String(error);
    try {
      await this.sessions.command(
        SYSTEM,
        facts.sessionId,
        'RecordUndeliveredInvitation',
        { invitationId: facts.invitationId, reason },
        { commandId: `undelivered:${facts.invitationId}` },
      );
      this.options.log?.('warn', 'invitation undelivered; recorded for the CSR', { invitationId: facts.invitationId, sessionId: facts.sessionId, reason });
    } catch (refused) {
      // The session ended meanwhile: nobody can join it, so there is nothing to tell.
      if (!(refused instanceof DomainError)) throw refused;
      this.options.log?.('warn', 'invitation undelivered; not recorded', { invitationId: facts.invitationId, sessionId: facts.sessionId, reason, refusal: refused.code });
    }
  }

  // ---- query

  /**
   * INV-1..3: what the CSR passes on for one invitation: the mail (with a `mailto:` link when
   * it is composed in their own mail program), the number and site for the phone, the link for
   * an instant message. Only CSRs of the session see it; anyone else gets a 404.
   */
  async message(principal: Principal, sessionId: string, invitationId: string): Promise<InvitationMessage> {
    const view = await this.sessions.current(principal, sessionId);
    if (!hasRole(principal, 'csr') || !view.participantIds.includes(principal.userId)) {
      throw notFound('INVITATION_NOT_FOUND', `invitation ${invitationId} not found in session ${sessionId}`);
    }
    let facts = await this.invitations.find(sessionId, invitationId);
    if (!facts && this.options.caughtUp) {
      // Asked right after inviting: the read model may be a batch behind.
      await Promise.race([this.options.caughtUp(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
      facts = await this.invitations.find(sessionId, invitationId);
    }
    if (!facts) throw notFound('INVITATION_NOT_FOUND', `invitation ${invitationId} not found in session ${sessionId}`);
    return invitationMessage(facts);
  }

  /**
   * A session's invitations, oldest first (INV-1..3), with when each was mailed and redeemed.
   * The session's CSRs, supervisors and admins see them; anyone who cannot see the session gets
   * its 404, and a customer of it gets 403 `INVITATIONS_CSR_ONLY`: addresses are other people's.
   */
  async list(principal: Principal, sessionId: string): Promise<InvitationRecord[]> {
    const view = await this.sessions.current(principal, sessionId);
    const csrOfSession = hasRole(principal, 'csr') && view.participantIds.includes(principal.userId);
    if (!csrOfSession && !hasRole(principal, 'supervisor') && !hasRole(principal, 'admin')) {
      throw forbidden('INVITATIONS_CSR_ONLY', "only the session's CSRs, supervisors and admins see its invitations");
    }
    return this.invitations.list(sessionId);
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }
}

/**
 * Whether a mail server's refusal is final: an SMTP reply in the 5xx range (RFC 5321 §4.2.1,
 * "permanent negative completion"), as nodemailer reports it in `responseCode`. Anything else
 * (4xx, a lost connection, a timeout) may pass on a later attempt.
 */
export function isPermanentRefusal(error: unknown): boolean {
  const code = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}
