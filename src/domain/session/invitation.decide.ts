import { illegalState, validationError } from '../shared/domain-error.js';
import { parseMailbox } from '../shared/email-address.js';
import type { InvitationRequest } from './session.commands.js';
import { CSR_INVITATION_EMAIL_ONLY, CUSTOMER_LIMIT_REACHED, INVALID_INVITATION } from './session.errors.js';
import type { InvitationChannel, InvitationSent } from './session.events.js';
import { formatSessionNumber } from './session-number.js';
import type { LiveSession } from './session.state.js';

const CHANNELS: readonly InvitationChannel[] = ['email', 'phone', 'instant_message'];

/** The join link of a session: the support site's join page for its number (SES-1, INV-3). */
export function joinLinkFor(siteUrl: string, number: string): string {
  return `${siteUrl.replace(/\/+$/, '')}/join/${number}`;
}

/**
 * Turns invitation requests into InvitationSent events (INV-1..3, INV-5). Customers invited at
 * once may not outnumber the seats left; the hard limit is checked again when they join (SES-3).
 */
export function invitationsSent(s: LiveSession, requests: readonly InvitationRequest[], stamp: { readonly by: string; readonly at: string }): readonly InvitationSent[] {
  const customersInvited = requests.filter((r) => r.invitee === 'customer').length;
  if (s.customers.length + customersInvited > s.settings.maxCustomers) {
    throw illegalState(CUSTOMER_LIMIT_REACHED, `At most ${s.settings.maxCustomers} customer(s) may take part in this session`, {
      maxCustomers: s.settings.maxCustomers,
    });
  }
  return requests.map((request) => invitationSent(s, request, stamp));
}

function invitationSent(s: LiveSession, request: InvitationRequest, stamp: { readonly by: string; readonly at: string }): InvitationSent {
  const { invitationId, invitee, channel } = request;
  if (!invitationId) throw validationError(INVALID_INVITATION, 'invitationId', 'Each invitation needs an id');
  if (invitee !== 'customer' && invitee !== 'csr') throw validationError(INVALID_INVITATION, 'invitee', 'Invite a customer or a CSR');
  if (!CHANNELS.includes(channel)) throw validationError(INVALID_INVITATION, 'channel', `Channel must be one of ${CHANNELS.join(', ')}`);
  // INV-1: another CSR is invited by email only.
  if (invitee === 'csr' && channel !== 'email') {
    throw validationError(CSR_INVITATION_EMAIL_ONLY, 'channel', 'Another CSR is invited by email');
  }
  const typed = request.address?.trim() || null;
  const sessionNumber = formatSessionNumber(s.number);
  const base = { invitationId, invitee, channel, joinLink: s.joinLink, sessionNumber, siteUrl: s.siteUrl, ...stamp };
  if (channel !== 'email') {
    return { type: 'InvitationSent', data: { ...base, address: typed, delivery: null, mail: null } };
  }
  // Exactly one mailbox with a valid host (issue 11): `a,b@x.test` would mail someone else.
  const address = typed ? parseMailbox(typed) : undefined;
  if (!address) throw validationError(INVALID_INVITATION, 'address', 'An email invitation needs exactly one valid address (local@host, no list, no name)');
  const delivery = request.delivery ?? 'system';
  if (delivery !== 'system' && delivery !== 'own_mail_program') {
    throw validationError(INVALID_INVITATION, 'delivery', 'Delivery is system or own_mail_program');
  }
  // INV-2: composed in the CSR's own mail program, the console needs subject, body and a mailto link.
  const mail = delivery === 'own_mail_program' ? composedMail(address, sessionNumber, s.joinLink, s.siteUrl) : null;
  return { type: 'InvitationSent', data: { ...base, address, delivery, mail } };
}

function composedMail(address: string, sessionNumber: string, joinLink: string, siteUrl: string) {
  const subject = `Remote support session ${sessionNumber}`;
  const body = `Please join the remote support session: ${joinLink}\n\nOr go to ${siteUrl} and enter the session number ${sessionNumber}.`;
  const mailto = `mailto:${address}?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(body)}`;
  return { subject, body, mailto };
}
