import type { ApolloServerPlugin } from '@apollo/server';

/** Labels of one GraphQL operation sample. */
export interface OperationLabels {
  /** The client's operation name, or `anonymous:<first root field>`, or `invalid` when it did not parse or validate. */
  readonly operation: string;
  readonly kind: string;
  readonly outcome: 'ok' | 'error';
}

/** Distinct client-chosen operation names kept as labels; later ones count as `other` (label sets stay bounded). */
const MAX_OPERATION_NAMES = 200;
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * Apollo Server plugin that times every GraphQL operation and labels it by operation name, so
 * `/graphql` is not one opaque route in the metrics. Operation names come from clients: only
 * well-formed names are used, and only the first MAX_OPERATION_NAMES of them.
 */
export function graphqlMetricsPlugin(observe: (labels: OperationLabels, seconds: number) => void): ApolloServerPlugin {
  const known = new Set<string>();
  const labelFor = (name: string) => {
    if (known.has(name)) return name;
    if (known.size >= MAX_OPERATION_NAMES) return 'other';
    known.add(name);
    return name;
  };
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ operation, operationName, errors }) {
          let name = 'invalid';
          if (operation) {
            const first = operation.selectionSet.selections[0];
            const given = operationName ?? operation.name?.value;
            name = given && NAME.test(given) ? labelFor(given) : given ? 'other' : `anonymous:${first?.kind === 'Field' ? first.name.value : '?'}`;
          }
          observe({ operation: name, kind: operation?.operation ?? 'unknown', outcome: errors?.length ? 'error' : 'ok' }, (performance.now() - started) / 1000);
        },
      };
    },
  };
}
