import { validationError } from '../shared/domain-error.js';
import { INVALID_SESSION_NUMBER } from './session.errors.js';

/**
 * A session number (SES-1): nine digits a person can read out on the phone and type.
 * Stored as the bare digits; shown in groups of three. Allocating one (unique among live
 * sessions, not guessable) is the application's job: the domain only checks the shape.
 */
declare const sessionNumberBrand: unique symbol;
export type SessionNumber = string & { readonly [sessionNumberBrand]: true };

const SEPARATORS = /[\s-]/g;
const NINE_DIGITS = /^\d{9}$/;

/** Accepts "123456789", "123 456 789", "123-456-789" and the like; throws INVALID_SESSION_NUMBER. */
export function parseSessionNumber(input: string, field = 'number'): SessionNumber {
  const digits = typeof input === 'string' ? input.replace(SEPARATORS, '') : '';
  if (!NINE_DIGITS.test(digits)) {
    throw validationError(INVALID_SESSION_NUMBER, field, 'A session number is nine digits, e.g. 123 456 789');
  }
  return digits as SessionNumber;
}

export function isSessionNumber(input: string): boolean {
  return typeof input === 'string' && NINE_DIGITS.test(input.replace(SEPARATORS, ''));
}

/** "123 456 789": the form a CSR reads out and a customer types. */
export function formatSessionNumber(number: SessionNumber): string {
  return `${number.slice(0, 3)} ${number.slice(3, 6)} ${number.slice(6, 9)}`;
}
