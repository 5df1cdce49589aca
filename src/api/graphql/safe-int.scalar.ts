import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

const check = (value: unknown, what: string): number => {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new GraphQLError(`SafeInt ${what} must be an integer from -(2^53-1) to 2^53-1 (got ${JSON.stringify(value)?.slice(0, 40)})`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return value;
};

/**
 * Integers up to 2^53-1 for sizes (bytes) and durations (ms). GraphQL's `Int` is 32-bit, so a
 * 3 GB file would not fit; REST carries the same numbers as JSON numbers with the same bound.
 */
export const SafeInt = new GraphQLScalarType<number, number>({
  name: 'SafeInt',
  description: 'An integer from -(2^53-1) to 2^53-1 (sizes in bytes, durations in milliseconds); JSON numbers carry it exactly.',
  serialize: (value) => check(typeof value === 'number' ? Math.round(value) : value, 'output'),
  parseValue: (value) => check(value, 'input'),
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.INT) throw new GraphQLError('SafeInt must be an integer literal', { nodes: [ast], extensions: { code: 'BAD_USER_INPUT' } });
    return check(Number(ast.value), 'input');
  },
});
