import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  type ASTVisitor,
  type DocumentNode,
  GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
  Kind,
  Lexer,
  type SelectionSetNode,
  Source,
  specifiedRules,
  TokenKind,
  validate,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { findUnstorableText, unstorableText } from '../../domain/shared/text.js';

/**
 * The limits every GraphQL request meets, over HTTP and over graphql-ws alike. Each refusal has
 * its own `extensions.code` and comes back as HTTP 400 (never the 500 some libraries answer).
 */
export const GRAPHQL_LIMITS = {
  /** Lexical tokens in one document (counted before parsing). */
  maxTokens: 2_000,
  /** Nesting of selections. */
  maxDepth: 12,
  /** Aliased fields in one document. */
  maxAliases: 15,
  /** graphql-armor's cost: 1 per scalar, 2 per object, times depth. */
  maxCost: 5_000,
  maxDirectives: 20,
  /** Top-level fields of a mutation: one command per request, so one request is one decision. */
  maxMutationFields: 1,
} as const;

const refusal = (code: string, message: string, status = 400) => new GraphQLError(message, { extensions: { code, http: { status } } });

/** TOO_MANY_TOKENS when `query` has more lexical tokens than the limit; undefined otherwise (syntax errors are the parser's). */
export function tokenRefusal(query: unknown): GraphQLError | undefined {
  if (typeof query !== 'string') return undefined;
  const lexer = new Lexer(new Source(query));
  try {
    for (let n = 0; lexer.advance().kind !== TokenKind.EOF;)
      if (++n > GRAPHQL_LIMITS.maxTokens) return refusal('TOO_MANY_TOKENS', `a GraphQL document may have at most ${GRAPHQL_LIMITS.maxTokens} tokens`);
  } catch {
    return undefined;
  }
  return undefined;
}

/** INVALID_TEXT for a NUL or lone surrogate in a variable (graphql-ws; HTTP bodies are checked by the input guard). */
export function variablesRefusal(variables: unknown): GraphQLError | undefined {
  const found = findUnstorableText(variables, 'variables', 34);
  return found ? new GraphQLError(`${found.path} ${found.reason}`, { extensions: { code: 'INVALID_TEXT', field: found.path, http: { status: 400 } } }) : undefined;
}

/** Inline string literals must be storable text too (`"\u0000"` is a valid GraphQL escape). */
const storableLiterals: ValidationRule = (context: ValidationContext): ASTVisitor => ({
  StringValue(node) {
    const reason = unstorableText(node.value);
    if (reason) context.reportError(new GraphQLError(`a string literal ${reason}`, { nodes: [node], extensions: { code: 'INVALID_TEXT', field: 'query' } }));
  },
});

/** At most GRAPHQL_LIMITS.maxMutationFields top-level mutation fields (fragments included). */
const oneMutationField: ValidationRule = (context: ValidationContext): ASTVisitor => ({
  OperationDefinition(node) {
    if (node.operation !== 'mutation') return;
    const count = (set: SelectionSetNode, seen: Set<string>): number =>
      set.selections.reduce((n, s) => {
        if (s.kind === Kind.FIELD) return n + 1;
        if (s.kind === Kind.INLINE_FRAGMENT) return n + count(s.selectionSet, seen);
        if (seen.has(s.name.value)) return n;
        seen.add(s.name.value);
        const fragment = context.getFragment(s.name.value);
        return fragment ? n + count(fragment.selectionSet, seen) : n;
      }, 0);
    if (count(node.selectionSet, new Set()) > GRAPHQL_LIMITS.maxMutationFields) {
      context.reportError(
        new GraphQLError(`a request may carry at most ${GRAPHQL_LIMITS.maxMutationFields} mutation field(s); send one command per request`, {
          nodes: [node],
          extensions: { code: 'TOO_MANY_MUTATIONS' },
        }),
      );
    }
  },
});

/** graphql-armor's depth, alias, cost and directive rules, each reporting its own code. */
function armorRules(): ValidationRule[] {
  const report = (code: string) => ({
    propagateOnRejection: false,
    exposeLimits: true,
    onReject: [(ctx: ValidationContext | null, error: GraphQLError) => ctx?.reportError(new GraphQLError(error.message, { extensions: { code } }))],
  });
  return new ApolloArmor({
    maxTokens: { enabled: false }, // counted before parsing, see tokenRefusal
    blockFieldSuggestion: { enabled: true },
    maxDepth: { n: GRAPHQL_LIMITS.maxDepth, ignoreIntrospection: true, ...report('QUERY_TOO_DEEP') },
    maxAliases: { n: GRAPHQL_LIMITS.maxAliases, ...report('TOO_MANY_ALIASES') },
    costLimit: { maxCost: GRAPHQL_LIMITS.maxCost, ignoreIntrospection: true, ...report('QUERY_TOO_COSTLY') },
    maxDirectives: { n: GRAPHQL_LIMITS.maxDirectives, ...report('TOO_MANY_DIRECTIVES') },
  }).protect().validationRules as ValidationRule[];
}

/** Our validation rules, beside graphql-js's own. */
export function edgeValidationRules(): ValidationRule[] {
  return [...armorRules(), storableLiterals, oneMutationField];
}

const INTROSPECTION = /\b__(schema|type)\b/;

/** Apollo plugin: unless `development`, introspection by a caller without a valid token is refused (401). */
export function edgePlugin(options: {
  development: boolean;
  authenticated: (authorization: string | undefined) => Promise<boolean>;
}): ApolloServerPlugin<{ req?: { headers?: Record<string, string | string[] | undefined> } }> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, source }) {
          if (!options.development && INTROSPECTION.test(source ?? '')) {
            const header = contextValue.req?.headers?.authorization;
            if (!(await options.authenticated(Array.isArray(header) ? header[0] : header))) throw refusal('UNAUTHENTICATED', 'introspection needs a bearer token', 401);
          }
        },
      };
    },
  };
}

/** The codes our rules report; Apollo wraps validation errors as GRAPHQL_VALIDATION_FAILED. */
const OWN_CODES = new Set(['INVALID_TEXT', 'TOO_MANY_MUTATIONS', 'QUERY_TOO_DEEP', 'TOO_MANY_ALIASES', 'QUERY_TOO_COSTLY', 'TOO_MANY_DIRECTIVES']);

/**
 * Apollo's formatError: keeps our rule codes, and outside development drops stack traces and
 * any message of an error that is not a known refusal.
 */
export function formatError(development: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = (error as { originalError?: { extensions?: Record<string, unknown> } })?.originalError;
    const ownCode = original?.extensions?.code;
    const extensions = { ...formatted.extensions };
    if (typeof ownCode === 'string' && OWN_CODES.has(ownCode)) {
      extensions.code = ownCode;
      if (original?.extensions?.field) extensions.field = original.extensions.field;
    }
    if (!development) delete extensions.stacktrace;
    return { ...formatted, extensions };
  };
}

/** graphql-ws's validate: graphql-js's rules plus ours (sockets meet the same limits as HTTP). */
export function validateWithEdgeRules(): (schema: GraphQLSchema, document: DocumentNode) => readonly GraphQLError[] {
  const rules = [...specifiedRules, ...edgeValidationRules()];
  return (schema, document) => validate(schema, document, rules);
}
