import 'reflect-metadata';
import type { INestApplication, Type } from '@nestjs/common';
import { PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { TypeMetadataStorage } from '@nestjs/graphql';
import { DocumentBuilder, type OpenAPIObject, type OperationObject, type ParameterObject, type ResponseObject, type SchemaObject, SwaggerModule } from '@nestjs/swagger';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage.js';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import {
  getNamedType,
  type GraphQLField,
  GraphQLEnumType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLScalarType,
  type GraphQLSchema,
  type GraphQLOutputType,
} from 'graphql';
import { PUBLIC_KEY, ROLES_KEY } from '../auth/auth.decorators.js';
import { REST_COMMANDS, SESSION_COMMANDS } from '../sessions/session.types.js';

/**
 * The problem+json body every REST error answers with (RFC 9457, formerly 7807), as
 * `ProblemFilter` renders it: a stable `code` for programs, `detail` for people, `field` naming the
 * input at fault, `retryAfter` (seconds) on 429 and 503, `traceId` to find the request's trace.
 */
export const PROBLEM_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: {
      type: 'string',
      description: 'A URI naming the kind of problem (https://tandem.dev/problems/<code>), or about:blank',
      example: 'https://tandem.dev/problems/session-not-found',
    },
    title: { type: 'string', description: 'Short category: validation, forbidden, not found, illegal state, concurrency, bad request, ...', example: 'not found' },
    status: { type: 'integer', minimum: 400, maximum: 599, description: 'The HTTP status, repeated', example: 404 },
    detail: { type: 'string', description: 'What went wrong, for a person', example: 'no session 0190f2c4-...' },
    code: {
      type: 'string',
      pattern: '^[A-Z][A-Z0-9_]*$',
      description: 'Stable machine-readable code (e.g. VALIDATION_FAILED, UNAUTHENTICATED, SESSION_NOT_FOUND, SESSION_ENDED, RATE_LIMITED, DATABASE_UNAVAILABLE)',
      example: 'SESSION_NOT_FOUND',
    },
    field: { type: 'string', description: 'The input field at fault, when one is', example: 'toUserId' },
    details: { type: 'object', additionalProperties: true, description: 'Rule-specific facts (limits, ids)' },
    errors: {
      type: 'array',
      description: 'Every failed input rule (400 from validation)',
      items: { type: 'object', properties: { field: { type: 'string' }, constraints: { type: 'object', additionalProperties: { type: 'string' } } } },
    },
    retryAfter: { type: 'integer', minimum: 0, description: 'Seconds until the request may be repeated (429, 503); also sent as Retry-After' },
    instance: { type: 'string', description: 'The request path' },
    traceId: { type: 'string', pattern: '^[0-9a-f]{32}$', description: 'W3C trace id of the request (OpenTelemetry), also in the log lines it wrote' },
  },
};

/** Which errors a status stands for, shown on every operation that may answer it. */
const PROBLEM_STATUSES: Record<number, string> = {
  400: 'Malformed or invalid input (BAD_REQUEST, with `errors` per field; body too deep or not storable text)',
  401: 'No valid bearer token (UNAUTHENTICATED)',
  403: 'The caller may not do this (FORBIDDEN or a rule-specific code)',
  404: 'Nothing by that id that the caller may see (NOT_FOUND or e.g. SESSION_NOT_FOUND)',
  409: 'The state does not allow it now (illegal state, e.g. SESSION_ENDED) or a concurrent change won (concurrency)',
  422: 'Well-formed but breaks a rule (validation category; `field` names the input)',
  429: 'Too many attempts (RATE_LIMITED); Retry-After says when to try again',
  500: 'A fault on our side (INTERNAL); the traceId finds it in the logs',
  503: 'The database is unavailable (DATABASE_UNAVAILABLE); Retry-After says when to try again',
};

const PROBLEM_REF = { $ref: '#/components/schemas/Problem' };
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;

/**
 * The REST API's OpenAPI 3 document, complete: every operation with its success response and its
 * problem+json error responses, request bodies and query DTOs with their validation rules
 * (class-validator metadata), response bodies from the GraphQL object types the REST routes return
 * (the same classes), and one operation per session command.
 *
 * `graphql` is the built schema (the served app's, or one built without starting the app);
 * `controllers` the composition root's controllers, whose @Public/@Roles decide 401/403.
 */
