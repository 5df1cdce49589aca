import express from 'express';
import type { NextFunction, Request, Response } from 'express';
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
export function unstorableInRequest(req: Pick<Request, 'path' | 'query' | 'body'>): InputRefused | undefined {
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

/**
 * Writes a refusal as RFC 7807 problem+json. On /graphql the same body also carries GraphQL's
 * `errors` (with `extensions.code`), so both kinds of client read it.
 */
export function sendRefusal(req: Request, res: Response, refusal: InputRefused): void {
  const problem = {
    type: `https://tandem.dev/problems/${refusal.code.toLowerCase().replaceAll('_', '-')}`,
    title: refusal.status === 413 ? 'payload too large' : 'bad request',
    status: refusal.status,
    detail: refusal.message,
    code: refusal.code,
    field: refusal.field,
    instance: req.path,
  };
  const graphql = req.path === '/graphql' ? { errors: [{ message: refusal.message, extensions: { code: refusal.code, status: refusal.status, field: refusal.field } }] } : {};
  res
    .status(refusal.status)
    .type('application/problem+json')
    .send(JSON.stringify({ ...problem, ...graphql }));
}

/** body-parser errors (bad JSON, too large, bad charset) as refusals; anything else is passed on. */
function parserRefusal(error: unknown): InputRefused | undefined {
  if (error instanceof InputRefused) return error;
  const e = error as { status?: number; type?: string; message?: string };
  if (typeof e?.status !== 'number' || e.status >= 500) return undefined;
  const code = e.status === 413 ? 'PAYLOAD_TOO_LARGE' : e.status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'BAD_REQUEST';
  return new InputRefused(e.status, code, 'body', e.type === 'entity.parse.failed' ? 'the body is not valid JSON' : (e.message ?? 'the body cannot be read'));
}

/**
 * The edge rule for every HTTP transport (REST, GraphQL over POST and GET, the public help form):
 * bodies are parsed here, JSON deeper than MAX_JSON_DEPTH is refused before it is parsed
 * (400 JSON_TOO_DEEP), and any NUL or unpaired surrogate in a path segment, query parameter or
 * body string or key is refused (400 INVALID_TEXT naming the field). Returns the middlewares in
 * order; their names tell NestJS its own parsers are not needed.
 */
export function inputGuard(options: { limit: string }): ((req: Request, res: Response, next: NextFunction) => void)[] {
  const json = express.json({
    limit: options.limit,
    verify: (_req, _res, buf) => {
      if (jsonTooDeep(buf, MAX_JSON_DEPTH)) throw new InputRefused(400, 'JSON_TOO_DEEP', 'body', `the body nests deeper than ${MAX_JSON_DEPTH} levels`);
    },
  });
  const urlencoded = express.urlencoded({ limit: options.limit, extended: false });
  const parse = (parser: typeof json) => (req: Request, res: Response, next: NextFunction) =>
    parser(req, res, (error?: unknown) => {
      if (!error) return next();
      const refusal = parserRefusal(error);
      return refusal ? sendRefusal(req, res, refusal) : next(error);
    });
  const jsonParse = parse(json);
  const urlencodedParse = parse(urlencoded);
  return [
    function jsonParser(req, res, next) {
      jsonParse(req, res, next);
    },
    function urlencodedParser(req, res, next) {
      urlencodedParse(req, res, next);
    },
    function storableText(req, res, next) {
      const refusal = unstorableInRequest(req);
      if (refusal) return sendRefusal(req, res, refusal);
      if (req.path === '/graphql') {
        const tooLong = tokenRefusal((req.body as { query?: unknown } | undefined)?.query ?? req.query.query);
        if (tooLong) return sendRefusal(req, res, new InputRefused(400, 'TOO_MANY_TOKENS', 'query', tooLong.message));
      }
      next();
    },
  ];
}
