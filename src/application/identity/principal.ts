/** The roles a token may carry. */
export const ROLES = ['csr', 'customer', 'supervisor', 'admin', 'reporting'] as const;
/** `system` is Tandem acting on its own (e.g. ending a session whose console is gone); no token grants it. */
export type Role = (typeof ROLES)[number] | 'system';

export const SYSTEM: Principal = { userId: 'system', name: 'Tandem', roles: ['system'], flags: {} };

/** Who is calling: established from a verified token at the edge, passed down as plain data. */
export interface Principal {
  readonly userId: string;
  readonly name?: string;
  readonly roles: readonly Role[];
  /** Capabilities beyond the role, e.g. `webacdAgent`. */
  readonly flags: Readonly<Record<string, boolean>>;
  /** When the token this principal came from expires (ms since the epoch); sockets close then. */
  readonly expiresAt?: number;
  /**
   * Set on a customer's join credential: the one session this principal may act in (the
   * customer joined it without an account). Absent for everyone else.
   */
  readonly sessionId?: string;
}

export const hasRole = (principal: Principal, ...roles: Role[]) => roles.some((role) => principal.roles.includes(role));
