/**
 * The few kinds of error the domain raises. Each carries a stable `code` that clients can
 * rely on, and a category that the API layer maps to a transport status:
 * validation -> 400/422, forbidden -> 403, not_found -> 404, illegal_state/concurrency -> 409.
 */
export type ErrorCategory = 'validation' | 'forbidden' | 'not_found' | 'illegal_state' | 'concurrency';

export class DomainError extends Error {
  constructor(
    readonly category: ErrorCategory,
    /** Stable, upper-snake-case code, e.g. `SESSION_ENDED`. Never renamed. */
    readonly code: string,
    message: string,
    /** The input field a validation error is about, when there is one. */
    readonly field?: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const validationError = (code: string, field: string, message: string, details?: Record<string, unknown>) => new DomainError('validation', code, message, field, details);
export const forbidden = (code: string, message: string) => new DomainError('forbidden', code, message);
export const notFound = (code: string, message: string) => new DomainError('not_found', code, message);
export const illegalState = (code: string, message: string, details?: Record<string, unknown>) => new DomainError('illegal_state', code, message, undefined, details);
