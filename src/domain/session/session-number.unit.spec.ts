import { DomainError } from '../shared/domain-error.js';
import { formatSessionNumber, isSessionNumber, parseSessionNumber } from './session-number.js';
import { INVALID_SESSION_NUMBER } from './session.errors.js';

describe('session number', () => {
  it.each(['123456789', '123 456 789', '123-456-789', ' 123 - 456 - 789 '])('SES-1 reads "%s" as the nine digits', (typed) => {
    expect(parseSessionNumber(typed)).toBe('123456789');
  });

  it('SES-1 is shown in groups of three for reading aloud', () => {
    expect(formatSessionNumber(parseSessionNumber('012345678'))).toBe('012 345 678');
  });

  it.each(['12345678', '1234567890', '123 456 78a', '', '123.456.789'])('SES-1 refuses "%s"', (typed) => {
    expect(() => parseSessionNumber(typed)).toThrow(DomainError);
    try {
      parseSessionNumber(typed, 'sessionNumber');
    } catch (error) {
      expect(error).toMatchObject({ code: INVALID_SESSION_NUMBER, category: 'validation', field: 'sessionNumber' });
    }
    expect(isSessionNumber(typed)).toBe(false);
  });
});
