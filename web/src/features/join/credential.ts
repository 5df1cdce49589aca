import { rest } from '../../lib/rest';

/** A customer's session credential (INV-3, INV-4), kept for this tab only. */
export interface CustomerCredential {
  token: string;
  expiresAt: string;
  sessionId: string;
  customerId: string;
  /** After joining: pass as `after` so the first read of the session shows the customer in it. */
  consistencyToken?: string;
}

const KEY = 'tandem.customer';

export const loadCredential = (): CustomerCredential | undefined => {
  const raw = sessionStorage.getItem(KEY);
  return raw ? (JSON.parse(raw) as CustomerCredential) : undefined;
};
export const saveCredential = (c: CustomerCredential | undefined) => (c ? sessionStorage.setItem(KEY, JSON.stringify(c)) : sessionStorage.removeItem(KEY));

export const joinByNumber = (number: string, displayName: string) => rest<CustomerCredential>('/api/v1/join', { body: { number, displayName } });
export const joinByInvitation = (invitationToken: string, displayName: string) => rest<CustomerCredential>('/api/v1/join/invitation', { body: { invitationToken, displayName } });
export const refreshCredential = (token: string) => rest<CustomerCredential>('/api/v1/join/refresh', { method: 'POST', token });
