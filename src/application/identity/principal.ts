/** The roles a token may carry. */
export const ROLES = ['csr', 'customer', 'supervisor', 'admin', 'reporting'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: established from a verified token at the edge, passed down as plain data. */
export interface Principal {
  readonly userId: string;
  readonly name?: string;
  readonly roles: readonly Role[];
  /** Capabilities beyond the role, e.g. `webacdAgent`. */
  readonly flags: Readonly<Record<string, boolean>>;
}

export const hasRole = (principal: Principal, ...roles: Role[]) => roles.some((role) => principal.roles.includes(role));
