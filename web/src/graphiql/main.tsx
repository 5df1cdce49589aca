/**
 * GraphiQL from our own bundle, served at GET /graphql to browsers: it works on a closed network
 * (no CDN), as Nest's built-in landing page does not. Queries and mutations go over HTTP with the
 * headers typed in the editor; subscriptions over graphql-ws with the same `authorization`.
 */
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import { createGraphiQLFetcher, type Fetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { socketUrl } from '../lib/apollo';

const KEY = 'tandem.console';

/** The console's own token when this tab signed in there; otherwise none (the query says where to get one). */
function defaultHeaders(): string {
  const saved = sessionStorage.getItem(KEY);
  const token = saved ? (JSON.parse(saved) as { token?: string }).token : undefined;
  return JSON.stringify(token ? { authorization: `Bearer ${token}` } : {}, null, 2);
}

/** Answers without a token, so a first run shows the sandbox works. */
const DEFAULT_QUERY = `# Tandem's GraphQL API. Everything but health needs a bearer token in the headers below:
# { "authorization": "Bearer <token>" }, e.g. from \`npm run -s token -- --role csr --user alice\`.
{
  health {
    status
  }
}
`;

let authorization: string | undefined;
const inner = createGraphiQLFetcher({
  url: '/graphql',
  subscriptionUrl: socketUrl('/graphql'),
  // Read at connection time: the socket authenticates once, with what the headers editor said last.
  wsConnectionParams: () => (authorization ? { authorization } : {}),
});
const fetcher: Fetcher = (params, options) => {
  const headers = (options?.headers ?? {}) as Record<string, string>;
  authorization = headers.authorization ?? headers.Authorization ?? authorization;
  return inner(params, options);
};

createRoot(document.getElementById('graphiql')!).render(
  <StrictMode>
    <GraphiQL
      fetcher={fetcher}
      initialHeaders={defaultHeaders()}
      defaultHeaders={defaultHeaders()}
      defaultQuery={DEFAULT_QUERY}
      defaultEditorToolsVisibility="headers"
      shouldPersistHeaders={false}
    />
  </StrictMode>,
);
