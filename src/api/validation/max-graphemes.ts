import { ValidateBy, type ValidationOptions } from 'class-validator';
import { graphemeLength } from '../../domain/shared/text.js';

/**
 * At most `max` user-perceived characters (graphemes, see `graphemeLength`): the limit a user
 * sees, counted as they count. A single grapheme may be long (combining marks), so the UTF-16
 * length is also capped at 32 per allowed character, which no real text reaches.
 */
export function MaxGraphemes(max: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'maxGraphemes',
      constraints: [max],
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || (value.length <= max * 32 && graphemeLength(value) <= max),
        defaultMessage: (args) => `${args?.property} must be at most ${max} characters (user-perceived characters: an emoji or an accented letter counts as one)`,
      },
    },
    options,
  );
}
