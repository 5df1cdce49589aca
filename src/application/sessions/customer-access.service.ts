import { randomUUID } from 'node:crypto';
import { DomainError, forbidden, illegalState, notFound, validationError } from '../../domain/shared/domain-error.js';
import type { SessionState } from '../../domain/session/index.js';
import type { Principal } from '../identity/principal.js';
import type { SessionService } from './session.service.js';

/** A customer's session credential: a bearer token for one session and one customer. */
export interface CustomerCredential {
  readonly token: string;
  /** ISO 8601; refresh before it (`refresh`), about half-way through. */
  readonly expiresAt: string;
  readonly sessionId: string;
  readonly customerId: string;
  /** After a join: the join's consistency token, to pass as `after` so the first read shows the customer in (read-your-writes). */
  readonly consistencyToken?: string;
}

/** Signs customer credentials (short-lived, scoped to `principal.sessionId`). */
export interface CustomerCredentialIssuer {
  issue(principal: Principal & { sessionId: string }, ttlSeconds: number): Promise<{ token: string; expiresAt: Date }>;
}

/** The single-use token an emailed invitation's link carries (INV-3). */
export interface InvitationTokens {
  /** The invitation a token names, or undefined when it is forged, malformed or expired. */
  read(token: string): Promise<{ sessionId: string; invitationId: string } | undefined>;
}

/** Remembers which invitations were exchanged, so each link works once. */
export interface InvitationRedemptions {
  /** true when this call redeemed the invitation; false when it had been redeemed before (atomic). */
  claim(sessionId: string, invitationId: string, customerId: string): Promise<boolean>;
  /** Undoes a claim whose join failed (the customer may try again). */
  release(sessionId: string, invitationId: string): Promise<void>;
}

export const CUSTOMER_ACCESS_ERRORS = {
  INVITATION_INVALID: 'INVITATION_INVALID',
  INVITATION_USED: 'INVITATION_USED',
  CREDENTIAL_NOT_REFRESHABLE: 'CREDENTIAL_NOT_REFRESHABLE',
} as const;

const DISPLAY_NAME_MAX = 100;
const NO_SUCH_SESSION = new Set(['SESSION_NOT_FOUND', 'INVALID_SESSION_NUMBER', 'SESSION_ENDED', 'SESSION_NUMBER_MISMATCH']);

/**
 * Customers without an account (INV-1, INV-3, INV-4): they give a display name and join by the
 * number, or by exchanging the single-use token of an emailed invitation. Either way the
 * server makes up a customer id and issues a short-lived credential for that one session and
 * that customer, refreshed while they take part. Bearer tokens never travel in a URL: the
 * invitation token is not a bearer token (it grants nothing but this exchange, once).
 */
export class CustomerAccessService {
  constructor(
    private readonly sessions: SessionService,
    private readonly credentials: CustomerCredentialIssuer,
    private readonly invitationTokens: InvitationTokens,
    private readonly redemptions: InvitationRedemptions,
    private readonly options: { readonly credentialTtlSeconds: number },
  ) {}

  /**
   * INV-4: join by the number. An unknown or ended number and a malformed one get the same
   * SESSION_NOT_FOUND (the number is not an oracle; the API also rate-limits this call).
   */
  async joinByNumber(number: string, displayName: string): Promise<CustomerCredential> {
    const guest = this.newCustomer(displayName);
    try {
      const view = await this.sessions.joinByNumber(guest, number, 'customer', guest.name);
      return { ...(await this.issue({ ...guest, sessionId: view.id })), consistencyToken: view.consistencyToken };
    } catch (error) {
      // One answer for every number that leads nowhere, so it tells nothing about the number space.
      if (error instanceof DomainError && NO_SUCH_SESSION.has(error.code)) throw notFound('SESSION_NOT_FOUND', 'no live session has this number (INV-6)');
      throw error;
    }
  }

  /** INV-3: exchange an emailed invitation's token, once, for the session credential. */
  async redeemInvitation(invitationToken: string, displayName: string): Promise<CustomerCredential> {
    const guest = this.newCustomer(displayName);
    const invitation = await this.invitationTokens.read(invitationToken);
    if (!invitation)
      throw validationError(CUSTOMER_ACCESS_ERRORS.INVITATION_INVALID, 'invitationToken', 'the invitation link is not valid or has expired; enter the session number instead');
    if (!(await this.redemptions.claim(invitation.sessionId, invitation.invitationId, guest.userId))) {
      throw illegalState(CUSTOMER_ACCESS_ERRORS.INVITATION_USED, 'this invitation link was already used; enter the session number instead');
    }
    try {
      const view = await this.sessions.joinById(guest, invitation.sessionId, 'customer', guest.name);
      return { ...(await this.issue({ ...guest, sessionId: view.id })), consistencyToken: view.consistencyToken };
    } catch (error) {
      // A session that has ended keeps the link dead; any other refusal (full, say) lets them retry.
      if (!(error instanceof DomainError && error.code === 'SESSION_NOT_FOUND')) await this.redemptions.release(invitation.sessionId, invitation.invitationId);
      throw error;
    }
  }

  /** A fresh credential while the customer still takes part in the live session. */
  async refresh(principal: Principal): Promise<CustomerCredential> {
    const sessionId = principal.sessionId;
    const refuse = () => forbidden(CUSTOMER_ACCESS_ERRORS.CREDENTIAL_NOT_REFRESHABLE, 'this credential is not a customer session credential, or the customer has left the session');
    if (!sessionId || !principal.roles.includes('customer')) throw refuse();
    // From the stream, not the read model: a credential asked for right after joining must see the join.
    const view = await this.sessions.current(principal, sessionId).catch(() => undefined);
    const state = view?.state as unknown as SessionState | undefined;
    if (!state || (state.status !== 'active' && state.status !== 'queued') || !state.customers.some((c) => c.customerId === principal.userId)) throw refuse();
    return this.issue({ ...principal, sessionId });
  }

  private newCustomer(displayName: string): Principal & { name: string } {
    const name = typeof displayName === 'string' ? displayName.trim() : '';
    if (name === '' || [...name].length > DISPLAY_NAME_MAX) throw validationError('INVALID_DISPLAY_NAME', 'displayName', `displayName must be 1 to ${DISPLAY_NAME_MAX} characters`);
    return { userId: `customer-${randomUUID()}`, name, roles: ['customer'], flags: {} };
  }

  private async issue(principal: Principal & { sessionId: string }): Promise<CustomerCredential> {
    const { token, expiresAt } = await this.credentials.issue(principal, this.options.credentialTtlSeconds);
    return { token, expiresAt: expiresAt.toISOString(), sessionId: principal.sessionId, customerId: principal.userId };
  }
}