export function openApiDocument(app: INestApplication, graphql: GraphQLSchema, controllers: readonly Type<unknown>[]): OpenAPIObject {
  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Tandem')
      .setDescription('Live remote support sessions: REST API. Errors are application/problem+json (`Problem`). The GraphQL API is at /graphql; its contract is schema.graphql.')
      .setVersion('1')
      .addServer('/')
      .addBearerAuth()
      .build(),
  );
  doc.info.license = { name: 'UNLICENSED' };
  doc.components ??= {};
  const schemas = (doc.components.schemas ??= {}) as Record<string, SchemaObject>;
  schemas.Problem = PROBLEM_SCHEMA;

  const validation = validationMetadatasToSchemas({
    refPointerPrefix: '#/components/schemas/',
    classTransformerMetadataStorage: defaultMetadataStorage as never,
    // Dates arrive as ISO-8601 text (class-transformer makes the Date); one format, not date | date-time.
    additionalConverters: { isDate: { type: 'string', format: 'date-time' } },
  }) as Record<string, SchemaObject>;
  const outputs = new GraphqlOutputs(graphql, schemas);
  const renames = new Map<string, string>();
  // Classes the routes name (@Body, @ApiOkResponse) without @ApiProperty: filled from their
  // validation rules (inputs) or their GraphQL fields (outputs).
  for (const [name, schema] of Object.entries(schemas)) {
    if (!isEmptyObject(schema)) continue;
    const graphqlName = outputs.nameOfClass(name);
    if (graphqlName) {
      outputs.add(graphqlName);
      if (graphqlName !== name) {
        renames.set(name, graphqlName);
        delete schemas[name];
      }
    } else if (validation[name]) schemas[name] = validation[name]!;
  }
  addReferencedValidationSchemas(schemas, validation);

  const routes = routeFacts(controllers);
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const operation = item[method] as OperationObject | undefined;
      if (!operation) continue;
      const route = routes.get(operation.operationId ?? '');
      if (route?.query) addQueryParameters(operation, validation[route.query.name]);
      documentProblems(operation, method, path, route);
      // Public routes say so: no security requirement, rather than none stated.
      if (route?.isPublic && !operation.security) operation.security = [];
    }
  }
  expandSessionCommands(doc, validation);
  const complete = (renames.size ? renameRefs(doc, renames) : doc) as OpenAPIObject;
  const all = complete.components!.schemas as Record<string, SchemaObject>;
  // Routes may name a GraphQL object type by `$ref` (rest-responses.ts), and inputs nest others.
  for (const name of refsIn(complete.paths)) if (!all[name] && graphql.getType(name) instanceof GraphQLObjectType) new GraphqlOutputs(graphql, all).add(name);
  addReferencedValidationSchemas(all, validation);
  const dangling = [...refsIn(complete)].filter((name) => !all[name]);
  if (dangling.length) throw new Error(`OpenAPI: no schema for ${dangling.join(', ')}`);
  return complete;
}

/** A document served at /docs: built on the first request, once the GraphQL schema exists. */
export function lazyOpenApiDocument(build: () => OpenAPIObject): () => OpenAPIObject {
  let doc: OpenAPIObject | undefined;
  return () => (doc ??= build());
}

// ------------------------------------------------------------------ errors

interface RouteFacts {
  readonly isPublic: boolean;
  readonly roles: readonly string[] | undefined;
  /** The DTO class a `@Query() dto: X` argument is validated as. */
  readonly query?: Function;
}

/** What each controller method's decorators say, by Swagger's operation id (`Controller_method`). */
function routeFacts(controllers: readonly Type<unknown>[]): Map<string, RouteFacts> {
  const facts = new Map<string, RouteFacts>();
  for (const controller of controllers) {
    for (const key of Object.getOwnPropertyNames(controller.prototype)) {
      const handler = controller.prototype[key] as unknown;
      if (key === 'constructor' || typeof handler !== 'function' || !Reflect.hasMetadata(PATH_METADATA, handler)) continue;
      const meta = <T>(k: string) => (Reflect.getMetadata(k, handler) ?? Reflect.getMetadata(k, controller)) as T | undefined;
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, key) ?? {}) as Record<string, { index: number; data?: unknown }>;
      const types = (Reflect.getMetadata('design:paramtypes', controller.prototype, key) ?? []) as Function[];
      const whole = Object.entries(args).find(([k, a]) => k.split(':')[0] === String(RouteParamtypes.QUERY) && a.data === undefined);
      const query = whole ? types[whole[1].index] : undefined;
      facts.set(`${controller.name}_${key}`, {
        isPublic: meta<boolean>(PUBLIC_KEY) ?? false,
        roles: meta<string[]>(ROLES_KEY),
        query: query && query !== Object ? query : undefined,
      });
    }
  }
  return facts;
}

