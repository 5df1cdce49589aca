import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';

/**
 * A `subscription` operation sent over HTTP (POST/GET /graphql) is refused with 400 and code
 * SUBSCRIPTION_OVER_HTTP (issue 11 item 9): executed as a query, its resolver's async iterator
 * cannot be serialised and came back as INTERNAL. Subscriptions run over the graphql-ws socket;
 * Apollo's plugins see HTTP requests only, so the socket is not affected.
 */
export const subscriptionOverHttpPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation }) {
        if (operation?.operation !== 'subscription') return;
        throw new GraphQLError('subscriptions run over the GraphQL WebSocket (graphql-transport-ws on /graphql), not over HTTP', {
          extensions: { code: 'SUBSCRIPTION_OVER_HTTP', http: { status: 400 } },
        });
      },
    };
  },
};
