import request from 'supertest';

/** A GraphQL response as the tests read it. */
export interface Gql {
  data?: Record<string, any> | null;
  errors?: { message: string; extensions: { code: string; status?: number; [key: string]: unknown } }[];
}

/** GraphQL over real HTTP to the app at `url()` (a function: suites start their app in beforeAll). */
export function graphqlClient(url: () => string) {
  async function gql(token: string, query: string, variables: Record<string, unknown> = {}): Promise<Gql> {
    const res = await request(url()).post('/graphql').set('authorization', `Bearer ${token}`).send({ query, variables });
    return res.body as Gql;
  }
  /** The first field of `data`, or a thrown error with the GraphQL errors. */
  async function ok(token: string, query: string, variables: Record<string, unknown> = {}): Promise<any> {
    const body = await gql(token, query, variables);
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return Object.values(body.data!)[0];
  }
  return { gql, ok };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it gives a truthy value, or fails naming what it waited for. */
export async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, ms = 10_000, every = 25): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(every);
  }
}
