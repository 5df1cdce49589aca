import { parse as parseQuery } from 'node:querystring';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findUnstorableText } from '../../domain/shared/text.js';
import { tokenRefusal } from '../graphql/graphql-edge.js';

/** How deep a JSON body may nest (objects and arrays); deeper bodies are refused before parsing. */
export const MAX_JSON_DEPTH = 32;

/** A refusal at the edge: status, stable code, the field it is about. */
export class InputRefused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * True when the JSON text in `buf` nests objects/arrays deeper than `max`. A byte scan that
 * skips strings: no recursion, no allocation, linear in the body.
 */
export function jsonTooDeep(buf: Uint8Array, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped byte
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** The reason a request's text cannot be accepted (NUL, lone surrogate), with its field. */
export function unstorableInRequest(req: { path: string; query: unknown; body: unknown }): InputRefused | undefined {
  for (const segment of req.path.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return new InputRefused(400, 'INVALID_TEXT', 'path', `the path segment "${segment.slice(0, 40)}" is not valid percent-encoded UTF-8`);
    }
    const found = findUnstorableText(decoded);
    if (found) return new InputRefused(400, 'INVALID_TEXT', 'path', `a path segment ${found.reason}`);
  }
  const inQuery = findUnstorableText(req.query, 'query', 16);
  if (inQuery) return new InputRefused(400, 'INVALID_TEXT', inQuery.path, `${inQuery.path} ${inQuery.reason}`);
  const inBody = findUnstorableText(req.body, '', MAX_JSON_DEPTH + 1);
  if (inBody) return new InputRefused(400, 'INVALID_TEXT', inBody.path || 'body', `${inBody.path || 'the body'} ${inBody.reason}`);
  const reserved = findReservedKey(req.query, 'query', 16) ?? findReservedKey(req.body, '', MAX_JSON_DEPTH + 1);
  if (reserved) return new InputRefused(400, 'INVALID_FIELD_NAME', reserved, `${reserved}: no field of this API has that name`);
  return undefined;
}

/**
 * Names no field of ours has and that reach an object's prototype machinery: a body naming one
 * made class-transformer throw (a 500) before validation could refuse it.
 */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The path of the first key in RESERVED_KEYS, walking at most `maxDepth` levels; undefined when none. */
export function findReservedKey(value: unknown, path: string, maxDepth: number): string | undefined {
  if (value === null || typeof value !== 'object' || maxDepth <= 0) return undefined;
  const entries = Array.isArray(value) ? value.map((v, i) => [`[${i}]`, v] as const) : Object.entries(value).map(([k, v]) => [k, v] as const);
  for (const [key, inner] of entries) {
    const at = key.startsWith('[') ? `${path}${key}` : path ? `${path}.${key}` : key;
    if (!key.startsWith('[') && RESERVED_KEYS.has(key)) return at;
    const found = findReservedKey(inner, at, maxDepth - 1);
    if (found) return found;
  }
  return undefined;
}

/** The path of a request URL, without its query string. */
export function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/**
 * Writes a refusal as RFC 7807 problem+json. On /graphql the same body also carries GraphQL's
 * `errors` (with `extensions.code`), so both kinds of client read it.
 */
export function sendRefusal(request: FastifyRequest, reply: FastifyReply, refusal: InputRefused): FastifyReply {
  return reply
    .code(refusal.status)
    .type('application/problem+json')
    .send(JSON.stringify({ ...refusalProblem(refusal, pathOf(request.url)), ...graphqlErrors(refusal, pathOf(request.url)) }));
}

/** The problem body of a refusal at the edge (RFC 7807), as `toProblem` gives it for the exception filter too. */
export function refusalProblem(refusal: InputRefused, instance?: string) {
  return {
    type: `https://tandem.dev/problems/${refusal.code.toLowerCase().replaceAll('_', '-')}`,
    title: refusal.status === 413 ? 'payload too large' : refusal.status === 415 ? 'unsupported media type' : 'bad request',
    status: refusal.status,
    detail: refusal.message,
    code: refusal.code,
    field: refusal.field,
    ...(instance ? { instance } : {}),
  };
}

