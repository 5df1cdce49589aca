import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { createClient } from 'graphql-ws';

/** A WebSocket URL on this site for `path` (ws: or wss: as the page). */
export function socketUrl(path: string): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${path}`;
}

/**
 * One Apollo client per signed-in principal: queries and mutations over HTTP, subscriptions over
 * graphql-ws on the same path. The token is read on every request, so a refreshed credential is
 * used at once; it travels in a header and in the socket's connection parameters, never in a URL.
 */
export function createApollo(token: () => string | undefined): { client: ApolloClient; close(): void } {
  const authorization = () => {
    const t = token();
    return t ? `Bearer ${t}` : '';
  };
  const http = new HttpLink({
    uri: '/graphql',
    fetch: (uri, init) => fetch(uri, { ...init, headers: { ...(init?.headers as Record<string, string>), authorization: authorization() } }),
  });
  const ws = createClient({ url: socketUrl('/graphql'), connectionParams: () => ({ authorization: authorization() }), retryAttempts: 20, lazy: true });
  const link = ApolloLink.split(
    ({ query }) => {
      const definition = getMainDefinition(query);
      return definition.kind === 'OperationDefinition' && definition.operation === 'subscription';
    },
    new GraphQLWsLink(ws),
    http,
  );
  const client = new ApolloClient({
    link,
    cache: new InMemoryCache({
      typePolicies: {
        Session: { fields: { participants: { merge: false }, activities: { merge: false } } },
        ActivitiesView: { keyFields: false },
      },
    }),
    defaultOptions: { watchQuery: { fetchPolicy: 'cache-and-network' } },
  });
  return {
    client,
    close: () => {
      void ws.dispose();
      client.stop();
    },
  };
}
