/**
 * Issue 11 "Must show": requests generated from the live GraphQL schema and the served OpenAPI
 * document, for every operation and every role (and no token), with wrong types, nulls, huge and
 * deep values, NUL and lone surrogates, unknown fields and aliases. Whatever comes in, the
 * answer is never a 5xx, never an INTERNAL error, and a refused request writes no event.
 *
 * The seed is printed; replay a failure with FUZZ_SEED=<seed> (and FUZZ_RUNS for a longer run).
 */
import { GraphQLSchemaHost } from '@nestjs/graphql';
import fc from 'fast-check';
import {
  getNamedType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  GraphQLEnumType,
  GraphQLInputObjectType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLScalarType,
  isObjectType,
  isAbstractType,
  type GraphQLSchema,
} from 'graphql';
import pg from 'pg';
import request from 'supertest';
import { graphqlClient } from '../support/graphql.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261130);
const RANDOM_RUNS = Number(process.env.FUZZ_RUNS ?? 1400);
const ROLES = ['csr', 'customer', 'supervisor', 'admin', 'reporting'] as const;

let t: TestApp;
let pool: pg.Pool;
let tokens: Record<string, string | undefined>;
/** Real ids and numbers (filled in beforeAll), so some requests reach past "not found". */
const known: string[] = ['fuzz-csr'];
let requests = 0;

beforeAll(async () => {
  t = await startTestApp({ INBOUND_RATE_PER_MINUTE: '100000', NUMBER_LOOKUP_RATE_PER_MINUTE: '100000' });
  pool = new pg.Pool({ connectionString: t.db.url, max: 2 });
  tokens = { anonymous: undefined };
  for (const role of ROLES) tokens[role] = await t.token(`fuzz-${role}`, [role], role === 'csr' ? { webacdAgent: true } : {});
  const { ok } = graphqlClient(() => t.url);
  const session = await ok(tokens.csr!, 'mutation { startSession { id number } }');
  const queue = await ok(tokens.admin!, 'mutation($a: [String!]!) { createQueue(name: "fuzz", agentIds: $a, offerTimeoutMs: 5000) { id } }', { a: ['fuzz-csr'] });
  known.push(session.id, session.number, queue.id, 'fuzz-customer');
  console.log(`generated requests: seed ${SEED} (replay with FUZZ_SEED=${SEED}), ${RANDOM_RUNS} random runs after one sweep of every operation x role`);
});
afterAll(async () => {
  console.log(`generated requests: ${requests} sent`);
  await pool.end();
  await t.close();
});

