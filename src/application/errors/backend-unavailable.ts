import { EventStoreUnavailableError } from '../event-store/event-store.errors.js';

/** Seconds a client is asked to wait (`Retry-After`) when the database is away. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * True when `error` says the database (or the event store) cannot be reached right now, not
 * that the request was wrong: refused or reset connections, a server shutting down or
 * restarting (SQLSTATE classes 08, 57P01-57P03), a pool that timed out waiting for a connection.
 * Looks through wrappers (`cause`, TypeORM's `driverError`, AggregateError). Such a request is
 * answered 503 with Retry-After (issue 12), never 500.
 */
export function isBackendUnavailable(error: unknown, depth = 0): boolean {
  if (error === null || typeof error !== 'object' || depth > 5) return false;
  if (error instanceof EventStoreUnavailableError) return true;
  const { code, message, cause, driverError, errors } = error as { code?: unknown; message?: unknown; cause?: unknown; driverError?: unknown; errors?: unknown };
  if (typeof code === 'string' && (/^(08|57P0[123])/.test(code) || /^E(CONNREFUSED|CONNRESET|PIPE|TIMEDOUT|HOSTUNREACH|NETUNREACH|AI_AGAIN)$/.test(code))) return true;
  if (
    typeof message === 'string' &&
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly|the database system is (starting up|shutting down|in recovery mode)/i.test(
      message,
    )
  )
    return true;
  if (Array.isArray(errors) && errors.some((e) => isBackendUnavailable(e, depth + 1))) return true;
  return isBackendUnavailable(driverError, depth + 1) || isBackendUnavailable(cause, depth + 1);
}
