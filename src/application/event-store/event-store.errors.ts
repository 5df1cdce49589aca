import { DomainError } from '../../domain/shared/domain-error.js';
import type { ExpectedVersion } from './event-store.port.js';

/** The stream was not at the version the caller expected. Retryable after re-reading. */
export class WrongExpectedVersionError extends DomainError {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    /** The stream's version, or 'no_stream'. */
    readonly actual: number | 'no_stream',
  ) {
    super('concurrency', 'WRONG_EXPECTED_VERSION', `stream ${streamId}: expected version ${String(expected)}, actual ${String(actual)}`, undefined, {
      streamId,
      expected,
      actual,
    });
    this.name = 'WrongExpectedVersionError';
  }
}

/** Some but not all of an append's event ids were already stored: neither a retry nor new work. */
export class IdempotencyConflictError extends DomainError {
  constructor(readonly streamId: string) {
    super('concurrency', 'IDEMPOTENCY_CONFLICT', `stream ${streamId}: some of these event ids are already stored, others are not`);
    this.name = 'IdempotencyConflictError';
  }
}

/** The event store's backing server could not be reached or failed. */
export class EventStoreUnavailableError extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'EventStoreUnavailableError';
  }
}
