/**
 * What an invitation says, per channel (INV-1..3). Pure: the same invitation always renders the
 * same words, so the mail the system sends and the text handed to the CSR's own mail program
 * (INV-2) never drift apart.
 */
import type { EmailDelivery, InvitationChannel } from '../../domain/session/session.events.js';

/** The facts of one InvitationSent event that its message is made of. */
export interface InvitationFacts {
  readonly sessionId: string;
  readonly invitationId: string;
  readonly invitee: 'customer' | 'csr';
  readonly channel: InvitationChannel;
  readonly delivery: EmailDelivery | null;
  readonly address: string | null;
  readonly joinLink: string;
  /** Formatted for reading aloud: "123 456 789". */
  readonly sessionNumber: string;
  readonly siteUrl: string;
  /** INV-2: the subject and body the decider composed for the CSR's own mail program, when it did. */
  readonly composed: { readonly subject: string; readonly body: string } | null;
}

interface Common {
  readonly sessionId: string;
  readonly invitationId: string;
  readonly invitee: 'customer' | 'csr';
  readonly address: string | null;
  /** INV-3: every invitation carries the link to the session. */
  readonly joinLink: string;
}

/** INV-1/INV-2: an email; sent by the system, or composed in the CSR's own mail program from `mailto`. */
export interface EmailInvitationMessage extends Common {
  readonly channel: 'email';
  readonly delivery: EmailDelivery;
  readonly subject: string;
  readonly body: string;
  /** RFC 6068; present for own_mail_program only (the system sends the other kind itself). */
  readonly mailto: string | null;
}

/** INV-1: the CSR reads the number and the site address out on the phone. */
export interface PhoneInvitationMessage extends Common {
  readonly channel: 'phone';
  readonly sessionNumber: string;
  /** The number digit by digit, in groups: "1 2 3, 4 5 6, 7 8 9". */
  readonly sessionNumberSpoken: string;
  readonly siteUrl: string;
  /** What to say, in one sentence. */
  readonly script: string;
}

/** INV-1: the CSR pastes the join link into an instant message. */
export interface InstantMessageInvitationMessage extends Common {
  readonly channel: 'instant_message';
  readonly text: string;
}

export type InvitationMessage = EmailInvitationMessage | PhoneInvitationMessage | InstantMessageInvitationMessage;

/** The mail the system sends (INV-1, INV-2 'system'): subject, plain text and HTML. */
export interface RenderedMail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export function emailSubject(f: Pick<InvitationFacts, 'sessionNumber' | 'composed'>): string {
  return f.composed?.subject ?? `Remote support session ${f.sessionNumber}`;
}

export function emailBody(f: Pick<InvitationFacts, 'joinLink' | 'siteUrl' | 'sessionNumber' | 'composed'>): string {
  return f.composed?.body ?? `Please join the remote support session: ${f.joinLink}\n\nOr go to ${f.siteUrl} and enter the session number ${f.sessionNumber}.`;
}

export function invitationMessage(f: InvitationFacts): InvitationMessage {
  const common = { sessionId: f.sessionId, invitationId: f.invitationId, invitee: f.invitee, address: f.address, joinLink: f.joinLink };
  switch (f.channel) {
    case 'email': {
      const delivery = f.delivery ?? 'system';
      const subject = emailSubject(f);
      const body = emailBody(f);
      const mailto = delivery === 'own_mail_program' && f.address ? mailtoLink(f.address, subject, body) : null;
      return { ...common, channel: 'email', delivery, subject, body, mailto };
    }
    case 'phone': {
      const spoken = spokenNumber(f.sessionNumber);
      return {
        ...common,
        channel: 'phone',
        sessionNumber: f.sessionNumber,
        sessionNumberSpoken: spoken,
        siteUrl: f.siteUrl,
        script: `Please go to ${f.siteUrl} and enter the session number ${f.sessionNumber}.`,
      };
    }
    case 'instant_message':
      return { ...common, channel: 'instant_message', text: `Please join my remote support session: ${f.joinLink}` };
    default: {
      const never: never = f.channel;
      throw new Error(`unknown invitation channel ${String(never)}`);
    }
  }
}

/** The mail the system sends for an email invitation with delivery 'system'. */
export function renderInvitationMail(f: InvitationFacts): RenderedMail {
  if (f.channel !== 'email' || !f.address) throw new Error(`invitation ${f.invitationId} is not an email invitation`);
  const subject = emailSubject(f);
  const text = emailBody(f);
  const html = [
    '<!doctype html><html><body style="font-family: sans-serif">',
    '<p>Please join the remote support session:</p>',
    `<p><a href="${escapeHtml(f.joinLink)}">${escapeHtml(f.joinLink)}</a></p>`,
    `<p>Or go to <a href="${escapeHtml(f.siteUrl)}">${escapeHtml(f.siteUrl)}</a> and enter the session number <strong>${escapeHtml(f.sessionNumber)}</strong>.</p>`,
    '</body></html>',
  ].join('\n');
  return { to: f.address, subject, text, html };
}

/**
 * RFC 6068 `mailto:` URI. The address's local part and domain are percent-encoded on their own
 * (the '@' stays), header values are percent-encoded UTF-8, and line breaks in the body are
 * sent as %0D%0A as section 5 asks.
 */
export function mailtoLink(address: string, subject: string, body: string): string {
  const at = address.lastIndexOf('@');
  const to = at > 0 ? `${encodeURIComponent(address.slice(0, at))}@${encodeURIComponent(address.slice(at + 1))}` : encodeURIComponent(address);
  const crlf = (s: string) => s.replace(/\r?\n/g, '\r\n');
  return `mailto:${to}?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(crlf(body))}`;
}

/** "123 456 789" -> "1 2 3, 4 5 6, 7 8 9": one digit at a time, a pause between groups. */
export function spokenNumber(formatted: string): string {
  return formatted
    .trim()
    .split(/\s+/)
    .map((group) => group.split('').join(' '))
    .join(', ');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