/**
 * Adds the problem responses an operation may answer with. Every route may meet bad input (400),
 * a fault (500) and an unavailable database (503); a route needing a token 401; a route of the
 * application 403 and 404 (for ids in its path), and 409/422 when it changes something or takes
 * input. Responses a route documents itself (429, a 503 with its own body) are kept.
 */
function documentProblems(operation: OperationObject, method: string, path: string, route: RouteFacts | undefined): void {
  const responses = operation.responses;
  const operational = /^\/(health|metrics)/.test(path);
  const statuses = new Set<number>([400, 500, 503]);
  if (!route?.isPublic) statuses.add(401);
  if (!operational) {
    statuses.add(403);
    if (path.includes('{')) statuses.add(404);
    if (method !== 'get' && method !== 'head' && method !== 'options') statuses.add(409).add(422);
    if (route?.query || operation.parameters?.some((p) => (p as ParameterObject).in === 'query')) statuses.add(422);
  }
  if (operational && path !== '/health/ready' && path !== '/health') statuses.delete(503);
  for (const status of [...statuses].sort()) if (!responses[status]) responses[status] = { description: PROBLEM_STATUSES[status]! };
  for (const [status, response] of Object.entries(responses)) {
    const r = response as ResponseObject;
    if (Number(status) < 400) {
      if (!r.description) r.description = Number(status) === 204 ? 'Done; no body' : 'Success';
      continue;
    }
    r.description ||= PROBLEM_STATUSES[Number(status)] ?? 'Error';
    r.content ??= { 'application/problem+json': { schema: PROBLEM_REF } };
    if (Number(status) === 429 || Number(status) === 503)
      r.headers ??= { 'Retry-After': { description: 'Seconds until the request may be repeated', schema: { type: 'integer' } } };
  }
}

// ------------------------------------------------------------------ inputs

function addQueryParameters(operation: OperationObject, schema: SchemaObject | undefined): void {
  if (!schema?.properties) return;
  const present = new Set((operation.parameters ?? []).map((p) => (p as ParameterObject).name));
  operation.parameters ??= [];
  for (const [name, property] of Object.entries(schema.properties)) {
    if (present.has(name)) continue;
    operation.parameters.push({ name, in: 'query', required: schema.required?.includes(name) ?? false, schema: property as SchemaObject });
  }
}

/**
 * The generic route `POST /api/v1/sessions/{id}/commands/{command}` becomes one operation per
 * command, each with its own body (the command's arguments less the `id` in the path).
 */
function expandSessionCommands(doc: OpenAPIObject, validation: Record<string, SchemaObject>): void {
  const generic = Object.keys(doc.paths).find((p) => p.startsWith('/api/v1/sessions/') && p.endsWith('/commands/{command}'));
  if (!generic) return;
  const template = doc.paths[generic]!.post as OperationObject;
  delete doc.paths[generic];
  const schemas = doc.components!.schemas as Record<string, SchemaObject>;
  for (const [restName, type] of REST_COMMANDS) {
    const args = SESSION_COMMANDS[type].args;
    const body = `${type}Body`;
    const source = validation[args.name] ?? { type: 'object', properties: {} };
    const { id: _id, ...properties } = (source.properties ?? {}) as Record<string, SchemaObject>;
    schemas[body] = { ...source, properties, required: source.required?.filter((r) => r !== 'id'), additionalProperties: false };
    if (!schemas[body].required?.length) delete schemas[body].required;
    const alias = restName !== kebab(type);
    doc.paths[generic.replace('{command}', restName)] = {
      post: {
        ...template,
        operationId: `SessionsController_command_${restName}`,
        summary: alias ? `${type} (alias of /commands/${kebab(type)})` : type,
        parameters: (template.parameters ?? []).filter((p) => (p as ParameterObject).name !== 'command'),
        requestBody: { required: Boolean(schemas[body].required), content: { 'application/json': { schema: { $ref: `#/components/schemas/${body}` } } } },
      },
    };
  }
}

const kebab = (type: string) => type.replace(/(?<!^)([A-Z])/g, '-$1').toLowerCase();

/** Validation schemas that other schemas point at (nested inputs) become components too. */
function addReferencedValidationSchemas(schemas: Record<string, SchemaObject>, validation: Record<string, SchemaObject>): void {
  for (let added = true; added;) {
    added = false;
    for (const name of refsIn(schemas)) {
      if (!schemas[name] && validation[name]) {
        schemas[name] = validation[name]!;
        added = true;
      }
    }
  }
}

