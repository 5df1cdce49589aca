import { type ArgumentMetadata, ValidationPipe, type ValidationPipeOptions } from '@nestjs/common';

/**
 * The API's validation pipe: class-validator over every argument and body, where an explicit
 * `null` on a field means the same as leaving the field out.
 *
 * GraphQL lets a client send `null` for any nullable argument or input field (GraphQL spec,
 * "Coercing Variable Values": an explicit null is a value), and clients do: Apollo sends
 * `{after: null}` when a variable is unset. No Tandem field gives null a meaning of its own, so
 * null is removed before validation: an optional field then reads as absent everywhere behind
 * the API (`after === undefined`, defaults apply), and a required one fails validation naming
 * the field, as a missing one does. Elements of lists are kept as sent (`[null]` is still
 * refused by the element's rule).
 */
export class InputPipe extends ValidationPipe {
  /** The one configuration every transport validates with: unknown fields refused, values transformed, every error reported. */
  static forTheApi(): InputPipe {
    return new InputPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true, stopAtFirstError: false });
  }

  constructor(options: ValidationPipeOptions) {
    super(options);
  }

  /** @throws BadRequestException (class-validator's messages) when the value breaks a rule. */
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Only what the pipe validates (argument classes, DTOs): the principal and other values of
    // custom decorators pass as they are.
    return super.transform(this.toValidate(metadata) ? withoutNulls(value) : value, metadata);
  }
}

/** A copy of `value` without the null-valued keys of its plain objects, at any depth. */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (item === null ? item : withoutNulls(item)));
  if (value === null || typeof value !== 'object') return value;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value; // Date, Buffer, upload streams: as they are
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) if (item !== null) out[key] = withoutNulls(item);
  return out;
}