/** Events written on behalf of the fuzzing users (reactions run as the system, not as them). */
const fuzzEvents = async () => Number((await pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM es_events WHERE metadata->>'userId' LIKE 'fuzz-%'`)).rows[0]!.n);

// ---------------------------------------------------------------- values

const NASTY = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udc00y',
  '=1+1',
  '+cmd',
  '@SUM(1)',
  '-2+3',
  '\t',
  '\r',
  '',
  ' ',
  '%00',
  '../../etc/passwd',
  '__proto__',
  'constructor',
  "'; DROP TABLE es_events; --",
  '2026-02-30',
  '2026-02-30T00:00:00Z',
  '2026-01-01T00:00:00',
  'a,b@x.test',
  'victim@example.com?bcc=x%40y',
  'someone@example..com',
  '👨‍👩‍👧‍👦'.repeat(346),
  'e\u0301'.repeat(346),
  'x'.repeat(5000),
  '9007199254740993',
  'null',
  'true',
  '<script>alert(1)</script>',
];
const nastyString = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
    { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
    { weight: 1, arbitrary: fc.uuid() },
    { weight: 2, arbitrary: fc.nat().map((i) => known[i % known.length]!) },
  );
const nastyNumber = fc.oneof(fc.integer(), fc.constantFrom(0, -1, 2 ** 31, 2 ** 53, -(2 ** 53), 1e308, 0.5, -0), fc.double({ noNaN: true, noDefaultInfinity: true }));
const nest = (depth: number): unknown => {
  let value: unknown = 'deep';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { d: value };
  return value;
};
const anyValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    nastyString(),
    nastyNumber,
    fc.constantFrom(null, true, false),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'a\u0000', 'constructor')), tie('value'), { maxKeys: 3 }),
    fc.integer({ min: 20, max: 3000 }).map(nest),
  ),
})).value;

/** A value for a GraphQL input type: usually of the right shape with nasty leaves, sometimes anything at all. */
function valueFor(type: GraphQLInputType, depth = 0): fc.Arbitrary<unknown> {
  const wrong = fc.oneof(anyValue, fc.constant(null));
  if (type instanceof GraphQLNonNull) return valueFor(type.ofType as GraphQLInputType, depth);
  if (type instanceof GraphQLList)
    return fc.oneof({ weight: 4, arbitrary: fc.array(valueFor(type.ofType as GraphQLInputType, depth + 1), { maxLength: 3 }) }, { weight: 1, arbitrary: wrong });
  let right: fc.Arbitrary<unknown>;
  if (type instanceof GraphQLEnumType) right = fc.constantFrom(...type.getValues().map((v) => v.name));
  else if (type instanceof GraphQLInputObjectType) {
    if (depth > 3) return fc.constant(null);
    const fields = Object.values(type.getFields());
    right = fc
      .tuple(
        ...fields.map((f) => fc.option(valueFor(f.type, depth + 1), { nil: undefined, freq: 3 })),
        fc.option(fc.tuple(fc.string({ maxLength: 6 }), anyValue), { nil: undefined, freq: 3 }),
      )
      .map((values) => {
        const unknown = values.pop() as [string, unknown] | undefined;
        const object = Object.fromEntries(fields.map((f, i) => [f.name, values[i]]).filter(([, v]) => v !== undefined));
        return unknown ? { ...object, [unknown[0]]: unknown[1] } : object;
      });
  } else if (type instanceof GraphQLScalarType) {
    right = type.name === 'Int' || type.name === 'SafeInt' || type.name === 'Float' ? nastyNumber : type.name === 'Boolean' ? fc.boolean() : nastyString();
  } else right = anyValue;
  return fc.oneof({ weight: 5, arbitrary: right }, { weight: 1, arbitrary: wrong });
}

// ---------------------------------------------------------------- GraphQL requests

interface GqlOperation {
  readonly kind: 'query' | 'mutation' | 'subscription';
  readonly field: GraphQLField<unknown, unknown>;
}

const operations = (schema: GraphQLSchema): GqlOperation[] => [
  ...Object.values(schema.getQueryType()?.getFields() ?? {}).map((field) => ({ kind: 'query' as const, field })),
  ...Object.values(schema.getMutationType()?.getFields() ?? {}).map((field) => ({ kind: 'mutation' as const, field })),
  ...Object.values(schema.getSubscriptionType()?.getFields() ?? {}).map((field) => ({ kind: 'subscription' as const, field })),
];

/** A GraphQL literal for a value (JSON's syntax for strings; names must be GraphQL names). */
function literal(value: unknown, depth = 0): string {
  if (value === null || value === undefined || depth > 600) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '0';
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map((v) => literal(v, depth + 1)).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([k]) => /^[_A-Za-z][_0-9A-Za-z]*$/.test(k));
  return `{${entries.map(([k, v]) => `${k}: ${literal(v, depth + 1)}`).join(', ')}}`;
}

const selection = (op: GqlOperation) => {
  const named = getNamedType(op.field.type);
  return isObjectType(named) || isAbstractType(named) ? ' { __typename }' : '';
};

interface GqlRequest {
  readonly query: string;
  readonly variables: Record<string, unknown>;
}

function gqlRequest(op: GqlOperation): fc.Arbitrary<GqlRequest> {
  const args = op.field.args as readonly GraphQLArgument[];
  const values = fc.tuple(...args.map((a) => fc.option(valueFor(a.type), { nil: undefined, freq: 6 })));
  const extra = fc.option(fc.tuple(fc.constantFrom('bogus', 'x', 'id2'), anyValue), { nil: undefined, freq: 4 });
  return fc
    .record({ values, extra, inline: fc.boolean(), aliases: fc.oneof({ weight: 6, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.integer({ min: 2, max: 40 }) }) })
    .map(({ values, extra, inline, aliases }) => {
      const used = args.map((a, i) => [a, values[i]] as const).filter(([, v]) => v !== undefined);
      const call = (alias: string) => {
        const list = used.map(([a, v]) => `${a.name}: ${inline ? literal(v) : `$${a.name}`}`);
        if (extra) list.push(`${extra[0]}: ${literal(extra[1])}`);
        return `${alias}${op.field.name}${list.length ? `(${list.join(', ')})` : ''}${selection(op)}`;
      };
      const declarations = inline || used.length === 0 ? '' : `(${used.map(([a]) => `$${a.name}: ${a.type.toString()}`).join(', ')})`;
      const body = Array.from({ length: aliases }, (_, i) => call(aliases > 1 ? `a${i}: ` : '')).join(' ');
      return { query: `${op.kind}${declarations} { ${body} }`, variables: inline ? {} : Object.fromEntries(used.map(([a, v]) => [a.name, v])) };
    });
}

async function sendGraphql(role: string, op: GqlOperation, req: GqlRequest): Promise<void> {
  const before = await fuzzEvents();
  let call = request(t.url).post('/graphql').set('content-type', 'application/json');
  if (tokens[role]) call = call.set('authorization', `Bearer ${tokens[role]}`);
  const res = await call.send(JSON.stringify(req));
  requests++;
  const where = `${role} ${op.kind} ${op.field.name}: ${JSON.stringify(req).slice(0, 400)}`;
  const body = (res.body ?? {}) as { data?: Record<string, unknown> | null; errors?: { extensions?: { code?: string } }[] };
  const codes = (body.errors ?? []).map((e) => e.extensions?.code);
  if (res.status >= 500 || codes.some((c) => c === 'INTERNAL' || c === 'INTERNAL_SERVER_ERROR')) {
    throw new Error(`${res.status} ${JSON.stringify(body).slice(0, 300)} for ${where}`);
  }
  const refused = res.status >= 400 || (body.errors?.length && (!body.data || Object.values(body.data).every((v) => v === null)));
  if (refused && op.kind === 'mutation') {
    const after = await fuzzEvents();
    if (after !== before) throw new Error(`a refused request wrote ${after - before} event(s): ${where}`);
  }
}

// ---------------------------------------------------------------- REST requests

interface RestOperation {
  readonly method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  readonly path: string;
  readonly params: readonly { name: string; in: string; schema?: JsonSchema }[];
  readonly body?: JsonSchema;
}
interface JsonSchema {
  $ref?: string;
  type?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  enum?: unknown[];
}

function restOperations(doc: { paths: Record<string, Record<string, any>>; components?: { schemas?: Record<string, JsonSchema> } }): {
  ops: RestOperation[];
  resolve: (s: JsonSchema) => JsonSchema;
} {
  const resolve = (s: JsonSchema): JsonSchema => (s.$ref ? (doc.components?.schemas?.[s.$ref.split('/').pop()!] ?? {}) : s);
  const ops: RestOperation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      ops.push({ method: method as RestOperation['method'], path, params: op.parameters ?? [], body: op.requestBody?.content?.['application/json']?.schema });
    }
  }
  return { ops, resolve };
}

function jsonValue(schema: JsonSchema | undefined, resolve: (s: JsonSchema) => JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 4) return anyValue;
  const s = resolve(schema);
  let right: fc.Arbitrary<unknown>;
  if (s.enum) right = fc.constantFrom(...s.enum);
  else if (s.type === 'object' || s.properties) {
    const entries = Object.entries(s.properties ?? {});
    right = fc
      .tuple(
        ...entries.map(([, p]) => fc.option(jsonValue(p, resolve, depth + 1), { nil: undefined, freq: 4 })),
        fc.option(fc.tuple(fc.string({ maxLength: 6 }), anyValue), { nil: undefined, freq: 3 }),
      )
      .map((values) => {
        const unknown = values.pop() as [string, unknown] | undefined;
        const object = Object.fromEntries(entries.map(([k], i) => [k, values[i]]).filter(([, v]) => v !== undefined));
        return unknown ? { ...object, [unknown[0]]: unknown[1] } : object;
      });
  } else if (s.type === 'array') right = fc.array(jsonValue(s.items, resolve, depth + 1), { maxLength: 3 });
  else if (s.type === 'integer' || s.type === 'number') right = nastyNumber;
  else if (s.type === 'boolean') right = fc.boolean();
  else right = nastyString();
  return fc.oneof({ weight: 5, arbitrary: right }, { weight: 1, arbitrary: anyValue });
}

/** Percent-encoding; a lone surrogate (which has no UTF-8) is sent as %00 instead. */
const encode = (v: string) => encodeURIComponent(v.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\u0000'));

interface RestRequest {
  readonly url: string;
  readonly body: unknown;
}

function restRequest(op: RestOperation, resolve: (s: JsonSchema) => JsonSchema): fc.Arbitrary<RestRequest> {
  const paramValue = fc.oneof(nastyString(), nastyNumber.map(String));
  return fc
    .record({
      path: fc.tuple(...op.params.filter((p) => p.in === 'path').map(() => paramValue)),
      query: fc.tuple(...op.params.filter((p) => p.in === 'query').map(() => fc.option(paramValue, { nil: undefined, freq: 3 }))),
      extraQuery: fc.option(fc.tuple(fc.constantFrom('bogus', 'x[y]', '__proto__'), paramValue), { nil: undefined, freq: 4 }),
      body: op.body ? jsonValue(op.body, resolve) : fc.option(anyValue, { nil: undefined, freq: 3 }),
    })
    .map(({ path, query, extraQuery, body }) => {
      let i = 0;
      const filled = op.path.replace(/\{[^}]+\}/g, () => encode(path[i++] ?? '') || 'x');
      const pairs = op.params
        .filter((p) => p.in === 'query')
        .map((p, j) => [p.name, query[j]] as const)
        .filter(([, v]) => v !== undefined) as [string, string][];
      if (extraQuery) pairs.push(extraQuery);
      const qs = pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');
      return { url: `${filled}${qs ? `?${qs}` : ''}`, body };
    });
}

async function sendRest(role: string, op: RestOperation, req: RestRequest): Promise<void> {
  const before = await fuzzEvents();
  let call = request(t.url)[op.method](req.url);
  if (tokens[role]) call = call.set('authorization', `Bearer ${tokens[role]}`);
  const res = req.body === undefined || op.method === 'get' ? await call : await call.set('content-type', 'application/json').send(JSON.stringify(req.body) ?? 'null');
  requests++;
  const where = `${role} ${op.method.toUpperCase()} ${req.url.slice(0, 200)} ${JSON.stringify(req.body)?.slice(0, 300)}`;
  if (res.status >= 500) throw new Error(`${res.status} ${res.text.slice(0, 300)} for ${where}`);
  if (res.status >= 400 && op.method !== 'get') {
    const after = await fuzzEvents();
    if (after !== before) throw new Error(`a refused request wrote ${after - before} event(s): ${where}`);
  }
}

// ---------------------------------------------------------------- the properties

const pairsOf = <T>(ops: readonly T[]) => ops.flatMap((op) => [...ROLES, 'anonymous'].map((role) => [op, role] as const));

describe('generated requests (issue 11): no 5xx, no INTERNAL, no event from a refused request', () => {
  it('GraphQL: every query, mutation and subscription field, for every role and none', async () => {
    const schema = t.app.get(GraphQLSchemaHost).schema;
    const ops = operations(schema);
    expect(ops.length).toBeGreaterThan(40);
    // One sweep: each operation once per role.
    for (const [op, role] of pairsOf(ops)) {
      const [req] = fc.sample(gqlRequest(op), { numRuns: 1, seed: SEED + requests });
      await sendGraphql(role, op, req!);
    }
    // Then random operations, roles and values; fast-check prints the seed and the shrunk request.
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...pairsOf(ops)).chain(([op, role]) => gqlRequest(op).map((req) => ({ op, role, req }))),
        async ({ op, role, req }) => sendGraphql(role, op, req),
      ),
      { seed: SEED, numRuns: Math.ceil(RANDOM_RUNS / 2), endOnFailure: true },
    );
  }, 600_000);

  it('REST: every route in the OpenAPI document, for every role and none', async () => {
    const doc = (await request(t.url).get('/docs/openapi.json').expect(200)).body;
    const { ops, resolve } = restOperations(doc);
    expect(ops.length).toBeGreaterThan(20);
    for (const [op, role] of pairsOf(ops)) {
      const [req] = fc.sample(restRequest(op, resolve), { numRuns: 1, seed: SEED + requests });
      await sendRest(role, op, req!);
    }
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...pairsOf(ops)).chain(([op, role]) => restRequest(op, resolve).map((req) => ({ op, role, req }))),
        async ({ op, role, req }) => sendRest(role, op, req),
      ),
      { seed: SEED + 1, numRuns: Math.ceil(RANDOM_RUNS / 2), endOnFailure: true },
    );
  }, 600_000);
});
