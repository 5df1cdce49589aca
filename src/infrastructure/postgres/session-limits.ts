/**
 * Limits every connection Tandem opens to its database carries (issue 12), so that Tandem is
 * never the transaction that holds others up: a statement that runs too long is cancelled
 * (SQLSTATE 57014), and a session idle inside an open transaction is ended by the server
 * (25P03) and its locks released.
 *
 * They travel as startup parameters: node-postgres sends `statement_timeout`,
 * `idle_in_transaction_session_timeout` and `application_name` from its config or from the
 * connection string's query, so pools, LISTEN clients and TypeORM all get them.
 */
export interface SessionLimits {
  /** Milliseconds a single statement may run; 0 turns the limit off. */
  readonly statementTimeoutMs: number;
  /** Milliseconds a session may sit idle inside a transaction; 0 turns the limit off. */
  readonly idleInTransactionTimeoutMs: number;
}

/** The startup parameters for node-postgres (`new pg.Pool({ ...sessionParameters(limits) })`, TypeORM `extra`). */
export function sessionParameters(limits: SessionLimits): { statement_timeout: number; idle_in_transaction_session_timeout: number; application_name: string } {
  return { statement_timeout: limits.statementTimeoutMs, idle_in_transaction_session_timeout: limits.idleInTransactionTimeoutMs, application_name: 'tandem' };
}

/** `url` with the limits in its query string (replacing any given there), for code that takes a URL. */
export function withSessionLimits(url: string, limits: SessionLimits): string {
  const parsed = new URL(url);
  for (const [name, value] of Object.entries(sessionParameters(limits))) parsed.searchParams.set(name, String(value));
  return parsed.toString();
}