/** GraphQL's `errors` beside the problem, for a refusal of a request to /graphql. */
export function graphqlErrors(refusal: InputRefused, path: string) {
  return path === '/graphql' ? { errors: [{ message: refusal.message, extensions: { code: refusal.code, status: refusal.status, field: refusal.field } }] } : {};
}

/**
 * Fastify's own refusals of a body (too large, a media type no parser takes, a bad
 * Content-Length) as refusals of ours; undefined for anything else.
 */
export function parserRefusal(error: unknown): InputRefused | undefined {
  if (error instanceof InputRefused) return error;
  const e = error as { statusCode?: number; code?: string; message?: string };
  if (typeof e?.code !== 'string' || !e.code.startsWith('FST_ERR_CTP_') || typeof e.statusCode !== 'number' || e.statusCode >= 500) return undefined;
  if (e.statusCode === 413) return new InputRefused(413, 'PAYLOAD_TOO_LARGE', 'body', 'the body is larger than this endpoint takes');
  if (e.statusCode === 415) return new InputRefused(415, 'UNSUPPORTED_MEDIA_TYPE', 'body', 'the body is of a media type this endpoint does not take');
  return new InputRefused(e.statusCode, 'BAD_REQUEST', 'body', e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? 'the body is empty but says it is JSON' : 'the body cannot be read');
}

/**
 * The edge rule for every HTTP transport (REST, GraphQL over POST and GET, the public help form),
 * installed on the Fastify instance before any route: JSON bodies are parsed here, JSON deeper
 * than MAX_JSON_DEPTH is refused before it is parsed (400 JSON_TOO_DEEP) and broken JSON is a 400
 * BAD_REQUEST; forms are parsed as flat key/value pairs; any other media type is left unread for
 * its route (tus uploads stream their bytes). Then any NUL or unpaired surrogate in a path
 * segment, query parameter or body string or key is refused (400 INVALID_TEXT naming the field),
 * and a GraphQL document of too many tokens (400 TOO_MANY_TOKENS). Bodies past `bodyLimit` bytes
 * are Fastify's 413, answered as PAYLOAD_TOO_LARGE by the exception filter (`parserRefusal`).
 */
export function installInputGuard(fastify: FastifyInstance, options: { bodyLimit: number }): void {
  fastify.removeContentTypeParser(['application/json', 'text/plain']);
  const json = (_request: FastifyRequest, body: string | Buffer, done: (error: Error | null, body?: unknown) => void) => {
    const bytes = body as Buffer;
    if (jsonTooDeep(bytes, MAX_JSON_DEPTH)) return done(new InputRefused(400, 'JSON_TOO_DEEP', 'body', `the body nests deeper than ${MAX_JSON_DEPTH} levels`));
    const text = bytes.toString('utf8');
    // As Express's parser did: an empty body is {}, and only an object or an array is a body.
    if (text.trim() === '') return done(null, {});
    const first = text.trimStart()[0];
    if (first !== '{' && first !== '[') return done(new InputRefused(400, 'BAD_REQUEST', 'body', 'the body is not a JSON object or array'));
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new InputRefused(400, 'BAD_REQUEST', 'body', 'the body is not valid JSON'));
    }
  };
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: options.bodyLimit }, json);
  fastify.addContentTypeParser(/^application\/[^;\s]+\+json$/, { parseAs: 'buffer', bodyLimit: options.bodyLimit }, json);
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: options.bodyLimit }, (_request, body, done) => {
    done(null, { ...parseQuery(body as string) });
  });
  // Anything else is the route's to read (tus PATCH bodies) or to refuse by validation.
  fastify.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
  fastify.addHook('preValidation', async (request, reply) => {
    const path = pathOf(request.url);
    const refusal = unstorableInRequest({ path, query: request.query, body: request.body });
    if (refusal) return sendRefusal(request, reply, refusal);
    if (path === '/graphql') {
      const tooLong = tokenRefusal((request.body as { query?: unknown } | undefined)?.query ?? (request.query as { query?: unknown } | undefined)?.query);
      if (tooLong) return sendRefusal(request, reply, new InputRefused(400, 'TOO_MANY_TOKENS', 'query', tooLong.message));
    }
    return undefined;
  });
}