// ------------------------------------------------------------------ outputs

/** GraphQL object types as JSON Schema components: the REST routes return the same classes. */
class GraphqlOutputs {
  private readonly byClass = new Map<string, string>();

  constructor(
    private readonly graphql: GraphQLSchema,
    private readonly schemas: Record<string, SchemaObject>,
  ) {
    for (const meta of TypeMetadataStorage.getObjectTypesMetadata()) this.byClass.set((meta.target as Function).name, meta.name);
  }

  nameOfClass(className: string): string | undefined {
    const name = this.byClass.get(className);
    return name && this.graphql.getType(name) instanceof GraphQLObjectType ? name : undefined;
  }

  /** Adds the object type `name` (its class's own fields, not resolver fields) and what it refers to. */
  add(name: string): void {
    if (this.schemas[name] && !isEmptyObject(this.schemas[name]!)) return;
    const type = this.graphql.getType(name);
    if (!(type instanceof GraphQLObjectType)) throw new Error(`OpenAPI: ${name} is not a GraphQL object type`);
    const meta = TypeMetadataStorage.getObjectTypesMetadata().find((m) => m.name === name);
    // In the class's order (the served schema is sorted, a built one is not: one document either way).
    const all = type.getFields();
    const own = meta?.properties?.map((p) => p.schemaName) ?? Object.keys(all).sort();
    const fields = [...new Set(own)].map((name) => all[name]).filter((f): f is GraphQLField<unknown, unknown> => f !== undefined && f.args.length === 0);
    this.schemas[name] = { type: 'object', ...(type.description ? { description: type.description } : {}), properties: {}, required: [] };
    const schema = this.schemas[name]!;
    for (const field of fields) {
      schema.properties![field.name] = this.field(field);
      if (field.type instanceof GraphQLNonNull) schema.required!.push(field.name);
    }
    if (!schema.required!.length) delete schema.required;
  }

  private field(field: GraphQLField<unknown, unknown>): SchemaObject {
    const schema = this.type(field.type);
    return field.description ? { ...schema, description: field.description } : schema;
  }

  private type(type: GraphQLOutputType, nullable = true): SchemaObject {
    if (type instanceof GraphQLNonNull) return this.type(type.ofType as GraphQLOutputType, false);
    const orNull = (s: SchemaObject): SchemaObject => (nullable ? { ...s, nullable: true } : s);
    if (type instanceof GraphQLList) return orNull({ type: 'array', items: this.type(type.ofType as GraphQLOutputType) });
    const named = getNamedType(type);
    if (named instanceof GraphQLObjectType) {
      this.add(named.name);
      const ref = { $ref: `#/components/schemas/${named.name}` } as SchemaObject;
      return nullable ? { type: 'object', nullable: true, allOf: [ref] } : ref;
    }
    if (named instanceof GraphQLEnumType)
      return orNull({
        type: 'string',
        enum: named
          .getValues()
          .map((v) => v.value as string)
          .sort(),
      });
    if (named instanceof GraphQLScalarType) return orNull(SCALARS[named.name] ?? { type: 'string' });
    return orNull({ type: 'object' });
  }
}

const SCALARS: Record<string, SchemaObject> = {
  String: { type: 'string' },
  ID: { type: 'string' },
  Boolean: { type: 'boolean' },
  Int: { type: 'integer', format: 'int32' },
  Float: { type: 'number' },
  SafeInt: { type: 'integer', minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER },
  DateTime: { type: 'string', format: 'date-time' },
  JSON: { type: 'object', additionalProperties: true },
  JSONObject: { type: 'object', additionalProperties: true },
};

// ------------------------------------------------------------------ helpers

const isEmptyObject = (s: SchemaObject) => s.type === 'object' && !s.allOf && !s.oneOf && Object.keys(s.properties ?? {}).length === 0 && !s.additionalProperties;

function refsIn(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) refsIn(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) out.add(v.slice('#/components/schemas/'.length));
      else refsIn(v, out);
    }
  }
  return out;
}

function renameRefs(value: unknown, renames: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => renameRefs(v, renames));
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) {
        const name = v.slice('#/components/schemas/'.length);
        return [k, `#/components/schemas/${renames.get(name) ?? name}`];
      }
      return [k, renameRefs(v, renames)];
    }),
  );
}
