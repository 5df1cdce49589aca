import { parse as parseQuery } from 'node:querystring';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { HttpException } from '@nestjs/common';
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

/** A URL with the values of credential-like query parameters (token, access_token, ...) replaced, any case. */
export function withoutCredentials(url: string | undefined): string | undefined {
  return url?.replace(/([?&][^=&]*(?:token|secret|password|auth|key)[^=&]*=)[^&]*/gi, '$1[redacted]');
}

/**
 * The path a request is about, as the router sees it: the matched route's pattern
 * (`/graphql`, `/api/v1/sessions/:id`), or for a request no route matched the URL's path
 * percent-decoded, in lower case and without a trailing slash. Rules for a path (no-store,
 * the CSP, GraphQL's token limit) test this, so `/%67raphql/` is `/graphql` for them as for
 * the router.
 */
export function routePath(request: FastifyRequest): string {
  const pattern = request.routeOptions.url;
  if (pattern && pattern !== '/*') return pattern.toLowerCase();
  let path = pathOf(request.url);
  try {
    path = decodeURI(path);
  } catch {
    // left as sent: the router refused it already, or it names nothing
  }
  path = path.toLowerCase();
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/** What the edge keeps on Fastify's request for the request's log line. */
interface Refused {
  problemCode?: string;
}

/**
 * Writes a refusal as RFC 7807 problem+json, and names its code for the request's log line. On
 * /graphql the same body also carries GraphQL's `errors` (with `extensions.code`), so both
 * kinds of client read it.
 */
export function sendRefusal(request: FastifyRequest, reply: FastifyReply, refusal: InputRefused): FastifyReply {
  (request as unknown as Refused).problemCode = refusal.code;
  return reply
    .code(refusal.status)
    .type('application/problem+json')
    .send(JSON.stringify({ ...refusalProblem(refusal, pathOf(request.url)), ...graphqlErrors(refusal, routePath(request)) }));
}

/** The problem body of a refusal at the edge (RFC 7807), as `toProblem` gives it for the exception filter too. */
export function refusalProblem(refusal: InputRefused, instance?: string) {
  return {
    type: `https://tandem.dev/problems/${refusal.code.toLowerCase().replaceAll('_', '-')}`,
    title: refusal.status === 413 ? 'payload too large' : refusal.status === 414 ? 'uri too long' : refusal.status === 415 ? 'unsupported media type' : 'bad request',
    status: refusal.status,
    detail: refusal.message,
    code: refusal.code,
    field: refusal.field,
    ...(instance ? { instance } : {}),
  };
}

/** GraphQL's `errors` beside the problem, for a refusal of a request to /graphql (`routePath`). */
export function graphqlErrors(refusal: InputRefused, path: string) {
  return path === '/graphql' ? { errors: [{ message: refusal.message, extensions: { code: refusal.code, status: refusal.status, field: refusal.field } }] } : {};
}

/**
 * A body Fastify could not read, as a refusal of ours: too large (413), a media type no parser
 * takes (415), a bad Content-Length, a client that stopped sending, a compressed body that does
 * not inflate (400). Nest's Fastify adapter hands Fastify's own errors over wrapped in an
 * HttpException; the cause is unwrapped. Undefined for anything else.
 */
export function parserRefusal(error: unknown): InputRefused | undefined {
  if (error instanceof InputRefused) return error;
  const cause = error instanceof HttpException ? error.cause : error;
  if (cause instanceof InputRefused) return cause;
  const e = cause as { statusCode?: unknown; code?: unknown } | undefined;
  if (!e || typeof e !== 'object' || typeof e.statusCode !== 'number' || e.statusCode < 400 || e.statusCode >= 500) return undefined;
  // Ours are HttpExceptions thrown on purpose; only Fastify's reading of the body is in scope here.
  const fromFastify = typeof e.code === 'string' && e.code.startsWith('FST_ERR_CTP_');
  if (!fromFastify && error instanceof HttpException) return undefined;
  if (e.statusCode === 413) return new InputRefused(413, 'PAYLOAD_TOO_LARGE', 'body', 'the body is larger than this endpoint takes');
  if (e.statusCode === 415) return new InputRefused(415, 'UNSUPPORTED_MEDIA_TYPE', 'body', 'the body is of a media type this endpoint does not take');
  return new InputRefused(400, 'BAD_REQUEST', 'body', e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? 'the body is empty but says it is JSON' : 'the body cannot be read');
}

/** `application/json`, and any `application/<x>+json`, with or without parameters (RFC 6839). */
const JSON_TYPE = /^application\/(?:json|[^;\s/]+\+json)\s*(?:;|$)/i;
const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(?:;|$)/i;

/** The charset parameter of a Content-Type, lower case; undefined when it names none. */
function charsetOf(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return match?.[1]?.toLowerCase();
}

/**
 * The edge rule for every HTTP transport (REST, GraphQL over POST and GET, the public help form),
 * installed on the Fastify instance before any route:
 * - JSON and form bodies compressed with gzip, deflate or br are inflated (as Express's parsers
 *   did); another Content-Encoding is 415 UNSUPPORTED_MEDIA_TYPE naming the header, and so is a
 *   charset other than UTF-8;
 * - JSON deeper than MAX_JSON_DEPTH is refused before it is parsed (400 JSON_TOO_DEEP); broken
 *   JSON, or JSON that is not an object or an array, is 400 BAD_REQUEST; a UTF-8 byte order mark
 *   is skipped; an empty body is `{}`;
 * - forms are parsed as flat key/value pairs; any other media type is left unread for its route
 *   (tus uploads stream their bytes);
 * - then any NUL or unpaired surrogate in a path segment, query parameter or body string or key
 *   is refused (400 INVALID_TEXT naming the field), and a GraphQL document of too many tokens
 *   (400 TOO_MANY_TOKENS).
 * Bodies past `bodyLimit` bytes (after inflating) are Fastify's 413, answered as
 * PAYLOAD_TOO_LARGE by the exception filter (`parserRefusal`).
 */
export function installInputGuard(fastify: FastifyInstance, options: { bodyLimit: number }): void {
  fastify.addHook('preParsing', async (request, _reply, payload) => {
    const encoding = String(request.headers['content-encoding'] ?? 'identity')
      .trim()
      .toLowerCase();
    const type = request.headers['content-type'];
    if (encoding === 'identity' || !(JSON_TYPE.test(type ?? '') || FORM_TYPE.test(type ?? ''))) return payload;
    const inflate =
      encoding === 'gzip' || encoding === 'x-gzip' ? createGunzip() : encoding === 'deflate' ? createInflate() : encoding === 'br' ? createBrotliDecompress() : undefined;
    if (!inflate)
      throw new InputRefused(415, 'UNSUPPORTED_MEDIA_TYPE', 'Content-Encoding', `a body encoded as ${encoding.slice(0, 40)} cannot be read: send gzip, deflate, br or none`);
    // The body limit counts the inflated bytes: the sent length says nothing about them.
    delete request.headers['content-length'];
    payload.on('error', (error) => inflate.destroy(error));
    return payload.pipe(inflate);
  });
  fastify.removeContentTypeParser(['application/json', 'text/plain']);
  const json = (request: FastifyRequest, body: string | Buffer, done: (error: Error | null, body?: unknown) => void) => {
    const charset = charsetOf(request.headers['content-type']);
    if (charset && charset !== 'utf-8' && charset !== 'utf8')
      return done(new InputRefused(415, 'UNSUPPORTED_MEDIA_TYPE', 'Content-Type', `JSON bodies are UTF-8, not ${charset.slice(0, 40)}`));
    const bytes = body as Buffer;
    if (jsonTooDeep(bytes, MAX_JSON_DEPTH)) return done(new InputRefused(400, 'JSON_TOO_DEEP', 'body', `the body nests deeper than ${MAX_JSON_DEPTH} levels`));
    let text = bytes.toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
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
  fastify.addContentTypeParser(JSON_TYPE, { parseAs: 'buffer', bodyLimit: options.bodyLimit }, json);
  fastify.addContentTypeParser(FORM_TYPE, { parseAs: 'string', bodyLimit: options.bodyLimit }, (_request, body, done) => {
    done(null, { ...parseQuery(body as string) });
  });
  // Anything else is the route's to read (tus PATCH bodies) or to refuse by validation.
  fastify.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
  fastify.addHook('preValidation', async (request, reply) => {
    const refusal = unstorableInRequest({ path: pathOf(request.url), query: request.query, body: request.body });
    if (refusal) return sendRefusal(request, reply, refusal);
    if (routePath(request) === '/graphql') {
      const tooLong = tokenRefusal((request.body as { query?: unknown } | undefined)?.query ?? (request.query as { query?: unknown } | undefined)?.query);
      if (tooLong) return sendRefusal(request, reply, new InputRefused(400, 'TOO_MANY_TOKENS', 'query', tooLong.message));
    }
    return undefined;
  });
}
